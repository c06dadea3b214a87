"""What Interlocal publishes as open contracting data (OCDS 1.1), read from the database.

`processes(consortium)` yields one `ProcessIn` per published contracting process, reading in
chunks with everything prefetched, so an export of 100,000 processes keeps a constant number of
queries per chunk and constant memory. The pure package `procurement.ocds` does the rest.

Published: demand rounds once opened (planning), solicitations once published (tender and
later stages). Never published: drafts, members' current prices, anything about bids before the
opening (who bid, how many, amounts), bid amounts at any time (only awarded prices appear).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone

from interlocal.procurement.models import (
    Addendum,
    AwardLine,
    Bid,
    Contract,
    ContractAmendment,
    ContractLine,
    DemandEntry,
    DemandItem,
    DemandRound,
    Solicitation,
    SolicitationDocument,
    SolicitationItem,
    ocds_prefix,
)
from interlocal.procurement.models.planning import SolicitationQuerySet
from interlocal.procurement.ocds import (
    AmendmentIn,
    AwardIn,
    ContractIn,
    DocumentIn,
    ItemIn,
    OrgIn,
    PlanningIn,
    ProcessIn,
    TenderIn,
    build_releases,
)
from interlocal.tenancy.models import Consortium, Member

__all__ = ["OPENED_STATUSES", "package_header", "process_for_ocid", "processes", "releases"]

CHUNK = 2000

# A solicitation in one of these states has had its bids opened: who bid may be published.
OPENED_STATUSES = frozenset(
    {Solicitation.Status.OPENED, Solicitation.Status.EVALUATED, Solicitation.Status.AWARDED}
)

_METHOD_DETAILS: dict[str, str] = {
    Solicitation.Method.IFB: "Invitation for bids",
    Solicitation.Method.RFQ: "Request for quotes",
    Solicitation.Method.RFP: "Request for proposals",
}
_CONTRACT_STATUS = {
    Contract.Status.ACTIVE: "active",
    Contract.Status.EXPIRED: "terminated",
    Contract.Status.TERMINATED: "terminated",
}


def package_header(*, publisher: str | None = None, uri: str | None = None) -> dict[str, Any]:
    """Package metadata: this installation as publisher, the time of publication."""
    return {
        "uri": uri or f"{settings.SITE_URL}{reverse('api:ocds_release_package')}",
        "published": timezone.now(),
        "publisher": publisher or "Interlocal",
    }


def _consortium_org(consortium: Consortium) -> OrgIn:
    return OrgIn(id=f"consortium-{consortium.pk}", name=consortium.name, country=consortium.country)


def _member_org(member: Member) -> OrgIn:
    return OrgIn(id=f"member-{member.slug}", name=member.name, country=member.country)


def _vendor_org(vendor: Any) -> OrgIn:
    return OrgIn(id=f"vendor-{vendor.pk}", name=vendor.name, country=vendor.country)


def _group(rows: Any, key: str) -> dict[int, list[Any]]:
    grouped: dict[int, list[Any]] = defaultdict(list)
    for row in rows:
        grouped[getattr(row, key)].append(row)
    return grouped


def _load_rounds(rounds: list[DemandRound]) -> None:
    """Attach each round's items and their demand entries (plain lists: `ocds_items`, `ocds_entries`).

    Plain attributes rather than prefetch_related: Django's prefetch builds a queryset per object
    and relation, which costs more than the queries themselves on a 100,000-process export.
    """
    ids = [r.pk for r in rounds]
    items = list(DemandItem.objects.filter(round_id__in=ids).order_by("round_id", "line_number"))
    entries = _group(
        DemandEntry.objects.filter(item__round_id__in=ids, quantity__gt=0)
        .select_related("member")
        .order_by("item_id", "member__name"),
        "item_id",
    )
    for item in items:
        item.ocds_entries = entries.get(item.pk, [])  # type: ignore[attr-defined]
    by_round = _group(items, "round_id")
    for r in rounds:
        r.ocds_items = by_round.get(r.pk, [])  # type: ignore[attr-defined]


def _load(solicitations: list[Solicitation]) -> None:
    """Attach everything a solicitation's releases need, in a fixed number of queries per chunk."""
    ids = [s.pk for s in solicitations]
    items = _group(
        SolicitationItem.objects.filter(solicitation_id__in=ids).order_by("line_number"), "solicitation_id"
    )
    documents = _group(
        SolicitationDocument.objects.filter(solicitation_id__in=ids, public=True).order_by(
            "created_at", "pk"
        ),
        "solicitation_id",
    )
    addenda = _group(Addendum.objects.filter(solicitation_id__in=ids).order_by("number"), "solicitation_id")
    # Only what the opening release may say: who bid. Never the sealed columns.
    bids = _group(
        Bid.objects.filter(solicitation_id__in=ids, status=Bid.Status.SUBMITTED)
        .only("id", "solicitation_id", "vendor_id", "status", "opened_at", "vendor__name", "vendor__country")
        .select_related("vendor")
        .order_by("submitted_at", "pk"),
        "solicitation_id",
    )
    awarded = [s.pk for s in solicitations if s.status == Solicitation.Status.AWARDED]
    award_lines: dict[int, list[Any]] = {}
    contracts: dict[int, list[Any]] = {}
    if awarded:
        award_lines = defaultdict(list)
        for line in (
            AwardLine.objects.filter(award__solicitation_id__in=awarded)
            .select_related("award", "item", "bid__vendor")
            .order_by("item__line_number")
        ):
            award_lines[line.award.solicitation_id].append(line)
        # In creation order, so a later release only appends contracts (compiled releases keep it).
        found = list(
            Contract.objects.filter(solicitation_id__in=awarded)
            .select_related("member", "vendor")
            .order_by("pk")
        )
        cids = [c.pk for c in found]
        lines = _group(
            ContractLine.objects.filter(contract_id__in=cids)
            .select_related("item")
            .order_by("item__line_number"),
            "contract_id",
        )
        amendments = _group(
            ContractAmendment.objects.filter(contract_id__in=cids).order_by("number"), "contract_id"
        )
        for c in found:
            c.ocds_lines = lines.get(c.pk, [])  # type: ignore[attr-defined]
            c.ocds_amendments = amendments.get(c.pk, [])  # type: ignore[attr-defined]
        contracts = _group(found, "solicitation_id")
    rounds = [s.demand_round for s in solicitations if s.demand_round is not None]
    if rounds:
        _load_rounds(rounds)
    for s in solicitations:
        s.ocds_items = items.get(s.pk, [])  # type: ignore[attr-defined]
        s.ocds_documents = documents.get(s.pk, [])  # type: ignore[attr-defined]
        s.ocds_addenda = addenda.get(s.pk, [])  # type: ignore[attr-defined]
        s.ocds_bids = bids.get(s.pk, [])  # type: ignore[attr-defined]
        s.ocds_award_lines = award_lines.get(s.pk, [])  # type: ignore[attr-defined]
        s.ocds_contracts = contracts.get(s.pk, [])  # type: ignore[attr-defined]


def _planning(round_: DemandRound) -> tuple[PlanningIn, tuple[OrgIn, ...]]:
    """The round as planning data; its buyers are the members that entered demand."""
    buyers: dict[int, OrgIn] = {}
    items: list[ItemIn] = []
    for item in round_.ocds_items:  # type: ignore[attr-defined]
        for entry in item.ocds_entries:
            org = buyers.setdefault(entry.member_id, _member_org(entry.member))
            items.append(
                ItemIn(
                    id=f"{item.line_number}-{org.id}",
                    description=item.description,
                    unit=item.unit,
                    quantity=entry.quantity,
                    scheme=item.classification_scheme,
                    code=item.classification_code,
                    buyer=org,
                )
            )
    planning = PlanningIn(
        id=f"round-{round_.pk}",
        date=round_.opened_at or round_.created_at,
        title=round_.title,
        description=round_.description,
        category=round_.category,
        items=tuple(items),
    )
    return planning, tuple(buyers.values())


def _demand(solicitation: Solicitation) -> dict[int, list[Any]]:
    """The members' demand entries (quantity above zero) per demand item of the solicitation's round."""
    if solicitation.demand_round is None:
        return {}
    return {d.pk: d.ocds_entries for d in solicitation.demand_round.ocds_items}  # type: ignore[attr-defined]


def _line_items(
    solicitation: Solicitation,
    line: Any,
    demand: dict[int, list[Any]],
    *,
    unit_price: Decimal | None = None,
) -> list[ItemIn]:
    """A solicitation line as OCDS items: one per buyer when the demand came from a round (Prozorro
    style), else the pooled line."""
    entries = demand.get(line.demand_item_id or 0, [])
    common = {
        "description": line.description,
        "unit": line.unit,
        "scheme": line.classification_scheme,
        "code": line.classification_code,
        "unit_price": unit_price,
        "currency": solicitation.currency if unit_price is not None else "",
    }
    if not entries:
        return [ItemIn(id=str(line.line_number), quantity=line.total_quantity, **common)]
    out = []
    for entry in entries:
        org = _member_org(entry.member)
        out.append(ItemIn(id=f"{line.line_number}-{org.id}", quantity=entry.quantity, buyer=org, **common))
    return out


def _tender_items(solicitation: Solicitation) -> tuple[ItemIn, ...]:
    """Items per buyer when the demand came from a round; the pooled lines otherwise."""
    demand = _demand(solicitation)
    return tuple(
        item
        for line in solicitation.ocds_items  # type: ignore[attr-defined]
        for item in _line_items(solicitation, line, demand)
    )


def _tender(solicitation: Solicitation) -> TenderIn:
    published = solicitation.published_at or solicitation.created_at
    documents = tuple(
        DocumentIn(
            id=f"doc-{doc.pk}",
            title=doc.title,
            url=settings.SITE_URL + reverse("procurement:public_document", args=[solicitation.pk, doc.pk]),
            date=max(doc.created_at, published),
        )
        for doc in solicitation.ocds_documents  # type: ignore[attr-defined]
    )
    amendments = tuple(
        AmendmentIn(id=f"addendum-{a.number}", date=a.issued_at, description=f"{a.title}: {a.body}"[:2000])
        for a in solicitation.ocds_addenda  # type: ignore[attr-defined]
        if a.issued_at >= published
    )
    weighted = solicitation.award_basis == Solicitation.AwardBasis.WEIGHTED_CRITERIA
    return TenderIn(
        id=f"solicitation-{solicitation.pk}",
        date=published,
        title=solicitation.title,
        description=solicitation.description,
        method_details=f"{_METHOD_DETAILS.get(solicitation.method, str(solicitation.method))} "
        f"{solicitation.reference_number}",
        category=solicitation.category,
        currency=solicitation.currency,
        award_criteria="ratedCriteria" if weighted else "priceOnly",
        tender_start=published,
        tender_end=solicitation.submission_deadline,
        enquiry_end=solicitation.questions_deadline,
        items=_tender_items(solicitation),
        documents=documents,
        amendments=amendments,
        cancelled_at=solicitation.cancelled_at
        if solicitation.status == Solicitation.Status.CANCELLED
        else None,
    )


def _opening(solicitation: Solicitation) -> tuple[dt.datetime | None, tuple[OrgIn, ...]]:
    """When the bids were opened and who bid; (None, ()) while they are sealed."""
    bids = solicitation.ocds_bids  # type: ignore[attr-defined]
    opened = [b.opened_at for b in bids if b.opened_at is not None]
    # Bids get `opened_at` only from do_open_bids; a cancellation after the opening keeps it public.
    if solicitation.status not in OPENED_STATUSES and not opened:
        return None, ()  # sealed: nothing about the bids yet
    opened_at = min(opened) if opened else solicitation.opening_at
    vendors = {b.vendor_id: _vendor_org(b.vendor) for b in bids}
    return opened_at, tuple(vendors.values())


def _awards(solicitation: Solicitation) -> tuple[tuple[AwardIn, ...], dict[int, str]]:
    lines_of_award = solicitation.ocds_award_lines  # type: ignore[attr-defined]
    if solicitation.status != Solicitation.Status.AWARDED or not lines_of_award:
        return (), {}
    award = lines_of_award[0].award
    by_vendor: dict[int, list[Any]] = defaultdict(list)
    for line in lines_of_award:
        by_vendor[line.bid.vendor_id].append(line)
    awards = []
    ids: dict[int, str] = {}
    demand = _demand(solicitation)
    for vendor_id, lines in by_vendor.items():
        vendor = lines[0].bid.vendor
        award_id = f"award-{award.pk}-{vendor_id}"
        ids[vendor_id] = award_id
        items = tuple(
            item
            for line in lines
            for item in _line_items(solicitation, line.item, demand, unit_price=line.unit_price)
        )
        amount = sum((line.unit_price * line.item.total_quantity for line in lines), Decimal(0))
        awards.append(
            AwardIn(
                id=award_id,
                date=award.decided_at,
                supplier=_vendor_org(vendor),
                amount=amount.quantize(Decimal("0.01")),
                currency=solicitation.currency,
                items=items,
                decision=f"award-{award.pk}",
            )
        )
    return tuple(awards), ids


def _contracts(solicitation: Solicitation, award_ids: dict[int, str]) -> tuple[ContractIn, ...]:
    if not award_ids:
        return ()
    out = []
    for c in solicitation.ocds_contracts:  # type: ignore[attr-defined]
        buyer = _member_org(c.member) if c.member is not None else None
        items = tuple(
            ItemIn(
                id=f"{line.item.line_number}-{buyer.id}" if buyer else str(line.item.line_number),
                description=line.item.description,
                unit=line.item.unit,
                quantity=line.quantity,
                scheme=line.item.classification_scheme,
                code=line.item.classification_code,
                unit_price=line.unit_price,
                currency=c.currency,
                buyer=buyer,
            )
            for line in c.ocds_lines
        )
        description = {
            Contract.Kind.MASTER: "Master cooperative contract",
            Contract.Kind.MEMBER: "Member contract under the joint award",
            Contract.Kind.PIGGYBACK: "Member contract joining the cooperative contract later (piggyback)",
        }.get(c.kind, "")
        out.append(
            ContractIn(
                id=f"contract-{c.pk}",
                award_id=award_ids.get(c.vendor_id, next(iter(award_ids.values()))),
                date=c.created_at,
                title=c.title,
                kind=c.kind,
                status=_CONTRACT_STATUS.get(c.status, "active"),
                amount=c.value.quantize(Decimal("0.01")),
                currency=c.currency,
                start=c.start_date,
                end=c.end_date,
                buyer=buyer,
                items=items,
                description=f"{description} ({c.reference})",
                amendments=tuple(
                    AmendmentIn(
                        id=f"{a.kind}-{a.number}", date=a.created_at, description=a.description[:2000]
                    )
                    for a in c.ocds_amendments
                ),
            )
        )
    return tuple(out)


def process_of_solicitation(solicitation: Solicitation) -> ProcessIn:
    """The process of a published solicitation (with its demand round, if any).

    The first published solicitation of a round continues the round's process (same ocid); a
    later one (re-tendering after a cancellation) is a process of its own that names the round's
    process as its planning process.
    """
    planning: PlanningIn | None = None
    buyers: tuple[OrgIn, ...] = ()
    ocid = solicitation.ocid
    related: tuple[str, ...] = ()
    round_ = solicitation.demand_round
    if round_ is not None:
        first = getattr(solicitation, "round_first", None)
        if first is None or first == solicitation.pk:
            planning, buyers = _planning(round_)
        else:
            ocid, related = f"{ocds_prefix()}-solicitation-{solicitation.pk}", (round_.ocid,)
    tender = _tender(solicitation)
    if planning is None:
        buyers = tuple({i.buyer.id: i.buyer for i in tender.items if i.buyer is not None}.values())
    opened_at, tenderers = _opening(solicitation)
    awards, award_ids = _awards(solicitation)
    return ProcessIn(
        ocid=ocid,
        consortium=_consortium_org(solicitation.consortium),
        buyers=buyers,
        planning=planning,
        tender=tender,
        opened_at=opened_at,
        tenderers=tenderers,
        awards=awards,
        contracts=_contracts(solicitation, award_ids),
        related=related,
    )


def process_of_round(round_: DemandRound) -> ProcessIn:
    """The process of a demand round with no published solicitation yet (planning only)."""
    planning, buyers = _planning(round_)
    return ProcessIn(
        ocid=round_.ocid, consortium=_consortium_org(round_.consortium), buyers=buyers, planning=planning
    )


def _published_solicitations(consortium_id: int | None) -> SolicitationQuerySet:
    # round_first: the round's first published solicitation, which carries the round's ocid.
    first = (
        Solicitation.objects.public()
        .filter(demand_round_id=OuterRef("demand_round_id"))
        .order_by("pk")
        .values("pk")[:1]
    )
    qs = (
        Solicitation.objects.public()
        .select_related("consortium", "demand_round")
        .annotate(round_first=Subquery(first))
    )
    return qs.filter(consortium_id=consortium_id) if consortium_id is not None else qs


def _planning_only_rounds(consortium_id: int | None) -> QuerySet[DemandRound]:
    published = Solicitation.objects.public().filter(demand_round__isnull=False)
    qs = (
        DemandRound.objects.select_related("consortium")
        .exclude(status=DemandRound.Status.DRAFT)
        .exclude(pk__in=published.values("demand_round_id"))
    )
    return qs.filter(consortium_id=consortium_id) if consortium_id is not None else qs


def _chunks(qs: QuerySet[Any]) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for row in qs.order_by("pk").iterator(chunk_size=CHUNK):
        chunk.append(row)
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def processes(consortium_id: int | None = None) -> Iterator[ProcessIn]:
    """Every published process (of one consortium, or all), in chunks, in a stable order."""
    for solicitations in _chunks(_published_solicitations(consortium_id)):
        _load(solicitations)
        yield from (process_of_solicitation(s) for s in solicitations)
    for rounds in _chunks(_planning_only_rounds(consortium_id)):
        _load_rounds(rounds)
        yield from (process_of_round(r) for r in rounds)


def releases(consortium_id: int | None = None) -> Iterator[dict[str, Any]]:
    """Every release of every published process, process by process."""
    for process in processes(consortium_id):
        yield from build_releases(process)


def process_for_ocid(ocid: str) -> ProcessIn | None:
    """The published process with this ocid, or None (unknown, draft, or another prefix)."""
    prefix = f"{ocds_prefix()}-"
    if not ocid.startswith(prefix):
        return None
    kind, _, pk = ocid[len(prefix) :].partition("-")
    if not pk.isdigit():
        return None
    if kind == "solicitation":
        sol = _published_solicitations(None).filter(pk=int(pk)).first()
        if sol is None or (sol.demand_round_id is not None and sol.round_first == sol.pk):  # type: ignore[attr-defined]
            return None  # that solicitation is published under its round's ocid
        _load([sol])
        return process_of_solicitation(sol)
    if kind == "round":
        sol = _published_solicitations(None).filter(demand_round_id=int(pk)).order_by("pk").first()
        if sol is not None:
            _load([sol])
            return process_of_solicitation(sol)
        round_ = _planning_only_rounds(None).filter(pk=int(pk)).first()
        if round_ is None:
            return None
        _load_rounds([round_])
        return process_of_round(round_)
    return None


def consortium_exists(consortium_id: int) -> bool:
    """Whether a consortium with this id exists (for the export command's error message)."""
    return Consortium.objects.filter(Q(pk=consortium_id)).exists()
