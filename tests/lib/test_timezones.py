"""lib.timezones: zone names, the usual zone of a province or state, the one way moments are written."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from interlocal.lib.env import EnvError, env_site_url
from interlocal.lib.timezones import (
    countdown_parts,
    format_moment,
    is_valid_zone,
    zone_choices,
    zone_for_region,
    zoneinfo,
)

# 5:00 PM on 15 Dec 2026 in Alberta (MST, UTC-7) is midnight UTC.
WINTER = dt.datetime(2026, 12, 16, 0, 0, tzinfo=dt.UTC)
# 5:00 PM on 15 Jul 2026 in Alberta (MDT, UTC-6) is 23:00 UTC.
SUMMER = dt.datetime(2026, 7, 15, 23, 0, tzinfo=dt.UTC)


def test_a_moment_is_written_with_weekday_date_time_and_abbreviation():
    assert format_moment(WINTER, "America/Edmonton") == "Tue 15 Dec 2026, 5:00 PM MST"
    assert format_moment(WINTER, "America/New_York") == "Tue 15 Dec 2026, 7:00 PM EST"
    assert (
        format_moment(WINTER, "America/Edmonton", with_zone_name=True)
        == "Tue 15 Dec 2026, 5:00 PM MST (America/Edmonton)"
    )


def test_daylight_saving_time_changes_the_abbreviation_not_the_wall_clock():
    assert format_moment(SUMMER, "America/Edmonton") == "Wed 15 Jul 2026, 5:00 PM MDT"
    assert format_moment(SUMMER, ZoneInfo("America/Regina")) == "Wed 15 Jul 2026, 5:00 PM CST"  # no DST


def test_midnight_and_noon_are_twelve():
    assert format_moment(dt.datetime(2026, 1, 5, 5, 7, tzinfo=dt.UTC), "America/New_York").endswith(
        "12:07 AM EST"
    )
    assert format_moment(dt.datetime(2026, 1, 5, 17, 0, tzinfo=dt.UTC), "America/New_York").endswith(
        "12:00 PM EST"
    )


def test_a_naive_moment_or_an_unknown_zone_is_refused():
    with pytest.raises(ValueError, match="aware"):
        format_moment(dt.datetime(2026, 1, 1, 12, 0), "UTC")  # noqa: DTZ001 - the point of the test
    with pytest.raises(ValueError, match="unknown time zone"):
        zoneinfo("Mars/Olympus")


def test_zone_names_are_checked_against_the_system_database():
    assert is_valid_zone("America/Edmonton") and is_valid_zone("UTC")
    assert not is_valid_zone("") and not is_valid_zone("America/Gotham") and not is_valid_zone("MST7MDT ")
    names = [name for name, _label in zone_choices()]
    assert "America/Edmonton" in names and "UTC" in names and names == sorted(set(names), key=names.index)


def test_the_usual_zone_of_a_province_or_state():
    assert zone_for_region("CA", "AB") == "America/Edmonton"
    assert zone_for_region("ca", " ab ") == "America/Edmonton"
    assert zone_for_region("US", "CT") == "America/New_York"
    assert zone_for_region("US", "AZ") == "America/Phoenix"
    assert zone_for_region("US", "ZZ") is None and zone_for_region("FR", "IDF") is None


def test_countdown_parts_round_down_and_end_at_zero():
    assert countdown_parts(dt.timedelta(days=3, hours=4, minutes=59, seconds=59)) == (3, 4, 59)
    assert countdown_parts(dt.timedelta(seconds=30)) == (0, 0, 0)
    assert countdown_parts(dt.timedelta(0)) is None
    assert countdown_parts(dt.timedelta(seconds=-5)) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://interlocal.example.org/", "https://interlocal.example.org"),
        ("http://127.0.0.1:8001", "http://127.0.0.1:8001"),
        ("https://example.org/interlocal/", "https://example.org/interlocal"),
        ("", ""),
    ],
)
def test_site_url_is_normalised(value, expected):
    assert env_site_url("INTERLOCAL_SITE_URL", environ={"INTERLOCAL_SITE_URL": value}) == expected


@pytest.mark.parametrize(
    "value", ["interlocal.example.org", "ftp://example.org", "https://example.org/?a=1", "http://x:port"]
)
def test_a_site_url_that_is_not_an_address_stops_start_up(value):
    with pytest.raises(EnvError, match="INTERLOCAL_SITE_URL"):
        env_site_url("INTERLOCAL_SITE_URL", environ={"INTERLOCAL_SITE_URL": value})
