"""The global search (core/search): the results page and `GET /api/v1/search`.

Everybody signed in may search; what they find is each model's `visible_to`. The page is checked
with the council's draft solicitation (members must not find it before it is published), the API
with Avon's own contract document (a member-owned file: Avon's people and the council only).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from interlocal.procurement.models import Contract, ContractDocument, Solicitation
from tests.core.search_data import stored_file
from tests.isolation.registry import COUNCIL, SCOPED_LIST, Route, Target
from tests.procurement.factories import SolicitationFactory, make_vendor

DRAFT_MARKER = "ISO-MARKER-SEARCH-DRAFT"
DOCUMENT_MARKER = "ISO-MARKER-SEARCH-DOCUMENT"


def draft_solicitation(world: Any) -> Target:
    # The marker is the reference number, which the result's detail line shows as it is; the
    # search words differ from it because the page repeats them.
    sol = SolicitationFactory(
        consortium=world.capitol,
        title="Zqxwy road salt",
        reference_number=DRAFT_MARKER,
        status=Solicitation.Status.DRAFT,
    )
    return Target(objects=[sol], marker=DRAFT_MARKER, query={"q": "zqxwy"})


def avon_contract_document(world: Any) -> Target:
    sol = SolicitationFactory(consortium=world.capitol, title="Mowing")
    vendor = make_vendor("Isolation Mowing", consortium=world.capitol)
    term = {"start_date": dt.date(2027, 1, 1), "end_date": dt.date(2028, 1, 1)}
    master = Contract.objects.create(
        consortium=world.capitol,
        solicitation=sol,
        vendor=vendor,
        kind="master",
        reference="M-1",
        title="Mowing",
        **term,
    )
    contract = Contract.objects.create(
        consortium=world.capitol,
        member=world.avon,
        master=master,
        solicitation=sol,
        vendor=vendor,
        kind="piggyback",
        reference="P-1",
        title="Mowing for Avon",
        **term,
    )
    document = ContractDocument.objects.create(
        contract=contract,
        title=f"Zqxwv certificate {DOCUMENT_MARKER}",
        file=stored_file(world.capitol, "certificate.pdf", world.avon),
    )
    return Target(objects=[document], marker=DOCUMENT_MARKER, query={"q": "zqxwv"})


ROUTES = [
    Route("core:search", SCOPED_LIST, allowed=COUNCIL, build=draft_solicitation),
    Route("GET /api/v1/search", SCOPED_LIST, allowed=COUNCIL | {"ada", "bob"}, build=avon_contract_document),
]
