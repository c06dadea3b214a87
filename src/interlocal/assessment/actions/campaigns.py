"""Campaigns."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from interlocal import audit
from interlocal.assessment.models import (
    Campaign,
    Response,
    TemplateVersion,
)
from interlocal.core.links import absolute_url
from interlocal.tenancy.models import Consortium, Member, Membership
from interlocal.tenancy.roles import MEMBER_WRITE_ROLES

if TYPE_CHECKING:
    from interlocal.accounts.models import User
from interlocal.assessment.actions.common import is_council_of
from interlocal.assessment.actions.templates import lock_version

__all__ = [
    "do_close_campaign",
    "do_create_campaign",
    "do_launch_campaign",
    "do_update_campaign",
    "response_people_emails",
]


def response_people_emails(member_ids: Iterable[int], consortium_id: int) -> dict[int, list[str]]:
    """E-mail addresses of each member's admins and staff in the consortium (one query)."""
    rows = (
        Membership.objects.filter(
            consortium_id=consortium_id,
            member_id__in=list(member_ids),
            role__in=MEMBER_WRITE_ROLES,
            user__is_active=True,
        )
        .values_list("member_id", "user__email")
        .order_by("member_id", "user__email")
    )
    out: dict[int, list[str]] = {}
    for member_id, email in rows:
        if email and email not in out.setdefault(member_id, []):
            out[member_id].append(email)
    return out


def _answer_url(response: Response) -> str:
    """The absolute address of the response's answering page, for the e-mails."""
    return absolute_url(reverse("assessment:response", args=[response.pk]))


def _check_campaign_fields(
    consortium: Consortium,
    *,
    name: str,
    deadline: dt.datetime,
    reminder_days: Sequence[int],
    priority_threshold: float,
    readiness_threshold: float,
) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}
    if not name.strip():
        problems["name"] = [_("Give the campaign a name.")]
    if deadline is None or timezone.is_naive(deadline):
        problems["deadline"] = [_("Give the deadline as a date and time.")]
    if any(not isinstance(d, int) or isinstance(d, bool) or not 0 < d <= 90 for d in reminder_days):
        problems["reminder_days"] = [_("Reminder days are whole numbers from 1 to 90.")]
    for field, value in (
        ("priority_threshold", priority_threshold),
        ("readiness_threshold", readiness_threshold),
    ):
        if not 1 <= value <= 5:
            problems[field] = [_("A threshold lies on the 1–5 scale.")]
    return problems


@transaction.atomic
def do_create_campaign(
    consortium: Consortium,
    *,
    actor: User | None,
    name: str,
    template_version: TemplateVersion,
    members: Iterable[Member],
    deadline: dt.datetime,
    description: str = "",
    reminder_days: Sequence[int] = (7, 2),
    priority_threshold: float = 3.0,
    readiness_threshold: float = 3.0,
    launch: bool = True,
) -> Campaign:
    """Create a campaign with one response per participating member; launch it unless a draft."""
    if actor is not None and not is_council_of(actor, consortium.pk):
        raise PermissionDenied(_("Only the consortium's admins and staff may run campaigns."))
    problems = _check_campaign_fields(
        consortium,
        name=name,
        deadline=deadline,
        reminder_days=reminder_days,
        priority_threshold=priority_threshold,
        readiness_threshold=readiness_threshold,
    )
    version_owner = template_version.template.consortium_id
    if version_owner not in (None, consortium.pk):
        problems["template_version"] = [_("Choose the standard template or one of your consortium's.")]
    elif not template_version.questions.exists():
        problems["template_version"] = [_("This template version has no questions yet.")]
    member_list = list({m.pk: m for m in members}.values())
    participating = set(
        consortium.participations.filter(
            is_active=True, member_id__in=[m.pk for m in member_list]
        ).values_list("member_id", flat=True)
    )
    if not member_list:
        problems["members"] = [_("Choose at least one participating member.")]
    elif outsiders := [m.name for m in member_list if m.pk not in participating]:
        problems["members"] = [
            _("Not members of %(consortium)s: %(names)s.")
            % {"consortium": consortium.name, "names": ", ".join(outsiders)}
        ]
    if launch and deadline is not None and not timezone.is_naive(deadline) and deadline <= timezone.now():
        problems.setdefault("deadline", []).append(_("The deadline must be in the future."))
    if problems:
        raise ValidationError(problems)
    campaign = Campaign(
        consortium=consortium,
        name=name.strip(),
        description=description,
        template_version=template_version,
        deadline=deadline,
        created_by=actor,
        reminder_days=sorted({int(d) for d in reminder_days}, reverse=True),
        priority_threshold=float(priority_threshold),
        readiness_threshold=float(readiness_threshold),
        status=Campaign.Status.DRAFT,
    )
    campaign.full_clean()
    campaign.save()
    Response.objects.bulk_create(
        [Response(campaign=campaign, member=m) for m in member_list], batch_size=1000
    )
    audit.record(
        actor,
        "assessment.campaign.created",
        campaign,
        after={**audit.snapshot(campaign), "members": sorted(participating)},
    )
    if launch:
        campaign = do_launch_campaign(campaign, actor=actor)
    return campaign


@transaction.atomic
def do_launch_campaign(campaign: Campaign, *, actor: User | None) -> Campaign:
    """Open a draft campaign: lock its template version and invite the members' people by e-mail."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if actor is not None and not is_council_of(actor, campaign.consortium_id):
        raise PermissionDenied(_("Only the consortium's admins and staff may launch campaigns."))
    if campaign.status != Campaign.Status.DRAFT:
        raise ValidationError(
            _("Only a draft campaign can be launched; this one is %(status)s.")
            % {"status": campaign.get_status_display()}
        )
    if campaign.deadline <= timezone.now():
        raise ValidationError({"deadline": [_("The deadline has passed; set a later one before launching.")]})
    if not campaign.responses.exists():
        raise ValidationError({"members": [_("The campaign has no participating members.")]})
    lock_version(campaign.template_version)
    campaign.status = Campaign.Status.OPEN
    campaign.opens_at = timezone.now()
    campaign.save(update_fields=["status", "opens_at"])
    audit.record(
        actor,
        "assessment.campaign.launched",
        campaign,
        after=audit.snapshot(campaign, ["status", "opens_at", "deadline"]),
    )
    responses = list(campaign.responses.select_related("member"))
    emails = response_people_emails([r.member_id for r in responses], campaign.consortium_id)
    invitations = [
        (emails[r.member_id], {"campaign": campaign, "member": r.member, "url": _answer_url(r)})
        for r in responses
        if emails.get(r.member_id)
    ]

    def send() -> None:
        from interlocal.core.mail import queue_templated_mail

        for to, context in invitations:
            queue_templated_mail(to, "assessment/email/campaign_launched", context)

    transaction.on_commit(send)
    return campaign


@transaction.atomic
def do_update_campaign(campaign: Campaign, *, actor: User | None, **changes: Any) -> Campaign:
    """Change a campaign's name, description, deadline, reminders or matrix thresholds."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if actor is not None and not is_council_of(actor, campaign.consortium_id):
        raise PermissionDenied(_("Only the consortium's admins and staff may change campaigns."))
    allowed = {
        "name",
        "description",
        "deadline",
        "reminder_days",
        "priority_threshold",
        "readiness_threshold",
    }
    unknown = set(changes) - allowed
    if unknown:
        raise ValueError(f"cannot change {sorted(unknown)}")
    if campaign.status == Campaign.Status.CLOSED and changes.keys() & {"deadline", "reminder_days"}:
        raise ValidationError(_("The campaign is closed: its deadline and reminders no longer apply."))
    merged = {
        "name": campaign.name,
        "deadline": campaign.deadline,
        "reminder_days": campaign.reminder_days,
        "priority_threshold": campaign.priority_threshold,
        "readiness_threshold": campaign.readiness_threshold,
    }
    merged.update({k: v for k, v in changes.items() if k in merged})
    problems = _check_campaign_fields(campaign.consortium, **merged)
    if (
        "deadline" in changes
        and changes["deadline"] != campaign.deadline
        and campaign.status == Campaign.Status.OPEN
        and not timezone.is_naive(changes["deadline"])
        and changes["deadline"] <= timezone.now()
    ):
        problems.setdefault("deadline", []).append(_("The deadline must be in the future."))
    if problems:
        raise ValidationError(problems)
    before = audit.snapshot(campaign, sorted(allowed))
    deadline_moved = "deadline" in changes and changes["deadline"] != campaign.deadline
    for name, value in changes.items():
        if name == "reminder_days":
            value = sorted({int(d) for d in value}, reverse=True)
        setattr(campaign, name, value)
    campaign.full_clean()
    campaign.save(update_fields=sorted(changes))
    if deadline_moved:
        # Reminders count back from the deadline: a new deadline starts their count again.
        campaign.responses.exclude(status=Response.Status.SUBMITTED).update(reminders_sent=[])
    audit.record(
        actor,
        "assessment.campaign.updated",
        campaign,
        before=before,
        after=audit.snapshot(campaign, sorted(allowed)),
    )
    return campaign


@transaction.atomic
def do_close_campaign(campaign: Campaign, *, actor: User | None) -> Campaign:
    """Close a campaign: no more answers; unsubmitted responses stay as they are."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if actor is not None and not is_council_of(actor, campaign.consortium_id):
        raise PermissionDenied(_("Only the consortium's admins and staff may close campaigns."))
    if campaign.status == Campaign.Status.CLOSED:
        raise ValidationError(_("The campaign is already closed."))
    before = audit.snapshot(campaign, ["status", "closed_at"])
    campaign.status = Campaign.Status.CLOSED
    campaign.closed_at = timezone.now()
    campaign.save(update_fields=["status", "closed_at"])
    audit.record(
        actor,
        "assessment.campaign.closed",
        campaign,
        before=before,
        after=audit.snapshot(campaign, ["status", "closed_at"]),
    )
    return campaign
