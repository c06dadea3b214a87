"""The service taxonomy: catalogue pages, a consortium's own areas and synonyms, the review queue,
and their API operations.

Who may reach what:
- the catalogue and an area's page: every signed-in person reads the standard catalogue; a
  consortium's own areas (the markers here) only its non-vendor people;
- adding and editing own areas and synonyms: the consortium's admins and staff (alice, sam);
  pat adds areas to MISA Prairies (the consortium he acts for);
- the review queue and a queued term: the consortium-wide roles (alice, sam, olga); only alice
  and sam map, ignore or reopen terms.
"""

from __future__ import annotations

from typing import Any

from interlocal.taxonomy.matching import normalize
from interlocal.taxonomy.models import ServiceArea, Synonym, UnmatchedTerm
from tests.isolation.registry import CAPITOL_NON_VENDOR, COUNCIL, SCOPED, SCOPED_LIST, Route, Target

AREA_MARKER = "ISO-MARKER-TAXONOMY-AREA"
SYNONYM_MARKER = "ISO-MARKER-TAXONOMY-SYNONYM"
TERM_MARKER = "ISO-MARKER-TAXONOMY-TERM"
QUEUE_READERS = COUNCIL | {"olga"}


def _own_area(world: Any) -> ServiceArea:
    return ServiceArea.objects.create(
        consortium=world.capitol,
        code="iso-own-area",
        name=f"Snow removal {AREA_MARKER}",
        definition="Plowing and salting the town's roads.",
    )


def own_area(world: Any) -> Target:
    area = _own_area(world)
    return Target(kwargs={"pk": area.pk}, objects=[area], marker=AREA_MARKER)


def own_area_api(world: Any) -> Target:
    area = _own_area(world)
    return Target(kwargs={"area_id": area.pk}, objects=[area], marker=AREA_MARKER)


def own_area_in_list(world: Any) -> Target:
    area = _own_area(world)
    return Target(objects=[area], marker=AREA_MARKER)


def own_synonym(world: Any) -> Target:
    """Capitol Region's synonym of a standard area."""
    standard = ServiceArea.objects.filter(consortium__isnull=True).order_by("pk").first()
    if standard is None:  # a flushed database: the migration's rows are gone
        standard = ServiceArea.objects.create(code="fleet", name="Fleet", definition="Vehicles.")
    text = f"Garage {SYNONYM_MARKER}"
    synonym = Synonym.objects.create(
        area=standard, consortium=world.capitol, text=text, normalized=normalize(text)
    )
    return Target(kwargs={"pk": synonym.pk}, objects=[synonym], marker=SYNONYM_MARKER)


def nothing(world: Any) -> Target:
    return Target()


def _term(world: Any) -> UnmatchedTerm:
    text = f"Cemetery plots {TERM_MARKER}"
    return UnmatchedTerm.objects.create(
        consortium=world.capitol, text=text, normalized=normalize(text), sources={"assessment.import": 2}
    )


def term(world: Any) -> Target:
    t = _term(world)
    return Target(kwargs={"pk": t.pk}, objects=[t], marker=TERM_MARKER)


def term_api(world: Any) -> Target:
    t = _term(world)
    return Target(kwargs={"term_id": t.pk}, objects=[t], marker=TERM_MARKER)


def term_in_list(world: Any) -> Target:
    t = _term(world)
    return Target(objects=[t], marker=TERM_MARKER)


def capitol_catalogue(world: Any) -> Target:
    """Matching in Capitol Region's catalogue; a refused request must not queue anything."""
    t = _term(world)
    return Target(kwargs={"consortium_id": world.capitol.pk}, objects=[t])


ROUTES = [
    Route("taxonomy:areas", SCOPED_LIST, allowed=CAPITOL_NON_VENDOR, build=own_area_in_list),
    Route("taxonomy:area_detail", SCOPED, allowed=CAPITOL_NON_VENDOR, build=own_area),
    Route(
        "taxonomy:area_create",
        SCOPED,
        allowed=COUNCIL | {"pat"},
        build=nothing,
        methods=("GET", "POST"),
        payload={"name": "Outsider area", "kind": "service", "definition": "x", "sort_order": 1},
        note="adds to the consortium one acts for; pat adds to MISA Prairies",
    ),
    Route(
        "taxonomy:area_edit",
        SCOPED,
        allowed=COUNCIL,
        build=own_area,
        methods=("GET", "POST"),
        payload={"name": "Renamed by an outsider", "kind": "service", "definition": "x", "sort_order": 1},
    ),
    Route(
        "taxonomy:synonym_add",
        SCOPED,
        allowed=COUNCIL,
        build=own_area,
        methods=("POST",),
        payload={"text": "Outsider synonym"},
    ),
    Route("taxonomy:synonym_delete", SCOPED, allowed=COUNCIL, build=own_synonym, methods=("POST",)),
    Route("taxonomy:queue", SCOPED_LIST, allowed=QUEUE_READERS, build=term_in_list),
    Route(
        "taxonomy:term_detail",
        SCOPED,
        allowed=QUEUE_READERS,
        build=term,
        methods=("GET", "POST"),
        payload={"action": "ignore"},
        note="olga reads it; posting is for alice and sam (tests/taxonomy/test_views.py)",
    ),
    Route("GET /api/v1/taxonomy/areas", SCOPED_LIST, allowed=CAPITOL_NON_VENDOR, build=own_area_in_list),
    Route("GET /api/v1/taxonomy/areas/{area_id}", SCOPED, allowed=CAPITOL_NON_VENDOR, build=own_area_api),
    Route(
        "POST /api/v1/taxonomy/consortia/{consortium_id}/match",
        SCOPED,
        allowed=CAPITOL_NON_VENDOR,
        build=capitol_catalogue,
        payload={"text": "Snow plowing by an outsider", "record": True, "source": "isolation"},
        note="observers match but may not record (403, tests/taxonomy/test_api.py)",
    ),
    Route("GET /api/v1/taxonomy/terms", SCOPED_LIST, allowed=QUEUE_READERS, build=term_in_list),
    Route(
        "POST /api/v1/taxonomy/terms/{term_id}/resolve",
        SCOPED,
        allowed=COUNCIL,
        build=term_api,
        payload={"action": "ignore"},
    ),
]
