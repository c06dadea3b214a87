"""What Interlocal publishes as open contracting data (OCDS 1.1), read from the database.

`processes(consortium)` yields one `ProcessIn` per published contracting process. It reads in
chunks of `CHUNK` processes, a fixed number of queries per chunk, and reads only the columns the
releases need, as plain tuples (no model instances: building those was most of an export's time),
so an export of 100,000 processes runs in constant memory and well under a minute
(benchmarks/ocds_export.py). The pure package `procurement.ocds` does the rest.

Published: demand rounds once opened (planning), solicitations once published (tender and
later stages). Never published: drafts, members' current prices, anything about bids before the
opening (who bid, how many, amounts), bid amounts at any time (only awarded prices appear).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from operator import attrgetter
from typing import Any

from django.db.models import Min, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from interlocal.core.links import absolute_url
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
    Vendor,
    ocds_prefix,
)
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
_CONTRACT_DESCRIPTION = {
    Contract.Kind.MASTER: "Master cooperative contract",
    Contract.Kind.MEMBER: "Member contract under the joint award",
    Contract.Kind.PIGGYBACK: "Member contract joining the cooperative contract later (piggyback)",
}
_CENT = Decimal("0.01")

# The columns each row is read with (named tuples from values_list; only what releases use).
_SOLICITATION = (
    "id", "consortium_id", "demand_round_id", "status", "method", "reference_number", "title",
    "description", "category", "currency", "award_basis", "published_at", "created_at",
    "submission_deadline", "questions_deadline", "opening_at", "cancelled_at", "ocds_process",
)  # fmt: skip
_ROUND = ("id", "consortium_id", "title", "description", "category", "opened_at", "created_at")


def package_header(*, publisher: str | None = None, uri: str | None = None) -> dict[str, Any]:
    """Package metadata: this installation as publisher, the time of publication."""
    return {
        "uri": uri or absolute_url(reverse("api:ocds_release_package")),
        "published": timezone.now(),
        "publisher": publisher or "Interlocal",
    }


class _Orgs:
    """The parties (consortia, members, vendors) as OrgIn, each read once per export.

    Releases name the same few parties again and again; reading them once (by id, for the ids a
    chunk needs) costs less than joining them to every row, and shares one OrgIn per party.
    """

    def __init__(self) -> None:
        self.consortia: dict[int, OrgIn] = {}
        self.members: dict[int, OrgIn] = {}
        self.vendors: dict[int, OrgIn] = {}

    def need(
        self, *, consortia: Iterable[int] = (), members: Iterable[int] = (), vendors: Iterable[int] = ()
    ) -> None:
        """Read the parties of these ids not read yet (one query per kind, none when all are known)."""
        missing = set(consortia) - self.consortia.keys()
        if missing:
            for pk, name, country in Consortium.objects.filter(pk__in=missing).values_list(
                "id", "name", "country"
            ):
                self.consortia[pk] = OrgIn(id=f"consortium-{pk}", name=name, country=country)
        missing = set(members) - self.members.keys()
        if missing:
            for pk, slug, name, country in Member.objects.filter(pk__in=missing).values_list(
                "id", "slug", "name", "country"
            ):
                self.members[pk] = OrgIn(id=f"member-{slug}", name=name, country=country)
        missing = set(vendors) - self.vendors.keys()
        if missing:
            for pk, name, country in Vendor.objects.filter(pk__in=missing).values_list(
                "id", "name", "country"
            ):
                self.vendors[pk] = OrgIn(id=f"vendor-{pk}", name=name, country=country)


def _span(field: str, span: tuple[int, int]) -> dict[str, int]:
    return {f"{field}__gte": span[0], f"{field}__lte": span[1]}


def _group(rows: Iterable[Any], key: Callable[[Any], int]) -> dict[int, list[Any]]:
    grouped: dict[int, list[Any]] = defaultdict(list)
    for row in rows:
        grouped[key(row)].append(row)
    return grouped


_by_solicitation = attrgetter("solicitation_id")
_by_contract = attrgetter("contract_id")


class _Rounds:
    """Demand rounds' items and the members' demand entries (quantity above zero), read together."""

    def __init__(self, round_ids: list[int], orgs: _Orgs) -> None:
        self.items: dict[int, list[Any]] = {}
        self.round_of_item: dict[int, int] = {}
        self.entries: dict[int, list[Any]] = {}
        if not round_ids:
            return  # no rounds: nothing to read
        items = (
            DemandItem.objects.filter(round_id__in=round_ids)
            .order_by("round_id", "line_number")
            .values_list("id", "round_id", "line_number", "description", "unit", "classification_scheme",
                         "classification_code", named=True)
        )  # fmt: skip
        self.items = _group(items, attrgetter("round_id"))
        self.round_of_item = {i.id: i.round_id for rows in self.items.values() for i in rows}
        # By item id (not a join on the round): PostgreSQL then reads the entries through their
        # index rather than scanning all of them for every chunk.
        entries = (
            DemandEntry.objects.filter(item_id__in=list(self.round_of_item), quantity__gt=0)
            .order_by("item_id", "member__name")
            .values_list("item_id", "member_id", "quantity", named=True)
        )
        self.entries = _group(entries, attrgetter("item_id"))
        orgs.need(members={e.member_id for rows in self.entries.values() for e in rows})


class _Related:
    """Everything a chunk of solicitations' releases need, grouped by owner id, in a fixed number
    of queries; `scope` is the chunk as a queryset (a subquery, so no list of ids is sent)."""

    def __init__(self, rows: list[Any], scope: QuerySet[Solicitation], orgs: _Orgs) -> None:
        # The chunk as a subquery, and its pk range, which lets PostgreSQL read each related
        # table through its foreign-key index whatever its estimates (rather than a full scan).
        ids, span = scope.values("pk"), (rows[0].id, rows[-1].id)
        items: list[Any] = list(
            SolicitationItem.objects.filter(**_span("solicitation_id", span), solicitation_id__in=ids)
            .order_by("solicitation_id", "line_number")
            .values_list("id", "solicitation_id", "line_number", "description", "unit", "total_quantity",
                         "classification_scheme", "classification_code", "demand_item_id", named=True)
        )  # fmt: skip
        self.items = _group(items, _by_solicitation)
        self.item = {i.id: i for i in items}
        self.documents = _group(
            SolicitationDocument.objects.filter(
                **_span("solicitation_id", span), solicitation_id__in=ids, public=True
            )
            .order_by("created_at", "pk")
            .values_list("id", "solicitation_id", "title", "created_at", named=True),
            _by_solicitation,
        )
        self.addenda = _group(
            Addendum.objects.filter(**_span("solicitation_id", span), solicitation_id__in=ids)
            .order_by("number")
            .values_list("solicitation_id", "number", "title", "body", "issued_at", named=True),
            _by_solicitation,
        )
        # Only what the opening release may say: who bid. Never the sealed columns.
        self.bids = _group(
            Bid.objects.filter(
                **_span("solicitation_id", span), solicitation_id__in=ids, status=Bid.Status.SUBMITTED
            )
            .order_by("submitted_at", "pk")
            .values_list("solicitation_id", "vendor_id", "opened_at", named=True),
            _by_solicitation,
        )
        vendors = {b.vendor_id for rows in self.bids.values() for b in rows}
        members: set[int] = set()
        self.award_lines: dict[int, list[Any]] = {}
        self.contracts: dict[int, list[Any]] = {}
        self.contract_lines: dict[int, list[Any]] = {}
        self.contract_amendments: dict[int, list[Any]] = {}
        if any(s.status == Solicitation.Status.AWARDED for s in rows):
            awarded = scope.filter(status=Solicitation.Status.AWARDED).values("pk")
            self.award_lines = _group(
                AwardLine.objects.filter(**_span("award__solicitation_id", span), award__solicitation_id__in=awarded)
                .order_by("item__line_number")
                .values_list("award_id", "item_id", "unit_price", "award__decided_at",
                             "award__solicitation_id", "bid__vendor_id", named=True),
                attrgetter("award__solicitation_id"),
            )  # fmt: skip
            vendors.update(line.bid__vendor_id for rows in self.award_lines.values() for line in rows)
            # In creation order, so a later release only appends contracts (compiled releases keep it).
            contracts = list(
                Contract.objects.filter(**_span("solicitation_id", span), solicitation_id__in=awarded)
                .order_by("pk")
                .values_list("id", "solicitation_id", "member_id", "vendor_id", "kind", "status", "title",
                             "reference", "currency", "value", "start_date", "end_date", "created_at",
                             named=True)
            )  # fmt: skip
            self.contracts = _group(contracts, _by_solicitation)
            vendors.update(c.vendor_id for c in contracts)
            members.update(c.member_id for c in contracts if c.member_id is not None)
            self.contract_lines = _group(
                ContractLine.objects.filter(
                    **_span("contract__solicitation_id", span), contract__solicitation_id__in=awarded
                )
                .order_by("item__line_number")
                .values_list("contract_id", "item_id", "quantity", "unit_price", named=True),
                _by_contract,
            )
            self.contract_amendments = _group(
                ContractAmendment.objects.filter(
                    **_span("contract__solicitation_id", span), contract__solicitation_id__in=awarded
                )
                .order_by("number")
                .values_list("contract_id", "kind", "number", "description", "created_at", named=True),
                _by_contract,
            )
        self.rounds: dict[int, Any] = {}
        self.round_first: dict[int, int] = {}
        # Rounds do not follow the solicitations' order: read by id.
        round_ids = sorted({s.demand_round_id for s in rows if s.demand_round_id is not None})
        if round_ids:
            rounds = DemandRound.objects.filter(pk__in=round_ids).values_list(*_ROUND, named=True)
            self.rounds = {r.id: r for r in rounds}
        # The process is stamped at publication (ocds_process); a row published without it (bulk
        # loads) gets what the stamping migration gives: the round's process for the round's first
        # (lowest id) published solicitation.
        unstamped = sorted(
            {s.demand_round_id for s in rows if s.demand_round_id is not None and not s.ocds_process}
        )
        if unstamped:
            self.round_first = dict(
                Solicitation.objects.public()
                .filter(demand_round_id__in=unstamped)
                .order_by()
                .values("demand_round_id")
                .annotate(first=Min("pk"))
                .values_list("demand_round_id", "first")
            )
        self.demand = _Rounds(round_ids, orgs)
        orgs.need(consortia={s.consortium_id for s in rows}, members=members, vendors=vendors)


def _planning(round_: Any, demand: _Rounds, orgs: _Orgs) -> tuple[PlanningIn, tuple[OrgIn, ...]]:
    """The round as planning data; its buyers are the members that entered demand."""
    buyers: dict[int, OrgIn] = {}
    items: list[ItemIn] = []
    for item in demand.items.get(round_.id, ()):
        for entry in demand.entries.get(item.id, ()):
            org = buyers.setdefault(entry.member_id, orgs.members[entry.member_id])
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
        id=f"round-{round_.id}",
        date=round_.opened_at or round_.created_at,
        title=round_.title,
        description=round_.description,
        category=round_.category,
        items=tuple(items),
    )
    return planning, tuple(buyers.values())


class _Builder:
    """Turns one chunk's rows into processes (ProcessIn)."""

    def __init__(self, related: _Related, orgs: _Orgs, prefix: str) -> None:
        self.related = related
        self.orgs = orgs
        self.prefix = prefix

    def _entries(self, solicitation: Any, line: Any) -> list[Any]:
        """The members' demand entries behind a line, when the demand came from the solicitation's round."""
        demand = self.related.demand
        if solicitation.demand_round_id is None or line.demand_item_id is None:
            return []
        if demand.round_of_item.get(line.demand_item_id) != solicitation.demand_round_id:
            return []
        return demand.entries.get(line.demand_item_id, [])

    def _line_items(self, solicitation: Any, line: Any, *, unit_price: Decimal | None = None) -> list[ItemIn]:
        """A solicitation line as OCDS items: one per buyer when the demand came from a round
        (Prozorro style), else the pooled line."""
        entries = self._entries(solicitation, line)
        currency = solicitation.currency if unit_price is not None else ""
        if not entries:
            return [
                ItemIn(
                    id=str(line.line_number), description=line.description, unit=line.unit,
                    quantity=line.total_quantity, scheme=line.classification_scheme,
                    code=line.classification_code, unit_price=unit_price, currency=currency,
                )
            ]  # fmt: skip
        members = self.orgs.members
        out = []
        for entry in entries:
            org = members[entry.member_id]
            out.append(
                ItemIn(
                    id=f"{line.line_number}-{org.id}", description=line.description, unit=line.unit,
                    quantity=entry.quantity, scheme=line.classification_scheme, code=line.classification_code,
                    buyer=org, unit_price=unit_price, currency=currency,
                )
            )  # fmt: skip
        return out

    def _tender(self, s: Any) -> TenderIn:
        published = s.published_at or s.created_at
        documents = tuple(
            DocumentIn(
                id=f"doc-{doc.id}",
                title=doc.title,
                url=absolute_url(reverse("procurement:public_document", args=[s.id, doc.id])),
                date=max(doc.created_at, published),
            )
            for doc in self.related.documents.get(s.id, ())
        )
        amendments = tuple(
            AmendmentIn(
                id=f"addendum-{a.number}", date=a.issued_at, description=f"{a.title}: {a.body}"[:2000]
            )
            for a in self.related.addenda.get(s.id, ())
            if a.issued_at >= published
        )
        weighted = s.award_basis == Solicitation.AwardBasis.WEIGHTED_CRITERIA
        return TenderIn(
            id=f"solicitation-{s.id}",
            date=published,
            title=s.title,
            description=s.description,
            method_details=f"{_METHOD_DETAILS.get(s.method, str(s.method))} {s.reference_number}",
            category=s.category,
            currency=s.currency,
            award_criteria="ratedCriteria" if weighted else "priceOnly",
            tender_start=published,
            tender_end=s.submission_deadline,
            enquiry_end=s.questions_deadline,
            items=tuple(
                item for line in self.related.items.get(s.id, ()) for item in self._line_items(s, line)
            ),
            documents=documents,
            amendments=amendments,
            cancelled_at=s.cancelled_at if s.status == Solicitation.Status.CANCELLED else None,
        )

    def _opening(self, s: Any) -> tuple[dt.datetime | None, tuple[OrgIn, ...]]:
        """When the bids were opened and who bid; (None, ()) while they are sealed."""
        bids = self.related.bids.get(s.id, ())
        opened = [b.opened_at for b in bids if b.opened_at is not None]
        # Bids get `opened_at` only from do_open_bids; a cancellation after the opening keeps it public.
        if s.status not in OPENED_STATUSES and not opened:
            return None, ()  # sealed: nothing about the bids yet
        opened_at = min(opened) if opened else s.opening_at
        vendors = {b.vendor_id: self.orgs.vendors[b.vendor_id] for b in bids}
        return opened_at, tuple(vendors.values())

    def _awards(self, s: Any) -> tuple[tuple[AwardIn, ...], dict[int, str]]:
        lines_of_award = self.related.award_lines.get(s.id)
        if s.status != Solicitation.Status.AWARDED or not lines_of_award:
            return (), {}
        award_pk, decided_at = lines_of_award[0].award_id, lines_of_award[0].award__decided_at
        by_vendor: dict[int, list[Any]] = defaultdict(list)
        for line in lines_of_award:
            by_vendor[line.bid__vendor_id].append(line)
        item = self.related.item
        awards = []
        ids: dict[int, str] = {}
        for vendor_id, lines in by_vendor.items():
            award_id = f"award-{award_pk}-{vendor_id}"
            ids[vendor_id] = award_id
            items = tuple(
                i
                for line in lines
                for i in self._line_items(s, item[line.item_id], unit_price=line.unit_price)
            )
            amount = sum((line.unit_price * item[line.item_id].total_quantity for line in lines), Decimal(0))
            awards.append(
                AwardIn(
                    id=award_id,
                    date=decided_at,
                    supplier=self.orgs.vendors[vendor_id],
                    amount=amount.quantize(_CENT),
                    currency=s.currency,
                    items=items,
                    decision=f"award-{award_pk}",
                )
            )
        return tuple(awards), ids

    def _contracts(self, s: Any, award_ids: dict[int, str]) -> tuple[ContractIn, ...]:
        if not award_ids:
            return ()
        related, members, out = self.related, self.orgs.members, []
        for c in related.contracts.get(s.id, ()):
            buyer = members[c.member_id] if c.member_id is not None else None
            items = []
            for line in related.contract_lines.get(c.id, ()):
                item = related.item[line.item_id]
                items.append(
                    ItemIn(
                        id=f"{item.line_number}-{buyer.id}" if buyer else str(item.line_number),
                        description=item.description, unit=item.unit, quantity=line.quantity,
                        scheme=item.classification_scheme, code=item.classification_code,
                        unit_price=line.unit_price, currency=c.currency, buyer=buyer,
                    )
                )  # fmt: skip
            out.append(
                ContractIn(
                    id=f"contract-{c.id}",
                    award_id=award_ids.get(c.vendor_id, next(iter(award_ids.values()))),
                    date=c.created_at,
                    title=c.title,
                    kind=c.kind,
                    status=_CONTRACT_STATUS.get(c.status, "active"),
                    amount=c.value.quantize(_CENT),
                    currency=c.currency,
                    start=c.start_date,
                    end=c.end_date,
                    buyer=buyer,
                    items=tuple(items),
                    description=f"{_CONTRACT_DESCRIPTION.get(c.kind, '')} ({c.reference})",
                    amendments=tuple(
                        AmendmentIn(
                            id=f"{a.kind}-{a.number}", date=a.created_at, description=a.description[:2000]
                        )
                        for a in related.contract_amendments.get(c.id, ())
                    ),
                )
            )
        return tuple(out)

    def _unstamped_process(self, s: Any) -> str:
        """The process of a solicitation published without `ocds_process` (see _Related)."""
        if s.demand_round_id is not None and self.related.round_first.get(s.demand_round_id, s.id) == s.id:
            return f"round-{s.demand_round_id}"
        return f"solicitation-{s.id}"

    def solicitation(self, s: Any) -> ProcessIn:
        """The process of a published solicitation (with its demand round, if any).

        The first published solicitation of a round continues the round's process (same ocid); a
        later one (re-tendering after a cancellation) is a process of its own that names the
        round's process as its planning process.
        """
        planning: PlanningIn | None = None
        buyers: tuple[OrgIn, ...] = ()
        related: tuple[str, ...] = ()
        ocid = f"{self.prefix}-{s.ocds_process or self._unstamped_process(s)}"
        if s.demand_round_id is not None:
            round_ocid = f"{self.prefix}-round-{s.demand_round_id}"
            if ocid == round_ocid:
                planning, buyers = _planning(
                    self.related.rounds[s.demand_round_id], self.related.demand, self.orgs
                )
            else:
                related = (round_ocid,)
        tender = self._tender(s)
        if planning is None:
            buyers = tuple({i.buyer.id: i.buyer for i in tender.items if i.buyer is not None}.values())
        opened_at, tenderers = self._opening(s)
        awards, award_ids = self._awards(s)
        return ProcessIn(
            ocid=ocid,
            consortium=self.orgs.consortia[s.consortium_id],
            buyers=buyers,
            planning=planning,
            tender=tender,
            opened_at=opened_at,
            tenderers=tenderers,
            awards=awards,
            contracts=self._contracts(s, award_ids),
            related=related,
        )


def _process_of_round(round_: Any, demand: _Rounds, orgs: _Orgs, prefix: str) -> ProcessIn:
    """The process of a demand round with no published solicitation yet (planning only)."""
    planning, buyers = _planning(round_, demand, orgs)
    return ProcessIn(
        ocid=f"{prefix}-round-{round_.id}",
        consortium=orgs.consortia[round_.consortium_id],
        buyers=buyers,
        planning=planning,
    )


def _published_solicitations(consortium_id: int | None) -> QuerySet[Solicitation]:
    qs = Solicitation.objects.public()
    return qs.filter(consortium_id=consortium_id) if consortium_id is not None else qs


def _planning_only_rounds(consortium_id: int | None) -> QuerySet[DemandRound]:
    published = Solicitation.objects.public().filter(demand_round__isnull=False)
    qs = DemandRound.objects.exclude(status=DemandRound.Status.DRAFT).exclude(
        pk__in=published.values("demand_round_id")
    )
    return qs.filter(consortium_id=consortium_id) if consortium_id is not None else qs


def _chunks(qs: QuerySet[Any], fields: tuple[str, ...]) -> Iterator[tuple[list[Any], QuerySet[Any]]]:
    """The rows of `qs` in pk order, CHUNK at a time, each chunk with itself as a queryset.

    Keyset pagination (pk > last) rather than a server-side cursor: every chunk is one short
    query, and the chunk's queryset (its pk range) serves as the subquery of the related reads.
    """
    last = 0
    while True:
        rows = list(qs.filter(pk__gt=last).order_by("pk").values_list(*fields, named=True)[:CHUNK])
        if not rows:
            return
        yield rows, qs.filter(pk__gte=rows[0].id, pk__lte=rows[-1].id)
        if len(rows) < CHUNK:
            return
        last = rows[-1].id


def _solicitation_processes(
    rows: list[Any], scope: QuerySet[Solicitation], orgs: _Orgs
) -> Iterator[ProcessIn]:
    builder = _Builder(_Related(rows, scope, orgs), orgs, ocds_prefix())
    return (builder.solicitation(s) for s in rows)


def _round_processes(rows: list[Any], orgs: _Orgs) -> Iterator[ProcessIn]:
    demand = _Rounds([r.id for r in rows], orgs)
    orgs.need(consortia={r.consortium_id for r in rows})
    prefix = ocds_prefix()
    return (_process_of_round(r, demand, orgs, prefix) for r in rows)


def processes(consortium_id: int | None = None) -> Iterator[ProcessIn]:
    """Every published process (of one consortium, or all), in chunks, in a stable order."""
    orgs = _Orgs()
    for rows, scope in _chunks(_published_solicitations(consortium_id), _SOLICITATION):
        yield from _solicitation_processes(rows, scope, orgs)
    for rows, _scope in _chunks(_planning_only_rounds(consortium_id), _ROUND):
        yield from _round_processes(rows, orgs)


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
    orgs = _Orgs()
    if kind == "solicitation":
        scope = _published_solicitations(None).filter(pk=int(pk))
        rows = list(scope.values_list(*_SOLICITATION, named=True))
        if not rows:
            return None
        [process] = _solicitation_processes(rows, scope, orgs)
        # A round's first solicitation is published under its round's ocid.
        return process if process.ocid == ocid else None
    if kind == "round":
        # The solicitation stamped with the round's process, else (published without a stamp)
        # the round's first.
        published = _published_solicitations(None).filter(demand_round_id=int(pk))
        rows = list(published.filter(ocds_process=f"round-{pk}").values_list(*_SOLICITATION, named=True))
        rows = rows or list(published.order_by("pk").values_list(*_SOLICITATION, named=True)[:1])
        if rows:
            [process] = _solicitation_processes(
                rows, _published_solicitations(None).filter(pk=rows[0].id), orgs
            )
            return process if process.ocid == ocid else None
        rows = list(_planning_only_rounds(None).filter(pk=int(pk)).values_list(*_ROUND, named=True))
        if not rows:
            return None
        [process] = _round_processes(rows, orgs)
        return process
    return None


def consortium_exists(consortium_id: int) -> bool:
    """Whether a consortium with this id exists (for the export command's error message)."""
    return Consortium.objects.filter(Q(pk=consortium_id)).exists()
