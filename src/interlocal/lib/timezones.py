"""Time zones of consortia and people, and the one way the site writes a moment. Pure: no Django.

Every legal deadline (a solicitation's submission deadline, a bid opening, a campaign's deadline …)
is written in the zone of the consortium that set it, with the zone's abbreviation and IANA name, so
that a vendor in Ontario reading an Alberta solicitation knows it closes at 5:00 PM MST. Moments are
stored and compared in UTC; only writing and reading them for people uses a zone.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

__all__ = [
    "countdown_parts",
    "format_moment",
    "is_valid_zone",
    "zone_choices",
    "zone_for_region",
    "zoneinfo",
]

# The zone most of each state or province keeps (a state split between zones gets the zone of
# its largest population). Used to suggest a consortium's zone from its region; the council can
# always choose another one.
_REGION_ZONES: dict[str, dict[str, str]] = {
    "US": {
        **dict.fromkeys(
            [
                "CT",
                "DE",
                "DC",
                "FL",
                "GA",
                "IN",
                "ME",
                "MD",
                "MA",
                "MI",
                "NH",
                "NJ",
                "NY",
                "NC",
                "OH",
                "PA",
                "RI",
                "SC",
                "VT",
                "VA",
                "WV",
                "KY",
            ],
            "America/New_York",
        ),
        **dict.fromkeys(
            ["AL", "AR", "IL", "IA", "KS", "LA", "MN", "MS", "MO", "NE", "ND", "OK", "SD", "TN", "TX", "WI"],
            "America/Chicago",
        ),
        **dict.fromkeys(["CO", "ID", "MT", "NM", "UT", "WY"], "America/Denver"),
        "AZ": "America/Phoenix",
        **dict.fromkeys(["CA", "NV", "OR", "WA"], "America/Los_Angeles"),
        "AK": "America/Anchorage",
        "HI": "Pacific/Honolulu",
        "PR": "America/Puerto_Rico",
    },
    "CA": {
        "AB": "America/Edmonton",
        "BC": "America/Vancouver",
        "MB": "America/Winnipeg",
        "NB": "America/Moncton",
        "NL": "America/St_Johns",
        "NS": "America/Halifax",
        "NT": "America/Yellowknife",
        "NU": "America/Iqaluit",
        "ON": "America/Toronto",
        "PE": "America/Halifax",
        "QC": "America/Toronto",
        "SK": "America/Regina",
        "YT": "America/Whitehorse",
    },
}


@cache
def _available() -> frozenset[str]:
    return frozenset(available_timezones())


def is_valid_zone(name: str) -> bool:
    """Whether `name` is an IANA time zone this system knows ("America/Edmonton", "UTC")."""
    return bool(name) and name in _available()


def zoneinfo(name: str) -> ZoneInfo:
    """The zone called `name`; ValueError naming it when the system does not know it."""
    if not is_valid_zone(name):
        raise ValueError(f"unknown time zone {name!r}")
    try:
        return ZoneInfo(name)
    except ZoneInfoNotFoundError:  # pragma: no cover - listed as available but not loadable
        raise ValueError(f"unknown time zone {name!r}") from None


def zone_choices() -> list[tuple[str, str]]:
    """(name, label) for every canonical-looking IANA zone, sorted, for a select list."""
    names = sorted(n for n in _available() if "/" in n and not n.startswith(("Etc/", "SystemV/", "posix/")))
    return [("UTC", "UTC"), *((n, n.replace("_", " ")) for n in names)]


def zone_for_region(country: str, region: str) -> str | None:
    """The usual zone of a state or province ("CA", "AB" -> "America/Edmonton"), None if unknown."""
    return _REGION_ZONES.get((country or "").upper(), {}).get((region or "").strip().upper())


def format_moment(moment: dt.datetime, zone: str | ZoneInfo, *, with_zone_name: bool = False) -> str:
    """`moment` written the one way the site writes moments: "Tue 15 Dec 2026, 5:00 PM MST"
    (with `with_zone_name`: "… MST (America/Edmonton)"). `moment` must be aware."""
    if moment.tzinfo is None:
        raise ValueError("format_moment needs an aware datetime")
    tz = zone if isinstance(zone, ZoneInfo) else zoneinfo(zone)
    local = moment.astimezone(tz)
    hour = local.hour % 12 or 12
    half = "AM" if local.hour < 12 else "PM"
    text = f"{local:%a} {local.day} {local:%b} {local.year}, {hour}:{local:%M} {half} {local.tzname()}"
    return f"{text} ({tz.key})" if with_zone_name else text


def countdown_parts(remaining: dt.timedelta) -> tuple[int, int, int] | None:
    """(days, hours, minutes) left, rounded down; None once nothing is left."""
    seconds = int(remaining.total_seconds())
    if seconds <= 0:
        return None
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    return days, hours, rest // 60
