"""Form fields for moments entered in a consortium's zone, whoever enters them.

A council officer in Toronto who types 17:00 as the deadline of an Alberta solicitation means
17:00 in Alberta: the field reads and writes its value in the zone it is given (the consortium's),
not in the zone the request happens to have active. Comparisons stay in UTC.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _

from interlocal.lib.timezones import is_valid_zone, zoneinfo

__all__ = ["ZonedDateTimeField", "ZonedFormMixin", "aware_in"]


def aware_in(day: dt.date, time: dt.time, zone: str) -> dt.datetime:
    """The moment `day` at `time` on the clocks of `zone`."""
    return timezone.make_aware(dt.datetime.combine(day, time), zoneinfo(zone))


class ZonedDateTimeField(forms.DateTimeField):
    """A date and time read and shown in `zone` (set by ZonedFormMixin); the active zone without one."""

    zone: str | None = None

    def _override(self) -> Any:
        return timezone.override(zoneinfo(self.zone)) if self.zone else timezone.override(None)

    def to_python(self, value: Any) -> dt.datetime | None:
        if not self.zone:
            return super().to_python(value)
        with self._override():
            return super().to_python(value)

    def prepare_value(self, value: Any) -> Any:
        if not self.zone:
            return super().prepare_value(value)
        with self._override():
            return super().prepare_value(value)


class ZonedFormMixin:
    """Give the form `time_zone="America/Edmonton"`: its ZonedDateTimeFields read and show their
    values in that zone, and say so in their hints."""

    def __init__(self, *args: Any, time_zone: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.time_zone = time_zone if time_zone and is_valid_zone(time_zone) else None
        for field in self.fields.values():  # type: ignore[attr-defined]
            if isinstance(field, ZonedDateTimeField) and self.time_zone:
                field.zone = self.time_zone
                note = _("Time in %(zone)s.") % {"zone": self.time_zone}
                field.help_text = f"{field.help_text} {note}".strip() if field.help_text else note
