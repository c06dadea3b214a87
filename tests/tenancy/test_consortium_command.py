"""`interlocal consortium …`: an operator sets up a consortium and its first admin from nothing."""

from __future__ import annotations

import io

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client

from interlocal.accounts.models import Invitation
from interlocal.audit.models import AuditEvent
from interlocal.tenancy.models import Consortium, ConsortiumMember, Membership
from interlocal.tenancy.roles import Role

pytestmark = pytest.mark.django_db

CSV = "name,kind,state,population_approx\nAvon,town,CT,18900\nBolton,town,CT,4900\n"


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("consortium", *args, stdout=out)
    return out.getvalue()


def test_create_takes_the_zone_of_the_province_or_the_one_given():
    assert "time zone America/Edmonton" in run("create", "Foothills", "--region", "AB", "--country", "CA")
    given = run("create", "Lakeland", "--region", "AB", "--country", "CA", "--time-zone", "America/Regina")
    assert "time zone America/Regina" in given
    with pytest.raises(CommandError, match="not a time zone"):
        run("create", "Nowhere COG", "--time-zone", "Mars/Olympus")
    assert not Consortium.objects.filter(name="Nowhere COG").exists()


def test_operator_bootstraps_a_consortium_and_its_first_admin_accepts(
    tmp_path, django_capture_on_commit_callbacks
):
    created = run("create", "Valley COG", "--region", "CT")
    assert "Created Valley COG (slug valley-cog, time zone America/New_York)" in created
    towns = tmp_path / "towns.csv"
    towns.write_text(CSV, encoding="utf-8")
    assert "2 member(s) added" in run("add-members", "valley-cog", str(towns))
    assert "0 member(s) added to Valley COG; 2 already there" in run("add-members", "valley-cog", str(towns))

    with django_capture_on_commit_callbacks(execute=True):
        out = run("invite", "valley-cog", "Admin@Valley.example.org")
    link = out.strip().splitlines()[-1]
    assert link.startswith("http") and "/account/invitations/" in link
    assert mail.outbox and mail.outbox[0].to == ["admin@valley.example.org"]
    invitation = Invitation.objects.get()
    assert invitation.by_operator and invitation.invited_by is None
    assert AuditEvent.objects.filter(
        action="accounts.invitation.sent", actor_label="operator (command line)"
    ).exists()

    path = link.split("://", 1)[1].split("/", 1)[1]
    response = Client().post(
        "/" + path,
        {
            "full_name": "Vera Valley",
            "password1": "a-long-unusual-passphrase",
            "password2": "a-long-unusual-passphrase",
        },
    )
    assert response.status_code in (302, 303), response.content[:500]
    valley = Consortium.objects.get(slug="valley-cog")
    assert Membership.objects.filter(
        user__email="admin@valley.example.org", consortium=valley, role=Role.CONSORTIUM_ADMIN
    ).exists()
    assert "valley-cog" in run("list")


def test_add_members_is_all_or_nothing_and_names_the_line(tmp_path):
    run("create", "Valley COG")
    bad = tmp_path / "bad.csv"
    bad.write_text(CSV + "Canton,village,CT,10100\n", encoding="utf-8")
    with pytest.raises(CommandError, match="line 4: unknown kind 'village'.*Nothing was added"):
        run("add-members", "valley-cog", str(bad))
    assert not ConsortiumMember.objects.exists()


def test_clear_errors_for_unknown_consortium_member_and_role_shape():
    run("create", "Valley COG")
    with pytest.raises(CommandError, match="No consortium with the slug 'nope'"):
        run("invite", "nope", "a@example.org")
    with pytest.raises(CommandError, match="No member with the slug 'ghost'"):
        run("invite", "valley-cog", "a@example.org", "--role", "member_admin", "--member", "ghost")
    with pytest.raises(CommandError, match="held for a member"):
        run("invite", "valley-cog", "a@example.org", "--role", "member_admin")
    with pytest.raises(CommandError, match="exists already"):
        run("create", "Valley COG")
    assert not Invitation.objects.exists()
