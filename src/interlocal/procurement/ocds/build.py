"""OCDS 1.1 releases of one joint contracting process, from plain data (no Django).

A process is what `publication.py` reads from the database: the demand round (planning), the
solicitation (tender), its addenda, the opening, the award and the contracts. `build_releases`
turns it into the list of releases a publisher would have issued, one per event, in date order.

The joint purchase follows the Prozorro model for centralised purchasing:

- the consortium is the `procuringEntity` (the central purchasing body) and the release-level
  `buyer`, because it runs the process and signs the master cooperative contract;
- every participating member is a party with the role `buyer`;
- items are split per buyer: item `<line>-<buyer id>` carries that member's quantity, and its
  buyer is named in an additional `buyer` field (an OrganizationReference, the same shape as the
  release-level `buyer`; OCDS 1.1 core has no item-level buyer);
- an award produces one contract per buyer (`contracts[].buyer`, same additional field) plus the
  master cooperative contract; a member joining later (piggybacking) gets its own contract in
  the same process, whose `awardID` is the master's award.

Sealed bids stay sealed: before the opening, no release says who bid or at what price
(`tender.tenderers` and `numberOfTenderers` appear only in the opening release and later).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

__all__ = [
    "AmendmentIn",
    "AwardIn",
    "ContractIn",
    "DocumentIn",
    "ItemIn",
    "OrgIn",
    "PlanningIn",
    "ProcessIn",
    "TenderIn",
    "build_releases",
    "iso",
    "number",
]


def iso(value: dt.datetime | dt.date) -> str:
    """An OCDS date-time: ISO 8601 with a UTC offset (dates become midnight UTC)."""
    if not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time(), tzinfo=dt.UTC)
    if value.tzinfo is None:
        raise ValueError("OCDS dates need a time zone")
    # Whole seconds, always the same shape: release dates then sort as text (compile, record).
    return value.astimezone(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def number(value: Decimal | int | float) -> int | float:
    """A JSON number for an amount or quantity, without float noise for decimal inputs."""
    if isinstance(value, Decimal):
        value = value.normalize()
        return int(value) if value == value.to_integral_value() else float(value)
    return value


@dataclass(frozen=True)
class OrgIn:
    """A party: the consortium, a member (buyer) or a vendor."""

    id: str
    name: str
    country: str = ""
    locality: str = ""

    def reference(self) -> dict[str, str]:
        """An OrganizationReference to this party."""
        return {"id": self.id, "name": self.name}


@dataclass(frozen=True)
class ItemIn:
    """One line as one buyer needs it (or the pooled line when `buyer` is None)."""

    id: str
    description: str
    unit: str
    quantity: Decimal
    scheme: str = ""
    code: str = ""
    buyer: OrgIn | None = None
    unit_price: Decimal | None = None
    currency: str = ""

    def as_ocds(self) -> dict[str, Any]:
        item: dict[str, Any] = {
            "id": self.id,
            "description": self.description,
            "quantity": number(self.quantity),
            "unit": {"name": self.unit},
        }
        if self.unit_price is not None:
            item["unit"]["value"] = {"amount": number(self.unit_price), "currency": self.currency}
        if self.scheme and self.code:
            item["classification"] = {"scheme": self.scheme, "id": self.code}
        if self.buyer is not None:
            item["buyer"] = self.buyer.reference()
        return item


@dataclass(frozen=True)
class DocumentIn:
    """A public document: only documents everyone may read are published."""

    id: str
    title: str
    url: str
    date: dt.datetime
    document_type: str = "tenderNotice"

    def as_ocds(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "documentType": self.document_type,
            "title": self.title,
            "url": self.url,
            "datePublished": iso(self.date),
        }


@dataclass(frozen=True)
class AmendmentIn:
    """An addendum to the tender or an amendment/renewal of a contract."""

    id: str
    date: dt.datetime
    description: str


@dataclass(frozen=True)
class PlanningIn:
    """The demand round: members' needs pooled before a solicitation."""

    id: str
    date: dt.datetime
    title: str
    description: str
    category: str
    items: tuple[ItemIn, ...]


@dataclass(frozen=True)
class TenderIn:
    """The published solicitation."""

    id: str
    date: dt.datetime
    title: str
    description: str
    method_details: str
    category: str
    currency: str
    award_criteria: str
    tender_start: dt.datetime
    tender_end: dt.datetime
    enquiry_end: dt.datetime | None
    items: tuple[ItemIn, ...]
    documents: tuple[DocumentIn, ...] = ()
    amendments: tuple[AmendmentIn, ...] = ()
    cancelled_at: dt.datetime | None = None


@dataclass(frozen=True)
class AwardIn:
    """What one supplier won (its items at the awarded prices)."""

    id: str
    date: dt.datetime
    supplier: OrgIn
    amount: Decimal
    currency: str
    items: tuple[ItemIn, ...]
    decision: str = ""  # the award decision this belongs to (one release per decision)


@dataclass(frozen=True)
class ContractIn:
    """One contract: the master, a member's share of the award, or a piggyback."""

    id: str
    award_id: str
    date: dt.datetime
    title: str
    kind: str  # master, member, piggyback
    status: str  # OCDS contractStatus
    amount: Decimal
    currency: str
    start: dt.date
    end: dt.date
    buyer: OrgIn | None
    items: tuple[ItemIn, ...] = ()
    description: str = ""
    amendments: tuple[AmendmentIn, ...] = ()


@dataclass(frozen=True)
class ProcessIn:
    """Everything publishable about one contracting process."""

    ocid: str
    consortium: OrgIn
    buyers: tuple[OrgIn, ...]
    planning: PlanningIn | None = None
    tender: TenderIn | None = None
    opened_at: dt.datetime | None = None
    tenderers: tuple[OrgIn, ...] = ()
    awards: tuple[AwardIn, ...] = ()
    contracts: tuple[ContractIn, ...] = ()
    language: str = "en"
    related: tuple[str, ...] = ()  # ocids of processes this one follows (e.g. the demand round)


def _party(org: OrgIn, roles: Iterable[str]) -> dict[str, Any]:
    from .schema import country_name

    party: dict[str, Any] = {"id": org.id, "name": org.name, "roles": sorted(set(roles))}
    address: dict[str, str] = {}
    if org.locality:
        address["locality"] = org.locality
    name = country_name(org.country)
    if name:  # only official codes (the country codelist is closed)
        address["country"] = org.country.upper()
        address["countryName"] = name
    if address:
        party["address"] = address
    return party


class _Stage:
    """What is known at a point in the process: the parties and sections published so far."""

    def __init__(self, process: ProcessIn) -> None:
        self.process = process
        self.roles: dict[str, set[str]] = {process.consortium.id: {"procuringEntity"}}
        self.orgs: dict[str, OrgIn] = {process.consortium.id: process.consortium}
        for buyer in process.buyers:
            self.add(buyer, "buyer")

    def add(self, org: OrgIn, role: str) -> None:
        self.orgs.setdefault(org.id, org)
        self.roles.setdefault(org.id, set()).add(role)

    def parties(self) -> list[dict[str, Any]]:
        return [_party(self.orgs[pid], self.roles[pid]) for pid in self.orgs]


def _items(items: tuple[ItemIn, ...], memo: dict[int, Any]) -> list[dict[str, Any]]:
    """The items as OCDS, built once per process (releases share them; nothing mutates them)."""
    found = memo.get(id(items))
    if found is None:
        found = memo[id(items)] = [item.as_ocds() for item in items]
    return found  # type: ignore[no-any-return]


def _tender_section(
    tender: TenderIn, *, until: dt.datetime, status: str, process: ProcessIn, memo: dict[int, Any]
) -> dict[str, Any]:
    section: dict[str, Any] = {
        "id": tender.id,
        "title": tender.title,
        "description": tender.description,
        "status": status,
        "procuringEntity": process.consortium.reference(),
        "items": _items(tender.items, memo),
        "procurementMethod": "open",
        "procurementMethodDetails": tender.method_details,
        "mainProcurementCategory": tender.category,
        "awardCriteria": tender.award_criteria,
        "submissionMethod": ["electronicSubmission"],
        "datePublished": iso(tender.date),
        "tenderPeriod": {"startDate": iso(tender.tender_start), "endDate": iso(tender.tender_end)},
        "documents": [d.as_ocds() for d in tender.documents if d.date <= until],
    }
    if tender.enquiry_end is not None:
        section["enquiryPeriod"] = {"startDate": iso(tender.tender_start), "endDate": iso(tender.enquiry_end)}
    amendments = [a for a in tender.amendments if a.date <= until]
    if amendments:
        section["amendments"] = [
            {"id": a.id, "date": iso(a.date), "description": a.description} for a in amendments
        ]
    if process.opened_at is not None and process.opened_at <= until:
        # Only from the opening on: who bid was sealed until then.
        section["numberOfTenderers"] = len(process.tenderers)
        section["tenderers"] = [t.reference() for t in process.tenderers]
    return section


def _contract(c: ContractIn, *, until: dt.datetime, memo: dict[int, Any]) -> dict[str, Any]:
    contract: dict[str, Any] = {
        "id": c.id,
        "awardID": c.award_id,
        "title": c.title,
        "status": c.status,
        "period": {"startDate": iso(c.start), "endDate": iso(c.end)},
        "value": {"amount": number(c.amount), "currency": c.currency},
        "dateSigned": iso(c.date),
        "items": _items(c.items, memo),
    }
    if c.description:
        contract["description"] = c.description
    if c.buyer is not None:
        contract["buyer"] = c.buyer.reference()
    amendments = [a for a in c.amendments if a.date <= until]
    if amendments:
        contract["amendments"] = [
            {"id": a.id, "date": iso(a.date), "description": a.description} for a in amendments
        ]
    return contract


def _award_bound(process: ProcessIn) -> dict[str, dt.datetime]:
    """When each contract is first published: master and member contracts with their award's
    release (they are made by the award decision), piggyback contracts on their own date."""
    award_dates = {a.id: a.date for a in process.awards}
    return {
        c.id: award_dates[c.award_id] if c.kind != "piggyback" and c.award_id in award_dates else c.date
        for c in process.contracts
    }


def build_releases(process: ProcessIn) -> list[dict[str, Any]]:
    """The releases of `process`, oldest first; each is complete for its stage (not a diff).

    One release per event: planning, tender, each addendum (tenderAmendment), the opening
    (tenderUpdate), a cancellation, each award decision with the contracts it creates (award and
    contract), each later (piggyback) contract, each contract amendment. Release ids are derived
    from the database ids, so they are the same in every export.
    """
    events: list[tuple[dt.datetime, int, tuple[str, ...], str]] = []  # (date, order, tags, release id)
    if process.planning is not None:
        events.append((process.planning.date, 0, ("planning",), f"planning-{process.planning.id}"))
    tender = process.tender
    if tender is not None:
        events.append((tender.date, 1, ("tender",), f"tender-{tender.id}"))
        for a in tender.amendments:
            events.append((a.date, 2, ("tenderAmendment",), f"tender-{tender.id}-{a.id}"))
        if process.opened_at is not None:
            events.append((process.opened_at, 3, ("tenderUpdate",), f"tender-{tender.id}-opening"))
        if tender.cancelled_at is not None:
            events.append(
                (tender.cancelled_at, 4, ("tenderCancellation",), f"tender-{tender.id}-cancellation")
            )
    visible = _award_bound(process)
    award_ids = {a.id for a in process.awards}
    decisions: dict[str, list[AwardIn]] = {}
    for award in process.awards:
        decisions.setdefault(award.decision or award.id, []).append(award)
    for decision, awards in decisions.items():
        ids = {a.id for a in awards}
        bound = any(c.award_id in ids and c.kind != "piggyback" for c in process.contracts)
        tags = ("award", "contract") if bound else ("award",)
        events.append((min(a.date for a in awards), 5, tags, decision))
    for c in process.contracts:
        if c.kind == "piggyback" or c.award_id not in award_ids:
            events.append((c.date, 6, ("contract",), c.id))
        for a in c.amendments:
            events.append((a.date, 7, ("contractAmendment",), f"{c.id}-{a.id}"))
    events.sort(key=lambda e: (e[0], e[1], e[3]))
    memo: dict[int, Any] = {}
    return [_release(process, date, tags, rid, visible, memo) for date, _, tags, rid in events]


def _release(
    process: ProcessIn,
    date: dt.datetime,
    tags: tuple[str, ...],
    release_id: str,
    visible: dict[str, dt.datetime],
    memo: dict[int, Any],
) -> dict[str, Any]:
    stage = _Stage(process)
    release: dict[str, Any] = {
        "ocid": process.ocid,
        "id": release_id,
        "date": iso(date),
        "tag": list(tags),
        "initiationType": "tender",
        "language": process.language,
        "buyer": process.consortium.reference(),
    }
    planning = process.planning
    if planning is not None and planning.date <= date:
        release["planning"] = {"id": planning.id, "rationale": planning.description or planning.title}
        if tags == ("planning",):
            # A planning release describes the need in the tender fields (OCDS: planning
            # processes may use them, with the tender status 'planning', but not the 'tender'
            # tag); the tender release that follows replaces them.
            release["tender"] = {
                "id": planning.id,
                "title": planning.title,
                "status": "planning",
                "procuringEntity": process.consortium.reference(),
                "mainProcurementCategory": planning.category,
                "items": _items(planning.items, memo),
            }
    if process.related:
        release["relatedProcesses"] = [
            {"id": str(n), "relationship": ["planning"], "scheme": "ocid", "identifier": ocid}
            for n, ocid in enumerate(process.related, start=1)
        ]
    tender = process.tender
    if tender is not None and tender.date <= date:
        cancelled = tender.cancelled_at is not None and tender.cancelled_at <= date
        awarded = any(a.date <= date for a in process.awards)
        status = "cancelled" if cancelled else "complete" if awarded else "active"
        release["tender"] = _tender_section(tender, until=date, status=status, process=process, memo=memo)
        if process.opened_at is not None and process.opened_at <= date:
            for t in process.tenderers:
                stage.add(t, "tenderer")
    awards = [a for a in process.awards if a.date <= date]
    if awards:
        release["awards"] = [
            {
                "id": a.id,
                "title": a.supplier.name,
                "status": "active",
                "date": iso(a.date),
                "value": {"amount": number(a.amount), "currency": a.currency},
                "suppliers": [a.supplier.reference()],
                "items": _items(a.items, memo),
            }
            for a in awards
        ]
        for a in awards:
            stage.add(a.supplier, "supplier")
    contracts = [c for c in process.contracts if visible[c.id] <= date]
    if contracts:
        release["contracts"] = [_contract(c, until=date, memo=memo) for c in contracts]
        for c in contracts:
            if c.buyer is not None:
                stage.add(c.buyer, "buyer")
    release["parties"] = stage.parties()
    return release
