"""Deadline reminders: due ones go out once to members who have not submitted."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from interlocal.assessment.actions import do_close_campaign, do_save_answers, do_submit_response
from interlocal.assessment.models import Campaign, Response
from interlocal.assessment.tasks import send_due_reminders
from tests.assessment.factories import FULL_ANSWERS, make_campaign, response_of

pytestmark = pytest.mark.django_db


def _opened_long_ago(campaign: Campaign, days: int = 30) -> Campaign:
    Campaign.objects.filter(pk=campaign.pk).update(opens_at=timezone.now() - dt.timedelta(days=days))
    campaign.refresh_from_db()
    return campaign


def test_each_reminder_goes_out_once(world: Any, django_capture_on_commit_callbacks: Any) -> None:
    campaign = _opened_long_ago(make_campaign(world, days=10))
    deadline = campaign.deadline
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        early = send_due_reminders(now=deadline - dt.timedelta(days=8))
    assert (early.reminded, len(mail.outbox)) == (0, 0)
    with django_capture_on_commit_callbacks(execute=True):
        first = send_due_reminders(now=deadline - dt.timedelta(days=7) + dt.timedelta(hours=1))
    assert (first.reminded, first.emails) == (2, 2)
    assert sorted(tuple(m.to) for m in mail.outbox) == [
        ("ada@avon.example", "bob@avon.example"),
        ("carol@bolton.example",),
    ]
    assert "due in 7 days" in mail.outbox[0].subject
    assert "0 of 10 questions are answered" in mail.outbox[0].body
    with django_capture_on_commit_callbacks(execute=True):
        again = send_due_reminders(now=deadline - dt.timedelta(days=6))
    assert again.reminded == 0 and len(mail.outbox) == 2
    # Avon submits; only Bolton gets the 2-day reminder.
    do_save_answers(response_of(campaign, world.avon), FULL_ANSWERS, actor=world.bob)
    do_submit_response(response_of(campaign, world.avon), actor=world.bob)
    with django_capture_on_commit_callbacks(execute=True):
        second = send_due_reminders(now=deadline - dt.timedelta(days=2) + dt.timedelta(minutes=1))
    assert second.reminded == 1 and mail.outbox[-1].to == ["carol@bolton.example"]
    assert "due in 2 days" in mail.outbox[-1].subject
    assert response_of(campaign, world.bolton).reminders_sent == [7, 2]


def test_no_reminder_for_a_moment_before_the_campaign_opened(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    campaign = make_campaign(world, days=3)  # opened now: the 7-day moment is already past
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        run = send_due_reminders(now=timezone.now() + dt.timedelta(hours=1))
    assert run.reminded == 0 and not mail.outbox
    with django_capture_on_commit_callbacks(execute=True):
        run = send_due_reminders(now=campaign.deadline - dt.timedelta(days=2) + dt.timedelta(hours=1))
    assert run.reminded == 2


def test_catching_up_sends_one_message_for_several_due_reminders(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    campaign = _opened_long_ago(make_campaign(world, days=10))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        run = send_due_reminders(now=campaign.deadline - dt.timedelta(days=1))
    assert run.reminded == 2 and len(mail.outbox) == 2
    assert all(
        r == [7, 2]
        for r in Response.objects.filter(campaign=campaign).values_list("reminders_sent", flat=True)
    )


def test_closed_and_past_campaigns_send_nothing(world: Any, django_capture_on_commit_callbacks: Any) -> None:
    closed = _opened_long_ago(make_campaign(world, days=5, name="Closed"))
    do_close_campaign(closed, actor=world.sam)
    past = _opened_long_ago(make_campaign(world, days=5, name="Past"))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        run = send_due_reminders(now=past.deadline + dt.timedelta(hours=1))
    assert run.reminded == 0 and not mail.outbox


def test_command(world: Any, django_capture_on_commit_callbacks: Any) -> None:
    campaign = make_campaign(world, days=1.5)
    Campaign.objects.filter(pk=campaign.pk).update(opens_at=timezone.now() - dt.timedelta(days=10))
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("assessment_reminders", stdout=out)
    assert "members reminded: 2; e-mails queued: 2" in out.getvalue()
