"""Awards."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from decimal import Decimal
from functools import partial
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _g

from interlocal import audit
from interlocal.core.links import absolute_url
from interlocal.procurement.models import (
    Award,
    AwardLine,
    Bid,
    BidLine,
    Contract,
    ContractLine,
    DemandEntry,
    Solicitation,
    VendorUser,
)

if TYPE_CHECKING:
    from interlocal.accounts.models import User
    from interlocal.tenancy.models import Member
from interlocal.procurement.actions.bids import _now
from interlocal.procurement.actions.opening import _require_opened, suggested_winners

__all__ = ["do_award"]


# --- Award and contracts ------------------------------------------------------------------------------
def _next_reference(consortium_id: int, base: str) -> str:
    reference, n = base, 1
    while Contract.objects.filter(consortium_id=consortium_id, reference=reference).exists():
        n += 1
        reference = f"{base}-{n}"
    return reference[:80]


@transaction.atomic
def do_award(
    solicitation: Solicitation,
    *,
    acting_user: User,
    choices: Mapping[int, int] | None = None,
    start_date: dt.date,
    end_date: dt.date,
    renewals_allowed: int = 0,
    notes: str = "",
) -> Award:
    """Award the items (to one vendor or split by item); creates one master contract per winning
    vendor and one contract per participating member under it; notifies winners and the others."""
    locked = Solicitation.objects.select_for_update().get(pk=solicitation.pk)
    _require_opened(locked)
    if end_date < start_date:
        raise ValidationError({"end_date": [_g("The contract cannot end before it starts.")]})
    suggested = suggested_winners(locked)
    chosen = dict(suggested)
    if choices:
        chosen.update({int(k): int(v) for k, v in choices.items() if v})
    items = {i.pk: i for i in locked.items.select_related("demand_item")}
    if not chosen:
        raise ValidationError(_g("No responsive bid offers any item: nothing can be awarded."))
    valid = {
        (line.item_id, line.bid_id): line
        for line in BidLine.objects.filter(
            bid__solicitation=locked, bid__status=Bid.Status.SUBMITTED, bid__responsive=True, responsive=True
        ).select_related("bid__vendor")
    }
    errors: dict[str, list[str]] = {}
    for item_id, bid_id in chosen.items():
        if item_id not in items:
            errors[f"choices.{item_id}"] = [
                _g("Item %(i)s is not part of this solicitation.") % {"i": item_id}
            ]
        elif (item_id, bid_id) not in valid:
            errors[f"choices.{item_id}"] = [
                _g("Line %(n)s: that bid is not a responsive offer for this item.")
                % {"n": items[item_id].line_number}
            ]
    if errors:
        raise ValidationError(errors)
    award = Award.objects.create(solicitation=locked, decided_by=acting_user, notes=notes, decided_at=_now())
    award_lines = [
        AwardLine(award=award, item=items[i], bid_id=b, unit_price=valid[(i, b)].unit_price)
        for i, b in chosen.items()
    ]
    AwardLine.objects.bulk_create(award_lines)

    by_vendor: dict[int, list[AwardLine]] = defaultdict(list)
    for line in award_lines:
        by_vendor[valid[(line.item_id, line.bid_id)].bid.vendor_id].append(line)
    demand = defaultdict(list)
    demand_item_ids = [i.demand_item_id for i in items.values() if i.demand_item_id]
    for entry in DemandEntry.objects.filter(item_id__in=demand_item_ids, quantity__gt=0).select_related(
        "member"
    ):
        demand[entry.item_id].append(entry)
    for _vendor_id, lines in by_vendor.items():
        vendor = valid[(lines[0].item_id, lines[0].bid_id)].bid.vendor
        master = Contract.objects.create(
            consortium_id=locked.consortium_id,
            solicitation=locked,
            award=award,
            vendor=vendor,
            kind=Contract.Kind.MASTER,
            reference=_next_reference(locked.consortium_id, f"{locked.reference_number}-{vendor.pk}"),
            title=f"{locked.title} — {vendor.name}"[:250],
            currency=locked.currency,
            start_date=start_date,
            end_date=end_date,
            renewals_allowed=renewals_allowed,
            created_by=acting_user,
            created_at=_now(),
        )
        master_lines = []
        per_member: dict[int, list[ContractLine]] = defaultdict(list)
        members: dict[int, Member] = {}
        for line in lines:
            item = items[line.item_id]
            master_lines.append(
                ContractLine(
                    contract=master, item=item, quantity=item.total_quantity, unit_price=line.unit_price
                )
            )
            for entry in demand.get(item.demand_item_id or 0, []):
                members[entry.member_id] = entry.member
                per_member[entry.member_id].append(
                    ContractLine(
                        item=item,
                        quantity=entry.quantity,
                        unit_price=line.unit_price,
                        previous_unit_price=entry.current_unit_price,
                    )
                )
        ContractLine.objects.bulk_create(master_lines)
        master.value = sum((cl.quantity * cl.unit_price for cl in master_lines), Decimal(0))
        master.save(update_fields=["value"])
        audit.record(acting_user, "procurement.contract.created", master, after=audit.snapshot(master))
        for member_id, member_lines in sorted(per_member.items(), key=lambda kv: members[kv[0]].name):
            _member_contract(master, members[member_id], member_lines, Contract.Kind.MEMBER, acting_user)
    locked.status = Solicitation.Status.AWARDED
    locked.updated_at = _now()
    locked.save(update_fields=["status", "updated_at"])
    audit.record(
        acting_user,
        "procurement.award.made",
        award,
        after={
            "lines": [
                {"item_id": al.item_id, "bid_id": al.bid_id, "unit_price": str(al.unit_price)}
                for al in award_lines
            ]
        },
        consortium_id=locked.consortium_id,
    )
    _notify_award(locked, set(by_vendor))
    return award


def _member_contract(
    master: Contract,
    member: Member,
    lines: list[ContractLine],
    kind: str,
    user: User,
    *,
    outside: bool = False,
) -> Contract:
    contract = Contract.objects.create(
        consortium_id=master.consortium_id,
        member=member,
        master=master,
        solicitation_id=master.solicitation_id,
        award=master.award,
        vendor_id=master.vendor_id,
        kind=kind,
        reference=_next_reference(master.consortium_id, f"{master.reference}-{member.slug}"[:70]),
        title=f"{master.title} — {member.name}"[:250],
        currency=master.currency,
        start_date=max(master.start_date, timezone.localdate())
        if kind == Contract.Kind.PIGGYBACK
        else master.start_date,
        end_date=master.end_date,
        renewals_allowed=master.renewals_allowed,
        created_by=user,
        created_at=_now(),
    )
    for line in lines:
        line.contract = contract
    ContractLine.objects.bulk_create(lines)
    contract.value = sum((cl.quantity * cl.unit_price for cl in lines), Decimal(0))
    contract.save(update_fields=["value"])
    # The member's previous prices are confidential: the trail keeps the contract, not them.
    after = audit.snapshot(contract)
    if outside:
        after["outside_public_body"] = True
    audit.record(user, f"procurement.contract.{kind}_created", contract, after=after)
    return contract


def _notify_award(solicitation: Solicitation, winners: set[int]) -> None:
    from interlocal.core.mail import queue_templated_mail

    bidders = set(solicitation.bids.filter(status=Bid.Status.SUBMITTED).values_list("vendor_id", flat=True))
    people = VendorUser.objects.filter(vendor_id__in=bidders, is_active=True).select_related("user", "vendor")
    for vu in people:
        won = vu.vendor_id in winners
        context = {
            "solicitation": str(solicitation),
            "vendor": vu.vendor.name,
            "won": won,
            "site_url": absolute_url("/"),
            # Winners go to their contracts in the vendor area; everyone to the public notice.
            "contracts_url": absolute_url(reverse("procurement:vendor_contracts")),
            "notice_url": absolute_url(
                reverse("procurement:public_solicitation", args=[solicitation.pk]) + "#award"
            ),
        }
        email = vu.user.email
        transaction.on_commit(
            partial(queue_templated_mail, [email], "procurement/bidding/email/award", context)
        )
