"""`interlocal servicedesk due`: the issue's example, every kind of bad input, the round trip."""

from __future__ import annotations

import copy
import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from hypothesis import given, settings
from hypothesis import strategies as st

from interlocal.servicedesk.clock.spec import InputError, compute_due

ISSUE_EXAMPLE: dict[str, Any] = {
    "calendar": {
        "timezone": "America/New_York",
        "hours": {
            "mon": [["08:00", "12:00"], ["13:00", "17:00"]],
            "tue": [["08:00", "17:00"]],
            "wed": [],
            "thu": [],
            "fri": [],
            "sat": [],
            "sun": [],
        },
        "holidays": ["2027-01-01"],
    },
    "start": "2027-03-12T16:30:00-05:00",
    "minutes": 240,
    "pauses": [["2027-03-15T09:00:00-04:00", "2027-03-15T10:00:00-04:00"]],
}


def run(tmp_path: Path, data: Any) -> tuple[int, str, str]:
    """Run the command on `data` (a dict, or raw text) in a file: (exit code, stdout, stderr)."""
    path = tmp_path / "in.json"
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return run_path(str(path))


def run_path(path: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("servicedesk", "due", path, stdout=out, stderr=err)
    except SystemExit as exc:
        return int(exc.code or 0), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def changed(**changes: Any) -> dict[str, Any]:
    """The issue's example with top-level keys (or calendar.<key>) replaced; None drops a key."""
    data = copy.deepcopy(ISSUE_EXAMPLE)
    for key, value in changes.items():
        target, name = (data["calendar"], key[9:]) if key.startswith("calendar_") else (data, key)
        if value is None:
            target.pop(name, None)
        else:
            target[name] = value
    return data


def test_issue_example(tmp_path: Path) -> None:
    # Friday has no hours; DST starts on Sunday 14 March; Monday 08-09, 10-12 and 13-14 (EDT).
    code, out, err = run(tmp_path, ISSUE_EXAMPLE)
    assert (code, err) == (0, "")
    assert json.loads(out) == {"due": "2027-03-15T14:00:00-04:00"}


def test_end_gives_business_minutes(tmp_path: Path) -> None:
    code, out, _err = run(tmp_path, changed(minutes=None, end="2027-03-16T10:30:00-04:00"))
    # Monday 8 h less the 1 h pause = 420 min, Tuesday 08:00-10:30 = 150 min.
    assert (code, json.loads(out)) == (0, {"business_minutes": 570})
    code, out, _err = run(tmp_path, changed(minutes=None, end="2027-03-15T08:00:30-04:00"))
    assert json.loads(out) == {"business_minutes": 0.5}


def test_target_running_out_at_closing_is_due_at_closing(tmp_path: Path) -> None:
    data = changed(start="2027-03-16T08:00:00-04:00", minutes=9 * 60, pauses=None)
    assert json.loads(run(tmp_path, data)[1]) == {"due": "2027-03-16T17:00:00-04:00"}


def test_midnight_end_and_offset_in_the_zone_of_the_calendar(tmp_path: Path) -> None:
    data = changed(
        calendar_timezone="America/Edmonton",
        calendar_hours={"sat": [["22:00", "24:00"]]},
        start="2027-07-01T00:00:00Z",
        minutes=90,
        pauses=None,
    )
    # The first Saturday after 30 June 18:00 MDT is 3 July; 22:00 + 90 min = 23:30 MDT.
    assert json.loads(run(tmp_path, data)[1]) == {"due": "2027-07-03T23:30:00-06:00"}


def test_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps(ISSUE_EXAMPLE)))
    code, out, _err = run_path("-")
    assert (code, json.loads(out)) == (0, {"due": "2027-03-15T14:00:00-04:00"})


BAD = [
    (
        changed(calendar_timezone="Mars/Olympus"),
        ["calendar.timezone: 'Mars/Olympus' is not a known time zone"],
    ),
    (changed(calendar_hours={"mon": [["08:00", "8am"]]}), ["calendar.hours.mon[1].end: '8am' is not a time"]),
    (
        changed(calendar_hours={"tue": [["25:00", "26:00"]]}),
        ["calendar.hours.tue[1].start: '25:00' is not a time"],
    ),
    (changed(calendar_hours={"tue": [["24:00", "24:00"]]}), ["calendar.hours.tue[1].start: 24:00 is only"]),
    (
        changed(calendar_hours={"mon": [["12:00", "08:00"]]}),
        ["calendar.hours.mon[1]: ends (08:00) before it starts (12:00)"],
    ),
    (
        changed(calendar_hours={"wed": [["08:00", "12:00"], ["11:00", "13:00"]]}),
        ["calendar.hours.wed: 08:00–12:00 overlaps 11:00–13:00"],
    ),
    (changed(calendar_hours={"monday": []}), ["calendar.hours.monday: not a weekday"]),
    (changed(calendar_holidays=["2027-02-30"]), ["calendar.holidays[1]: '2027-02-30' is not a date"]),
    (changed(start="2027-03-12T16:30:00"), ["start: '2027-03-12T16:30:00' has no UTC offset"]),
    (changed(start="yesterday"), ["start: 'yesterday' is not an ISO 8601 timestamp"]),
    (changed(minutes=None, end="2027-03-15T14:00:00"), ["end: '2027-03-15T14:00:00' has no UTC offset"]),
    (changed(minutes=None, end="2027-03-01T00:00:00Z"), ["end: 2027-03-01T00:00:00Z is before start"]),
    (changed(end="2027-03-16T00:00:00Z"), ["minutes: give either minutes"]),
    (changed(minutes=None), ["minutes: give either minutes"]),
    (changed(minutes=-5), ["minutes: -5 must be a finite number, 0 or more"]),
    (changed(minutes="240"), ["minutes: '240' is not a number of minutes"]),
    (
        changed(pauses=[["2027-03-15T10:00:00-04:00", "2027-03-15T09:00:00-04:00"]]),
        ["pauses[1]: ends (2027-03-15T09:00:00-04:00) before it starts"],
    ),
    (changed(pauses=[["2027-03-15T10:00:00", None]]), ["pauses[1].from: ", "pauses[1].to: missing"]),
    (changed(calendar_hours={}), ["calendar.hours: the calendar has no working hours"]),
    (changed(minutes=10**12), ["minutes: the due time would fall after the year 9999"]),
    (changed(extra=1), ["extra: unknown key"]),
    ([1, 2], ["(top level): must be an object"]),
    (
        # Every problem at once, in input order.
        changed(calendar_timezone="Nowhere", start="2027-03-12", minutes=-1),
        ["calendar.timezone: 'Nowhere'", "start: '2027-03-12' has no UTC offset", "minutes: -1"],
    ),
]


@pytest.mark.parametrize(("data", "starts"), BAD)
def test_bad_input_exits_2_with_path_reason_lines(tmp_path: Path, data: Any, starts: list[str]) -> None:
    code, out, err = run(tmp_path, data)
    assert (code, out) == (2, "")
    lines = err.splitlines()
    assert len(lines) == len(starts), lines
    for line, start in zip(lines, starts, strict=True):
        assert line.startswith(start), (line, start)


def _every_day_a_holiday(first: int, last: int) -> list[str]:
    day, out = dt.date(first, 1, 1), []
    while day.year <= last:
        out.append(day.isoformat())
        day += dt.timedelta(days=1)
    return out


@pytest.mark.parametrize("mode", [{"minutes": 60}, {"minutes": None, "end": "2030-01-01T00:00:00Z"}])
def test_no_business_time_within_ten_years_is_bad_input(tmp_path: Path, mode: dict[str, Any]) -> None:
    data = changed(
        calendar_hours={"mon": [["00:00", "24:00"]]}, calendar_holidays=_every_day_a_holiday(2027, 2038)
    )
    code, out, err = run(tmp_path, changed(**mode) | {"calendar": data["calendar"]})
    assert (code, out) == (2, "")
    assert err.strip() == "calendar.holidays: no business time at all within ten years"


def test_missing_unreadable_and_malformed_files(tmp_path: Path) -> None:
    missing = str(tmp_path / "nope.json")
    code, out, err = run_path(missing)
    assert (code, out, err.strip()) == (2, "", f"{missing}: cannot read: No such file or directory")
    latin = tmp_path / "latin.json"
    latin.write_bytes(b'{"start": "\xe9"}')
    code, out, err = run_path(str(latin))
    assert (code, out) == (2, "")
    assert err.startswith(f"{latin}: cannot read: ")
    code, out, err = run(tmp_path, "{not json")
    assert (code, out) == (2, "")
    assert "in.json: not valid JSON (line 1, column 2" in err
    code, out, err = run(tmp_path, '{"minutes": NaN}')
    assert (code, out) == (2, "")
    assert "NaN is not a JSON number" in err


@settings(max_examples=150, deadline=None)
@given(
    start_minute=st.integers(min_value=0, max_value=60 * 24 * 28),
    minutes=st.integers(min_value=0, max_value=60 * 24 * 400),
    with_pause=st.booleans(),
)
def test_due_then_business_minutes_round_trip(start_minute: int, minutes: int, with_pause: bool) -> None:
    start = dt.datetime(2027, 2, 20, tzinfo=dt.UTC) + dt.timedelta(minutes=start_minute)
    data = changed(
        start=start.isoformat(), minutes=minutes, pauses=None if not with_pause else ISSUE_EXAMPLE["pauses"]
    )
    due = compute_due(data)["due"]
    assert dt.datetime.fromisoformat(due).utcoffset() in {dt.timedelta(hours=-5), dt.timedelta(hours=-4)}
    back = changed(start=data["start"], minutes=None, end=due, pauses=data.get("pauses"))
    assert compute_due(back) == {"business_minutes": minutes}


def test_input_error_lists_lines() -> None:
    with pytest.raises(InputError) as info:
        compute_due(changed(start=None))
    assert info.value.lines() == ["start: missing"]


def test_deeply_nested_json_is_refused_not_a_traceback(tmp_path: Path) -> None:
    code, out, err = run(tmp_path, "[" * 100_000 + "]" * 100_000)
    assert (code, out) == (2, "")
    assert "not valid JSON (nested too deeply)" in err
