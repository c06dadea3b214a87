"""Tickets raised by members to the consortium's desk, their replies, watchers and status history,
and the SLA targets their clocks are measured against.

A ticket's clocks pause while it waits on the member (and while it is resolved, until reopened);
the pause intervals are derived from its `TicketStatusChange` rows.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone as django_timezone
from django.utils.translation import gettext_lazy as _

from interlocal.servicedesk.models.calendars import BusinessCalendar
from interlocal.servicedesk.querysets import SlaTargetQuerySet, TicketPartQuerySet, TicketQuerySet
from interlocal.tenancy.models import Consortium, Member
from interlocal.tenancy.scoping import ScopedQuerySet, Tenancy

__all__ = [
    "PAUSED_STATUSES",
    "PRIORITY_MATRIX",
    "Level",
    "Priority",
    "SlaTarget",
    "Status",
    "Ticket",
    "TRANSITIONS",
    "TicketCounter",
    "TicketReply",
    "TicketStatusChange",
    "TicketType",
    "TicketWatcher",
    "priority_for",
]


class TicketType(models.TextChoices):
    """What the member asks for."""

    INCIDENT = "incident", _("Incident")
    SERVICE_REQUEST = "request", _("Service request")
    QUESTION = "question", _("Question")


class Level(models.IntegerChoices):
    """A ticket's impact or urgency."""

    HIGH = 1, _("High")
    MEDIUM = 2, _("Medium")
    LOW = 3, _("Low")


class Priority(models.TextChoices):
    """P1 (most pressing) to P4; SLA targets are set per priority."""

    P1 = "p1", _("P1 – critical")
    P2 = "p2", _("P2 – high")
    P3 = "p3", _("P3 – medium")
    P4 = "p4", _("P4 – low")


# impact x urgency -> priority (the usual ITIL matrix, 3 x 3 onto four priorities).
PRIORITY_MATRIX: dict[tuple[int, int], str] = {
    (Level.HIGH, Level.HIGH): Priority.P1,
    (Level.HIGH, Level.MEDIUM): Priority.P2,
    (Level.MEDIUM, Level.HIGH): Priority.P2,
    (Level.HIGH, Level.LOW): Priority.P3,
    (Level.MEDIUM, Level.MEDIUM): Priority.P3,
    (Level.LOW, Level.HIGH): Priority.P3,
    (Level.MEDIUM, Level.LOW): Priority.P4,
    (Level.LOW, Level.MEDIUM): Priority.P4,
    (Level.LOW, Level.LOW): Priority.P4,
}


def priority_for(impact: int, urgency: int) -> str:
    """The priority of an impact and an urgency (Level values)."""
    try:
        return PRIORITY_MATRIX[(int(impact), int(urgency))]
    except (KeyError, ValueError, TypeError):
        raise ValueError(f"impact/urgency: {impact!r}/{urgency!r} is not a level (1-3)") from None


class Status(models.TextChoices):
    """Where a ticket stands."""

    NEW = "new", _("New")
    OPEN = "open", _("Open")
    WAITING_MEMBER = "waiting_member", _("Waiting on member")
    WAITING_VENDOR = "waiting_vendor", _("Waiting on vendor")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")


# Which status may follow which (resolved -> open is a reopen; closed is final).
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.NEW: frozenset({Status.OPEN, Status.WAITING_MEMBER, Status.WAITING_VENDOR, Status.RESOLVED}),
    Status.OPEN: frozenset({Status.WAITING_MEMBER, Status.WAITING_VENDOR, Status.RESOLVED}),
    Status.WAITING_MEMBER: frozenset({Status.OPEN, Status.WAITING_VENDOR, Status.RESOLVED}),
    Status.WAITING_VENDOR: frozenset({Status.OPEN, Status.WAITING_MEMBER, Status.RESOLVED}),
    Status.RESOLVED: frozenset({Status.OPEN, Status.CLOSED}),
    Status.CLOSED: frozenset(),
}

# While a ticket is in one of these, its SLA clocks stand still.
PAUSED_STATUSES = frozenset({Status.WAITING_MEMBER, Status.RESOLVED})


class SlaTarget(models.Model):
    """First-response and resolution targets for one priority, in business minutes of a calendar.

    Per service, or the consortium's default when `service` is empty; a ticket takes its
    service's target for its priority if there is one, else the default.
    """

    consortium = models.ForeignKey(Consortium, on_delete=models.CASCADE, related_name="sla_targets")
    # Through the string reference: models never import another domain app (as billing does).
    service = models.ForeignKey(
        "services.Service", on_delete=models.CASCADE, null=True, blank=True, related_name="sla_targets"
    )
    priority = models.CharField(_("priority"), max_length=2, choices=Priority.choices)
    first_response_minutes = models.PositiveIntegerField(_("first response (business minutes)"))
    resolution_minutes = models.PositiveIntegerField(_("resolution (business minutes)"))
    calendar = models.ForeignKey(
        BusinessCalendar,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sla_targets",
        help_text=_("Empty: the consortium's default calendar."),
    )

    tenancy = Tenancy(consortium="consortium")
    objects = SlaTargetQuerySet.as_manager()

    class Meta:
        ordering = ["consortium", "service", "priority"]
        constraints = [
            models.UniqueConstraint(
                fields=["consortium", "service", "priority"],
                condition=Q(service__isnull=False),
                name="uniq_sla_target_service_priority",
            ),
            models.UniqueConstraint(
                fields=["consortium", "priority"],
                condition=Q(service__isnull=True),
                name="uniq_sla_target_default_priority",
            ),
            models.CheckConstraint(
                condition=Q(first_response_minutes__gt=0) & Q(resolution_minutes__gt=0),
                name="sla_target_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_priority_display()} {self.first_response_minutes}/{self.resolution_minutes} min"


class TicketCounter(models.Model):
    """The last ticket number given out in a consortium and year (rows locked while numbering)."""

    consortium = models.ForeignKey(Consortium, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    tenancy = Tenancy(consortium="consortium")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["consortium", "year"], name="uniq_ticket_counter")]

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class Ticket(models.Model):
    """A member's request to the consortium's desk, with its SLA clocks' due times."""

    consortium = models.ForeignKey(Consortium, on_delete=models.PROTECT, related_name="tickets")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="tickets")
    service = models.ForeignKey(
        "services.Service", on_delete=models.PROTECT, null=True, blank=True, related_name="tickets"
    )
    reference = models.CharField(_("reference"), max_length=20, editable=False)
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    type = models.CharField(_("type"), max_length=10, choices=TicketType.choices, default=TicketType.INCIDENT)
    impact = models.PositiveSmallIntegerField(_("impact"), choices=Level.choices, default=Level.MEDIUM)
    urgency = models.PositiveSmallIntegerField(_("urgency"), choices=Level.choices, default=Level.MEDIUM)
    priority = models.CharField(_("priority"), max_length=2, choices=Priority.choices)
    category = models.ForeignKey(
        "taxonomy.ServiceArea", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("description"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.NEW)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    # The clocks: which calendar and targets (copied when raised, so later edits of a target do
    # not move existing tickets), and the due times, recomputed when a pause ends.
    calendar = models.ForeignKey(
        BusinessCalendar, on_delete=models.PROTECT, null=True, blank=True, related_name="tickets"
    )
    first_response_minutes = models.PositiveIntegerField(null=True, blank=True)
    resolution_minutes = models.PositiveIntegerField(null=True, blank=True)
    first_response_due = models.DateTimeField(_("first response due"), null=True, blank=True)
    resolution_due = models.DateTimeField(_("resolution due"), null=True, blank=True)

    created_at = models.DateTimeField(default=django_timezone.now)
    updated_at = models.DateTimeField(default=django_timezone.now)
    first_responded_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    tenancy = Tenancy(consortium="consortium", member="member", council_writes=True)
    objects = TicketQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["consortium", "reference"], name="uniq_ticket_reference"),
        ]
        indexes = [
            models.Index(fields=["consortium", "member", "status"], name="ticket_member_status"),
            models.Index(fields=["consortium", "status", "resolution_due"], name="ticket_queue"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.subject}"

    @property
    def is_paused(self) -> bool:
        """Whether the SLA clocks stand still now."""
        return self.status in PAUSED_STATUSES


class TicketReply(models.Model):
    """A public reply on a ticket, or an internal note the member's people never see."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("reply"))
    is_internal = models.BooleanField(_("internal note"), default=False)
    created_at = models.DateTimeField(default=django_timezone.now)

    # `draft` keeps rows with is_internal=True to the consortium's admins and staff.
    tenancy = Tenancy(
        consortium="ticket__consortium",
        member="ticket__member",
        council_writes=True,
        draft=("is_internal", True),
    )
    objects = TicketPartQuerySet.as_manager()

    class Meta:
        ordering = ["ticket", "created_at", "pk"]
        verbose_name_plural = "ticket replies"

    def __str__(self) -> str:
        kind = "note" if self.is_internal else "reply"
        return f"{kind} on ticket {self.ticket_id}"


class TicketWatcher(models.Model):
    """A person who follows a ticket (member staff then see it)."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="watchers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=django_timezone.now)

    tenancy = Tenancy(consortium="ticket__consortium", member="ticket__member", council_writes=True)
    objects = TicketPartQuerySet.as_manager()

    class Meta:
        ordering = ["ticket", "created_at"]
        constraints = [models.UniqueConstraint(fields=["ticket", "user"], name="uniq_ticket_watcher")]

    def __str__(self) -> str:
        return f"watcher {self.user_id} of ticket {self.ticket_id}"


class TicketStatusChange(models.Model):
    """One change of a ticket's status; the SLA clocks' pauses are read from these rows."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=16, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=Status.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(default=django_timezone.now)

    tenancy = Tenancy(consortium="ticket__consortium", member="ticket__member", council_writes=True)
    objects = TicketPartQuerySet.as_manager()

    class Meta:
        ordering = ["ticket", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_status or '-'} -> {self.to_status}"
