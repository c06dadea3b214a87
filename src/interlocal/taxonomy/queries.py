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

from interlocal.tenancy.roles import CONSORTIUM_WRITE_ROLES, Role
from interlocal.tenancy.scoping import ScopedQuerySet, get_for_user, grants_for

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from interlocal.accounts.models import User
    from interlocal.taxonomy.matching import Match, Matcher
    from interlocal.taxonomy.models import ServiceArea, Synonym, UnmatchedTerm
    from interlocal.tenancy.models import Consortium

__all__ = [
    "QUEUE_READ_ROLES",
    "ServiceAreaQuerySet",
    "SynonymQuerySet",
    "TermMatch",
    "TermQuerySet",
    "can_manage_taxonomy",
    "get_area_for_user",
    "get_synonym_for_user",
    "get_term_for_user",
    "match_term",
    "matcher_for",
    "queue_count",
]

QUEUE_READ_ROLES = frozenset({Role.CONSORTIUM_ADMIN, Role.CONSORTIUM_STAFF, Role.OBSERVER})


def _anonymous(user: User | AnonymousUser | None) -> bool:
    return user is None or not user.is_authenticated or not user.is_active


class _CatalogueQuerySet(ScopedQuerySet[Any]):
    """Standard rows (consortium empty) are readable by every signed-in person."""

    def visible_to(self, user: User | AnonymousUser | None) -> Any:
        """Standard rows, plus the rows of consortia where `user` holds a non-vendor role."""
        if _anonymous(user):
            return self.none()
        return self.filter(Q(consortium__isnull=True) | self.read_condition(self._spec(), grants_for(user)))


class ServiceAreaQuerySet(_CatalogueQuerySet):
    def for_consortium(self, consortium: Consortium | int) -> ServiceAreaQuerySet:
        """The standard areas plus `consortium`'s own, active only, in catalogue order."""
        consortium_id = consortium if isinstance(consortium, int) else consortium.pk
        return self.filter(
            Q(consortium__isnull=True) | Q(consortium_id=consortium_id), is_active=True
        ).order_by("sort_order", "name")

    def standard(self) -> ServiceAreaQuerySet:
        """The standard catalogue only."""
        return self.filter(consortium__isnull=True)


class SynonymQuerySet(_CatalogueQuerySet):
    def for_consortium(self, consortium: Consortium | int) -> SynonymQuerySet:
        """Standard synonyms plus `consortium`'s own, of active areas `consortium` can use."""
        consortium_id = consortium if isinstance(consortium, int) else consortium.pk
        return self.filter(
            Q(consortium__isnull=True) | Q(consortium_id=consortium_id),
            Q(area__consortium__isnull=True) | Q(area__consortium_id=consortium_id),
            area__is_active=True,
        )


class TermQuerySet(ScopedQuerySet["UnmatchedTerm"]):
    def visible_to(self, user: User | AnonymousUser | None) -> TermQuerySet:
        """Terms of consortia where `user` is an admin, staff or consortium-wide observer."""
        if _anonymous(user):
            return self.none()
        return self.filter(consortium_id__in=grants_for(user).consortia_wide(QUEUE_READ_ROLES))

    def pending(self) -> TermQuerySet:
        """Terms still waiting for someone to map or ignore them."""
        return self.filter(status="pending")


def can_manage_taxonomy(user: User | AnonymousUser | None, consortium: Consortium | int | None) -> bool:
    """Whether `user` may add areas, synonyms and map terms for `consortium`."""
    if consortium is None or _anonymous(user):
        return False
    consortium_id = consortium if isinstance(consortium, int) else consortium.pk
    return consortium_id in grants_for(user).consortia_wide(CONSORTIUM_WRITE_ROLES)


def get_area_for_user(
    user: User | AnonymousUser | None, *, write: bool = False, **lookup: Any
) -> ServiceArea:
    """The area if `user` may see it (or change it, with write=True: a consortium's own only); else 404."""
    from interlocal.taxonomy.models import ServiceArea

    return get_for_user(ServiceArea.objects.select_related("consortium"), user, write=write, **lookup)


def get_synonym_for_user(user: User | AnonymousUser | None, *, write: bool = False, **lookup: Any) -> Synonym:
    """The synonym if `user` may see it (or change it: a consortium's own only); else 404."""
    from interlocal.taxonomy.models import Synonym

    return get_for_user(Synonym.objects.select_related("area"), user, write=write, **lookup)


def get_term_for_user(
    user: User | AnonymousUser | None, *, write: bool = False, **lookup: Any
) -> UnmatchedTerm:
    """The queued term if `user` may see it (or map it, with write=True); else 404."""
    from interlocal.taxonomy.models import UnmatchedTerm

    return get_for_user(UnmatchedTerm.objects.select_related("area"), user, write=write, **lookup)


def queue_count(consortium: Consortium | int) -> int:
    """How many terms wait in `consortium`'s review queue."""
    from interlocal.taxonomy.models import UnmatchedTerm

    consortium_id = consortium if isinstance(consortium, int) else consortium.pk
    return UnmatchedTerm.objects.filter(consortium_id=consortium_id, status="pending").count()


def matcher_for(consortium: Consortium | int) -> Matcher:
    """A Matcher over the areas, names, codes and synonyms `consortium` uses (two queries)."""
    from interlocal.taxonomy.matching import Candidate, Matcher
    from interlocal.taxonomy.models import ServiceArea, Synonym

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
    from interlocal.taxonomy.models import ServiceArea

    result = (matcher or matcher_for(consortium)).match(text)
    area = ServiceArea.objects.get(pk=int(result.area)) if result.area is not None else None  # type: ignore[call-overload]
    return TermMatch(area, result)
