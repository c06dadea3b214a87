"""Security issue 11, point 4: an attacker with SQL access who drops the append-only triggers,
edits an event and recomputes every later hash and the chain head must still be caught."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection

from interlocal import audit
from interlocal.audit.chain import canonical
from interlocal.audit.guard import install_sql, uninstall_sql
from interlocal.audit.models import AuditEvent

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
            prev = AuditEvent.objects.get(seq=seq - 1).hash if seq > 1 else "0" * 64
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
