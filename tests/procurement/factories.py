"""Factories for procurement planning: vendors, demand rounds and solicitations (used by the bidding tests too)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any
from unittest import mock

from django.utils import timezone

from interlocal.procurement.models import (
    DemandEntry,
    DemandItem,
    DemandRound,
    DemandRoundMember,
    Solicitation,
    SolicitationItem,
    Vendor,
    VendorRegistration,
    VendorUser,
)
from interlocal.tenancy.models import Membership

__all__ = [
    "frozen",
    "make_entry",
    "make_round",
    "make_solicitation",
    "make_vendor",
]


def make_vendor(
    name: str = "Acme Supply", *, user: Any = None, consortium: Any = None, role: str = "admin", **fields: Any
) -> Vendor:
    """An active, verified vendor; `user` becomes one of its people (with a vendor role in `consortium`)."""
    fields.setdefault("legal_id", f"EIN-{abs(hash(name)) % 10**8:08d}")
    fields.setdefault("email", f"sales@{name.split()[0].lower()}.example")
    fields.setdefault("status", Vendor.Status.ACTIVE)
    if fields["status"] == Vendor.Status.ACTIVE:
        fields.setdefault("email_verified_at", timezone.now())
    vendor = Vendor.objects.create(name=name, **fields)
    if consortium is not None:
        VendorRegistration.objects.create(vendor=vendor, consortium=consortium)
    if user is not None:
        VendorUser.objects.create(vendor=vendor, user=user, role=role)
        if consortium is not None:
            Membership.objects.get_or_create(user=user, consortium=consortium, member=None, role="vendor")
    return vendor


def make_round(
    consortium: Any,
    *,
    title: str = "2027 road salt",
    status: str = DemandRound.Status.OPEN,
    items: tuple[tuple[str, str], ...] = (("Road salt, bulk", "ton"), ("Liquid brine", "gallon")),
    cut_off_at: dt.datetime | None = None,
    members: tuple[Any, ...] = (),
    created_by: Any = None,
    **fields: Any,
) -> DemandRound:
    """A round with items, open by default, with `members` invited."""
    round_ = DemandRound.objects.create(
        consortium=consortium,
        title=title,
        status=status,
        cut_off_at=cut_off_at or timezone.now() + dt.timedelta(days=14),
        created_by=created_by,
        opened_at=timezone.now() if status != DemandRound.Status.DRAFT else None,
        **fields,
    )
    for n, (description, unit) in enumerate(items, start=1):
        DemandItem.objects.create(round=round_, line_number=n, description=description, unit=unit)
    for member in members:
        DemandRoundMember.objects.create(round=round_, member=member, invited=True, invited_at=timezone.now())
    return round_


def make_entry(
    item: DemandItem, member: Any, quantity: str = "100", price: str | None = "80.00", **fields: Any
) -> DemandEntry:
    """A member's demand for an item (and the member's participation)."""
    DemandRoundMember.objects.update_or_create(
        round=item.round, member=member, defaults={"joined": True, "joined_at": timezone.now()}
    )
    return DemandEntry.objects.create(
        item=item,
        member=member,
        quantity=Decimal(quantity),
        current_unit_price=Decimal(price) if price is not None else None,
        **fields,
    )


def make_solicitation(
    consortium: Any,
    *,
    reference_number: str = "IFB-2027-001",
    title: str = "Laptops 2027",
    status: str = Solicitation.Status.PUBLISHED,
    deadline: dt.datetime | None = None,
    opening_at: dt.datetime | None = None,
    items: tuple[tuple[str, str, str], ...] = (("Laptop, 14 inch", "each", "120"),),
    **fields: Any,
) -> Solicitation:
    """A solicitation with items, published (deadline in 10 days) by default."""
    deadline = deadline or timezone.now() + dt.timedelta(days=10)
    sol = Solicitation.objects.create(
        consortium=consortium,
        reference_number=reference_number,
        title=title,
        status=status,
        published_at=timezone.now() if status != Solicitation.Status.DRAFT else None,
        submission_deadline=deadline,
        opening_at=opening_at or deadline + dt.timedelta(hours=1),
        **fields,
    )
    if sol.published_at is not None:  # as do_publish_solicitation stamps it
        sol.ocds_process = sol.ocds_process_at_publication()
        sol.save(update_fields=["ocds_process"])
    for n, (description, unit, qty) in enumerate(items, start=1):
        SolicitationItem.objects.create(
            solicitation=sol, line_number=n, description=description, unit=unit, total_quantity=Decimal(qty)
        )
    return sol


@contextmanager
def frozen(when: dt.datetime) -> Iterator[None]:
    """A frozen clock: every `timezone.now()` answers `when` inside the block."""
    with mock.patch("django.utils.timezone.now", return_value=when):
        yield
