"""The shell's own pages and API beyond the dashboard: the work inbox and notifications.

Who may reach what:
- the inbox (page and API): every signed-in person; each sees only what waits on them (the
  marker, a campaign due in 5 days that no member submitted, shows to Capitol Region's council,
  with "Remind now", and to the people of its members, Avon and Bolton, as answers due);
- notifications: a person's own only (bob's marker never shows to anyone else, not even alice,
  Capitol Region's admin); marking one read is bob's alone;
- "mark all read" and the preferences: every signed-in person, on their own rows only.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from interlocal.assessment.actions import do_create_campaign
from interlocal.core.notifications.models import Notification
from tests.assessment.factories import make_version
from tests.isolation.registry import ALL_PEOPLE, COUNCIL, SCOPED, SCOPED_LIST, SIGNED_IN, Route, Target

NOTE_MARKER = "ISO-MARKER-NOTIFICATION-BOB"
INBOX_MARKER = "ISO-MARKER-INBOX-CAMPAIGN"
EVERYONE = frozenset(ALL_PEOPLE)
INBOX_READERS = COUNCIL | {"ada", "bob", "carol"}


def _bobs_note(world: Any) -> Notification:
    return Notification.objects.create(recipient=world.bob, kind="other", title=f"Hello {NOTE_MARKER}")


def bobs_note(world: Any) -> Target:
    note = _bobs_note(world)
    return Target(kwargs={"pk": note.pk}, objects=[note], marker=NOTE_MARKER)


def bobs_note_api(world: Any) -> Target:
    note = _bobs_note(world)
    return Target(kwargs={"notification_id": note.pk}, objects=[note], marker=NOTE_MARKER)


def bobs_note_in_list(world: Any) -> Target:
    note = _bobs_note(world)
    return Target(objects=[note], marker=NOTE_MARKER)


def due_campaign(world: Any) -> Target:
    """A Capitol Region campaign due in 5 days that neither member has submitted."""
    campaign = do_create_campaign(
        world.capitol,
        actor=world.sam,
        name=f"Campaign {INBOX_MARKER}",
        template_version=make_version(world.capitol, name="Template inbox"),
        members=[world.avon, world.bolton],
        deadline=timezone.now() + dt.timedelta(days=5),
        launch=True,
    )
    return Target(objects=[campaign], marker=INBOX_MARKER)


ROUTES = [
    Route(
        "core:inbox", SCOPED_LIST, allowed=INBOX_READERS, build=due_campaign, note="what waits on the person"
    ),
    Route("GET /api/v1/inbox", SCOPED_LIST, allowed=INBOX_READERS, build=due_campaign),
    Route("core:notifications", SCOPED_LIST, allowed=frozenset({"bob"}), build=bobs_note_in_list),
    Route("GET /api/v1/notifications", SCOPED_LIST, allowed=frozenset({"bob"}), build=bobs_note_in_list),
    Route("core:notification_read", SCOPED, allowed=frozenset({"bob"}), build=bobs_note, methods=("POST",)),
    Route(
        "POST /api/v1/notifications/{notification_id}/read",
        SCOPED,
        allowed=frozenset({"bob"}),
        build=bobs_note_api,
        methods=("POST",),
    ),
    Route(
        "core:notifications_read_all",
        SCOPED,
        allowed=EVERYONE,
        build=bobs_note_in_list,
        methods=("POST",),
        note="POST only; marks the poster's own notifications (tests/core/test_notifications.py checks "
        "that nobody else's change)",
    ),
    Route("core:notification_preferences", SIGNED_IN, methods=("GET", "POST"), note="one's own settings"),
    Route("GET /api/v1/notifications/preferences", SIGNED_IN, note="one's own settings"),
    Route(
        "PUT /api/v1/notifications/preferences",
        SCOPED,
        allowed=EVERYONE,
        build=lambda world: Target(),
        methods=("PUT",),
        payload={"preferences": [{"kind": "other", "email": False}]},
        note="one's own settings: every signed-in person changes their own only",
    ),
]
