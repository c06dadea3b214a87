"""Test data for the global search: one thing of every kind in Capitol Region, all named "Zephyr…",
owned so that each person of the standard world (tests/conftest.py) sees a different part."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from interlocal.core.models import StoredFile
from interlocal.costing.models import CostModel, Scenario
from interlocal.procurement.models import (
    Contract,
    ContractDocument,
    DemandRound,
    Solicitation,
    SolicitationDocument,
)
from interlocal.taxonomy.models import ServiceArea
from interlocal.tenancy.models import ConsortiumMember, Member
from tests.assessment.factories import CampaignFactory, TemplateFactory, TemplateVersionFactory
from tests.procurement.factories import SolicitationFactory, make_vendor

__all__ = ["EVERY_KIND", "SEES", "Corpus", "build_corpus", "stored_file"]


def stored_file(consortium: Any, name: str, member: Any = None) -> StoredFile:
    """A StoredFile row (no bytes are needed to be found by search)."""
    return StoredFile.objects.create(
        file=f"private/{consortium.pk}/{name}",
        original_name=name,
        size=10,
        sha256="0" * 64,
        consortium=consortium,
        member=member,
    )


@dataclass
class Corpus:
    member: Member
    draft_solicitation: Solicitation
    published_solicitation: Solicitation
    avon_contract: Contract


def build_corpus(world: Any) -> Corpus:
    capitol = world.capitol
    member = Member.objects.create(name="Zephyrton", slug="zephyrton-ct", region="CT")
    ConsortiumMember.objects.create(consortium=capitol, member=member)
    template = TemplateFactory(consortium=capitol)
    CampaignFactory(
        template_version=TemplateVersionFactory(template=template, is_locked=True),
        name="Zephyr readiness survey",
        description="How ready each town is to share a help desk.",
    )
    model = CostModel.objects.create(consortium=capitol, name="Zephyr shared backup", description="Backups.")
    Scenario.objects.create(cost_model=model, name="Zephyr baseline", notes="First guess.")
    draft = SolicitationFactory(
        consortium=capitol,
        title="Zephyr snow plows",
        reference_number="IFB-Z-1",
        status=Solicitation.Status.DRAFT,
    )
    published = SolicitationFactory(consortium=capitol, title="Zephyr laptops", reference_number="IFB-Z-2")
    DemandRound.objects.create(
        consortium=capitol,
        title="Zephyr demand for salt",
        status="draft",
        cut_off_at=timezone.now() + dt.timedelta(days=20),
    )
    # The council's draft solicitation's document is a consortium-owned file, which StoredFile's
    # own rule would let every member read: search must still hide it with the draft.
    SolicitationDocument.objects.create(
        solicitation=draft,
        title="Zephyr plow specifications",
        file=stored_file(capitol, "zephyr-plow-specs.pdf"),
    )
    SolicitationDocument.objects.create(
        solicitation=published,
        title="Zephyr laptop terms",
        file=stored_file(capitol, "zephyr-laptop-terms.pdf"),
    )
    vendor = make_vendor("Zephyr Supply Co", consortium=capitol)
    acme = make_vendor("Acme Mowing", consortium=capitol)
    term = {"start_date": dt.date(2027, 1, 1), "end_date": dt.date(2028, 1, 1)}
    master = Contract.objects.create(
        consortium=capitol,
        solicitation=published,
        vendor=acme,
        kind=Contract.Kind.MASTER,
        reference="C-M-1",
        title="Grounds master agreement",
        **term,
    )
    contract = Contract.objects.create(
        consortium=capitol,
        member=world.avon,
        master=master,
        solicitation=published,
        vendor=acme,
        kind=Contract.Kind.PIGGYBACK,
        reference="C-Z-1",
        title="Zephyr mowing for Avon",
        **term,
    )
    ContractDocument.objects.create(
        contract=contract,
        title="Zephyr insurance certificate",
        file=stored_file(capitol, "zephyr-insurance.pdf", member=world.avon),
    )
    ServiceArea.objects.create(consortium=capitol, code="zephyr", name="Zephyr services", definition="Winds.")
    assert vendor.pk
    return Corpus(member, draft, published, contract)


EVERY_KIND = {
    "members": "Zephyrton",
    "campaigns": "Zephyr readiness survey",
    "cost_models": "Zephyr shared backup",
    "scenarios": "Zephyr baseline",
    "demand_rounds": "Zephyr demand for salt",
    "solicitations": {"Zephyr snow plows", "Zephyr laptops"},
    "contracts": "Zephyr mowing for Avon",
    "vendors": "Zephyr Supply Co",
    "solicitation_documents": {"Zephyr plow specifications", "Zephyr laptop terms"},
    "contract_documents": "Zephyr insurance certificate",
    "service_areas": "Zephyr services",
}

_MEMBERS_OF_CAPITOL = {
    "members": {"Zephyrton"},
    "campaigns": {"Zephyr readiness survey"},
    "cost_models": {"Zephyr shared backup"},
    "scenarios": {"Zephyr baseline"},
    "solicitations": {"Zephyr laptops"},
    "solicitation_documents": {"Zephyr laptop terms"},
    "service_areas": {"Zephyr services"},
}
_AVON = {
    **_MEMBERS_OF_CAPITOL,
    "contracts": {"Zephyr mowing for Avon"},
    "contract_documents": {"Zephyr insurance certificate"},
}
_COUNCIL = {k: v if isinstance(v, set) else {v} for k, v in EVERY_KIND.items()}

# What each person finds for "zephyr", by kind.
SEES: dict[str, dict[str, set[str]]] = {
    "alice": _COUNCIL,
    "sam": _COUNCIL,
    "ada": _AVON,
    "bob": _AVON,
    "carol": _MEMBERS_OF_CAPITOL,
    "olga": _MEMBERS_OF_CAPITOL,
    "vince": {},
    "pat": {},
}
