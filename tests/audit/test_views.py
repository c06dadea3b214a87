"""Audit trail pages: consortium admins only, filters, detail diff, audited streaming exports."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from interlocal import audit
from interlocal.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

LIST = reverse("audit:event_list")
EXPORT = reverse("audit:event_export")


@pytest.fixture
def trail(world):
    """A few events in each consortium, by different people, for different members."""
    audit.record(
        world.ada,
        "tenancy.member.updated",
        world.avon,
        consortium_id=world.capitol.pk,
        before={"population": 18000, "website": ""},
        after={"population": 18900, "website": ""},
    )
    audit.record(
        world.carol,
        "servicedesk.ticket.created",
        object_type="servicedesk.ticket",
        object_id="9",
        object_repr="Printer on fire",
        consortium_id=world.capitol.pk,
        member_id=world.bolton.pk,
    )
    audit.record(
        world.alice, "tenancy.role.granted", consortium_id=world.capitol.pk, object_type="tenancy.membership"
    )
    audit.record(
        world.pat,
        "tenancy.role.granted",
        consortium_id=world.prairies.pk,
        object_type="tenancy.membership",
        object_repr="prairies secret",
    )
    return world


def body(response) -> str:
    return b"".join(response.streaming_content).decode() if response.streaming else response.content.decode()


def test_consortium_admin_sees_their_consortium_only(client_for, trail):
    response = client_for("alice").get(LIST)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Printer on fire" in html
    assert "prairies secret" not in html
    assert "tenancy.member.updated" in html


@pytest.mark.parametrize("name", ["sam", "ada", "bob", "carol", "olga", "vince"])
def test_people_without_the_role_get_403(client_for, trail, name):
    client = client_for(name)
    assert client.get(LIST).status_code == 403
    assert client.get(EXPORT).status_code == 403
    event = AuditEvent.objects.filter(consortium=trail.capitol).first()
    assert client.get(reverse("audit:event_detail", args=[event.pk])).status_code == 404


def test_anonymous_goes_to_sign_in(client_for, trail):
    response = client_for(None).get(LIST)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_other_consortium_admin_gets_404_for_an_event(client_for, trail):
    event = AuditEvent.objects.get(action="servicedesk.ticket.created")
    response = client_for("pat").get(reverse("audit:event_detail", args=[event.pk]))
    assert response.status_code == 404
    denied = AuditEvent.objects.filter(action="access.denied", object_type="audit.auditevent").get()
    assert denied.actor_id == trail.pat.pk


def test_detail_shows_before_and_after(client_for, trail):
    event = AuditEvent.objects.get(action="tenancy.member.updated")
    response = client_for("alice").get(reverse("audit:event_detail", args=[event.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<del>18000</del>" in html
    assert "<ins>18900</ins>" in html
    assert response.context["changes"][0].field == "population"
    assert not response.context["changes"][1].changed


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"action": "tenancy."}, {"tenancy.member.updated", "tenancy.role.granted"}),
        ({"action": "servicedesk"}, {"servicedesk.ticket.created"}),
        ({"person": "carol@"}, {"servicedesk.ticket.created"}),
        ({"object_type": "tenancy.membership"}, {"tenancy.role.granted"}),
    ],
)
def test_filters(client_for, trail, params, expected):
    response = client_for("alice").get(LIST, params)
    assert response.status_code == 200
    assert {e.action for e in response.context["table"].page.object_list} == expected


def test_member_filter(client_for, trail):
    response = client_for("alice").get(LIST, {"member": trail.bolton.pk})
    assert [e.action for e in response.context["table"].page.object_list] == ["servicedesk.ticket.created"]


def test_member_filter_cannot_name_another_consortiums_member(client_for, trail):
    response = client_for("alice").get(LIST, {"member": trail.airdrie.pk})
    assert response.status_code == 200
    assert "member" in response.context["form"].errors
    assert list(response.context["table"].page.object_list) == []


def test_date_range_filter(client_for, trail):
    today = timezone.localdate()
    inside = client_for("alice").get(LIST, {"date_from": today.isoformat(), "date_to": today.isoformat()})
    assert len(inside.context["table"].page.object_list) == 3
    later = (today + dt.timedelta(days=1)).isoformat()
    assert len(client_for("alice").get(LIST, {"date_from": later}).context["table"].page.object_list) == 0
    backwards = client_for("alice").get(LIST, {"date_from": later, "date_to": today.isoformat()})
    assert backwards.context["form"].non_field_errors()


def test_pagination(client_for, world):
    for i in range(60):
        audit.record(world.alice, "test.bulk", consortium_id=world.capitol.pk, object_id=str(i))
    client = client_for("alice")
    first = client.get(LIST, {"action": "test."})
    assert len(first.context["table"].page.object_list) == 50
    assert first.context["table"].page.object_list[0].object_id == "59"  # newest first
    second = client.get(LIST, {"action": "test.", "page": 2})
    assert len(second.context["table"].page.object_list) == 10


def test_list_query_count_does_not_grow(client_for, world, django_assert_max_num_queries):
    client = client_for("alice")

    def fill(n: int) -> None:
        for i in range(n):
            audit.record(
                world.ada, "test.thing", world.avon, consortium_id=world.capitol.pk, object_id=str(i)
            )

    fill(3)
    with django_assert_max_num_queries(20) as small:
        client.get(LIST)
    fill(40)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(LIST)


def test_csv_export_is_filtered_streamed_and_audited(client_for, trail):
    response = client_for("alice").get(EXPORT, {"action": "tenancy.", "format": "csv"})
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment;" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(body(response))))
    assert {r["action"] for r in rows} == {"tenancy.member.updated", "tenancy.role.granted"}
    assert all(len(r["hash"]) == 64 for r in rows)
    exported = AuditEvent.objects.get(action="audit.exported")
    assert exported.actor_id == trail.alice.pk
    assert exported.consortium_id == trail.capitol.pk
    assert exported.after == {"format": "csv", "filters": {"action": "tenancy."}, "via": "web"}


def test_jsonl_export(client_for, trail):
    response = client_for("alice").get(EXPORT, {"format": "jsonl"})
    assert response["Content-Type"].startswith("application/x-ndjson")
    lines = [json.loads(line) for line in body(response).splitlines()]
    assert "prairies secret" not in {line["object_repr"] for line in lines}
    seqs = [line["seq"] for line in lines]
    assert seqs == sorted(seqs)
    member_event = next(line for line in lines if line["action"] == "tenancy.member.updated")
    assert member_event["after"] == {"population": 18900, "website": ""}


def test_csv_export_neutralises_formulas(client_for, world):
    audit.record(world.bob, "test.evil", consortium_id=world.capitol.pk, object_repr='=HYPERLINK("x")')
    text = body(client_for("alice").get(EXPORT, {"action": "test.evil"}))
    assert "'=HYPERLINK" in text


def test_table_csv_shortcut_does_not_bypass_the_audited_export(client_for, trail):
    response = client_for("alice").get(LIST, {"format": "csv"})
    assert response["Content-Type"].startswith("text/html")
    assert not AuditEvent.objects.filter(action="audit.exported").exists()


def test_export_with_invalid_filters_is_refused_and_not_recorded(client_for, trail):
    response = client_for("alice").get(EXPORT, {"member": trail.airdrie.pk})
    assert response.status_code == 400
    assert not AuditEvent.objects.filter(action="audit.exported").exists()


def test_a_long_trail_is_counted_only_up_to_the_limit(client_for, trail, monkeypatch):
    """The count stops at AuditTable.count_limit: the page says "more than" and pages stop there."""
    from interlocal.audit.views import AuditTable

    everything = client_for("alice").get(LIST).context["table"].paginator.count
    assert everything > 2
    monkeypatch.setattr(AuditTable, "count_limit", 2)
    monkeypatch.setattr(AuditTable, "per_page", 1)
    response = client_for("alice").get(LIST)
    assert response.status_code == 200
    table = response.context["table"]
    assert table.paginator.count == 2 and table.count_capped and table.paginator.num_pages == 2
    assert "of more than 2 rows" in response.content.decode()


def test_many_members_make_the_member_filter_a_name_box(client_for, trail, monkeypatch):
    from interlocal.audit import forms as audit_forms

    monkeypatch.setattr(audit_forms, "MEMBER_SELECT_LIMIT", 1)
    client = client_for("alice")
    page = client.get(LIST).content.decode()
    assert '<select name="member"' not in page and 'name="member"' in page
    by_name = client.get(LIST, {"member": trail.bolton.name.upper()})
    by_id = client.get(LIST, {"member": trail.bolton.pk})
    rows = [e.pk for e in by_name.context["table"].page.object_list]
    assert rows and rows == [e.pk for e in by_id.context["table"].page.object_list]
    unknown = client.get(LIST, {"member": "Atlantis"})
    assert "member" in unknown.context["form"].errors
