"""`interlocal maintenance` removes what has expired and keeps what is live."""

from __future__ import annotations

import io
from datetime import timedelta

from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.utils import timezone

from interlocal.accounts.models import UserSession


def _session(user, *, expires_in: timedelta, created_ago: timedelta = timedelta()) -> str:
    store = SessionStore()
    store["x"] = 1
    store.create()
    Session.objects.filter(session_key=store.session_key).update(expire_date=timezone.now() + expires_in)
    UserSession.objects.create(
        user=user, session_key=store.session_key, created_at=timezone.now() - created_ago
    )
    return store.session_key


def test_maintenance_keeps_live_sessions_and_drops_the_rest(world, settings):
    live = _session(world.bob, expires_in=timedelta(hours=1))
    expired = _session(world.bob, expires_in=-timedelta(hours=1))
    too_old = _session(
        world.carol,
        expires_in=timedelta(hours=1),
        created_ago=timedelta(seconds=settings.SESSION_ABSOLUTE_TIMEOUT + 60),
    )
    UserSession.objects.create(user=world.carol, session_key="gone-from-the-session-table")
    out = io.StringIO()
    call_command("maintenance", stdout=out)
    assert set(UserSession.objects.values_list("session_key", flat=True)) == {live}
    assert not Session.objects.filter(session_key=expired).exists()
    assert Session.objects.filter(session_key=too_old).exists()  # the middleware ends it on use
    assert "Session records removed: 3" in out.getvalue()


def test_maintenance_prunes_old_task_results_with_the_database_queue(db, settings):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "email"]}
    }
    now = timezone.now()

    def result(finished_days_ago: int) -> DBTaskResult:
        return DBTaskResult.objects.create(
            status="SUCCESSFUL",
            finished_at=now - timedelta(days=finished_days_ago),
            args_kwargs={"args": [], "kwargs": {}},
            task_path="interlocal.core.tasks.send_email",
            queue_name="email",
            backend_name="default",
            run_after=now - timedelta(days=finished_days_ago),
        )

    old, recent = result(10), result(2)
    call_command("maintenance", "--task-days", "7", stdout=io.StringIO())
    assert list(DBTaskResult.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not DBTaskResult.objects.filter(pk=old.pk).exists()


def test_maintenance_anchors_the_audit_chain_when_a_path_is_set(db, settings, tmp_path):
    import json

    from interlocal import audit
    from interlocal.audit.models import AuditHead

    out = io.StringIO()
    call_command("maintenance", stdout=out)
    assert "Anchored" not in out.getvalue()
    settings.AUDIT_ANCHOR_PATH = str(tmp_path / "anchors.jsonl")
    audit.record(None, "test.thing.happened")
    call_command("maintenance", stdout=out)
    head = AuditHead.objects.get(pk=1)
    anchor = json.loads((tmp_path / "anchors.jsonl").read_text())
    assert (anchor["seq"], anchor["hash"]) == (head.last_seq, head.last_hash)
    assert f"Anchored event {head.last_seq}" in out.getvalue()
