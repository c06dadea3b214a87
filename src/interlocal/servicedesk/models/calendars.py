"""Business calendars (working hours per weekday, holidays).

The arithmetic on them is the pure `servicedesk.clock`; `queries.clock_calendar` builds its
`Calendar` from these rows.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone as django_timezone
from django.utils.translation import gettext_lazy as _

from interlocal.servicedesk.querysets import CalendarQuerySet, HolidayQuerySet, WorkingHoursQuerySet
from interlocal.tenancy.models import Consortium
from interlocal.tenancy.scoping import Tenancy

__all__ = ["BusinessCalendar", "Holiday", "HolidaySource", "Weekday", "WorkingHours"]

MINUTES_PER_DAY = 24 * 60


class Weekday(models.IntegerChoices):
    """Days of the week as Python counts them (0 = Monday)."""

    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class HolidaySource(models.TextChoices):
    """How a holiday came into the calendar."""

    ENTERED = "entered", _("Entered")
    IMPORTED = "imported", _("Imported (iCalendar)")
    GENERATED = "generated", _("Generated")


class BusinessCalendar(models.Model):
    """A consortium's business hours in one time zone, minus holidays; SLA clocks run on it."""

    consortium = models.ForeignKey(Consortium, on_delete=models.CASCADE, related_name="business_calendars")
    name = models.CharField(_("name"), max_length=200)
    timezone = models.CharField(
        _("time zone"), max_length=64, help_text=_("An IANA time zone such as America/New_York.")
    )
    is_default = models.BooleanField(
        _("default calendar"), default=False, help_text=_("Used by services that name no calendar.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=django_timezone.now)
    updated_at = models.DateTimeField(default=django_timezone.now)

    tenancy = Tenancy(consortium="consortium")
    objects = CalendarQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["consortium", "name"], name="uniq_business_calendar_name"),
            models.UniqueConstraint(
                fields=["consortium"], condition=Q(is_default=True), name="one_default_business_calendar"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class WorkingHours(models.Model):
    """One working interval of a weekday, in wall-clock minutes (end exclusive; 1440 = 24:00)."""

    calendar = models.ForeignKey(BusinessCalendar, on_delete=models.CASCADE, related_name="hours")
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    start_minute = models.PositiveSmallIntegerField(
        _("start"), validators=[MaxValueValidator(MINUTES_PER_DAY - 1)]
    )
    end_minute = models.PositiveSmallIntegerField(_("end"), validators=[MaxValueValidator(MINUTES_PER_DAY)])

    tenancy = Tenancy(consortium="calendar__consortium")
    objects = WorkingHoursQuerySet.as_manager()

    class Meta:
        ordering = ["calendar", "weekday", "start_minute"]
        verbose_name_plural = "working hours"
        constraints = [
            models.CheckConstraint(
                condition=Q(start_minute__lt=F("end_minute")) & Q(end_minute__lte=MINUTES_PER_DAY),
                name="working_hours_start_before_end",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start} – {self.end}"

    @property
    def start(self) -> str:
        """The start as HH:MM."""
        return f"{self.start_minute // 60:02d}:{self.start_minute % 60:02d}"

    @property
    def end(self) -> str:
        """The end as HH:MM ("24:00" for midnight at the end of the day)."""
        return f"{self.end_minute // 60:02d}:{self.end_minute % 60:02d}"


class Holiday(models.Model):
    """A date with no business time in a calendar."""

    calendar = models.ForeignKey(BusinessCalendar, on_delete=models.CASCADE, related_name="holidays")
    date = models.DateField(_("date"))
    name = models.CharField(_("name"), max_length=200)
    source = models.CharField(
        _("source"), max_length=10, choices=HolidaySource.choices, default=HolidaySource.ENTERED
    )

    tenancy = Tenancy(consortium="calendar__consortium")
    objects = HolidayQuerySet.as_manager()

    class Meta:
        ordering = ["calendar", "date"]
        constraints = [models.UniqueConstraint(fields=["calendar", "date"], name="uniq_holiday_date")]

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.name}"
