"""Security issue 11, point 4: an attacker with SQL access who drops the append-only triggers,
edits an event and recomputes every later hash and the chain head must still be caught."""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
from collections.abc import Callable
from io import StringIO
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import connection

from interlocal import audit
from interlocal.audit.anchoring import read_anchors
from interlocal.audit.chain import GENESIS, canonical, event_hash, key_id, legacy_event_hash
from interlocal.audit.guard import append_only_lifted, install_sql, uninstall_sql
from interlocal.audit.keys import check_audit_key, current_key
from interlocal.audit.models import AuditEvent, AuditHead
from interlocal.audit.rekeying import LegacyChainBroken, rekey_legacy_chain
from tests.audit.conftest import raw_sql

pytestmark = pytest.mark.django_db


def make_events(n: int) -> None:
    for i in range(n):
        audit.record(None, "test.thing.happened", object_type="test.thing", object_id=str(i), after={"i": i})


def run(*args: str) -> tuple[int, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("audit", *args, stdout=out, stderr=err)
    except SystemExit as exc:
        return int(exc.code or 0), out.getvalue() + err.getvalue()
    return 0, out.getvalue() + err.getvalue()


def plain_sha256(prev_hash: str, fields: dict[str, Any]) -> str:
    """What an attacker without the key can compute: the published, unkeyed construction."""
    return hashlib.sha256(prev_hash.encode() + b"\n" + canonical(fields).encode()).hexdigest()


def rewrite_from(seq: int, new_repr: str, hash_fn: Callable[[str, dict[str, Any]], str]) -> None:
    """Drop the triggers, edit event `seq`, rehash it and every later event and the head, reinstall."""
    with connection.cursor() as cursor:
        for statement in uninstall_sql(connection.vendor):
            cursor.execute(statement)
        try:
            cursor.execute("UPDATE audit_auditevent SET object_repr = %s WHERE seq = %s", [new_repr, seq])
            prev = AuditEvent.objects.get(seq=seq - 1).hash if seq > 1 else GENESIS
            for event in AuditEvent.objects.filter(seq__gte=seq).order_by("seq"):
                new_hash = hash_fn(prev, event.chain_fields())
                # Two passes would be needed if a new hash collided with an old one; it cannot.
                cursor.execute(
                    "UPDATE audit_auditevent SET prev_hash = %s, hash = %s WHERE seq = %s",
                    [prev, new_hash, event.seq],
                )
                prev = new_hash
            cursor.execute("UPDATE audit_audithead SET last_hash = %s WHERE id = 1", [prev])
        finally:
            for statement in install_sql(connection.vendor):
                cursor.execute(statement)


def test_rewritten_chain_without_the_key_is_caught():
    """The attacker holds the database but not INTERLOCAL_AUDIT_KEY: the recomputed hashes are wrong."""
    make_events(120)
    rewrite_from(100, "forged", plain_sha256)
    assert AuditEvent.objects.get(seq=100).object_repr == "forged"
    code, output = run("verify")
    assert code == 1, output
    assert "event 100 was changed after it was written" in output
    assert "99 intact events" in output


def keyed(prev_hash: str, fields: dict[str, Any]) -> str:
    """What an attacker who also stole INTERLOCAL_AUDIT_KEY can compute."""
    return event_hash(prev_hash, fields, current_key()[1])


def test_rewritten_chain_with_the_key_is_caught_by_the_anchor(tmp_path):
    """The key alone does not help: the head anchored outside the database no longer matches."""
    anchors = tmp_path / "anchors.jsonl"
    make_events(120)
    assert run("anchor", "--file", str(anchors))[0] == 0
    make_events(10)
    rewrite_from(100, "forged", keyed)
    # Without the anchors the rewrite is undetectable: the documented limit of the key alone.
    assert run("verify", "--no-anchor")[0] == 0
    code, output = run("verify", "--anchor", str(anchors))
    assert code == 1, output
    assert "event 120 does not match the anchor taken" in output
    assert "rewritten at or before event 120" in output


def test_anchor_checks_every_anchor_and_names_the_first_one_that_differs(tmp_path):
    anchors = tmp_path / "anchors.jsonl"
    for _ in range(3):
        make_events(40)
        assert run("anchor", "--file", str(anchors))[0] == 0
    assert [a.seq for a in read_anchors(anchors)] == [40, 80, 120]
    code, output = run("verify", "--anchor", str(anchors))
    assert code == 0, output
    assert "3 anchors agree" in output
    rewrite_from(50, "forged", keyed)
    code, output = run("verify", "--anchor", str(anchors))
    assert code == 1
    assert "event 80 does not match the anchor" in output


def test_truncation_before_an_anchor_is_caught(tmp_path):
    """Deleting the newest events and moving the head back leaves an intact chain; not for the anchor."""
    anchors = tmp_path / "anchors.jsonl"
    make_events(30)
    assert run("anchor", "--file", str(anchors))[0] == 0
    last_kept = AuditEvent.objects.get(seq=25)
    raw_sql("DELETE FROM audit_auditevent WHERE seq > 25")
    raw_sql("UPDATE audit_audithead SET last_seq = 25, last_hash = %s WHERE id = 1", [last_kept.hash])
    assert run("verify", "--no-anchor")[0] == 0
    code, output = run("verify", "--anchor", str(anchors))
    assert code == 1
    assert "event 26–30 is missing: the anchor taken" in output


def test_anchor_refuses_a_chain_that_does_not_verify(tmp_path):
    anchors = tmp_path / "anchors.jsonl"
    make_events(5)
    raw_sql("UPDATE audit_auditevent SET object_repr = 'forged' WHERE seq = 3")
    code, output = run("anchor", "--file", str(anchors))
    assert code == 1
    assert "event 3 was changed" in output
    assert not anchors.exists()


def test_anchor_is_logged_with_seq_hash_and_key_id(tmp_path, caplog):
    anchors = tmp_path / "anchors.jsonl"
    make_events(3)
    with caplog.at_level(logging.INFO, logger="interlocal.audit.anchor"):
        assert run("anchor", "--file", str(anchors))[0] == 0
    head = AuditEvent.objects.get(seq=3)
    (record,) = [r for r in caplog.records if r.name == "interlocal.audit.anchor"]
    assert (record.audit_seq, record.audit_hash, record.audit_key_id) == (3, head.hash, head.key_id)
    line = json.loads(anchors.read_text())
    assert line == {"seq": 3, "hash": head.hash, "key_id": head.key_id, "time": record.audit_time}


def test_verify_reads_the_configured_anchor_path(tmp_path, settings):
    settings.AUDIT_ANCHOR_PATH = str(tmp_path / "anchors.jsonl")
    make_events(10)
    assert run("anchor")[0] == 0
    rewrite_from(4, "forged", keyed)
    code, output = run("verify")
    assert code == 1
    assert "event 10 does not match the anchor" in output


def test_anchor_file_that_is_not_anchors_is_refused(tmp_path):
    anchors = tmp_path / "anchors.jsonl"
    anchors.write_text('{"seq": 1, "hash": "ab"}\nnot json\n')
    with pytest.raises(CommandError, match="line 2 is not an audit anchor"):
        call_command("audit", "verify", "--anchor", str(anchors))


def test_rotation_keeps_old_events_verifying(settings):
    old, new = secrets.token_bytes(32), secrets.token_bytes(32)
    settings.AUDIT_KEY, settings.AUDIT_OLD_KEYS = old, []
    make_events(5)
    settings.AUDIT_KEY, settings.AUDIT_OLD_KEYS = new, [old]
    make_events(5)
    assert {e.seq: e.key_id for e in AuditEvent.objects.all()} == {
        **{s: key_id(old) for s in range(1, 6)},
        **{s: key_id(new) for s in range(6, 11)},
    }
    code, output = run("verify")
    assert code == 0, output
    settings.AUDIT_OLD_KEYS = []
    code, output = run("verify")
    assert code == 1
    assert f"event 1 is hashed with key {key_id(old)}, which is not configured" in output


def test_forged_key_id_is_caught():
    """Naming a key the installation does not hold (or none) does not escape the check."""
    make_events(3)
    raw_sql("UPDATE audit_auditevent SET key_id = 'sha256' WHERE seq = 2")
    code, output = run("verify")
    assert code == 1
    assert "event 2 is hashed with key sha256, which is not configured" in output


def test_production_requires_the_audit_key(settings):
    settings.PRODUCTION = True
    settings.AUDIT_KEY = None
    assert [m.id for m in check_audit_key()] == ["audit.E001"]
    with pytest.raises(ImproperlyConfigured, match="INTERLOCAL_AUDIT_KEY"):
        make_events(1)
    settings.AUDIT_KEY = secrets.token_bytes(32)
    assert check_audit_key() == []


def test_migration_rehashes_an_unkeyed_chain_that_verifies():
    """Events written by earlier releases (plain SHA-256, no key id) verify after audit/0003."""
    make_events(5)
    write_legacy_chain()
    assert run("verify")[0] == 1  # an unkeyed chain is no longer accepted as it stands
    with append_only_lifted():
        assert rekey_legacy_chain(AuditEvent, AuditHead, connection, current_key()[1]) == 5
    code, output = run("verify")
    assert code == 0, output
    assert set(AuditEvent.objects.values_list("key_id", flat=True)) == {current_key()[0]}


def test_migration_refuses_to_rehash_a_broken_unkeyed_chain():
    make_events(5)
    write_legacy_chain()
    raw_sql("UPDATE audit_auditevent SET object_repr = 'forged' WHERE seq = 3")
    before = list(AuditEvent.objects.order_by("seq").values_list("hash", flat=True))
    with append_only_lifted(), pytest.raises(LegacyChainBroken, match="does not verify at event 3"):
        rekey_legacy_chain(AuditEvent, AuditHead, connection, current_key()[1])
    assert list(AuditEvent.objects.order_by("seq").values_list("hash", flat=True)) == before


def write_legacy_chain() -> None:
    """Turn the trail into what releases before audit/0003 wrote: unkeyed hashes, no key id."""
    prev = GENESIS
    for event in AuditEvent.objects.order_by("seq"):
        fields = event.chain_fields()
        del fields["key_id"]
        digest = legacy_event_hash(prev, fields)
        raw_sql(
            "UPDATE audit_auditevent SET prev_hash = %s, hash = %s, key_id = '' WHERE seq = %s",
            [prev, digest, event.seq],
        )
        prev = digest
    raw_sql("UPDATE audit_audithead SET last_hash = %s WHERE id = 1", [prev])
