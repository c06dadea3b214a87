"""`interlocal demo --load-only`: both regions, one person per role, harmless to run twice."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from interlocal.accounts.models import User
from interlocal.audit.models import AuditEvent
from interlocal.lib.regions import RegionError, read_region_csv
from interlocal.tenancy.demo import DEMO_PASSWORD
from interlocal.tenancy.models import Consortium, ConsortiumMember, Member, Membership
from interlocal.tenancy.roles import Role


@pytest.mark.django_db
def test_demo_loads_both_regions_and_every_role_and_is_idempotent():
    out = io.StringIO()
    call_command("demo", "--load-only", "--no-migrate", stdout=out)
    capitol = Consortium.objects.get(name="Capitol Region IT Service Sharing")
    prairies = Consortium.objects.get(name="MISA Prairies Regional Collaboration")
    assert ConsortiumMember.objects.filter(consortium=capitol).count() == 30
    assert ConsortiumMember.objects.filter(consortium=prairies).count() == 27
    assert Member.objects.get(slug="city-of-calgary-ab").population == 1_307_000
    assert Member.objects.get(slug="strathcona-county-ab").kind == Member.Kind.SPECIALIZED_MUNICIPALITY
    assert set(Membership.objects.values_list("role", flat=True)) == set(Role.values)
    text = out.getvalue()
    assert DEMO_PASSWORD in text and "alice@capitol.example.org" in text
    assert User.objects.get(email="bob@avon.example.org").check_password(DEMO_PASSWORD)

    counts = (
        Member.objects.count(),
        Membership.objects.count(),
        User.objects.count(),
        AuditEvent.objects.count(),
    )
    call_command("demo", "--load-only", "--no-migrate", stdout=io.StringIO())
    again = (
        Member.objects.count(),
        Membership.objects.count(),
        User.objects.count(),
        AuditEvent.objects.count(),
    )
    assert again == counts


def test_region_csv_errors_name_the_line():
    bad = "name,kind,state,population_approx\nAvon,town,CT,18900\n,town,CT,1\nBolton,village,CT,4900\nCanton,town,CT,lots\n"
    with pytest.raises(RegionError) as exc:
        read_region_csv(bad)
    message = str(exc.value)
    assert "line 3: name is empty" in message
    assert "line 4: unknown kind 'village'" in message
    assert "line 5: population 'lots' is not a whole number" in message


def test_region_csv_requires_columns():
    with pytest.raises(RegionError, match="missing column"):
        read_region_csv("name,kind\nAvon,town\n")
