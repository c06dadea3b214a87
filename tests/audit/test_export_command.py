"""`interlocal audit export`: one consortium's events with their hashes, recorded as an export."""

from __future__ import annotations

import csv
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from interlocal import audit
from interlocal.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def events(world):
    audit.record(world.alice, "tenancy.role.granted", consortium_id=world.capitol.pk, object_repr="=SUM(A1)")
    audit.record(
        world.bob, "servicedesk.ticket.created", consortium_id=world.capitol.pk, after={"title": "Wi-Fi"}
    )
    audit.record(
        world.pat, "tenancy.role.granted", consortium_id=world.prairies.pk, object_repr="prairies only"
    )
    return world


def test_csv_export_to_a_file(events, tmp_path):
    target = tmp_path / "capitol.csv"
    out = StringIO()
    call_command(
        "audit", "export", "--consortium", str(events.capitol.pk), "--format", "csv", str(target), stdout=out
    )
    assert "Exported 2 events" in out.getvalue()
    rows = list(csv.DictReader(target.open(encoding="utf-8")))
    assert [r["action"] for r in rows] == ["tenancy.role.granted", "servicedesk.ticket.created"]
    assert rows[0]["object_repr"] == "'=SUM(A1)"
    assert json.loads(rows[1]["after"]) == {"title": "Wi-Fi"}
    assert rows[1]["prev_hash"] == AuditEvent.objects.get(seq=1).hash
    recorded = AuditEvent.objects.get(action="audit.exported")
    assert recorded.consortium_id == events.capitol.pk
    assert recorded.actor_label == "operator (command line)"
    assert recorded.after == {"format": "csv", "events": 2, "via": "cli"}


def test_jsonl_export_to_stdout(events, capsys):
    call_command("audit", "export", "--consortium", str(events.prairies.pk), "--format", "jsonl", "-")
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["object_repr"] for line in lines] == ["prairies only"]
    assert len(lines[0]["hash"]) == 64


def test_unknown_consortium_is_a_clear_error(db):
    with pytest.raises(CommandError, match="No consortium with id 999"):
        call_command("audit", "export", "--consortium", "999", "-")
