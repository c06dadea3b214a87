"""Legal deadlines as text, for messages and e-mails written in Python: always in the zone of the
consortium that set them ("Tue 15 Dec 2026, 5:00 PM MST (America/Edmonton)"). Templates use the
same through core/templatetags/when.py."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.formats import date_format

from interlocal.lib.timezones import format_moment, is_valid_zone

__all__ = ["legal_cell", "legal_text", "short_text", "zone_of"]


def zone_of(owner: Any) -> str:
    """The zone name of `owner`: a consortium (its time_zone), a zone name, or anything with a
    `consortium` (a solicitation, a round, a campaign); the installation's zone otherwise."""
    if isinstance(owner, str):
        name = owner
    else:
        consortium = getattr(owner, "consortium", None)
        name = str(getattr(owner, "time_zone", None) or getattr(consortium, "time_zone", "") or "")
    return name if name and is_valid_zone(name) else str(timezone.get_default_timezone_name())


def legal_text(moment: dt.datetime | None, owner: Any) -> str:
    """`moment` in `owner`'s zone, with the zone's name; "—" when there is none."""
    if not moment:
        return "—"
    return format_moment(moment, zone_of(owner), with_zone_name=True)


def short_text(moment: dt.datetime | None) -> str:
    """A moment in a table cell, in the request's zone with its abbreviation: "2026-12-15 5:00 PM
    MST" (lists show one consortium's rows, whose zone the request activated); "" for none."""
    if not moment:
        return ""
    return date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")


def legal_cell(moment: dt.datetime | None, owner: Any) -> str:
    """A legal deadline in a table whose rows belong to several consortia (the public list, a
    vendor's): in its own consortium's zone, with the abbreviation; "" for none."""
    if not moment:
        return ""
    return format_moment(moment, zone_of(owner))
