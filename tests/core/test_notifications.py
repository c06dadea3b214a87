"""In-app notifications beside e-mail: created at the one sending path, preferences respected,
security mail always e-mailed (and never copied in-app), scoped to their recipient."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from interlocal.audit.models import AuditEvent
from interlocal.core.mail import queue_mail, queue_templated_mail, render_and_queue
from interlocal.core.notifications.actions import do_set_preferences, in_app_link
from interlocal.core.notifications.models import Notification, NotificationPreference
from interlocal.core.notifications.queries import preferences_for
from tests.api.helpers import make_token

pytestmark = pytest.mark.django_db


def _note(user: Any, title: str = "Hello", **fields: Any) -> Notification:
    return Notification.objects.create(recipient=user, kind="other", title=title, **fields)


def test_every_mail_to_a_person_becomes_a_notification(world: Any) -> None:
    mail.outbox.clear()
    queue_mail(
        ["bob@avon.example", "someone@elsewhere.example"], "Subject line", "Body text", link="/dashboard/"
    )
    assert [m.to for m in mail.outbox] == [["bob@avon.example", "someone@elsewhere.example"]]
    note = Notification.objects.get()
    assert (note.recipient, note.title, note.body, note.link) == (
        world.bob,
        "Subject line",
        "Body text",
        "/dashboard/",
    )


def test_templated_mail_takes_its_kind_and_link(world: Any, django_capture_on_commit_callbacks: Any) -> None:
    from tests.assessment.factories import make_campaign

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        campaign = make_campaign(world, days=10)  # launching mails the members' people
    assert mail.outbox, "launching a campaign sends e-mail"
    notes = Notification.objects.filter(recipient=world.bob)
    assert notes.count() == 1
    note = notes.get()
    assert note.kind == "assessment.campaigns"
    assert note.link.startswith("/assessment/responses/")
    assert campaign.name in note.title or campaign.name in note.body


def test_email_off_keeps_the_in_app_notification(world: Any) -> None:
    do_set_preferences(world.bob, acting_user=world.bob, choices={"other": {"email": False}})
    mail.outbox.clear()
    queue_mail(["bob@avon.example", "carol@bolton.example"], "News", "Text")
    assert [m.to for m in mail.outbox] == [["carol@bolton.example"]]
    assert set(Notification.objects.values_list("recipient__email", flat=True)) == {
        "bob@avon.example",
        "carol@bolton.example",
    }
    queue_mail(["bob@avon.example"], "Only Bob", "Text")
    assert len(mail.outbox) == 1  # nothing left to e-mail: no message at all


def test_in_app_off_sends_only_the_email(world: Any) -> None:
    do_set_preferences(world.bob, acting_user=world.bob, choices={"other": {"in_app": False}})
    mail.outbox.clear()
    queue_mail(["bob@avon.example"], "News", "Text")
    assert len(mail.outbox) == 1
    assert not Notification.objects.filter(recipient=world.bob).exists()


def test_security_mail_is_always_emailed_and_never_copied_in_full(world: Any) -> None:
    with pytest.raises(ValidationError):
        do_set_preferences(world.bob, acting_user=world.bob, choices={"account.security": {"email": False}})
    # Even a stored row that says "off" (set behind the action's back) is ignored.
    NotificationPreference.objects.create(user=world.bob, kind="account.security", email=False)
    mail.outbox.clear()
    message = mail.EmailMultiAlternatives(
        "Password reset", "Use https://x/reset/SECRET/", to=["bob@avon.example"]
    )
    render_and_queue(message)
    assert [m.to for m in mail.outbox] == [["bob@avon.example"]]
    note = Notification.objects.get(recipient=world.bob)
    assert (note.kind, note.title, note.body, note.link) == ("account.security", "Password reset", "", "")
    pref = next(p for p in preferences_for(world.bob) if p.key == "account.security")
    assert pref.email is True and pref.email_required


def test_password_reset_through_the_site_is_mailed_and_notified(world: Any, client: Any) -> None:
    mail.outbox.clear()
    client.post(reverse("account_reset_password"), {"email": "bob@avon.example"})
    assert len(mail.outbox) == 1
    note = Notification.objects.get(recipient=world.bob)
    assert note.kind == "account.security" and note.body == "" and "password" in note.title.lower()


def test_vendor_verification_links_stay_out_of_the_app(world: Any) -> None:
    mail.outbox.clear()
    queue_templated_mail(
        ["vince@vendor.example"],
        "procurement/email/vendor_verify",
        {"vendor": {"name": "Acme"}, "url": "https://example/vendors/verify/TOKEN/"},
    )
    assert len(mail.outbox) == 1
    note = Notification.objects.get()
    assert note.kind == "procurement.vendor_access" and note.body == "" and note.link == ""


def test_in_app_links_stay_on_the_site(settings: Any) -> None:
    settings.SITE_URL = "https://interlocal.example"
    assert (
        in_app_link("https://interlocal.example/assessment/responses/3/?a=1")
        == "/assessment/responses/3/?a=1"
    )
    assert in_app_link("/dashboard/") == "/dashboard/"
    assert in_app_link("https://evil.example/x/") == ""
    assert in_app_link("http://interlocal.example/x/") == ""  # another scheme is another site
    assert in_app_link("//evil.example/x/") == ""
    assert in_app_link("javascript:alert(1)") == ""


def test_preferences_are_one_persons_own_and_audited(world: Any) -> None:
    with pytest.raises(PermissionDenied):
        do_set_preferences(world.bob, acting_user=world.alice, choices={"other": {"email": False}})
    with pytest.raises(ValidationError):
        do_set_preferences(world.bob, acting_user=world.bob, choices={"nonsense": {"email": False}})
    assert not NotificationPreference.objects.exists()
    do_set_preferences(world.bob, acting_user=world.bob, choices={"assessment.reminders": {"email": False}})
    event = AuditEvent.objects.filter(action="core.notifications.preferences_changed").get()
    assert event.actor_id == world.bob.pk
    assert event.after == {"assessment.reminders": {"email": False, "in_app": True}}


def test_a_person_reads_only_their_own_notifications(world: Any) -> None:
    mine, theirs = _note(world.bob, "Bob's"), _note(world.carol, "Carol's")
    assert list(Notification.objects.visible_to(world.bob)) == [mine]
    assert list(Notification.objects.writable_by(world.bob)) == [mine]
    # Not even the consortium's admin reads them.
    assert not Notification.objects.visible_to(world.alice).exists()
    assert theirs not in Notification.objects.visible_to(world.bob)


def test_pages_list_mark_read_and_mark_all(world: Any, client_for: Any) -> None:
    first, second = _note(world.bob, "First", link="/dashboard/"), _note(world.bob, "Second")
    other = _note(world.carol, "Carol's secret")
    bob = client_for("bob")
    page = bob.get(reverse("core:notifications"))
    assert page.status_code == 200
    body = page.content.decode()
    assert "First" in body and "Second" in body and "Carol's secret" not in body
    assert "2 unread notifications" in body
    assert bob.post(reverse("core:notification_read", args=[other.pk])).status_code == 404
    other.refresh_from_db()
    assert other.read_at is None
    opened = bob.post(reverse("core:notification_read", args=[first.pk]), {"open": "1"})
    assert opened.status_code == 302 and opened["Location"] == "/dashboard/"
    first.refresh_from_db()
    assert first.read_at is not None
    unread = bob.get(reverse("core:notifications") + "?show=unread").content.decode()
    assert "Second" in unread and "First" not in unread
    bob.post(reverse("core:notifications_read_all"))
    second.refresh_from_db()
    assert second.read_at is not None
    other.refresh_from_db()
    assert other.read_at is None


def test_the_list_is_paginated(world: Any, client_for: Any) -> None:
    for n in range(30):
        _note(world.bob, f"Note {n:02d}")
    bob = client_for("bob")
    one = bob.get(reverse("core:notifications")).content.decode()
    assert "Note 29" in one and "Note 04" not in one
    two = bob.get(reverse("core:notifications") + "?page=2").content.decode()
    assert "Note 04" in two and "Note 29" not in two


def test_the_bell_counts_unread(world: Any, client_for: Any) -> None:
    _note(world.bob, "Unread one")
    _note(world.bob, "Unread two")
    page = client_for("bob").get(reverse("core:dashboard")).content.decode()
    assert 'data-testid="notifications-bell"' in page
    assert '>2<span class="usa-sr-only"> unread' in page


def test_preferences_page_saves_and_refuses_nothing_silently(world: Any, client_for: Any) -> None:
    bob = client_for("bob")
    page = bob.get(reverse("core:notification_preferences"))
    assert page.status_code == 200 and "Always e-mailed" in page.content.decode()
    form = {f"email__{p.key}": "on" for p in preferences_for(world.bob)}
    form |= {f"in_app__{p.key}": "on" for p in preferences_for(world.bob)}
    del form["email__assessment.reminders"]
    del form["in_app__other"]
    del form["email__account.security"]  # disabled: the browser does not send it; stays on
    assert bob.post(reverse("core:notification_preferences"), form).status_code == 302
    prefs = {p.key: p for p in preferences_for(world.bob)}
    assert prefs["assessment.reminders"].email is False and prefs["assessment.reminders"].in_app is True
    assert prefs["other"].in_app is False and prefs["account.security"].email is True


def test_profile_links_to_the_settings(world: Any, client_for: Any) -> None:
    page = client_for("bob").get(reverse("accounts:profile")).content.decode()
    assert reverse("core:notification_preferences") in page


def test_api_lists_marks_and_sets_preferences(world: Any, client: Any) -> None:
    mine = _note(world.bob, "API note")
    theirs = _note(world.carol, "Carol's")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {make_token(world.bob)}"}
    listing = client.get("/api/v1/notifications?unread=true", **auth).json()
    assert listing["count"] == 1 and listing["items"][0]["title"] == "API note"
    assert client.post(f"/api/v1/notifications/{theirs.pk}/read", **auth).status_code == 404
    read = client.post(f"/api/v1/notifications/{mine.pk}/read", **auth)
    assert read.status_code == 200 and read.json()["read_at"] is not None
    prefs = client.get("/api/v1/notifications/preferences", **auth).json()
    assert {p["kind"] for p in prefs} >= {"account.security", "assessment.reminders", "other"}
    refused = client.put(
        "/api/v1/notifications/preferences",
        json.dumps({"preferences": [{"kind": "account.security", "email": False}]}),
        content_type="application/json",
        **auth,
    )
    assert refused.status_code == 400 and "errors" in refused.json()
    changed = client.put(
        "/api/v1/notifications/preferences",
        json.dumps({"preferences": [{"kind": "other", "email": False}]}),
        content_type="application/json",
        **auth,
    )
    assert changed.status_code == 200
    assert next(p for p in changed.json() if p["kind"] == "other")["email"] is False


def test_owner_rows_stand_alone() -> None:
    from interlocal.tenancy.scoping import Tenancy

    with pytest.raises(ValueError, match="one person"):
        Tenancy(owner="user", consortium="consortium")
    assert Tenancy(owner="user").owner == "user"


def test_anonymous_people_read_no_notifications(world: Any, client: Any) -> None:
    from django.contrib.auth.models import AnonymousUser

    _note(world.bob)
    assert not Notification.objects.visible_to(AnonymousUser()).exists()
    assert client.get(reverse("core:notifications")).status_code == 302
