"""`interlocal agreements remind | expire` and their nightly run from `interlocal maintenance`."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError

from interlocal.agreements.actions import do_expire_due_agreements
from interlocal.agreements.models import Agreement, AgreementStatus, DeadlineReminder, Renewal
from interlocal.audit.models import AuditEvent
from interlocal.core.registry import nightly_jobs
from tests.agreements.helpers import in_force

pytestmark = pytest.mark.django_db


def _at(clock, day: dt.date) -> None:
    clock.set(dt.datetime(day.year, day.month, day.day, 12, tzinfo=dt.UTC))


def _run(*args: str, capture=None) -> str:
    out = io.StringIO()
    if capture is None:
        call_command(*args, stdout=out, stderr=io.StringIO())
    else:
        with capture(execute=True):
            call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_remind_sends_the_due_reminders_once_and_says_how_many(
    world, clock, django_capture_on_commit_callbacks
):
    agreement = in_force(world)  # renewal 2028-01-01, notice 2027-10-03
    mail.outbox.clear()
    _at(clock, dt.date(2027, 7, 5))  # 90 days before the notice deadline
    assert "1 deadline reminder(s) sent" in _run(
        "agreements", "remind", capture=django_capture_on_commit_callbacks
    )
    assert "0 deadline reminder(s) sent" in _run(
        "agreements", "remind", capture=django_capture_on_commit_callbacks
    )
    assert DeadlineReminder.objects.filter(agreement=agreement).count() == 1
    assert [m for m in mail.outbox if "notice deadline" in m.subject]


def test_remind_takes_a_day_and_refuses_a_bad_one(world):
    in_force(world)
    assert "1 deadline reminder(s) sent" in _run("agreements", "remind", "--today", "2027-07-05")
    with pytest.raises(CommandError, match="not a date"):
        _run("agreements", "remind", "--today", "5 July")


def test_expire_renews_automatic_agreements_and_expires_the_others(world, clock):
    automatic = in_force(world, "Automatic")  # 12 months from 2027-01-01
    by_vote = in_force(world, "By vote", renewal=Renewal.VOTE)
    none = in_force(world, "Does not renew", renewal=Renewal.NONE)
    later = in_force(world, "Later", effective_date=dt.date(2027, 6, 1))

    _at(clock, dt.date(2027, 12, 31))  # the last day of the term: nothing is due yet
    assert "0 agreement(s) renewed, 0 expired" in _run("agreements", "expire")

    _at(clock, dt.date(2028, 1, 1))
    assert "1 agreement(s) renewed, 2 expired" in _run("agreements", "expire")
    statuses = dict(Agreement.objects.values_list("title", "status"))
    assert statuses == {
        "Automatic": AgreementStatus.IN_FORCE,
        "By vote": AgreementStatus.EXPIRED,
        "Does not renew": AgreementStatus.EXPIRED,
        "Later": AgreementStatus.IN_FORCE,
    }
    automatic.refresh_from_db()
    later.refresh_from_db()
    assert automatic.effective_date == dt.date(2028, 1, 1)
    assert later.effective_date == dt.date(2027, 6, 1)

    renewed = AuditEvent.objects.get(action="agreements.agreement.renewed", object_id=str(automatic.pk))
    assert renewed.actor_id is None
    assert renewed.actor_label == "system"
    assert renewed.after == {"effective_date": "2028-01-01", "term_months": 12}
    expired = AuditEvent.objects.filter(action="agreements.agreement.expired")
    assert set(expired.values_list("object_id", flat=True)) == {str(by_vote.pk), str(none.pk)}

    # Idempotent: the same day again changes nothing and audits nothing.
    events = AuditEvent.objects.count()
    assert "0 agreement(s) renewed, 0 expired" in _run("agreements", "expire")
    assert AuditEvent.objects.count() == events


def test_expire_catches_up_several_terms_at_once(world):
    agreement = in_force(world)  # 12 months from 2027-01-01
    run = do_expire_due_agreements(dt.date(2030, 3, 1))
    assert (run.renewed, run.expired) == (1, 0)
    agreement.refresh_from_db()
    assert agreement.effective_date == dt.date(2030, 1, 1)
    assert AuditEvent.objects.filter(action="agreements.agreement.renewed").count() == 3


def test_expire_leaves_drafts_and_circulated_agreements_alone(world):
    from tests.agreements.helpers import circulated, draft

    draft(world, "Draft")
    circulated(world, "Circulated")
    run = do_expire_due_agreements(dt.date(2030, 1, 1))
    assert (run.renewed, run.expired) == (0, 0)


def test_the_nightly_maintenance_runs_expire_then_remind(world, clock):
    assert [j.key for j in nightly_jobs() if j.key.startswith("agreements.")] == [
        "agreements.expire",
        "agreements.remind",
    ]
    in_force(world, "Does not renew", renewal=Renewal.NONE)
    _at(clock, dt.date(2028, 1, 1))
    out = _run("maintenance")
    assert "agreements.expire: 0 agreement(s) renewed, 1 expired" in out
    assert "agreements.remind: 0 deadline reminder(s) sent" in out
    assert Agreement.objects.get().status == AgreementStatus.EXPIRED


def test_a_failing_nightly_job_does_not_stop_the_others(world, monkeypatch):
    from interlocal.core import registry

    def broken() -> str:
        raise RuntimeError("database on fire")

    others = [j for j in registry.nightly_jobs() if j.key != "agreements.expire"]
    monkeypatch.setattr(
        registry, "_NIGHTLY_JOBS", [registry.NightlyJob("agreements.expire", broken, 45), *others]
    )
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match="agreements.expire"):
        call_command("maintenance", stdout=out, stderr=err)
    assert "database on fire" in err.getvalue()
    assert "agreements.remind: 0 deadline reminder(s) sent" in out.getvalue()
