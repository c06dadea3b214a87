"""Write paths for procurement planning: do_* functions, each audited, each in one transaction.

Every function validates completely before it writes; a ValidationError names the field (and the
line, for items) and leaves the database unchanged.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from interlocal import audit
from interlocal.core.mail import queue_templated_mail
from interlocal.procurement.models import (
    Addendum,
    AddendumAcknowledgement,
    DemandEntry,
    DemandItem,
    DemandRound,
    DemandRoundMember,
    EvaluationCriterion,
    Solicitation,
    SolicitationDocument,
    SolicitationInterest,
    SolicitationItem,
    Vendor,
    VendorQuestion,
    VendorRegistration,
    VendorUser,
    currency_decimals,
)
from interlocal.tenancy.models import ConsortiumMember, Membership
from interlocal.tenancy.roles import MEMBER_WRITE_ROLES, Role

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from interlocal.accounts.models import User
    from interlocal.tenancy.models import Consortium, Member

__all__ = [
    "check_amount",
    "do_acknowledge_addendum",
    "do_add_criterion",
    "do_add_demand_item",
    "do_add_solicitation_document",
    "do_add_solicitation_item",
    "do_answer_question",
    "do_ask_question",
    "do_cancel_solicitation",
    "do_close_round",
    "do_create_round",
    "do_create_solicitation",
    "do_create_solicitation_from_round",
    "do_delete_criterion",
    "do_delete_demand_item",
    "do_delete_entry",
    "do_delete_solicitation_item",
    "do_invite_members",
    "do_invite_vendor_user",
    "do_issue_addendum",
    "do_join_round",
    "do_open_round",
    "do_publish_solicitation",
    "do_register_interest",
    "do_register_vendor",
    "do_accept_vendor_invitation",
    "do_save_entry",
    "do_update_round",
    "do_update_solicitation",
    "do_update_vendor",
    "do_verify_vendor_email",
    "send_cutoff_reminders",
    "vendor_token",
]

TOKEN_SALT = "interlocal.procurement.vendor"  # noqa: S105 - a signing namespace, not a secret
TOKEN_MAX_AGE = 3 * 24 * 3600  # three days, like an invitation
REMINDER_BEFORE = dt.timedelta(hours=48)


def _site(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def _now() -> dt.datetime:
    return timezone.now()


# --- Amounts ------------------------------------------------------------------------------------


def check_amount(
    value: Any, *, currency: str, field: str, label: str, allow_none: bool = False
) -> Decimal | None:
    """`value` as a Decimal with no more decimals than `currency` allows and not negative; else ValidationError."""
    if value is None or value == "":
        if allow_none:
            return None
        raise ValidationError({field: _("%(label)s is required.") % {"label": label}})
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationError({field: _("%(label)s must be a number.") % {"label": label}}) from None
    if not amount.is_finite():
        raise ValidationError({field: _("%(label)s must be a number.") % {"label": label}})
    if amount < 0:
        raise ValidationError({field: _("%(label)s may not be negative.") % {"label": label}})
    places = currency_decimals(currency)
    exponent = amount.normalize().as_tuple().exponent
    if isinstance(exponent, int) and -exponent > places:
        raise ValidationError(
            {
                field: _("%(label)s has more decimals than %(currency)s allows (at most %(places)d).")
                % {"label": label, "currency": currency, "places": places}
            }
        )
    if amount >= Decimal("1e14"):
        raise ValidationError({field: _("%(label)s is too large.") % {"label": label}})
    return amount


def check_quantity(value: Any, *, field: str = "quantity") -> Decimal:
    """A quantity: a number ≥ 0 with at most four decimals."""
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationError({field: _("The quantity must be a number.")}) from None
    if not amount.is_finite():
        raise ValidationError({field: _("The quantity must be a number.")})
    if amount < 0:
        raise ValidationError({field: _("The quantity may not be negative.")})
    exponent = amount.normalize().as_tuple().exponent
    if isinstance(exponent, int) and -exponent > 4:
        raise ValidationError({field: _("The quantity may have at most four decimals.")})
    if amount >= Decimal("1e14"):
        raise ValidationError({field: _("The quantity is too large.")})
    return amount


# --- Mail ---------------------------------------------------------------------------------------


def _member_people_emails(member_ids: list[int], consortium_id: int) -> dict[int, list[str]]:
    """E-mail addresses of each member's admins and staff in the consortium."""
    result: dict[int, list[str]] = {m: [] for m in member_ids}
    rows = Membership.objects.filter(
        consortium_id=consortium_id,
        member_id__in=member_ids,
        role__in=MEMBER_WRITE_ROLES,
        user__is_active=True,
    ).values_list("member_id", "user__email")
    for member_id, email in rows:
        if email not in result[member_id]:
            result[member_id].append(email)
    return result


def _mail_invitations(round_: DemandRound, member_ids: list[int]) -> None:
    url = _site(reverse("procurement:round_detail", args=[round_.pk]))
    for member_id, emails in _member_people_emails(member_ids, round_.consortium_id).items():
        if emails:
            queue_templated_mail(
                emails,
                "procurement/email/round_invitation",
                {"round": round_, "url": url, "member_id": member_id},
            )


# --- Demand rounds -------------------------------------------------------------------------------

ROUND_FIELDS = ("title", "description", "category", "cut_off_at", "currency", "invitation_mode")


@transaction.atomic
def do_create_round(consortium: Consortium, *, acting_user: User, **fields: Any) -> DemandRound:
    """Start a demand round (as a draft) for the consortium."""
    unknown = set(fields) - set(ROUND_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
    round_ = DemandRound(consortium=consortium, created_by=acting_user, **fields)
    round_.currency = (round_.currency or "USD").upper()
    round_.full_clean()
    if round_.cut_off_at <= _now():
        raise ValidationError({"cut_off_at": _("The cut-off must be in the future.")})
    round_.save()
    audit.record(acting_user, "procurement.round.created", round_, after=audit.snapshot(round_))
    return round_


@transaction.atomic
def do_update_round(round_: DemandRound, *, acting_user: User, **changes: Any) -> DemandRound:
    """Change a round's title, description, cut-off, currency or participation mode."""
    unknown = set(changes) - set(ROUND_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
    if round_.status == DemandRound.Status.CLOSED:
        raise ValidationError(_("This round is closed; it can no longer be changed."))
    if (
        "currency" in changes
        and changes["currency"] != round_.currency
        and round_.status != DemandRound.Status.DRAFT
    ):
        raise ValidationError({"currency": _("The currency can only change while the round is a draft.")})
    before = audit.snapshot(round_)
    for name, value in changes.items():
        setattr(round_, name, value)
    round_.currency = round_.currency.upper()
    round_.full_clean()
    if "cut_off_at" in changes and round_.cut_off_at <= _now():
        raise ValidationError({"cut_off_at": _("The cut-off must be in the future.")})
    if "cut_off_at" in changes:
        round_.reminder_sent_at = None  # a new cut-off earns a new reminder
    round_.save()
    audit.record(
        acting_user, "procurement.round.updated", round_, before=before, after=audit.snapshot(round_)
    )
    return round_


@transaction.atomic
def do_add_demand_item(
    round_: DemandRound,
    *,
    acting_user: User,
    description: str,
    unit: str,
    classification_scheme: str = "",
    classification_code: str = "",
    notes: str = "",
) -> DemandItem:
    """Add a line item to a round that has not closed."""
    if round_.status == DemandRound.Status.CLOSED:
        raise ValidationError(_("This round is closed; no items can be added."))
    if bool(classification_scheme) != bool(classification_code):
        raise ValidationError(
            {"classification_code": _("Give both a classification scheme and a code, or neither.")}
        )
    _check_classification(classification_scheme, classification_code)
    number = (DemandItem.objects.filter(round=round_).aggregate(n=Max("line_number"))["n"] or 0) + 1
    item = DemandItem(
        round=round_,
        line_number=number,
        description=description,
        unit=unit,
        classification_scheme=classification_scheme,
        classification_code=classification_code,
        notes=notes,
    )
    item.full_clean()
    item.save()
    audit.record(
        acting_user,
        "procurement.round.item_added",
        item,
        after=audit.snapshot(item),
        consortium_id=round_.consortium_id,
    )
    return item


def _check_classification(scheme: str, code: str) -> None:
    """UNSPSC codes have 8 digits; CPV codes 8 digits and a check digit (12345678-9)."""
    import re

    if scheme == "UNSPSC" and not re.fullmatch(r"\d{8}", code):
        raise ValidationError({"classification_code": _("A UNSPSC code has 8 digits, e.g. 43211503.")})
    if scheme == "CPV" and not re.fullmatch(r"\d{8}(-\d)?", code):
        raise ValidationError(
            {"classification_code": _("A CPV code has 8 digits and a check digit, e.g. 30213100-6.")}
        )


@transaction.atomic
def do_delete_demand_item(item: DemandItem, *, acting_user: User) -> None:
    """Remove a line item that no member has entered demand for yet."""
    if item.entries.exists():
        raise ValidationError(_("Members have entered demand for this item; it cannot be removed."))
    before = audit.snapshot(item)
    consortium_id = item.round.consortium_id
    audit.record(
        acting_user, "procurement.round.item_removed", item, before=before, consortium_id=consortium_id
    )
    item.delete()


@transaction.atomic
def do_invite_members(round_: DemandRound, members: list[Member], *, acting_user: User) -> int:
    """Invite members to a round (e-mailed now if the round is open, else when it opens); returns how many are new."""
    if round_.status == DemandRound.Status.CLOSED:
        raise ValidationError(_("This round is closed."))
    allowed = set(
        ConsortiumMember.objects.filter(consortium_id=round_.consortium_id, is_active=True).values_list(
            "member_id", flat=True
        )
    )
    outsiders = [m.name for m in members if m.pk not in allowed]
    if outsiders:
        raise ValidationError(
            {"members": _("Not members of this consortium: %(m)s") % {"m": ", ".join(outsiders)}}
        )
    new: list[int] = []
    now = _now()
    for member in members:
        participant, created = DemandRoundMember.objects.get_or_create(round=round_, member=member)
        if not participant.invited:
            participant.invited, participant.invited_at = True, now
            participant.save(update_fields=["invited", "invited_at"])
            new.append(member.pk)
    if new:
        audit.record(acting_user, "procurement.round.members_invited", round_, after={"members": new})
        if round_.status == DemandRound.Status.OPEN:
            transaction.on_commit(lambda: _mail_invitations(round_, new))
    return len(new)


@transaction.atomic
def do_open_round(round_: DemandRound, *, acting_user: User) -> DemandRound:
    """Open a draft round for entries: it needs items, a future cut-off and, if invite-only, invitations."""
    round_ = DemandRound.objects.select_for_update().get(pk=round_.pk)
    if round_.status != DemandRound.Status.DRAFT:
        raise ValidationError(_("Only a draft round can be opened."))
    errors: dict[str, str] = {}
    if not round_.items.exists():
        errors["items"] = _("Add at least one item before opening the round.")
    if round_.cut_off_at <= _now():
        errors["cut_off_at"] = _("The cut-off is in the past; move it before opening the round.")
    if (
        round_.invitation_mode == DemandRound.Invitation.INVITED
        and not round_.participants.filter(invited=True).exists()
    ):
        errors["members"] = _("Invite at least one member: this round is for invited members only.")
    if errors:
        raise ValidationError(errors)
    round_.status, round_.opened_at = DemandRound.Status.OPEN, _now()
    round_.save(update_fields=["status", "opened_at"])
    audit.record(acting_user, "procurement.round.opened", round_, after={"status": round_.status})
    if round_.invitation_mode == DemandRound.Invitation.OPEN:
        invited = list(
            ConsortiumMember.objects.filter(consortium_id=round_.consortium_id, is_active=True).values_list(
                "member_id", flat=True
            )
        )
    else:
        invited = list(round_.participants.filter(invited=True).values_list("member_id", flat=True))
    transaction.on_commit(lambda: _mail_invitations(round_, invited))
    return round_


@transaction.atomic
def do_close_round(round_: DemandRound, *, acting_user: User) -> DemandRound:
    """Close an open round: no more entries (the cut-off closes entries anyway)."""
    round_ = DemandRound.objects.select_for_update().get(pk=round_.pk)
    if round_.status != DemandRound.Status.OPEN:
        raise ValidationError(_("Only an open round can be closed."))
    round_.status, round_.closed_at = DemandRound.Status.CLOSED, _now()
    round_.save(update_fields=["status", "closed_at"])
    audit.record(acting_user, "procurement.round.closed", round_, after={"status": round_.status})
    return round_


def _entries_refused(round_: DemandRound) -> str | None:
    """Why a round takes no entries now, or None when it does."""
    if round_.status == DemandRound.Status.DRAFT:
        return _("This round is not open yet.")
    if round_.status == DemandRound.Status.CLOSED:
        return _("This round is closed; demand can no longer be entered or changed.")
    if _now() >= round_.cut_off_at:
        return _("The cut-off (%(when)s) has passed; demand can no longer be entered or changed.") % {
            "when": timezone.localtime(round_.cut_off_at).strftime("%Y-%m-%d %H:%M %Z")
        }
    return None


@transaction.atomic
def do_join_round(round_: DemandRound, member: Member, *, acting_user: User) -> DemandRoundMember:
    """A member joins a round that is open to every member of the consortium."""
    refused = _entries_refused(round_)
    if refused:
        raise ValidationError(refused)
    if not ConsortiumMember.objects.filter(
        consortium_id=round_.consortium_id, member=member, is_active=True
    ).exists():
        raise PermissionDenied(_("This member does not take part in the round's consortium."))
    participant, _created = DemandRoundMember.objects.get_or_create(round=round_, member=member)
    if round_.invitation_mode != DemandRound.Invitation.OPEN and not participant.invited:
        raise ValidationError(_("This round is for invited members only."))
    if not participant.joined:
        participant.joined, participant.joined_at = True, _now()
        participant.save(update_fields=["joined", "joined_at"])
        audit.record(acting_user, "procurement.round.joined", participant, after={"round": round_.pk})
    return participant


def do_save_entry(
    item: DemandItem,
    member: Member,
    *,
    acting_user: User,
    quantity: Any,
    delivery_location: str = "",
    current_unit_price: Any = None,
    notes: str = "",
) -> DemandEntry:
    """Enter or change a member's demand for one item (before the cut-off, by a participant)."""
    round_ = DemandRound.objects.get(pk=item.round_id)
    refused = _entries_refused(round_)
    if refused:
        # Recorded outside the refused write's transaction, so the attempt stays in the trail.
        audit.record(
            acting_user,
            "procurement.entry.refused",
            item,
            after={"member": member.pk, "reason": refused, "quantity": str(quantity)},
            consortium_id=round_.consortium_id,
            member_id=member.pk,
        )
        raise ValidationError(refused, code="cut_off")
    return _save_entry(
        item,
        member,
        acting_user=acting_user,
        quantity=quantity,
        delivery_location=delivery_location,
        current_unit_price=current_unit_price,
        notes=notes,
    )


@transaction.atomic
def _save_entry(
    item: DemandItem,
    member: Member,
    *,
    acting_user: User,
    quantity: Any,
    delivery_location: str,
    current_unit_price: Any,
    notes: str,
) -> DemandEntry:
    # Lock the round so a cut-off or close cannot slip between the check and the write.
    round_ = DemandRound.objects.select_for_update().get(pk=item.round_id)
    refused = _entries_refused(round_)
    if refused:
        raise ValidationError(refused, code="cut_off")
    participant = DemandRoundMember.objects.filter(round=round_, member=member).first()
    if participant is None or not (participant.invited or participant.joined):
        if round_.invitation_mode != DemandRound.Invitation.OPEN:
            raise PermissionDenied(_("Your member was not invited to this round."))
        participant = do_join_round(round_, member, acting_user=acting_user)
    elif not participant.joined:
        participant.joined, participant.joined_at = True, _now()
        participant.save(update_fields=["joined", "joined_at"])
    qty = check_quantity(quantity)
    price = check_amount(
        current_unit_price,
        currency=round_.currency,
        field="current_unit_price",
        label=_("The current unit price"),
        allow_none=True,
    )
    entry = DemandEntry.objects.filter(item=item, member=member).first()
    before = audit.snapshot(entry) if entry else None
    if entry is None:
        entry = DemandEntry(item=item, member=member)
    entry.quantity, entry.current_unit_price = qty, price
    entry.delivery_location, entry.notes = delivery_location, notes
    entry.entered_by, entry.updated_at = acting_user, _now()
    entry.full_clean(exclude=["item", "member"])
    entry.save()
    audit.record(
        acting_user,
        "procurement.entry.saved",
        entry,
        before=before,
        after=audit.snapshot(entry),
        consortium_id=round_.consortium_id,
        member_id=member.pk,
    )
    return entry


@transaction.atomic
def do_delete_entry(entry: DemandEntry, *, acting_user: User) -> None:
    """Withdraw a member's demand for an item (before the cut-off)."""
    round_ = entry.item.round
    refused = _entries_refused(round_)
    if refused:
        raise ValidationError(refused, code="cut_off")
    audit.record(
        acting_user,
        "procurement.entry.deleted",
        entry,
        before=audit.snapshot(entry),
        consortium_id=round_.consortium_id,
        member_id=entry.member_id,
    )
    entry.delete()


def send_cutoff_reminders(now: dt.datetime | None = None) -> int:
    """E-mail the participants of open rounds whose cut-off is within 48 hours (once per round)."""
    now = now or _now()
    sent = 0
    rounds = DemandRound.objects.filter(
        status=DemandRound.Status.OPEN,
        reminder_sent_at__isnull=True,
        cut_off_at__gt=now,
        cut_off_at__lte=now + REMINDER_BEFORE,
    )
    for round_ in rounds:
        with transaction.atomic():
            claimed = DemandRound.objects.filter(pk=round_.pk, reminder_sent_at__isnull=True).update(
                reminder_sent_at=now
            )
            if not claimed:
                continue  # another worker sent it
            member_ids = list(
                DemandRoundMember.objects.filter(round=round_)
                .filter(Q(invited=True) | Q(joined=True))
                .values_list("member_id", flat=True)
            )
            url = _site(reverse("procurement:round_detail", args=[round_.pk]))
            for _member_id, emails in _member_people_emails(member_ids, round_.consortium_id).items():
                if emails:
                    queue_templated_mail(
                        emails, "procurement/email/round_reminder", {"round": round_, "url": url}
                    )
                    sent += 1
    return sent


# --- Solicitations ------------------------------------------------------------------------------

SOLICITATION_FIELDS = (
    "reference_number",
    "title",
    "description",
    "category",
    "method",
    "questions_deadline",
    "submission_deadline",
    "opening_at",
    "currency",
    "award_basis",
    "contact_name",
    "contact_email",
)


def _check_dates(sol: Solicitation) -> None:
    errors: dict[str, str] = {}
    if sol.opening_at and sol.submission_deadline and sol.opening_at < sol.submission_deadline:
        errors["opening_at"] = _("The opening must be at or after the submission deadline.")
    if (
        sol.questions_deadline
        and sol.submission_deadline
        and sol.questions_deadline > sol.submission_deadline
    ):
        errors["questions_deadline"] = _("The questions deadline must be before the submission deadline.")
    if errors:
        raise ValidationError(errors)


def _save_new_solicitation(sol: Solicitation) -> None:
    sol.currency = (sol.currency or "USD").upper()
    _check_dates(sol)
    sol.full_clean()
    try:
        with transaction.atomic():
            sol.save()
    except IntegrityError:
        raise ValidationError(
            {"reference_number": _("Another solicitation of this consortium has this reference number.")}
        ) from None


@transaction.atomic
def do_create_solicitation(consortium: Consortium, *, acting_user: User, **fields: Any) -> Solicitation:
    """Start a standalone solicitation (a draft)."""
    unknown = set(fields) - set(SOLICITATION_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
    sol = Solicitation(consortium=consortium, created_by=acting_user, **fields)
    _save_new_solicitation(sol)
    audit.record(acting_user, "procurement.solicitation.created", sol, after=audit.snapshot(sol))
    return sol


@transaction.atomic
def do_create_solicitation_from_round(
    round_: DemandRound, *, acting_user: User, **fields: Any
) -> Solicitation:
    """Start a solicitation from a round: its items are copied with the pooled total quantities."""
    unknown = set(fields) - set(SOLICITATION_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
    if round_.status == DemandRound.Status.DRAFT:
        raise ValidationError(_("Open the round and collect demand before issuing a solicitation."))
    fields.setdefault("title", round_.title)
    fields.setdefault("description", round_.description)
    fields.setdefault("category", round_.category)
    fields.setdefault("currency", round_.currency)
    sol = Solicitation(
        consortium_id=round_.consortium_id, demand_round=round_, created_by=acting_user, **fields
    )
    _save_new_solicitation(sol)
    totals = (
        DemandItem.objects.filter(round=round_)
        .annotate(total=Sum("entries__quantity"))
        .order_by("line_number")
    )
    lines = [
        SolicitationItem(
            solicitation=sol,
            demand_item=item,
            line_number=n,
            description=item.description,
            unit=item.unit,
            classification_scheme=item.classification_scheme,
            classification_code=item.classification_code,
            total_quantity=item.total,  # type: ignore[attr-defined]
            notes=item.notes,
        )
        for n, item in enumerate((i for i in totals if i.total), start=1)  # type: ignore[attr-defined]
    ]
    if not lines:
        raise ValidationError(_("No member entered demand in this round; there is nothing to solicit."))
    SolicitationItem.objects.bulk_create(lines)
    audit.record(
        acting_user,
        "procurement.solicitation.created",
        sol,
        after={**audit.snapshot(sol), "items": len(lines), "from_round": round_.pk},
    )
    return sol


def _require_draft(sol: Solicitation) -> None:
    if sol.status != Solicitation.Status.DRAFT:
        raise ValidationError(
            _("This solicitation is published; change it by issuing an addendum."), code="not_draft"
        )


@transaction.atomic
def do_update_solicitation(sol: Solicitation, *, acting_user: User, **changes: Any) -> Solicitation:
    """Change a draft solicitation."""
    unknown = set(changes) - set(SOLICITATION_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
    _require_draft(sol)
    before = audit.snapshot(sol)
    for name, value in changes.items():
        setattr(sol, name, value)
    sol.currency = sol.currency.upper()
    sol.updated_at = _now()
    _check_dates(sol)
    sol.full_clean()
    try:
        with transaction.atomic():
            sol.save()
    except IntegrityError:
        raise ValidationError(
            {"reference_number": _("Another solicitation of this consortium has this reference number.")}
        ) from None
    audit.record(
        acting_user, "procurement.solicitation.updated", sol, before=before, after=audit.snapshot(sol)
    )
    return sol


@transaction.atomic
def do_add_solicitation_item(
    sol: Solicitation,
    *,
    acting_user: User,
    description: str,
    unit: str,
    total_quantity: Any,
    classification_scheme: str = "",
    classification_code: str = "",
    notes: str = "",
) -> SolicitationItem:
    """Add a line to a draft solicitation."""
    _require_draft(sol)
    if bool(classification_scheme) != bool(classification_code):
        raise ValidationError(
            {"classification_code": _("Give both a classification scheme and a code, or neither.")}
        )
    _check_classification(classification_scheme, classification_code)
    qty = check_quantity(total_quantity, field="total_quantity")
    number = (SolicitationItem.objects.filter(solicitation=sol).aggregate(n=Max("line_number"))["n"] or 0) + 1
    item = SolicitationItem(
        solicitation=sol,
        line_number=number,
        description=description,
        unit=unit,
        total_quantity=qty,
        classification_scheme=classification_scheme,
        classification_code=classification_code,
        notes=notes,
    )
    item.full_clean()
    item.save()
    audit.record(
        acting_user,
        "procurement.solicitation.item_added",
        item,
        after=audit.snapshot(item),
        consortium_id=sol.consortium_id,
    )
    return item


@transaction.atomic
def do_delete_solicitation_item(item: SolicitationItem, *, acting_user: User) -> None:
    """Remove a line from a draft solicitation."""
    _remove_from_draft(item, item.solicitation, acting_user, "procurement.solicitation.item_removed")


@transaction.atomic
def do_add_criterion(
    sol: Solicitation,
    *,
    acting_user: User,
    name: str,
    weight: Any,
    description: str = "",
    is_price: bool = False,
) -> EvaluationCriterion:
    """Add an evaluation criterion to a draft solicitation."""
    _require_draft(sol)
    try:
        w = Decimal(str(weight))
    except (InvalidOperation, ValueError):
        raise ValidationError({"weight": _("The weight must be a number.")}) from None
    if not w.is_finite() or w <= 0 or w > 100:
        raise ValidationError({"weight": _("The weight must be more than 0 and at most 100.")})
    position = (
        EvaluationCriterion.objects.filter(solicitation=sol).aggregate(n=Max("position"))["n"] or 0
    ) + 1
    criterion = EvaluationCriterion(
        solicitation=sol, name=name, weight=w, description=description, is_price=is_price, position=position
    )
    criterion.full_clean()
    criterion.save()
    audit.record(
        acting_user,
        "procurement.solicitation.criterion_added",
        criterion,
        after=audit.snapshot(criterion),
        consortium_id=sol.consortium_id,
    )
    return criterion


@transaction.atomic
def do_delete_criterion(criterion: EvaluationCriterion, *, acting_user: User) -> None:
    """Remove a criterion from a draft solicitation."""
    _remove_from_draft(
        criterion, criterion.solicitation, acting_user, "procurement.solicitation.criterion_removed"
    )


def _remove_from_draft(obj: Any, sol: Solicitation, acting_user: User, action: str) -> None:
    """Delete a part of a draft solicitation, recording what it was."""
    _require_draft(sol)
    audit.record(acting_user, action, obj, before=audit.snapshot(obj), consortium_id=sol.consortium_id)
    obj.delete()


@transaction.atomic
def do_add_solicitation_document(
    sol: Solicitation, uploaded: UploadedFile, *, acting_user: User, title: str, public: bool = True
) -> SolicitationDocument:
    """Attach a document (specification, terms, drawings) to a solicitation."""
    from interlocal.core.files import do_store_file

    if sol.status in {Solicitation.Status.CANCELLED, Solicitation.Status.AWARDED}:
        raise ValidationError(_("Documents can no longer be added to this solicitation."))
    stored = do_store_file(uploaded, consortium=sol.consortium, member=None, acting_user=acting_user)
    document = SolicitationDocument(
        solicitation=sol, title=title or stored.original_name, file=stored, public=public
    )
    document.full_clean()
    document.save()
    audit.record(
        acting_user,
        "procurement.solicitation.document_added",
        document,
        after=audit.snapshot(document),
        consortium_id=sol.consortium_id,
    )
    return document


def publication_problems(sol: Solicitation, now: dt.datetime | None = None) -> dict[str, str]:
    """What stands in the way of publishing `sol` (field → message); empty when it may be published."""
    now = now or _now()
    problems: dict[str, str] = {}
    if sol.status != Solicitation.Status.DRAFT:
        problems["status"] = _("Only a draft can be published.")
    if sol.submission_deadline <= now:
        problems["submission_deadline"] = _("The submission deadline must be in the future.")
    if sol.opening_at < sol.submission_deadline:
        problems["opening_at"] = _("The opening must be at or after the submission deadline.")
    if sol.questions_deadline and sol.questions_deadline > sol.submission_deadline:
        problems["questions_deadline"] = _("The questions deadline must be before the submission deadline.")
    if not sol.items.exists():
        problems["items"] = _("Add at least one item.")
    elif sol.items.filter(total_quantity__lte=0).exists():
        problems["items"] = _("Every item needs a quantity above zero.")
    criteria = list(sol.criteria.all())
    if sol.award_basis == Solicitation.AwardBasis.WEIGHTED_CRITERIA:
        total = sum((c.weight for c in criteria), Decimal(0))
        if not criteria:
            problems["criteria"] = _("Weighted evaluation needs criteria.")
        elif total != Decimal(100):
            problems["criteria"] = _("The criteria weights add up to %(total)s; they must add up to 100.") % {
                "total": format(total.normalize(), "f")
            }
        elif sol.method == Solicitation.Method.RFP and not any(c.is_price for c in criteria):
            problems["criteria"] = _("An RFP must weigh price as one of its criteria.")
    elif sol.method == Solicitation.Method.RFP:
        problems["award_basis"] = _("An RFP is awarded on weighted criteria (price among them).")
    return problems


@transaction.atomic
def do_publish_solicitation(sol: Solicitation, *, acting_user: User) -> Solicitation:
    """Publish a draft: it appears on the public pages and vendors may respond."""
    sol = Solicitation.objects.select_for_update().get(pk=sol.pk)
    problems = publication_problems(sol)
    if problems:
        raise ValidationError(problems)
    if sol.demand_round_id is not None:
        # Serialises publications within a round: only one of them continues the round's process.
        DemandRound.objects.select_for_update().filter(pk=sol.demand_round_id).first()
    sol.status, sol.published_at, sol.updated_at = Solicitation.Status.PUBLISHED, _now(), _now()
    sol.ocds_process = sol.ocds_process or sol.ocds_process_at_publication()
    sol.save(update_fields=["status", "published_at", "updated_at", "ocds_process"])
    audit.record(acting_user, "procurement.solicitation.published", sol, after=audit.snapshot(sol))
    return sol


@transaction.atomic
def do_cancel_solicitation(sol: Solicitation, *, acting_user: User, reason: str) -> Solicitation:
    """Cancel a solicitation before award, with a reason that is shown publicly."""
    sol = Solicitation.objects.select_for_update().get(pk=sol.pk)
    if sol.status in {Solicitation.Status.AWARDED, Solicitation.Status.CANCELLED}:
        raise ValidationError(_("This solicitation can no longer be cancelled."))
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for cancelling.")})
    before = audit.snapshot(sol)
    sol.status, sol.cancelled_at, sol.cancellation_reason = (
        Solicitation.Status.CANCELLED,
        _now(),
        reason.strip(),
    )
    sol.save(update_fields=["status", "cancelled_at", "cancellation_reason"])
    audit.record(
        acting_user, "procurement.solicitation.cancelled", sol, before=before, after=audit.snapshot(sol)
    )
    return sol


# --- Vendors and solicitations ------------------------------------------------------------------


def _require_published(sol: Solicitation) -> None:
    if sol.status != Solicitation.Status.PUBLISHED:
        raise ValidationError(_("This solicitation is not open to vendors."))


def _require_acting_vendor(vendor: Vendor, user: User) -> None:
    if not VendorUser.objects.filter(
        vendor=vendor, user=user, is_active=True, vendor__status=Vendor.Status.ACTIVE
    ).exists():
        raise PermissionDenied(_("You do not act for this vendor."))


def _ensure_vendor_membership(vendor: Vendor, consortium_id: int) -> None:
    """The vendor's people hold a `vendor` role in a consortium whose solicitation they answer."""
    VendorRegistration.objects.get_or_create(vendor=vendor, consortium_id=consortium_id)
    for user_id in VendorUser.objects.filter(vendor=vendor, is_active=True).values_list("user_id", flat=True):
        Membership.objects.get_or_create(
            user_id=user_id, consortium_id=consortium_id, member=None, role=Role.VENDOR
        )


@transaction.atomic
def do_register_interest(sol: Solicitation, vendor: Vendor, *, acting_user: User) -> SolicitationInterest:
    """A vendor follows a solicitation: it receives addenda and answers by e-mail."""
    _require_acting_vendor(vendor, acting_user)
    _require_published(sol)
    interest, created = SolicitationInterest.objects.get_or_create(
        solicitation=sol, vendor=vendor, defaults={"registered_by": acting_user}
    )
    if created:
        _ensure_vendor_membership(vendor, sol.consortium_id)
        audit.record(
            acting_user,
            "procurement.solicitation.interest",
            interest,
            after={"vendor": vendor.pk},
            consortium_id=sol.consortium_id,
        )
    return interest


@transaction.atomic
def do_ask_question(sol: Solicitation, vendor: Vendor, *, acting_user: User, text: str) -> VendorQuestion:
    """A vendor asks a question before the questions deadline."""
    _require_acting_vendor(vendor, acting_user)
    if not sol.accepts_questions:
        raise ValidationError(_("Questions for this solicitation are closed."), code="questions_closed")
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write your question.")})
    if len(text) > 5000:
        raise ValidationError({"text": _("A question may have at most 5,000 characters.")})
    question = VendorQuestion.objects.create(solicitation=sol, vendor=vendor, asked_by=acting_user, text=text)
    SolicitationInterest.objects.get_or_create(
        solicitation=sol, vendor=vendor, defaults={"registered_by": acting_user}
    )
    _ensure_vendor_membership(vendor, sol.consortium_id)
    audit.record(
        acting_user,
        "procurement.question.asked",
        question,
        after={"vendor": vendor.pk},
        consortium_id=sol.consortium_id,
    )
    return question


def _interested_emails(sol: Solicitation) -> list[str]:
    return sorted(
        set(
            VendorUser.objects.filter(
                vendor__interests__solicitation=sol, is_active=True, vendor__status=Vendor.Status.ACTIVE
            ).values_list("user__email", flat=True)
        )
    )


@transaction.atomic
def do_answer_question(
    question: VendorQuestion, *, acting_user: User, answer: str, publish: bool = True
) -> VendorQuestion:
    """Staff answer a question; a published answer is shown to every vendor without naming who asked."""
    answer = (answer or "").strip()
    if not answer:
        raise ValidationError({"answer": _("Write the answer.")})
    before = audit.snapshot(question)
    question.answer, question.answered_at, question.answered_by = answer, _now(), acting_user
    question.published = publish
    question.save(update_fields=["answer", "answered_at", "answered_by", "published"])
    audit.record(
        acting_user, "procurement.question.answered", question, before=before, after=audit.snapshot(question)
    )
    if publish:
        sol = question.solicitation
        emails = _interested_emails(sol)
        url = _site(reverse("procurement:public_solicitation", args=[sol.pk]))
        if emails:
            transaction.on_commit(
                lambda: queue_templated_mail(
                    emails, "procurement/email/answer_published", {"solicitation": sol, "url": url}
                )
            )
    return question


@transaction.atomic
def do_issue_addendum(
    sol: Solicitation,
    *,
    acting_user: User,
    title: str,
    body: str,
    document: UploadedFile | None = None,
    submission_deadline: dt.datetime | None = None,
    opening_at: dt.datetime | None = None,
) -> Addendum:
    """Issue a numbered addendum to a published solicitation (it may move the deadlines); vendors are e-mailed."""
    sol = Solicitation.objects.select_for_update().get(pk=sol.pk)
    _require_published(sol)
    if _now() >= sol.submission_deadline:
        raise ValidationError(_("The submission deadline has passed; addenda can no longer be issued."))
    if not title.strip() or not body.strip():
        raise ValidationError(
            {"body" if title.strip() else "title": _("An addendum needs a title and a text.")}
        )
    before = audit.snapshot(sol)
    if submission_deadline or opening_at:
        if submission_deadline:
            if submission_deadline <= _now():
                raise ValidationError(
                    {"submission_deadline": _("The new submission deadline must be in the future.")}
                )
            sol.submission_deadline = submission_deadline
        if opening_at:
            sol.opening_at = opening_at
        if sol.opening_at < sol.submission_deadline:
            raise ValidationError(
                {"opening_at": _("The opening must be at or after the submission deadline.")}
            )
        sol.updated_at = _now()
        sol.save(update_fields=["submission_deadline", "opening_at", "updated_at"])
    stored = None
    if document is not None:
        from interlocal.core.files import do_store_file

        stored = do_store_file(document, consortium=sol.consortium, member=None, acting_user=acting_user)
    number = (Addendum.objects.filter(solicitation=sol).aggregate(n=Max("number"))["n"] or 0) + 1
    addendum = Addendum.objects.create(
        solicitation=sol,
        number=number,
        title=title.strip(),
        body=body.strip(),
        document=stored,
        issued_by=acting_user,
    )
    audit.record(
        acting_user,
        "procurement.addendum.issued",
        addendum,
        before=before,
        after={
            **audit.snapshot(addendum),
            "submission_deadline": sol.submission_deadline,
            "opening_at": sol.opening_at,
        },
        consortium_id=sol.consortium_id,
    )
    emails = _interested_emails(sol)
    url = _site(reverse("procurement:vendor_solicitation", args=[sol.pk]))
    if emails:
        transaction.on_commit(
            lambda: queue_templated_mail(
                emails,
                "procurement/email/addendum_issued",
                {"solicitation": sol, "addendum": addendum, "url": url},
            )
        )
    return addendum


@transaction.atomic
def do_acknowledge_addendum(
    addendum: Addendum, vendor: Vendor, *, acting_user: User
) -> AddendumAcknowledgement:
    """A vendor acknowledges an addendum (idempotent: a second acknowledgement returns the first)."""
    _require_acting_vendor(vendor, acting_user)
    sol = addendum.solicitation
    if sol.status != Solicitation.Status.PUBLISHED:
        raise ValidationError(_("This solicitation is not open to vendors."))
    ack, created = AddendumAcknowledgement.objects.get_or_create(
        addendum=addendum, vendor=vendor, defaults={"acknowledged_by": acting_user}
    )
    if created:
        SolicitationInterest.objects.get_or_create(
            solicitation=sol, vendor=vendor, defaults={"registered_by": acting_user}
        )
        audit.record(
            acting_user,
            "procurement.addendum.acknowledged",
            ack,
            after={"vendor": vendor.pk},
            consortium_id=sol.consortium_id,
        )
    return ack


# --- Vendor registration ------------------------------------------------------------------------


def vendor_token(kind: str, user_id: int, vendor_id: int) -> str:
    """A signed, expiring link token (e-mail verification or a colleague's invitation)."""
    return signing.dumps({"k": kind, "u": user_id, "v": vendor_id}, salt=TOKEN_SALT)


def _read_token(token: str, kind: str) -> tuple[int, int]:
    try:
        data = signing.loads(token, salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
    except signing.SignatureExpired:
        raise ValidationError(_("This link has expired. Ask for a new one."), code="expired") from None
    except signing.BadSignature:
        raise ValidationError(_("This link is not valid."), code="invalid") from None
    if not isinstance(data, dict) or data.get("k") != kind:
        raise ValidationError(_("This link is not valid."), code="invalid")
    return int(data["u"]), int(data["v"])


@transaction.atomic
def do_register_vendor(
    *,
    consortium: Consortium,
    name: str,
    legal_id: str,
    email: str,
    person_name: str,
    person_email: str,
    password: str,
    address: str = "",
    country: str = "US",
    phone: str = "",
    website: str = "",
    small_business: bool = False,
) -> tuple[Vendor | None, str | None]:
    """Register a vendor company and its first admin (inactive until the e-mail link is followed).

    Returns (vendor, token), or (None, None) when the person's e-mail already has an account: that
    person is e-mailed instead, so the form never tells a stranger who is registered.
    """
    User = get_user_model()
    person_email = User.objects.normalize_email(person_email).lower()  # type: ignore[attr-defined]
    if User.objects.filter(email__iexact=person_email).exists():
        queue_templated_mail(
            [person_email],
            "procurement/email/vendor_exists",
            {"url": _site(reverse("account_login"))},
        )
        audit.record(
            None,
            "procurement.vendor.registration_existing_email",
            consortium_id=consortium.pk,
            object_repr=name,
        )
        return None, None
    vendor = Vendor(
        name=name.strip(),
        legal_id=legal_id.strip(),
        email=email,
        address=address,
        country=country.upper(),
        phone=phone,
        website=website,
        small_business=small_business,
    )
    if Vendor.objects.filter(legal_id__iexact=vendor.legal_id, country=vendor.country).exists():
        raise ValidationError(
            {"legal_id": _("A vendor with this registration number is already registered.")}
        )
    vendor.full_clean()
    user = User(email=person_email, full_name=person_name.strip(), is_active=False)  # type: ignore[misc]
    validate_password(password, user)
    user.set_password(password)
    try:
        with transaction.atomic():
            vendor.save()
    except IntegrityError:
        raise ValidationError(
            {"legal_id": _("A vendor with this registration number is already registered.")}
        ) from None
    user.save()
    VendorUser.objects.create(vendor=vendor, user=user, role=VendorUser.Role.ADMIN)
    VendorRegistration.objects.create(vendor=vendor, consortium=consortium)
    token = vendor_token("verify", user.pk, vendor.pk)
    url = _site(reverse("procurement:vendor_verify", args=[token]))
    queue_templated_mail([user.email], "procurement/email/vendor_verify", {"vendor": vendor, "url": url})
    audit.record(
        None,
        "procurement.vendor.registered",
        vendor,
        after=audit.snapshot(vendor),
        consortium_id=consortium.pk,
    )
    return vendor, token


RESEND_EVERY = 10 * 60  # one new verification link per address per ten minutes


def do_resend_vendor_verification(email: str) -> bool:
    """Send a new verification link if `email` is the first person of a registration that still
    waits for verification. Returns whether a message was sent; callers must not tell the person
    (the page says the same either way, so nobody can find out which addresses are registered).
    At most one link per address per RESEND_EVERY, whether or not the address is known."""
    from django.core.cache import cache

    address = get_user_model().objects.normalize_email((email or "").strip()).lower()  # type: ignore[attr-defined]
    if not address:
        return False
    digest = signing.Signer(salt=TOKEN_SALT).sign(address).rsplit(":", 1)[1]  # no address in the cache
    if not cache.add(f"procurement:resend-verify:{digest}", 1, RESEND_EVERY):
        return False
    link = (
        VendorUser.objects.filter(
            user__email__iexact=address,
            user__is_active=False,
            role=VendorUser.Role.ADMIN,
            vendor__status=Vendor.Status.PENDING,
            vendor__email_verified_at__isnull=True,
        )
        .select_related("user", "vendor")
        .order_by("-vendor__created_at")
        .first()
    )
    if link is None:
        return False
    token = vendor_token("verify", link.user_id, link.vendor_id)
    url = _site(reverse("procurement:vendor_verify", args=[token]))
    queue_templated_mail(
        [link.user.email], "procurement/email/vendor_verify", {"vendor": link.vendor, "url": url}
    )
    with transaction.atomic():
        audit.record(None, "procurement.vendor.verification_resent", link.vendor)
    return True


@transaction.atomic
def do_verify_vendor_email(token: str) -> Vendor:
    """Follow the e-mail link: the vendor and its first admin become active, with a vendor role."""
    user_id, vendor_id = _read_token(token, "verify")
    vendor = Vendor.objects.select_for_update().filter(pk=vendor_id).first()
    link = VendorUser.objects.filter(vendor_id=vendor_id, user_id=user_id).select_related("user").first()
    if vendor is None or link is None:
        raise ValidationError(_("This link is not valid."), code="invalid")
    if vendor.status == Vendor.Status.SUSPENDED:
        raise ValidationError(_("This vendor is suspended."), code="suspended")
    if vendor.email_verified_at is None:
        vendor.email_verified_at, vendor.status = _now(), Vendor.Status.ACTIVE
        vendor.save(update_fields=["email_verified_at", "status"])
        user = link.user
        user.is_active = True
        user.save(update_fields=["is_active"])
        for consortium_id in vendor.registrations.values_list("consortium_id", flat=True):
            _ensure_vendor_membership(vendor, consortium_id)
        audit.record(user, "procurement.vendor.verified", vendor, after={"status": vendor.status})
    return vendor


@transaction.atomic
def do_update_vendor(vendor: Vendor, *, acting_user: User, **changes: Any) -> Vendor:
    """A vendor admin changes the company profile."""
    allowed = {"name", "address", "country", "phone", "website", "email", "small_business"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationError(_("Unknown fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
    if not VendorUser.objects.filter(
        vendor=vendor, user=acting_user, role=VendorUser.Role.ADMIN, is_active=True
    ).exists():
        raise PermissionDenied(_("Only the vendor's admins may change its profile."))
    before = audit.snapshot(vendor)
    for name, value in changes.items():
        setattr(vendor, name, value)
    vendor.full_clean()
    vendor.save()
    audit.record(
        acting_user, "procurement.vendor.updated", vendor, before=before, after=audit.snapshot(vendor)
    )
    return vendor


@transaction.atomic
def do_invite_vendor_user(
    vendor: Vendor, *, acting_user: User, email: str, full_name: str = "", role: str = VendorUser.Role.USER
) -> tuple[VendorUser, str | None]:
    """A vendor admin invites a colleague; returns the link token when the colleague has no account yet."""
    if not VendorUser.objects.filter(
        vendor=vendor, user=acting_user, role=VendorUser.Role.ADMIN, is_active=True
    ).exists():
        raise PermissionDenied(_("Only the vendor's admins may invite colleagues."))
    if role not in VendorUser.Role.values:
        raise ValidationError({"role": _("Choose a role: admin or user.")})
    User = get_user_model()
    email = User.objects.normalize_email(email).lower()  # type: ignore[attr-defined]
    user = User.objects.filter(email__iexact=email).first()
    if user is not None and Membership.objects.filter(user=user).exclude(role=Role.VENDOR).exists():
        # A council or member employee must not also bid: keep the two sides apart.
        raise ValidationError(
            {"email": _("This person holds a role in a consortium and cannot act for a vendor.")}
        )
    token = None
    if user is None:
        user = User(email=email, full_name=full_name.strip(), is_active=False)  # type: ignore[misc]
        user.set_unusable_password()
        user.full_clean(exclude=["password"])
        user.save()
    link, created = VendorUser.objects.get_or_create(vendor=vendor, user=user, defaults={"role": role})
    if not created:
        raise ValidationError({"email": _("This person already acts for %(v)s.") % {"v": vendor.name}})
    if user.is_active:
        for consortium_id in vendor.registrations.values_list("consortium_id", flat=True):
            _ensure_vendor_membership(vendor, consortium_id)
        url = _site(reverse("procurement:vendor_dashboard"))
    else:
        token = vendor_token("invite", user.pk, vendor.pk)
        url = _site(reverse("procurement:vendor_accept", args=[token]))
    queue_templated_mail(
        [email], "procurement/email/vendor_invitation", {"vendor": vendor, "url": url, "by": acting_user}
    )
    audit.record(acting_user, "procurement.vendor.user_invited", link, after={"email": email, "role": role})
    return link, token


@transaction.atomic
def do_accept_vendor_invitation(token: str, *, password: str, full_name: str = "") -> VendorUser:
    """An invited colleague sets a password; the account becomes active with a vendor role."""
    user_id, vendor_id = _read_token(token, "invite")
    link = (
        VendorUser.objects.select_related("user", "vendor")
        .filter(vendor_id=vendor_id, user_id=user_id)
        .first()
    )
    if link is None or link.user.is_active or link.user.has_usable_password():
        raise ValidationError(_("This link is not valid or was already used."), code="invalid")
    user = link.user
    validate_password(password, user)
    user.set_password(password)
    user.is_active = True
    if full_name.strip():
        user.full_name = full_name.strip()  # type: ignore[attr-defined]
    user.save()
    for consortium_id in link.vendor.registrations.values_list("consortium_id", flat=True):
        _ensure_vendor_membership(link.vendor, consortium_id)
    audit.record(user, "procurement.vendor.user_joined", link, after={"vendor": vendor_id})
    return link


# --- Vendor suspension ----------------------------------------------------------------------------
def _vendor_people_emails(vendor: Vendor) -> list[str]:
    """The company's contact address and its active people's addresses, once each."""
    emails = [
        vendor.email,
        *VendorUser.objects.filter(vendor=vendor, is_active=True).values_list("user__email", flat=True),
    ]
    return sorted({e.lower(): e for e in emails if e}.values())


@transaction.atomic
def do_suspend_vendor(vendor: Vendor, *, reason: str, acting_user: User) -> Vendor:
    """Suspend a vendor (it can no longer bid, ask or follow) with a reason; its people are told."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Give the reason for the suspension; the vendor is told.")]})
    locked = Vendor.objects.select_for_update().get(pk=vendor.pk)
    if locked.status == Vendor.Status.SUSPENDED:
        raise ValidationError(_("This vendor is already suspended."))
    before = audit.snapshot(locked, ["status"])
    locked.status = Vendor.Status.SUSPENDED
    locked.save(update_fields=["status"])
    audit.record(
        acting_user,
        "procurement.vendor.suspended",
        locked,
        before=before,
        after={"status": locked.status, "reason": reason},
    )
    emails = _vendor_people_emails(locked)
    context: dict[str, object] = {
        "vendor": locked.name,
        "reason": reason,
        "url": _site(reverse("procurement:vendor_dashboard")),
    }
    transaction.on_commit(lambda: queue_templated_mail(emails, "procurement/email/vendor_suspended", context))
    return locked


@transaction.atomic
def do_reinstate_vendor(vendor: Vendor, *, acting_user: User, reason: str = "") -> Vendor:
    """Lift a suspension: active again (or pending, if its e-mail was never verified); its people are told."""
    locked = Vendor.objects.select_for_update().get(pk=vendor.pk)
    if locked.status != Vendor.Status.SUSPENDED:
        raise ValidationError(_("This vendor is not suspended."))
    before = audit.snapshot(locked, ["status"])
    locked.status = Vendor.Status.ACTIVE if locked.email_verified_at else Vendor.Status.PENDING
    locked.save(update_fields=["status"])
    audit.record(
        acting_user,
        "procurement.vendor.reinstated",
        locked,
        before=before,
        after={"status": locked.status, "reason": (reason or "").strip()},
    )
    emails = _vendor_people_emails(locked)
    context: dict[str, object] = {
        "vendor": locked.name,
        "url": _site(reverse("procurement:vendor_dashboard")),
    }
    transaction.on_commit(
        lambda: queue_templated_mail(emails, "procurement/email/vendor_reinstated", context)
    )
    return locked
