"""Contracts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _g

from interlocal import audit
from interlocal.procurement.models import (
    Contract,
    ContractAmendment,
    ContractDocument,
    ContractLine,
)

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from interlocal.accounts.models import User
    from interlocal.tenancy.models import Member
from interlocal.procurement.actions.awards import _member_contract
from interlocal.procurement.actions.bids import _refuse

__all__ = ["do_add_contract_document", "do_amend_contract", "do_piggyback", "do_set_contract_openness"]


def _piggyback_refusal(master: Contract, member: Member, user: User) -> tuple[str, Exception] | None:
    """Why `user` may not join `master` for `member` (reason for the trail, error), or None."""
    from interlocal.tenancy.roles import MEMBER_WRITE_ROLES
    from interlocal.tenancy.scoping import grants_for

    if (
        not master.is_master
        or master.status != Contract.Status.ACTIVE
        or master.end_date < timezone.localdate()
    ):
        return "not_active", ValidationError(_g("Only an active master contract can be joined."))
    pairs = grants_for(user).pairs(MEMBER_WRITE_ROLES)
    if (master.consortium_id, member.pk) in pairs:
        return None
    if member.pk not in {m for _c, m in pairs}:
        return "not_member_writer", PermissionDenied(_g("You cannot sign contracts for that member."))
    if not master.allow_other_public_bodies:
        # Acting for this body through another consortium: only a master offered to other public
        # bodies may be joined that way.
        return "closed_to_other_public_bodies", PermissionDenied(
            _g("This contract is open to members of its consortium only.")
        )
    return None


def do_piggyback(
    master: Contract,
    *,
    member: Member,
    acting_user: User,
    quantities: Mapping[int, Any],
    previous_prices: Mapping[int, Any] | None = None,
) -> Contract:
    """A member, or another public body where the master allows it, joins an active cooperative
    contract: its own contract under the master, at the master's prices, for the quantities it
    needs. A refusal is audited (`procurement.contract.piggyback_refused`)."""
    refusal = _piggyback_refusal(master, member, acting_user)
    if refusal is not None:
        reason, error = refusal
        _refuse(
            acting_user,
            "procurement.contract.piggyback_refused",
            master,
            reason=reason,
            details={"member_id": member.pk},
        )
        raise error
    return _piggyback(master, member, acting_user, quantities, previous_prices or {})


@transaction.atomic
def _piggyback(
    master: Contract,
    member: Member,
    acting_user: User,
    quantities: Mapping[int, Any],
    previous_prices: Mapping[int, Any],
) -> Contract:
    from interlocal.procurement.queries import is_outside_body

    master = Contract.objects.select_for_update().get(pk=master.pk)
    refusal = _piggyback_refusal(master, member, acting_user)  # again, under the lock
    if refusal is not None:
        raise refusal[1]
    outside = is_outside_body(master.consortium_id, member.pk)
    if master.member_contracts.filter(member=member, status=Contract.Status.ACTIVE).exists():
        raise ValidationError(_g("%(member)s already buys under this contract.") % {"member": member.name})
    master_lines = {cl.item_id: cl for cl in master.lines.select_related("item")}
    lines: list[ContractLine] = []
    errors: dict[str, list[str]] = {}
    for raw_item, raw_qty in quantities.items():
        if raw_qty in (None, ""):
            continue
        item_id = int(raw_item)
        ml = master_lines.get(item_id)
        if ml is None:
            errors[f"quantities.{raw_item}"] = [_g("That item is not part of this contract.")]
            continue
        qty = _decimal_or_error(raw_qty, f"quantities.{raw_item}", errors, places=4, label=str(ml.item))
        prev_raw = previous_prices.get(item_id)
        prev = None
        if prev_raw not in (None, ""):
            prev = _decimal_or_error(
                prev_raw, f"previous_prices.{raw_item}", errors, places=4, label=str(ml.item)
            )
        if qty is not None and qty > 0:
            lines.append(
                ContractLine(item=ml.item, quantity=qty, unit_price=ml.unit_price, previous_unit_price=prev)
            )
    if errors:
        raise ValidationError(errors)
    if not lines:
        raise ValidationError({"quantities": [_g("Enter a quantity for at least one item.")]})
    return _member_contract(master, member, lines, Contract.Kind.PIGGYBACK, acting_user, outside=outside)


@transaction.atomic
def do_set_contract_openness(contract: Contract, *, allow: bool, acting_user: User) -> Contract:
    """Open a master contract to piggybacking by public bodies outside the consortium, or close it
    (contracts already signed under it stay)."""
    locked = Contract.objects.select_for_update().get(pk=contract.pk)
    if not locked.is_master:
        raise ValidationError(_g("Only a master contract can be offered to other public bodies."))
    if locked.allow_other_public_bodies == allow:
        return locked
    before = audit.snapshot(locked, ["allow_other_public_bodies"])
    locked.allow_other_public_bodies = allow
    locked.save(update_fields=["allow_other_public_bodies"])
    audit.record(
        acting_user,
        "procurement.contract.openness_changed",
        locked,
        before=before,
        after=audit.snapshot(locked, ["allow_other_public_bodies"]),
    )
    return locked


def _decimal_or_error(
    raw: Any, where: str, errors: dict[str, list[str]], *, places: int, label: str
) -> Decimal | None:
    try:
        value = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        errors[where] = [_g("%(label)s: “%(v)s” is not a number.") % {"label": label, "v": raw}]
        return None
    if not value.is_finite() or value < 0:
        errors[where] = [_g("%(label)s: enter a number of zero or more.") % {"label": label}]
        return None
    if value != value.quantize(Decimal(1).scaleb(-places)) or value >= Decimal(10) ** 14:
        errors[where] = [
            _g("%(label)s: at most %(n)s decimal places and 14 digits.") % {"label": label, "n": places}
        ]
        return None
    return value


@transaction.atomic
def do_amend_contract(
    contract: Contract,
    *,
    acting_user: User,
    kind: str,
    description: str,
    effective_date: dt.date,
    new_end_date: dt.date | None = None,
    value_change: Decimal = Decimal(0),
) -> ContractAmendment:
    """Record an amendment or a renewal (which extends the end date, within the renewals allowed)."""
    locked = Contract.objects.select_for_update().get(pk=contract.pk)
    before = audit.snapshot(locked, ["end_date", "value", "renewals_used"])
    if kind not in ContractAmendment.Kind.values:
        raise ValidationError({"kind": [_g("Choose amendment or renewal.")]})
    if not (description or "").strip():
        raise ValidationError({"description": [_g("Describe the change.")]})
    if kind == ContractAmendment.Kind.RENEWAL:
        if locked.renewals_used >= locked.renewals_allowed:
            raise ValidationError(
                _g("This contract has no renewals left (%(n)s allowed).") % {"n": locked.renewals_allowed}
            )
        if new_end_date is None or new_end_date <= locked.end_date:
            raise ValidationError(
                {
                    "new_end_date": [
                        _g("A renewal moves the end date later than %(end)s.") % {"end": locked.end_date}
                    ]
                }
            )
        locked.renewals_used += 1
    if new_end_date is not None and new_end_date < locked.start_date:
        raise ValidationError({"new_end_date": [_g("The contract cannot end before it starts.")]})
    if locked.value + value_change < 0:
        raise ValidationError({"value_change": [_g("The contract's value cannot become negative.")]})
    number = (locked.amendments.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    amendment = ContractAmendment.objects.create(
        contract=locked,
        kind=kind,
        number=number,
        description=description.strip(),
        effective_date=effective_date,
        new_end_date=new_end_date,
        value_change=value_change,
        created_by=acting_user,
    )
    if new_end_date is not None:
        locked.end_date = new_end_date
    locked.value += value_change
    if locked.status == Contract.Status.EXPIRED and locked.end_date >= timezone.localdate():
        locked.status = Contract.Status.ACTIVE
    locked.save(update_fields=["end_date", "value", "renewals_used", "status"])
    audit.record(
        acting_user,
        f"procurement.contract.{kind}",
        locked,
        before=before,
        after=audit.snapshot(locked, ["end_date", "value", "renewals_used"]),
    )
    return amendment


@transaction.atomic
def do_add_contract_document(
    contract: Contract, *, uploaded: UploadedFile, title: str, acting_user: User
) -> ContractDocument:
    """File a document (signed contract, certificate…) with a contract, in private storage."""
    from interlocal.core.files import do_store_file

    if not (title or "").strip():
        raise ValidationError({"title": [_g("Give the document a title.")]})
    stored = do_store_file(
        uploaded,
        consortium=contract.consortium,
        member=contract.member,
        acting_user=acting_user,
        # An outside public body's piggyback contract: the body owns its documents too.
        member_outside_consortium=contract.kind == Contract.Kind.PIGGYBACK,
    )
    doc = ContractDocument.objects.create(contract=contract, title=title.strip()[:200], file=stored)
    audit.record(
        acting_user,
        "procurement.contract.document_added",
        doc,
        consortium_id=contract.consortium_id,
        member_id=contract.member_id,
    )
    return doc
