"""The test clock: one frozen `django.utils.timezone.now` for every test that asks for `clock`.

Model defaults look `timezone.now` up when a row is created, and the do_* functions stamp their
times from it, so a test that moves the clock sees those times move with it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

T0 = dt.datetime(2027, 3, 1, 12, 0, 0, tzinfo=dt.UTC)  # where the clock starts


class Clock:
    """A frozen clock: `django.utils.timezone.now` answers `self.now` until moved."""

    def __init__(self, monkeypatch: Any, start: dt.datetime = T0) -> None:
        self.now = start
        self.frozen = True
        self.real_now = timezone.now
        monkeypatch.setattr(timezone, "now", lambda: self.now if self.frozen else self.real_now())

    def set(self, moment: dt.datetime) -> None:
        self.now = moment
        self.frozen = True

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)

    def resume(self) -> None:
        """Give real time back (until the next `set`), e.g. for people browsing after a setup."""
        self.frozen = False
