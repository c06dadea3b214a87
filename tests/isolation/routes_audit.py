"""Audit trail pages and private file downloads.

Who may reach what:
- the audit list, an event's page and the exports: consortium admins of the event's consortium
  (alice for Capitol Region); everybody else signed in gets 403 (list, export) or 404 (event);
- a private file (core.StoredFile, registered here with the other routes of this work): the
  member's people (ada, bob) and the consortium's council (alice, sam) for a member's file.
"""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from interlocal import audit
from interlocal.core.files import do_store_file
from tests.isolation.registry import COUNCIL, SCOPED, SCOPED_LIST, Route, Target

EVENT_MARKER = "ISO-MARKER-AUDIT-EVENT"
FILE_MARKER = "ISO-MARKER-FILE-CONTENT"
ADMINS = frozenset({"alice"})


def capitol_event(world: Any) -> Target:
    """An event of Capitol Region, acting for Avon; only Capitol's consortium admins read it."""
    event = audit.record(
        world.ada,
        "test.isolation.checked",
        consortium_id=world.capitol.pk,
        member_id=world.avon.pk,
        object_type="test.thing",
        object_repr=EVENT_MARKER,
    )
    return Target(kwargs={"pk": event.pk}, objects=[event], marker=EVENT_MARKER)


def capitol_event_in_list(world: Any) -> Target:
    """The same event, for the list and the exports (no URL arguments)."""
    target = capitol_event(world)
    return Target(objects=target.objects, marker=target.marker)


def avon_file(world: Any) -> Target:
    """A private file of Avon; its content is the marker."""
    stored = do_store_file(
        SimpleUploadedFile("minutes.txt", FILE_MARKER.encode()),
        consortium=world.capitol,
        member=world.avon,
        acting_user=world.bob,
    )
    return Target(kwargs={"pk": stored.pk}, objects=[stored], marker=FILE_MARKER)


ROUTES = [
    Route("audit:event_list", SCOPED_LIST, allowed=ADMINS, build=capitol_event_in_list),
    Route(
        "audit:event_export",
        SCOPED_LIST,
        allowed=ADMINS,
        build=capitol_event_in_list,
        note="streamed CSV/JSONL",
    ),
    Route("audit:event_detail", SCOPED, allowed=ADMINS, build=capitol_event),
    Route("file_download", SCOPED, allowed=COUNCIL | {"ada", "bob"}, build=avon_file),
]
