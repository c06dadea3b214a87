"""The audit trail is append-only in the database and `interlocal audit verify` catches tampering."""

from __future__ import annotations

import threading
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import IntegrityError, close_old_connections, connection, connections, transaction

from interlocal import audit
from interlocal.audit.chain import GENESIS
from interlocal.audit.models import AuditEvent, AuditHead
from tests.audit.conftest import raw_sql

pytestmark = pytest.mark.django_db


def make_events(n: int) -> None:
    for i in range(n):
        audit.record(None, "test.thing.happened", object_type="test.thing", object_id=str(i), after={"i": i})


def run_verify() -> tuple[int, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("audit", "verify", "--chunk-size", "7", stdout=out, stderr=err)
    except SystemExit as exc:
        return int(exc.code or 0), out.getvalue() + err.getvalue()
    return 0, out.getvalue() + err.getvalue()


def test_verify_passes_on_an_intact_trail():
    make_events(30)
    code, output = run_verify()
    assert code == 0
    assert output.startswith("OK: 30 events, chain intact (head 30 ")


def test_verify_passes_on_an_empty_trail():
    assert run_verify() == (0, f"OK: 0 events, chain intact (head 0 {GENESIS[:16]}…)\n")


def test_edited_row_is_caught():
    make_events(30)
    raw_sql("UPDATE audit_auditevent SET object_repr = %s WHERE seq = 17", ["forged"])
    code, output = run_verify()
    assert code == 1
    assert "event 17 was changed after it was written" in output
    assert "16 intact events" in output


def test_edited_json_payload_is_caught():
    make_events(5)
    raw_sql("UPDATE audit_auditevent SET after = %s WHERE seq = 3", ['{"i": 99}'])
    code, output = run_verify()
    assert code == 1
    assert "event 3 was changed after it was written" in output


def test_deleted_middle_row_is_caught():
    make_events(30)
    raw_sql("DELETE FROM audit_auditevent WHERE seq = 12")
    code, output = run_verify()
    assert code == 1
    assert "event 12 is missing" in output


def test_deleted_last_rows_are_caught_through_the_head():
    make_events(30)
    raw_sql("DELETE FROM audit_auditevent WHERE seq >= 29")
    code, output = run_verify()
    assert code == 1
    assert "event 29–30 is missing" in output


def test_deleted_very_last_row_is_caught():
    make_events(3)
    raw_sql("DELETE FROM audit_auditevent WHERE seq = 3")
    code, output = run_verify()
    assert code == 1
    assert "event 3 is missing" in output


def test_replaced_last_row_is_caught():
    """Rewriting the newest event with a freshly computed hash still disagrees with the head."""
    make_events(3)
    last = AuditEvent.objects.get(seq=3)
    last.object_repr = "forged"
    from interlocal.audit.chain import event_hash
    from interlocal.audit.keys import current_key

    raw_sql(
        "UPDATE audit_auditevent SET object_repr = %s, hash = %s WHERE seq = 3",
        ["forged", event_hash(last.prev_hash, last.chain_fields(), current_key()[1])],
    )
    code, output = run_verify()
    assert code == 1
    assert "event 3 does not match the chain head" in output


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_auditevent SET action = 'forged' WHERE seq = 1",
        "DELETE FROM audit_auditevent WHERE seq = 1",
        "DELETE FROM audit_auditevent",
    ],
)
def test_database_refuses_raw_update_and_delete(sql):
    make_events(2)
    with (
        pytest.raises(IntegrityError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)
    assert AuditEvent.objects.filter(action="test.thing.happened").count() == 2
    assert run_verify()[0] == 0


def test_database_refuses_emptying_the_table():
    """TRUNCATE on PostgreSQL; SQLite's form of it is an unqualified DELETE (its truncate
    optimisation, which the trigger must switch off)."""
    make_events(1)
    statement = (
        "TRUNCATE audit_auditevent" if connection.vendor == "postgresql" else "DELETE FROM audit_auditevent"
    )
    with (
        pytest.raises(IntegrityError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement)
    assert AuditEvent.objects.count() == 1


def test_orm_refuses_update_and_delete():
    make_events(1)
    event = AuditEvent.objects.get()
    with pytest.raises(RuntimeError):
        event.save()
    with pytest.raises(RuntimeError):
        AuditEvent.objects.all().delete()
    with pytest.raises(RuntimeError):
        AuditEvent.objects.all().update(action="x")


def test_head_follows_the_chain():
    make_events(4)
    head = AuditHead.objects.get(pk=1)
    last = AuditEvent.objects.order_by("-seq").first()
    assert (head.last_seq, head.last_hash) == (4, last.hash)


@pytest.mark.django_db(transaction=True)
def test_flush_empties_the_trail():
    """`interlocal flush` (and the test runner) may still empty the table."""
    make_events(2)
    call_command("flush", interactive=False, verbosity=0)
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_build_one_linear_chain(file_database):
    """4 threads × 25 events, each thread on its own connection: seq 1..100, chain intact."""
    threads_n, per_thread = 4, 25
    start = threading.Barrier(threads_n)
    errors: list[BaseException] = []

    def work(worker: int) -> None:
        try:
            start.wait()
            for i in range(per_thread):
                audit.record(None, "test.concurrent", object_type="worker", object_id=f"{worker}-{i}")
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            close_old_connections()
            connections.close_all()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(threads_n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert errors == []
    seqs = list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, threads_n * per_thread + 1))
    assert set(AuditEvent.objects.values_list("object_id", flat=True)) == {
        f"{w}-{i}" for w in range(threads_n) for i in range(per_thread)
    }
    code, output = run_verify()
    assert code == 0, output
    assert output.startswith(f"OK: {threads_n * per_thread} events")


def test_snapshot_keeps_a_file_fields_name(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from interlocal.core.files import do_store_file

    stored = do_store_file(
        SimpleUploadedFile("a.txt", b"x"), consortium=world.capitol, member=None, acting_user=world.sam
    )
    assert audit.snapshot(stored)["file"] == stored.file.name
