"""Read paths for the taxonomy: scoped querysets, get_*_for_user accessors and term matching.

Who reads what:

- The standard catalogue (areas and synonyms whose consortium is empty) is readable by every
  signed-in, active person — vendors included: it is a public vocabulary, nothing a member owns.
- A consortium's own areas and synonyms follow the usual consortium rule: every non-vendor role
  in that consortium reads them; consortium admins and staff change them.
- The review queue (UnmatchedTerm) is read by the consortium-wide roles — admins, staff and
  consortium observers — and changed by admins and staff. Member people do not see it: the
  terms come from every member's imports and forms.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q

from interlocal.taxonomy.models import ServiceArea, Synonym, UnmatchedTerm
from interlocal.taxonomy.querysets import QUEUE_READ_ROLES
from interlocal.tenancy.roles import CONSORTIUM_READ_ROLES, CONSORTIUM_WRITE_ROLES, MEMBER_WRITE_ROLES
from interlocal.tenancy.scoping import get_for_user, grants_for, is_council

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django.db.models import QuerySet

    from interlocal.accounts.models import User
    from interlocal.taxonomy.matching import Match, Matcher
    from interlocal.tenancy.models import Consortium

__all__ = [
    "terms_to_review",
    "QUEUE_READ_ROLES",
    "TermMatch",
    "areas_for_consortium",
    "can_manage_taxonomy",
    "can_read_catalogue",
    "can_read_queue",
    "can_record_terms",
    "get_area_for_user",
    "get_synonym_for_user",
    "get_term_for_user",
    "match_term",
    "matcher_for",
    "queue_count",
    "synonyms_for_consortium",
]


def can_manage_taxonomy(user: User | AnonymousUser | None, consortium: Consortium | int | None) -> bool:
    """Whether `user` may add areas, synonyms and map terms for `consortium`."""
    if consortium is None:
        return False
    return is_council(user, consortium if isinstance(consortium, int) else consortium.pk)


def can_read_catalogue(user: User | AnonymousUser | None, consortium_id: int) -> bool:
    """Whether `user` may use `consortium_id`'s catalogue (match terms against it): a non-vendor role there."""
    return consortium_id in grants_for(user).consortia(CONSORTIUM_READ_ROLES)


def can_record_terms(user: User | AnonymousUser | None, consortium_id: int) -> bool:
    """Whether `user` may add terms to `consortium_id`'s review queue: a role that writes there
    (the council, or a member's admins and staff; observers may not)."""
    return consortium_id in grants_for(user).consortia(CONSORTIUM_WRITE_ROLES | MEMBER_WRITE_ROLES)


def can_read_queue(user: User | AnonymousUser | None, consortium_id: int | None) -> bool:
    """Whether `user` may read `consortium_id`'s review queue (admins, staff, consortium-wide observers)."""
    return consortium_id is not None and consortium_id in grants_for(user).consortia_wide(QUEUE_READ_ROLES)


def areas_for_consortium(user: User | AnonymousUser | None, consortium_id: int) -> QuerySet[ServiceArea]:
    """The active areas `consortium_id` uses (standard plus its own) that `user` may read, in catalogue order."""
    return ServiceArea.objects.visible_to(user).for_consortium(consortium_id)  # type: ignore[attr-defined,no-any-return]


def synonyms_for_consortium(
    user: User | AnonymousUser | None, consortium_id: int | None
) -> QuerySet[Synonym]:
    """The standard synonyms plus `consortium_id`'s own, of those `user` may read."""
    return Synonym.objects.visible_to(user).filter(  # type: ignore[no-any-return]
        Q(consortium__isnull=True) | Q(consortium_id=consortium_id)
    )


def get_area_for_user(
    user: User | AnonymousUser | None, *, write: bool = False, **lookup: Any
) -> ServiceArea:
    """The area if `user` may see it (or change it, with write=True: a consortium's own only); else 404."""

    return get_for_user(ServiceArea.objects.select_related("consortium"), user, write=write, **lookup)


def get_synonym_for_user(user: User | AnonymousUser | None, *, write: bool = False, **lookup: Any) -> Synonym:
    """The synonym if `user` may see it (or change it: a consortium's own only); else 404."""

    return get_for_user(Synonym.objects.select_related("area"), user, write=write, **lookup)


def get_term_for_user(
    user: User | AnonymousUser | None, *, write: bool = False, **lookup: Any
) -> UnmatchedTerm:
    """The queued term if `user` may see it (or map it, with write=True); else 404."""

    return get_for_user(UnmatchedTerm.objects.select_related("area"), user, write=write, **lookup)


def queue_count(consortium: Consortium | int) -> int:
    """How many terms wait in `consortium`'s review queue."""

    consortium_id = consortium if isinstance(consortium, int) else consortium.pk
    return UnmatchedTerm.objects.filter(consortium_id=consortium_id, status="pending").count()


def matcher_for(consortium: Consortium | int) -> Matcher:
    """A Matcher over the areas, names, codes and synonyms `consortium` uses (two queries)."""
    from interlocal.taxonomy.matching import Candidate, Matcher

    candidates: list[Candidate] = []
    for pk, name, code in ServiceArea.objects.for_consortium(consortium).values_list("pk", "name", "code"):
        candidates.append(Candidate(name, pk, "name"))
        candidates.append(Candidate(code, pk, "code"))
    synonyms = Synonym.objects.for_consortium(consortium).values_list(
        "text", "area_id", "normalized", "consortium_id"
    )
    # A consortium's own synonym wins over a standard one with the same text: staff mapped it on
    # purpose. Candidates are registered first come, first kept, so consortium synonyms go first.
    own = [Candidate(t, a, "synonym", n) for t, a, n, c in synonyms if c is not None]
    standard = [Candidate(t, a, "synonym", n) for t, a, n, c in synonyms if c is None]
    return Matcher(_override(own, standard + candidates))


def _override(own: list[Any], rest: list[Any]) -> list[Any]:
    """`own` candidates, then those of `rest` whose normal form no `own` candidate has."""
    taken = {c.norm() for c in own}
    return own + [c for c in rest if c.norm() not in taken]


class TermMatch:
    """The result of match_term: the area (or None), the score, how it matched, and the raw Match."""

    __slots__ = ("area", "match")

    def __init__(self, area: ServiceArea | None, match: Match) -> None:
        self.area = area
        self.match = match

    @property
    def score(self) -> float:
        return self.match.score

    @property
    def method(self) -> str:
        return str(self.match.method)

    def __repr__(self) -> str:
        return f"<TermMatch {self.area!r} {self.score} {self.method}>"


def match_term(consortium: Consortium | int, text: str, *, matcher: Matcher | None = None) -> TermMatch:
    """Which of `consortium`'s areas `text` names, with the score and method; never writes.

    Pass `matcher` (from `matcher_for`) when matching many texts, to build it once.
    """

    result = (matcher or matcher_for(consortium)).match(text)
    area = ServiceArea.objects.get(pk=int(result.area)) if result.area is not None else None  # type: ignore[call-overload]
    return TermMatch(area, result)


def terms_to_review(user: User | AnonymousUser | None) -> list[dict[str, Any]]:
    """Per consortium whose queue `user` may work (the council: `writable_by`): how many terms
    wait, and the most frequent one (id and text), oldest sighting first on ties; one query."""
    from django.db.models import Count, Min, OuterRef, Subquery

    pending = UnmatchedTerm.objects.writable_by(user).filter(status=UnmatchedTerm.Status.PENDING)
    top = UnmatchedTerm.objects.filter(
        consortium_id=OuterRef("consortium_id"), status=UnmatchedTerm.Status.PENDING
    ).order_by("-occurrences", "first_seen_at", "pk")
    rows = (
        pending.values("consortium_id", "consortium__name")
        .annotate(
            n=Count("pk"),
            oldest=Min("first_seen_at"),
            top_id=Subquery(top.values("pk")[:1]),
            top_text=Subquery(top.values("text")[:1]),
        )
        .order_by("consortium__name")
    )
    return list(rows)
