"""API for the service taxonomy: the catalogue, matching a term, and the review queue.

Who reads what (see taxonomy/queries.py): the standard catalogue, every signed-in person;
a consortium's own areas and synonyms, its non-vendor people; its review queue, its admins,
staff and consortium-wide observers. Matching against a consortium's catalogue needs a
non-vendor role there; recording an unmatched term needs a role that writes (council or a
member's admins and staff).
"""

# No `from __future__ import annotations`: django-ninja reads these annotations at run time.
import datetime as dt
import re
from typing import Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from pydantic import field_validator

from interlocal.core.api import (
    IdFilter,
    IdParam,
    InputSchema,
    LimitOffset,
    SafeStr,
    error_responses,
    optional,
    request_user,
)
from interlocal.taxonomy.actions import (
    do_ignore_term,
    do_map_term,
    do_map_term_to_new_area,
    do_reopen_term,
    do_resolve_term,
)
from interlocal.taxonomy.models import ServiceArea, Synonym, UnmatchedTerm
from interlocal.taxonomy.queries import (
    areas_for_consortium,
    can_manage_taxonomy,
    can_read_catalogue,
    can_record_terms,
    get_area_for_user,
    get_term_for_user,
    match_term,
    matcher_for,
)

__all__ = ["router"]

router = Router(tags=["taxonomy"])

SOURCE_PATTERN = re.compile(r"[a-z0-9_.:-]+")

# --- Schemas -------------------------------------------------------------------------------------


class SynonymOut(Schema):
    """Another name for an area."""

    id: int = Field(..., description="The synonym's id.", examples=[12])
    text: str = Field(..., description="The synonym as written.", examples=["Laserfiche"])
    consortium_id: int | None = Field(
        ..., description="The consortium that added it; null for standard synonyms.", examples=[None]
    )


class AreaRef(Schema):
    """An area, by id, code and name."""

    id: int = Field(..., description="The area's id.", examples=[9])
    code: str = Field(..., description="The area's code.", examples=["edms-records"])
    name: str = Field(
        ..., description="The area's name.", examples=["Electronic document management and records"]
    )


class AreaOut(Schema):
    """A service area or IT capability, with its definition and synonyms."""

    id: int = Field(..., description="The area's id.", examples=[9])
    code: str = Field(
        ..., description="A short identifier, unique within the catalogue.", examples=["edms-records"]
    )
    name: str = Field(
        ..., description="The area's name.", examples=["Electronic document management and records"]
    )
    definition: str = Field(..., description="What the area covers, in one paragraph.")
    kind: str = Field(
        ..., description="`service` (service area) or `capability` (IT capability).", examples=["capability"]
    )
    is_active: bool = Field(..., description="Whether the area is in use (retired areas are kept).")
    sort_order: int = Field(..., description="Position in the catalogue (lower first).", examples=[90])
    consortium_id: int | None = Field(
        ...,
        description="The consortium that added the area; null for the standard catalogue.",
        examples=[None],
    )
    synonyms: list[SynonymOut] = Field(
        ...,
        description="Standard synonyms, plus those of the area's own consortium (or of the consortium asked for).",
    )

    @staticmethod
    def resolve_synonyms(obj: ServiceArea) -> list[Synonym]:
        return list(getattr(obj, "shown_synonyms", []))


class AreaFilter(Schema):
    """Filters for the catalogue."""

    consortium: IdFilter | None = optional(
        description="Only the standard areas and this consortium's own (id); its synonyms are included."
    )
    kind: Literal["service", "capability"] | None = optional(description="Only areas of this kind.")
    origin: Literal["standard", "own"] | None = optional(
        description="`standard`: the standard catalogue only; `own`: areas consortia added only."
    )
    active: bool | None = optional(description="Only areas in use (true) or retired (false).")
    q: SafeStr | None = optional(
        max_length=100,
        description="Only areas whose name, code, definition or a synonym contains this text.",
        examples=["laserfiche"],
    )


class AreaInclude(Schema):
    """Options for one area."""

    consortium: IdFilter | None = optional(description="Include this consortium's synonyms (id).")


class MatchIn(InputSchema):
    """A term to match against a consortium's catalogue (standard plus its own areas and synonyms)."""

    text: SafeStr = Field(
        ..., min_length=1, max_length=200, description="The term as typed.", examples=["Laserfische"]
    )
    record: bool = Field(
        False, description="When true and nothing matches, add the term to the consortium's review queue."
    )
    source: SafeStr = Field(
        "api",
        min_length=1,
        max_length=60,
        description="Where the term came from, for the queue (lower-case letters, digits, . _ : -).",
        examples=["assessment.import"],
    )

    @field_validator("source")
    @classmethod
    def _source_is_a_label(cls, value: str) -> str:
        if not SOURCE_PATTERN.fullmatch(value):
            raise ValueError("use lower-case letters, digits and . _ : - only, e.g. assessment.import")
        return value


class MatchOut(Schema):
    """The answer for one term."""

    text: str = Field(..., description="The term as sent.", examples=["Laserfische"])
    normalized: str = Field(..., description="The term as the matcher compares it.", examples=["laserfische"])
    area: AreaRef | None = Field(..., description="The area the term names; null when unmatched.")
    score: float = Field(..., description="0–100: how close the best candidate is.", examples=[95.2])
    method: str = Field(
        ...,
        description="`exact`, `fuzzy`, `ambiguous` (two areas equally close: left unmatched), `unmatched` or `empty`.",
        examples=["fuzzy"],
    )
    matched_text: str = Field(
        ..., description="The synonym, name or code that decided it.", examples=["Laserfiche"]
    )
    queued: bool = Field(..., description="Whether the term was recorded in the review queue.")


class TermOut(Schema):
    """A term that matched no area, in a consortium's review queue."""

    id: int = Field(..., description="The queued term's id.", examples=[4])
    consortium_id: int = Field(..., description="The consortium whose queue it is in.", examples=[1])
    text: str = Field(..., description="The term as first written.", examples=["Snow plowing"])
    normalized: str = Field(
        ..., description="The term as the matcher compares it.", examples=["snow plowing"]
    )
    occurrences: int = Field(..., description="How many times it was seen.", examples=[3])
    sources: dict[str, int] = Field(
        ..., description="Occurrences per source.", examples=[{"assessment.import": 2, "costing.upload": 1}]
    )
    status: str = Field(..., description="`pending`, `mapped` or `ignored`.", examples=["pending"])
    area: AreaRef | None = Field(..., description="The area it was mapped to.")
    first_seen_at: dt.datetime = Field(..., description="When it was first seen (UTC).")
    last_seen_at: dt.datetime = Field(..., description="When it was last seen (UTC).")
    resolved_at: dt.datetime | None = Field(..., description="When it was mapped or ignored (UTC).")


class TermFilter(Schema):
    """Filters for the review queue."""

    consortium: IdFilter | None = optional(description="Only this consortium's queue (id).")
    status: Literal["pending", "mapped", "ignored"] | None = optional(
        description="Only terms with this status."
    )
    q: SafeStr | None = optional(
        max_length=100, description="Only terms containing this text.", examples=["snow"]
    )


class ResolveIn(InputSchema):
    """What to do with a queued term."""

    action: Literal["map", "new_area", "ignore", "reopen"] = Field(
        ...,
        description="`map` to an existing area (give `area`), `new_area` (give `name`, `definition`, `kind`), "
        "`ignore`, or `reopen`.",
    )
    area: IdFilter | None = optional(description="For `map`: the area's id.")
    name: SafeStr | None = optional(min_length=1, max_length=150, description="For `new_area`: its name.")
    definition: SafeStr | None = optional(
        min_length=1, max_length=5000, description="For `new_area`: its definition."
    )
    kind: Literal["service", "capability"] | None = optional(description="For `new_area`: its kind.")


# --- Operations ----------------------------------------------------------------------------------


def _with_synonyms(
    qs: QuerySet[ServiceArea], request: HttpRequest, consortium_id: int | None
) -> QuerySet[ServiceArea]:
    """Prefetch the synonyms shown with each area: standard ones, the asked-for consortium's, and
    those an own area's consortium added; only those the person may read."""
    shown = Q(consortium__isnull=True) | Q(consortium_id=F("area__consortium_id"))
    if consortium_id is not None:
        shown |= Q(consortium_id=consortium_id)
    synonyms = Synonym.objects.visible_to(request_user(request)).filter(shown).order_by("text", "pk")
    # One query for the synonyms of all listed areas, not one per area.
    return qs.prefetch_related(Prefetch("synonyms", queryset=synonyms, to_attr="shown_synonyms"))


@router.get(
    "/taxonomy/areas",
    response={200: list[AreaOut], **error_responses(401, 422)},
    operation_id="taxonomy_areas_list",
    summary="List service areas",
)
@paginate(LimitOffset)
def taxonomy_areas_list(request: HttpRequest, filters: Query[AreaFilter]) -> object:
    """The standard catalogue (every signed-in person) and the own areas of your consortia (not vendors)."""
    qs = ServiceArea.objects.visible_to(request_user(request))
    if filters.consortium is not None:
        qs = qs.filter(Q(consortium__isnull=True) | Q(consortium_id=filters.consortium))
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.origin:
        qs = qs.filter(consortium__isnull=filters.origin == "standard")
    if filters.active is not None:
        qs = qs.filter(is_active=filters.active)
    if filters.q:
        readable = Synonym.objects.visible_to(request_user(request))
        synonym = readable.filter(area=OuterRef("pk"), text__icontains=filters.q).filter(
            Q(consortium__isnull=True)
            | Q(consortium_id=filters.consortium)
            | Q(consortium_id=OuterRef("consortium_id"))
        )
        qs = qs.filter(
            Q(name__icontains=filters.q)
            | Q(code__icontains=filters.q)
            | Q(definition__icontains=filters.q)
            | Exists(synonym)
        )
    return _with_synonyms(qs, request, filters.consortium).order_by("sort_order", "name", "pk")


@router.get(
    "/taxonomy/areas/{area_id}",
    response={200: AreaOut, **error_responses(401, 404, 422)},
    operation_id="taxonomy_areas_get",
    summary="Get a service area",
)
def taxonomy_areas_get(
    request: HttpRequest,
    area_id: IdParam,
    include: Query[AreaInclude],
) -> ServiceArea:
    """One area you may read, with its synonyms; 404 for any other."""
    user = request_user(request)
    area = get_area_for_user(user, pk=area_id)
    return _with_synonyms(
        ServiceArea.objects.visible_to(user).filter(pk=area.pk), request, include.consortium
    ).get()


def _readable_consortium(request: HttpRequest, consortium_id: int) -> int:
    """`consortium_id` if the person holds a non-vendor role there; else 404 (as for a missing one)."""
    if not can_read_catalogue(request_user(request), consortium_id):
        raise Http404
    return consortium_id


@router.post(
    "/taxonomy/consortia/{consortium_id}/match",
    response={200: MatchOut, **error_responses(400, 401, 403, 404, 413, 422)},
    operation_id="taxonomy_match",
    summary="Match a term to a service area",
)
def taxonomy_match(request: HttpRequest, consortium_id: IdParam, payload: MatchIn) -> dict[str, object]:
    """Which area a term names in a consortium's catalogue, with the score and how it matched.

    Records the term in the review queue only with `record: true` and only when nothing matched;
    that needs a role that writes in the consortium (observers get 403).
    """
    user = request_user(request)
    _readable_consortium(request, consortium_id)
    if payload.record and not can_record_terms(user, consortium_id):
        raise PermissionDenied("Recording terms needs a role that writes in this consortium.")
    matcher = matcher_for(consortium_id)
    found = match_term(consortium_id, payload.text, matcher=matcher)
    result, area = found.match, found.area
    queued = False
    if area is None and payload.record and result.normalized:
        do_resolve_term(consortium_id, payload.text, source=payload.source, actor=user, matcher=matcher)
        queued = True
    return {
        "text": payload.text,
        "normalized": result.normalized,
        "area": area,
        "score": result.score,
        "method": str(result.method),
        "matched_text": result.matched_text,
        "queued": queued,
    }


@router.get(
    "/taxonomy/terms",
    response={200: list[TermOut], **error_responses(401, 422)},
    operation_id="taxonomy_terms_list",
    summary="List the review queue",
)
@paginate(LimitOffset)
def taxonomy_terms_list(request: HttpRequest, filters: Query[TermFilter]) -> object:
    """Terms that matched no area, most frequent first, in the queues you may read (admins, staff, observers)."""
    # select_related: each item shows the area it was mapped to.
    qs = UnmatchedTerm.objects.visible_to(request_user(request)).select_related("area")
    if filters.consortium is not None:
        qs = qs.filter(consortium_id=filters.consortium)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.q:
        qs = qs.filter(Q(text__icontains=filters.q) | Q(normalized__icontains=filters.q))
    return qs.order_by("-occurrences", "text", "pk")


@router.post(
    "/taxonomy/terms/{term_id}/resolve",
    response={200: TermOut, **error_responses(400, 401, 403, 404, 413, 422)},
    operation_id="taxonomy_terms_resolve",
    summary="Map, ignore or reopen a queued term",
)
def taxonomy_terms_resolve(request: HttpRequest, term_id: IdParam, payload: ResolveIn) -> UnmatchedTerm:
    """Map a queued term to an area (remembered as a synonym of the consortium), to a new area of the
    consortium, ignore it, or put it back in the queue. Consortium admins and staff may; observers get 403."""
    user = request_user(request)
    term = get_term_for_user(user, pk=term_id)
    if not can_manage_taxonomy(user, term.consortium_id):
        raise PermissionDenied("Only the consortium's admins and staff may resolve terms.")
    term = get_term_for_user(user, pk=term_id, write=True)
    if payload.action == "map":
        if payload.area is None:
            raise ValidationError({"area": ["Give the id of the area to map the term to."]})
        try:
            area = areas_for_consortium(user, term.consortium_id).get(pk=payload.area)
        except ServiceArea.DoesNotExist:
            raise ValidationError(
                {"area": ["No active area with this id in the consortium's catalogue."]}
            ) from None
        return do_map_term(term, area=area, actor=user)
    if payload.action == "new_area":
        missing = [name for name in ("name", "definition", "kind") if getattr(payload, name) is None]
        if missing:
            raise ValidationError({name: ["Required for new_area."] for name in missing})
        return do_map_term_to_new_area(
            term,
            actor=user,
            name=str(payload.name),
            definition=str(payload.definition),
            kind=str(payload.kind),
        )
    if payload.action == "ignore":
        return do_ignore_term(term, actor=user)
    return do_reopen_term(term, actor=user)
