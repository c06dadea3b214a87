"""Legal deadlines and countdowns, written one way across the site and its e-mails.

    {% load when %}
    {% deadline solicitation.submission_deadline solicitation.consortium %}
        <time datetime="2026-12-16T00:00:00Z">Tue 15 Dec 2026, 5:00 PM MST</time> (America/Edmonton)
        — 7:00 PM EST your time            (only when the viewer chose another zone)
    {{ campaign.deadline|legal_time:campaign.consortium }}    plain text, for e-mails and sentences
    {% countdown solicitation.submission_deadline %}          "Closes in 3 days 4 hours", kept live
                                                               by static/interlocal/js/countdown.js

A legal deadline is always written in the zone of the consortium that set it (whoever reads it, a
vendor in another province included); other moments follow the zone the request activated
(core.middleware.TimeZoneMiddleware: the viewer's own, else the consortium's).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from interlocal.core.moments import legal_text, zone_of
from interlocal.lib.timezones import countdown_parts, format_moment, is_valid_zone, zoneinfo

register = template.Library()

__all__ = ["countdown", "countdown_text", "deadline", "legal_time"]


def _viewer_zone(context: template.Context) -> str | None:
    request = context.get("request")
    user = getattr(request, "user", None)
    name = getattr(user, "time_zone", "") if user is not None and user.is_authenticated else ""
    return name if name and is_valid_zone(name) else None


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@register.filter
def legal_time(value: dt.datetime | None, owner: Any) -> str:
    """A legal deadline as plain text in its consortium's zone:
    "Tue 15 Dec 2026, 5:00 PM MST (America/Edmonton)"; "—" when there is none."""
    return legal_text(value, owner)


@register.simple_tag(takes_context=True)
def deadline(context: template.Context, value: dt.datetime | None, owner: Any) -> SafeString:
    """A legal deadline in its consortium's zone, in a <time> element, with the viewer's own time
    beside it when they chose another zone that shows another time."""
    if not value:
        return format_html("{}", "—")
    zone = zone_of(owner)
    shown = format_html(
        '<time datetime="{}">{}</time> <span class="il-zone">({})</span>',
        _iso(value),
        format_moment(value, zone),
        zone,
    )
    viewer = _viewer_zone(context)
    if viewer is None or viewer == zone:
        return format_html('<span class="il-deadline">{}</span>', shown)
    theirs, ours = value.astimezone(zoneinfo(viewer)), value.astimezone(zoneinfo(zone))
    if theirs.utcoffset() == ours.utcoffset() and theirs.tzname() == ours.tzname():
        return format_html('<span class="il-deadline">{}</span>', shown)
    full = format_moment(value, viewer)
    # The same day needs only the time ("7:00 PM EST"); another day the whole date.
    mine = full.split(", ", 1)[1] if theirs.date() == ours.date() else full
    return format_html(
        '<span class="il-deadline">{} <span class="il-zone il-zone--viewer">— {}</span></span>',
        shown,
        _("%(time)s your time") % {"time": mine},
    )


def countdown_text(remaining: dt.timedelta) -> str:
    """ "Closes in 3 days 4 hours" (days and hours; hours and minutes under a day), or "Closed"."""
    parts = countdown_parts(remaining)
    if parts is None:
        return _("Closed")
    days, hours, minutes = parts
    d = ngettext("%(n)d day", "%(n)d days", days) % {"n": days}
    h = ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours}
    m = ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes}
    if days:
        left = f"{d} {h}" if hours else d
    elif hours:
        left = f"{h} {m}" if minutes else h
    elif minutes:
        left = m
    else:
        left = _("less than a minute")
    return _("Closes in %(left)s") % {"left": left}


@register.simple_tag
def countdown(value: dt.datetime | None, now: dt.datetime | None = None) -> SafeString:
    """The time left until `value`, written on the server and kept up to date in the browser by
    static/interlocal/js/countdown.js (it reads data-countdown-until; no inline script)."""
    if not value:
        return format_html("{}", "")
    remaining = value - (now or timezone.now())
    return format_html(
        '<span class="il-countdown" role="timer" data-countdown-until="{}">{}</span>',
        _iso(value),
        countdown_text(remaining),
    )
