"""Solicitation.ocid is fixed at publication: the first published solicitation of a demand round
continues the round's process; a re-tender after a cancellation is a process of its own."""

from __future__ import annotations

import datetime as dt
from importlib import import_module
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from interlocal.procurement import actions
from interlocal.procurement.models import Solicitation
from tests.procurement.factories import make_entry, make_round

pytestmark = pytest.mark.django_db


def _issue(round_: Any, world: Any, reference: str) -> Solicitation:
    return actions.do_create_solicitation_from_round(
        round_,
        acting_user=world.alice,
        reference_number=reference,
        method="ifb",
        submission_deadline=timezone.now() + dt.timedelta(days=5),
        opening_at=timezone.now() + dt.timedelta(days=5, hours=1),
    )


def test_a_retender_gets_its_own_ocid_and_the_first_keeps_the_rounds(world: Any, client: Any) -> None:
    round_ = make_round(world.capitol, members=(world.avon,))
    make_entry(round_.items.get(line_number=1), world.avon, "1200")
    first = _issue(round_, world, "IFB-SALT-1")
    assert first.ocid == round_.ocid  # a draft shows the process it would continue
    first = actions.do_publish_solicitation(first, acting_user=world.alice)
    assert first.ocds_process == f"round-{round_.pk}" and first.ocid == round_.ocid
    actions.do_cancel_solicitation(first, acting_user=world.alice, reason="Specification error")

    second = actions.do_publish_solicitation(_issue(round_, world, "IFB-SALT-2"), acting_user=world.alice)
    assert second.ocds_process == f"solicitation-{second.pk}"
    assert second.ocid.endswith(f"-solicitation-{second.pk}") and second.ocid != round_.ocid
    first.refresh_from_db()
    assert first.ocid == round_.ocid

    # Pages, the feed and the API show the stored value.
    page = client.get(reverse("procurement:public_solicitation", args=[second.pk])).content.decode()
    assert second.ocid in page and round_.ocid not in page.replace(second.ocid, "")
    assert second.ocid in client.get(reverse("procurement:public_feed")).content.decode()
    answer = client.get(f"/api/v1/procurement/public/solicitations/{second.pk}").json()
    assert answer["ocid"] == second.ocid


def test_reading_the_ocid_runs_no_query(
    world: Any, django_assert_num_queries: Any, solicitation_factory: Any
) -> None:
    sol = solicitation_factory(consortium=world.capitol)
    fresh = Solicitation.objects.get(pk=sol.pk)
    with django_assert_num_queries(0):
        assert fresh.ocid.endswith(f"-solicitation-{sol.pk}")


def test_two_solicitations_cannot_share_a_process(world: Any, solicitation_factory: Any) -> None:
    a = solicitation_factory(consortium=world.capitol, reference_number="A")
    b = solicitation_factory(consortium=world.capitol, reference_number="B")
    with pytest.raises(IntegrityError), transaction.atomic():
        Solicitation.objects.filter(pk=b.pk).update(ocds_process=a.ocds_process)


def test_the_data_migration_stamps_what_was_published(world: Any) -> None:
    round_ = make_round(world.capitol)
    now = timezone.now()
    common = {
        "consortium": world.capitol,
        "submission_deadline": now + dt.timedelta(days=5),
        "opening_at": now + dt.timedelta(days=6),
    }
    first = Solicitation.objects.create(
        reference_number="R1", demand_round=round_, status="cancelled", published_at=now, **common
    )
    retender = Solicitation.objects.create(
        reference_number="R2", demand_round=round_, status="published", published_at=now, **common
    )
    standalone = Solicitation.objects.create(
        reference_number="S1", status="published", published_at=now, **common
    )
    draft = Solicitation.objects.create(reference_number="D1", demand_round=round_, **common)
    migration = import_module("interlocal.procurement.migrations.0004_solicitation_ocds_process")
    migration.stamp_published(django_apps, None)
    stamped = dict(Solicitation.objects.values_list("reference_number", "ocds_process"))
    assert stamped == {
        "R1": f"round-{round_.pk}",
        "R2": f"solicitation-{retender.pk}",
        "S1": f"solicitation-{standalone.pk}",
        "D1": "",
    }
    assert first.pk < retender.pk and draft.pk
