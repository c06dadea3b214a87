"""Procurement planning: demand rounds with their items and entries, and solicitations."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import factory
from django.utils import timezone

from interlocal.procurement.models import (
    DemandEntry,
    DemandItem,
    DemandRound,
    DemandRoundMember,
    Solicitation,
    SolicitationItem,
)
from tests.factories import ConsortiumFactory


def _now() -> dt.datetime:
    return timezone.now()  # looked up at call time: the test clock patches timezone.now


class DemandRoundFactory(factory.django.DjangoModelFactory):
    """An open round (cut-off in 14 days) without items."""

    class Meta:
        model = DemandRound

    consortium = factory.SubFactory(ConsortiumFactory)
    title = factory.Sequence(lambda n: f"Round {n}")
    status = DemandRound.Status.OPEN
    cut_off_at = factory.LazyFunction(lambda: _now() + dt.timedelta(days=14))
    opened_at = factory.LazyAttribute(lambda o: None if o.status == DemandRound.Status.DRAFT else _now())


class DemandItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DemandItem

    round = factory.SubFactory(DemandRoundFactory)
    line_number = factory.Sequence(lambda n: n + 1)
    description = factory.Sequence(lambda n: f"Item {n}")
    unit = "each"


class SolicitationFactory(factory.django.DjangoModelFactory):
    """A published solicitation (deadline in 10 days, opening an hour later) without items."""

    class Meta:
        model = Solicitation
        skip_postgeneration_save = True

    consortium = factory.SubFactory(ConsortiumFactory)
    reference_number = factory.Sequence(lambda n: f"IFB-2027-{n:03d}")
    title = factory.Sequence(lambda n: f"Solicitation {n}")
    status = Solicitation.Status.PUBLISHED
    published_at = factory.LazyAttribute(lambda o: None if o.status == Solicitation.Status.DRAFT else _now())
    submission_deadline = factory.LazyFunction(lambda: _now() + dt.timedelta(days=10))
    opening_at = factory.LazyAttribute(lambda o: o.submission_deadline + dt.timedelta(hours=1))

    @factory.post_generation
    def stamp_ocds_process(obj, create, extracted, **kwargs):  # noqa: N805 - factory_boy hook signature
        if create and obj.published_at is not None and not obj.ocds_process:  # as publication stamps it
            obj.ocds_process = obj.ocds_process_at_publication()
            obj.save(update_fields=["ocds_process"])


class SolicitationItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SolicitationItem

    solicitation = factory.SubFactory(SolicitationFactory)
    line_number = factory.Sequence(lambda n: n + 1)
    description = factory.Sequence(lambda n: f"Item {n}")
    unit = "each"
    total_quantity = Decimal(100)


def make_round(
    consortium: Any,
    *,
    title: str = "2027 road salt",
    status: str = DemandRound.Status.OPEN,
    items: tuple[tuple[str, str], ...] = (("Road salt, bulk", "ton"), ("Liquid brine", "gallon")),
    members: tuple[Any, ...] = (),
    **fields: Any,
) -> DemandRound:
    """A round with items, open by default, with `members` invited."""
    round_ = DemandRoundFactory(consortium=consortium, title=title, status=status, **fields)
    for n, (description, unit) in enumerate(items, start=1):
        DemandItemFactory(round=round_, line_number=n, description=description, unit=unit)
    for member in members:
        DemandRoundMember.objects.create(round=round_, member=member, invited=True, invited_at=_now())
    return round_


def make_entry(
    item: DemandItem, member: Any, quantity: str = "100", price: str | None = "80.00", **fields: Any
) -> DemandEntry:
    """A member's demand for an item (and the member's participation)."""
    DemandRoundMember.objects.update_or_create(
        round=item.round, member=member, defaults={"joined": True, "joined_at": _now()}
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
    items: tuple[tuple[str, str, str], ...] = (("Laptop, 14 inch", "each", "120"),),
    **fields: Any,
) -> Solicitation:
    """A solicitation with items, published (deadline in 10 days) by default."""
    sol = SolicitationFactory(consortium=consortium, reference_number=reference_number, title=title, **fields)
    for n, (description, unit, qty) in enumerate(items, start=1):
        SolicitationItemFactory(
            solicitation=sol, line_number=n, description=description, unit=unit, total_quantity=Decimal(qty)
        )
    return sol
