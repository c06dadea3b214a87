"""Demand."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from interlocal import audit
from interlocal.core.mail import queue_templated_mail
from interlocal.core.moments import legal_text
from interlocal.procurement.models import (
    DemandEntry,
    DemandItem,
    DemandRound,
    DemandRoundMember,
)
from interlocal.tenancy.models import ConsortiumMember
from interlocal.tenancy.scoping import acts_for_member, is_council

if TYPE_CHECKING:
    from interlocal.accounts.models import User
    from interlocal.tenancy.models import Consortium, Member
from interlocal.procurement.actions.common import (
    REMINDER_BEFORE,
    _mail_invitations,
    _member_people_emails,
    _now,
    _site,
    check_amount,
    check_quantity,
    next_number,
    require_council,
)

__all__ = [
    "ROUND_FIELDS",
    "RoundRights",
    "do_add_demand_item",
    "do_close_round",
    "do_create_round",
    "do_delete_demand_item",
    "do_delete_entry",
    "do_invite_members",
    "do_join_round",
    "do_open_round",
    "do_save_entry",
    "do_update_round",
    "round_rights",
    "send_cutoff_reminders",
]


@dataclass(frozen=True)
class RoundRights:
    """What one person, acting for `member` (or for nobody), may do with one round now.

    The same predicates the `do_*` functions below enforce, so the round page shows exactly the
    buttons that would succeed and its template never restates the state machine.
    """

    council: bool  # the consortium's admins and staff: every member's figures, the summaries
    change: bool  # details, invitations, items (until closed)
    open: bool
    close: bool
    issue_solicitation: bool  # once the round has opened
    enter: bool  # the acting member's own demand, before the cut-off
    join: bool  # an open round the acting member does not take part in yet
    not_invited: bool  # an invited-only round the acting member was not invited to
    entries_closed: bool  # the round opened, and the cut-off has passed or it was closed


def round_rights(user: Any, round_: DemandRound, member: Member | None, *, participant: bool) -> RoundRights:
    council = is_council(user, round_.consortium_id)
    status = round_.status
    writer = member is not None and acts_for_member(user, round_.consortium_id, member.pk)
    refused = entries_refused(round_)
    enter = writer and refused is None
    outsider = status == DemandRound.Status.OPEN and member is not None and not participant
    return RoundRights(
        council=council,
        change=council and status != DemandRound.Status.CLOSED,
        open=council and status == DemandRound.Status.DRAFT,
        close=council and status == DemandRound.Status.OPEN,
        issue_solicitation=council and status != DemandRound.Status.DRAFT,
        enter=enter,
        join=outsider and enter and round_.invitation_mode == DemandRound.Invitation.OPEN,
        not_invited=outsider and round_.invitation_mode == DemandRound.Invitation.INVITED,
        entries_closed=refused is not None and status != DemandRound.Status.DRAFT,
    )


ROUND_FIELDS = ("title", "description", "category", "cut_off_at", "currency", "invitation_mode")


@transaction.atomic
def do_create_round(consortium: Consortium, *, acting_user: User, **fields: Any) -> DemandRound:
    """Start a demand round (as a draft) for the consortium."""
    require_council(acting_user, consortium.pk)
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
    require_council(acting_user, round_.consortium_id)
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
    require_council(acting_user, round_.consortium_id)
    if round_.status == DemandRound.Status.CLOSED:
        raise ValidationError(_("This round is closed; no items can be added."))
    if bool(classification_scheme) != bool(classification_code):
        raise ValidationError(
            {"classification_code": _("Give both a classification scheme and a code, or neither.")}
        )
    _check_classification(classification_scheme, classification_code)
    number = next_number(round_, DemandItem.objects.filter(round=round_), "line_number")
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
    require_council(acting_user, item.round.consortium_id)
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
    require_council(acting_user, round_.consortium_id)
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
    require_council(acting_user, round_.consortium_id)
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
    require_council(acting_user, round_.consortium_id)
    round_ = DemandRound.objects.select_for_update().get(pk=round_.pk)
    if round_.status != DemandRound.Status.OPEN:
        raise ValidationError(_("Only an open round can be closed."))
    round_.status, round_.closed_at = DemandRound.Status.CLOSED, _now()
    round_.save(update_fields=["status", "closed_at"])
    audit.record(acting_user, "procurement.round.closed", round_, after={"status": round_.status})
    return round_


def entries_refused(round_: DemandRound) -> str | None:
    """Why a round takes no entries now, or None when it does."""
    if round_.status == DemandRound.Status.DRAFT:
        return _("This round is not open yet.")
    if round_.status == DemandRound.Status.CLOSED:
        return _("This round is closed; demand can no longer be entered or changed.")
    if _now() >= round_.cut_off_at:
        return _("The cut-off, %(when)s, has passed; demand can no longer be entered or changed.") % {
            "when": legal_text(round_.cut_off_at, round_.consortium)
        }
    return None


def _require_member_writer(user: User, consortium_id: int, member_id: int) -> None:
    """Only the member's own admins and staff write its demand (not the council, not observers)."""
    if not acts_for_member(user, consortium_id, member_id):
        raise PermissionDenied(_("You may enter demand only for a member you are admin or staff of."))


@transaction.atomic
def do_join_round(round_: DemandRound, member: Member, *, acting_user: User) -> DemandRoundMember:
    """A member joins a round that is open to every member of the consortium."""
    _require_member_writer(acting_user, round_.consortium_id, member.pk)
    refused = entries_refused(round_)
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
    _require_member_writer(acting_user, round_.consortium_id, member.pk)
    refused = entries_refused(round_)
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
    refused = entries_refused(round_)
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
    _require_member_writer(acting_user, round_.consortium_id, entry.member_id)
    refused = entries_refused(round_)
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
