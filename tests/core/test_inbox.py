"""The work inbox: each provider shows its item to the right people only, no item links to a page
that refuses the person, and "Remind now" mails only late members, once a day, audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from interlocal.assessment.actions import do_remind_late_members, do_save_answers, do_submit_response
from interlocal.audit.models import AuditEvent
from interlocal.core.inbox.registry import inbox_for
from interlocal.procurement.models import Addendum, VendorQuestion
from interlocal.taxonomy.models import UnmatchedTerm
from tests.api.helpers import make_token
from tests.assessment.factories import FULL_ANSWERS, make_campaign, response_of
from tests.procurement.factories import make_round, make_solicitation, make_vendor

pytestmark = pytest.mark.django_db

PEOPLE = ("alice", "sam", "ada", "bob", "carol", "olga", "vince", "pat")


def _who_sees(world: Any, kind: str) -> set[str]:
    return {name for name in PEOPLE if any(i.kind == kind for i in inbox_for(getattr(world, name)))}


def _item(world: Any, name: str, kind: str) -> Any:
    (item,) = [i for i in inbox_for(getattr(world, name)) if i.kind == kind]
    return item


@pytest.fixture
def due_campaign(world: Any) -> Any:
    """A campaign over Avon and Bolton due in 5 days; Avon has submitted, Bolton has not."""
    campaign = make_campaign(world, days=5)
    do_save_answers(response_of(campaign, world.avon), FULL_ANSWERS, actor=world.bob)
    do_submit_response(response_of(campaign, world.avon), actor=world.bob)
    return campaign


def test_late_members_reach_the_council_only(world: Any, due_campaign: Any) -> None:
    assert _who_sees(world, "assessment.late_members") == {"alice", "sam"}
    item = _item(world, "sam", "assessment.late_members")
    assert item.why == "1 member has not submitted."
    assert item.due == due_campaign.deadline
    assert [str(a.label) for a in item.actions] == ["Remind now"] and item.actions[0].enabled


def test_a_campaign_due_later_or_complete_is_not_waiting(world: Any) -> None:
    make_campaign(world, days=20, name="Far away")
    assert _who_sees(world, "assessment.late_members") == set()


def test_answers_due_reach_the_members_people(world: Any, due_campaign: Any) -> None:
    # Avon submitted: only Bolton's staff have answers due.
    assert _who_sees(world, "assessment.answers_due") == {"carol"}
    assert _item(world, "carol", "assessment.answers_due").url == reverse(
        "assessment:response", args=[response_of(due_campaign, world.bolton).pk]
    )


def test_remind_now_mails_only_late_members_once_a_day_audited(
    world: Any, due_campaign: Any, django_capture_on_commit_callbacks: Any
) -> None:
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert do_remind_late_members(due_campaign, actor=world.sam) == 1
    assert [m.to for m in mail.outbox] == [["carol@bolton.example"]]
    event = AuditEvent.objects.get(action="assessment.campaign.reminded_now")
    assert event.actor_id == world.sam.pk and event.after["members"] == [world.bolton.pk]
    # The in-app notification goes beside the e-mail.
    assert world.carol.notifications.filter(kind="assessment.reminders").count() == 1
    # Once a day per campaign, whoever presses it.
    with pytest.raises(ValidationError), django_capture_on_commit_callbacks(execute=True):
        do_remind_late_members(due_campaign, actor=world.alice)
    assert len(mail.outbox) == 1
    item = _item(world, "sam", "assessment.late_members")
    assert not item.actions[0].enabled and "Last reminded" in str(item.actions[0].note)
    # A day later it works again.
    later = timezone.now() + dt.timedelta(days=1, minutes=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert do_remind_late_members(due_campaign, actor=world.alice, now=later) == 1
    assert len(mail.outbox) == 2


def test_remind_now_is_the_councils(world: Any, due_campaign: Any, client_for: Any) -> None:
    for name in ("bob", "olga", "ada"):
        with pytest.raises(PermissionDenied):
            do_remind_late_members(due_campaign, actor=getattr(world, name))
    url = reverse("assessment:campaign_remind", args=[due_campaign.pk])
    assert client_for("bob").post(url).status_code == 403
    assert client_for("pat").post(url).status_code == 404
    assert client_for("sam").get(url).status_code == 405
    due_campaign.refresh_from_db()
    assert due_campaign.reminded_now_at is None
    assert not AuditEvent.objects.filter(action="assessment.campaign.reminded_now").exists()


def test_remind_now_button_from_the_inbox(
    world: Any, due_campaign: Any, client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    sam = client_for("sam")
    page = sam.get(reverse("core:inbox")).content.decode()
    assert due_campaign.name in page and "Remind now" in page
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        answer = sam.post(
            reverse("assessment:campaign_remind", args=[due_campaign.pk]),
            {"next": reverse("core:inbox")},
            follow=True,
        )
    assert answer.redirect_chain[-1][0] == reverse("core:inbox")
    assert "Reminder sent to 1 members" in answer.content.decode()
    assert len(mail.outbox) == 1
    again = sam.post(reverse("assessment:campaign_remind", args=[due_campaign.pk]), follow=True)
    assert "already reminded" in again.content.decode()


def test_bids_ready_to_open_follow_the_opening_rules(world: Any) -> None:
    now = timezone.now()
    sol = make_solicitation(
        world.capitol, submission_deadline=now - dt.timedelta(hours=2), opening_at=now - dt.timedelta(hours=1)
    )
    make_solicitation(world.capitol, reference_number="IFB-2027-002")  # opens in 10 days
    assert _who_sees(world, "procurement.bids_to_open") == {"alice", "sam"}
    assert _item(world, "sam", "procurement.bids_to_open").url == reverse("procurement:bids", args=[sol.pk])
    # An addendum's notice still running holds the opening back, as do_open_bids does.
    Addendum.objects.create(
        solicitation=sol, number=1, title="Change", body="More salt.", notice_until=now + dt.timedelta(days=1)
    )
    assert _who_sees(world, "procurement.bids_to_open") == set()


def test_questions_waiting_for_the_council(world: Any) -> None:
    sol = make_solicitation(world.capitol)
    vendor = make_vendor("Acme", world.vince, world.capitol)
    VendorQuestion.objects.create(solicitation=sol, vendor=vendor, asked_by=world.vince, text="Which salt?")
    assert _who_sees(world, "procurement.questions") == {"alice", "sam"}
    assert "1 vendor question" in _item(world, "sam", "procurement.questions").why


def test_rounds_closing_for_members_that_entered_nothing(world: Any) -> None:
    make_round(world.capitol, members=(world.avon,), cut_off_at=timezone.now() + dt.timedelta(days=3))
    assert _who_sees(world, "procurement.rounds_closing") == {"ada", "bob"}


def test_terms_to_review_for_those_who_may_map_them(world: Any) -> None:
    term = UnmatchedTerm.objects.create(
        consortium=world.capitol, text="Snow plowing", normalized="snow plowing"
    )
    assert _who_sees(world, "taxonomy.terms_to_review") == {"alice", "sam"}
    assert _item(world, "sam", "taxonomy.terms_to_review").url == reverse(
        "taxonomy:term_detail", args=[term.pk]
    )


def test_no_item_links_to_a_page_that_refuses(world: Any, due_campaign: Any, client_for: Any) -> None:
    now = timezone.now()
    make_solicitation(
        world.capitol, submission_deadline=now - dt.timedelta(hours=2), opening_at=now - dt.timedelta(hours=1)
    )
    sol = make_solicitation(world.capitol, reference_number="IFB-2027-009")
    vendor = make_vendor("Acme", world.vince, world.capitol)
    VendorQuestion.objects.create(solicitation=sol, vendor=vendor, asked_by=world.vince, text="Which salt?")
    make_round(world.capitol, members=(world.avon, world.bolton), cut_off_at=now + dt.timedelta(days=3))
    UnmatchedTerm.objects.create(consortium=world.capitol, text="Snow plowing", normalized="snow plowing")
    seen = set()
    for name in PEOPLE:
        client = client_for(name)
        for item in inbox_for(getattr(world, name)):
            seen.add(item.kind)
            assert client.get(item.url).status_code == 200, (name, item.kind, item.url)
    assert seen == {
        "assessment.late_members",
        "assessment.answers_due",
        "procurement.bids_to_open",
        "procurement.questions",
        "procurement.rounds_closing",
        "taxonomy.terms_to_review",
    }


def test_inbox_page_filters_by_kind_and_dashboard_shows_the_top(
    world: Any, due_campaign: Any, client_for: Any
) -> None:
    UnmatchedTerm.objects.create(consortium=world.capitol, text="Snow plowing", normalized="snow plowing")
    sam = client_for("sam")
    everything = sam.get(reverse("core:inbox")).content.decode()
    assert due_campaign.name in everything and "Snow plowing" in everything
    only_terms = sam.get(reverse("core:inbox") + "?kind=taxonomy.terms_to_review").content.decode()
    assert "Snow plowing" in only_terms and "Remind now" not in only_terms
    dashboard = sam.get(reverse("core:dashboard")).content.decode()
    assert "Waiting on you" in dashboard and "2 items wait on you" in dashboard
    # Nothing waits on olga: no card.
    assert 'data-card="core.inbox"' not in client_for("olga").get(reverse("core:dashboard")).content.decode()


def test_inbox_api(world: Any, due_campaign: Any, client: Any) -> None:
    auth = {"HTTP_AUTHORIZATION": f"Bearer {make_token(world.sam)}"}
    answer = client.get("/api/v1/inbox", **auth).json()
    assert answer["count"] == 1 and answer["items"][0]["kind"] == "assessment.late_members"
    assert answer["items"][0]["actions"][0]["label"] == "Remind now"
    assert "taxonomy.terms_to_review" in answer["kinds"]
    assert client.get("/api/v1/inbox?kind=nonsense", **auth).status_code == 422
    bob = {"HTTP_AUTHORIZATION": f"Bearer {make_token(world.bob)}"}
    assert client.get("/api/v1/inbox", **bob).json()["count"] == 0


def test_remind_now_on_the_campaign_page(
    world: Any, due_campaign: Any, client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    url = reverse("assessment:campaign_detail", args=[due_campaign.pk])
    sam = client_for("sam")
    assert "Remind now" in sam.get(url).content.decode()
    assert "Remind now" not in client_for("carol").get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        answer = sam.post(reverse("assessment:campaign_remind", args=[due_campaign.pk]), follow=True)
    assert answer.redirect_chain[-1][0] == url
    page = answer.content.decode()
    assert "Reminder sent to 1 members" in page and "Last reminded by hand" in page and "disabled" in page
