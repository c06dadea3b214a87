"""Write paths for the taxonomy: do_* functions, each audited (where people act), each atomic.

`do_resolve_term` and `do_resolve_terms` are the entry points other apps call when a member
types the name of a system or area (imports, forms, uploads). See docs/taxonomy.md.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from interlocal import audit
from interlocal.taxonomy.matching import normalize
from interlocal.taxonomy.models import ServiceArea, Synonym, UnmatchedTerm
from interlocal.taxonomy.queries import matcher_for

if TYPE_CHECKING:
    from interlocal.accounts.models import User
    from interlocal.taxonomy.matching import Matcher
    from interlocal.tenancy.models import Consortium

__all__ = [
    "MAX_TERM_LENGTH",
    "do_add_synonym",
    "do_create_area",
    "do_delete_synonym",
    "do_ignore_term",
    "do_map_term",
    "do_map_term_to_new_area",
    "do_reopen_term",
    "do_resolve_term",
    "do_resolve_terms",
    "do_update_area",
]

MAX_TERM_LENGTH = 200
MAX_SOURCE_LENGTH = 60
AREA_FIELDS = ("code", "name", "definition", "kind", "is_active", "sort_order")


def _consortium_id(consortium: Consortium | int) -> int:
    return consortium if isinstance(consortium, int) else consortium.pk


# --- Resolving terms (called by other apps) ------------------------------------------------------


def do_resolve_term(
    consortium: Consortium | int,
    text: str,
    *,
    source: str,
    actor: User | None = None,
    matcher: Matcher | None = None,
) -> ServiceArea | None:
    """The area `text` names for `consortium`; else queue the term for review and return None.

    `source` says where the term came from (e.g. "assessment.import", "costing.upload"); the
    queue counts occurrences per source. Blank text returns None and queues nothing. Pass a
    `matcher` (queries.matcher_for) when resolving many texts; or use do_resolve_terms.
    """
    result = (matcher or matcher_for(consortium)).match(text)
    if result.area is not None:
        return ServiceArea.objects.get(pk=result.area)  # type: ignore[misc]
    if not result.normalized:
        return None
    _queue(_consortium_id(consortium), text, result.normalized, source=source, actor=actor)
    return None


def do_resolve_terms(
    consortium: Consortium | int, texts: Iterable[str], *, source: str, actor: User | None = None
) -> dict[str, ServiceArea | None]:
    """do_resolve_term for many texts at once (one matcher, one query for the areas)."""
    matcher = matcher_for(consortium)
    results = {text: matcher.match(text) for text in dict.fromkeys(texts)}
    wanted = {r.area for r in results.values() if r.area is not None}
    areas = ServiceArea.objects.in_bulk(list(wanted))  # type: ignore[arg-type]
    out: dict[str, ServiceArea | None] = {}
    for text, result in results.items():
        if result.area is not None:
            out[text] = areas[result.area]  # type: ignore[index]
            continue
        out[text] = None
        if result.normalized:
            _queue(_consortium_id(consortium), text, result.normalized, source=source, actor=actor)
    return out


def _queue(consortium_id: int, text: str, norm: str, *, source: str, actor: User | None) -> UnmatchedTerm:
    """Count one more occurrence of an unmatched term, adding it to the queue the first time."""
    text = " ".join(text.split())[:MAX_TERM_LENGTH]
    norm = norm[:MAX_TERM_LENGTH]
    source = (source or "unknown")[:MAX_SOURCE_LENGTH]
    now = timezone.now()
    # Two imports may meet the same new term at once: the savepoint lets the loser of the insert
    # race fall through to the update below instead of failing its whole import.
    try:
        with transaction.atomic():
            term = UnmatchedTerm.objects.create(
                consortium_id=consortium_id,
                text=text,
                normalized=norm,
                sources={source: 1},
                first_seen_at=now,
                last_seen_at=now,
            )
    except IntegrityError:
        pass
    else:
        audit.record(
            actor,
            "taxonomy.term.queued",
            term,
            consortium_id=consortium_id,
            after=audit.snapshot(term, ["text", "normalized", "sources"]),
        )
        return term
    with transaction.atomic():
        term = UnmatchedTerm.objects.select_for_update().get(consortium_id=consortium_id, normalized=norm)
        sources = dict(term.sources or {})
        sources[source] = int(sources.get(source, 0)) + 1
        changes: dict[str, Any] = {
            "occurrences": F("occurrences") + 1,
            "sources": sources,
            "last_seen_at": now,
        }
        if term.status == UnmatchedTerm.Status.MAPPED:
            # It was mapped, yet no longer matches (the synonym or the area was removed since):
            # back to the queue rather than silently lost.
            changes.update(status=UnmatchedTerm.Status.PENDING, area=None, resolved_at=None, resolved_by=None)
        UnmatchedTerm.objects.filter(pk=term.pk).update(**changes)
        term.refresh_from_db()
    return term


# --- The review queue ----------------------------------------------------------------------------


def _check_area_usable(area: ServiceArea, consortium_id: int) -> None:
    if area.consortium_id not in (None, consortium_id) or not area.is_active:
        raise ValidationError({"area": _("Choose an active area of the catalogue.")})


def _remember(
    area: ServiceArea, consortium_id: int, text: str, norm: str, actor: User | None
) -> Synonym | None:
    """The consortium synonym that makes `norm` match `area` from now on (None if it already does)."""
    standard = Synonym.objects.filter(consortium__isnull=True, normalized=norm).first()
    if standard is not None and standard.area_id == area.pk:
        return None
    own = Synonym.objects.filter(consortium_id=consortium_id, normalized=norm).select_related("area").first()
    if own is not None:
        if own.area_id == area.pk:
            return None
        raise ValidationError(
            {
                "area": _(
                    "“%(text)s” is already a synonym of %(area)s in your consortium; remove it there first."
                )
                % {"text": own.text, "area": own.area.name}
            }
        )
    synonym = Synonym.objects.create(
        area=area, consortium_id=consortium_id, text=text, normalized=norm, created_by=actor
    )
    audit.record(
        actor, "taxonomy.synonym.created", synonym, consortium_id=consortium_id, after=audit.snapshot(synonym)
    )
    return synonym


@transaction.atomic
def do_map_term(term: UnmatchedTerm, *, area: ServiceArea, actor: User | None) -> UnmatchedTerm:
    """Map a queued term to an area and remember it as a consortium synonym."""
    before = audit.snapshot(term)
    _check_area_usable(area, term.consortium_id)
    _remember(area, term.consortium_id, term.text, term.normalized, actor)
    term.status = UnmatchedTerm.Status.MAPPED
    term.area = area
    term.resolved_at = timezone.now()
    term.resolved_by = actor
    term.save(update_fields=["status", "area", "resolved_at", "resolved_by"])
    audit.record(actor, "taxonomy.term.mapped", term, before=before, after=audit.snapshot(term))
    return term


@transaction.atomic
def do_map_term_to_new_area(
    term: UnmatchedTerm, *, actor: User | None, name: str, definition: str, kind: str, code: str = ""
) -> UnmatchedTerm:
    """Create a consortium area for a queued term, then map the term to it."""
    area = do_create_area(
        term.consortium_id, actor=actor, name=name, definition=definition, kind=kind, code=code
    )
    return do_map_term(term, area=area, actor=actor)


@transaction.atomic
def do_ignore_term(term: UnmatchedTerm, *, actor: User | None) -> UnmatchedTerm:
    """Take a term off the queue without mapping it (it is not a service area: "N/A", "misc")."""
    before = audit.snapshot(term)
    term.status = UnmatchedTerm.Status.IGNORED
    term.area = None
    term.resolved_at = timezone.now()
    term.resolved_by = actor
    term.save(update_fields=["status", "area", "resolved_at", "resolved_by"])
    audit.record(actor, "taxonomy.term.ignored", term, before=before, after=audit.snapshot(term))
    return term


@transaction.atomic
def do_reopen_term(term: UnmatchedTerm, *, actor: User | None) -> UnmatchedTerm:
    """Put an ignored or mapped term back in the queue (its synonym, if any, stays)."""
    before = audit.snapshot(term)
    term.status = UnmatchedTerm.Status.PENDING
    term.area = None
    term.resolved_at = None
    term.resolved_by = None
    term.save(update_fields=["status", "area", "resolved_at", "resolved_by"])
    audit.record(actor, "taxonomy.term.reopened", term, before=before, after=audit.snapshot(term))
    return term


# --- A consortium's own areas and synonyms -------------------------------------------------------


def _unique_code(consortium_id: int, name: str) -> str:
    base = (slugify(name) or "area")[:54]
    code, n = base, 1
    while ServiceArea.objects.filter(
        Q(consortium__isnull=True) | Q(consortium_id=consortium_id), code=code
    ).exists():
        n += 1
        code = f"{base}-{n}"
    return code


def _validate_area(area: ServiceArea) -> None:
    area.full_clean(validate_constraints=False)
    errors: dict[str, list[str]] = {}
    clash = ServiceArea.objects.filter(
        Q(consortium__isnull=True) | Q(consortium_id=area.consortium_id), code=area.code
    ).exclude(pk=area.pk)
    if clash.exists():
        errors["code"] = [_("The code “%(code)s” is already used by another area.") % {"code": area.code}]
    same_name = ServiceArea.objects.filter(
        Q(consortium__isnull=True) | Q(consortium_id=area.consortium_id), name__iexact=area.name
    ).exclude(pk=area.pk)
    if same_name.exists():
        errors["name"] = [_("An area named “%(name)s” already exists.") % {"name": area.name}]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def do_create_area(
    consortium: Consortium | int,
    *,
    actor: User | None,
    name: str,
    definition: str,
    kind: str = ServiceArea.Kind.SERVICE,
    code: str = "",
    sort_order: int = 1000,
    is_active: bool = True,
) -> ServiceArea:
    """Add an area of the consortium's own to the catalogue it uses."""
    consortium_id = _consortium_id(consortium)
    name = " ".join((name or "").split())
    area = ServiceArea(
        consortium_id=consortium_id,
        name=name,
        definition=(definition or "").strip(),
        kind=kind,
        code=code or _unique_code(consortium_id, name),
        sort_order=sort_order,
        is_active=is_active,
    )
    _validate_area(area)
    area.save()
    audit.record(actor, "taxonomy.area.created", area, after=audit.snapshot(area))
    return area


@transaction.atomic
def do_update_area(area: ServiceArea, *, actor: User | None, **changes: Any) -> ServiceArea:
    """Change a consortium's own area; the standard catalogue is read-only (PermissionDenied)."""
    if area.is_standard:
        raise PermissionDenied(_("The standard catalogue cannot be changed here."))
    unknown = set(changes) - set(AREA_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown fields: %(names)s") % {"names": ", ".join(sorted(unknown))})
    area = ServiceArea.objects.select_for_update().get(pk=area.pk)
    before = audit.snapshot(area)
    for name, value in changes.items():
        setattr(area, name, value)
    area.updated_at = timezone.now()
    _validate_area(area)
    area.save(update_fields=[*changes, "updated_at"])
    audit.record(actor, "taxonomy.area.updated", area, before=before, after=audit.snapshot(area))
    return area


@transaction.atomic
def do_add_synonym(
    area: ServiceArea, *, consortium: Consortium | int, text: str, actor: User | None
) -> Synonym:
    """Add a consortium synonym to an area it uses (standard or its own)."""
    consortium_id = _consortium_id(consortium)
    _check_area_usable(area, consortium_id)
    text = " ".join((text or "").split())
    norm = normalize(text)
    if not text or not norm:
        raise ValidationError({"text": _("Enter a synonym made of letters or digits.")})
    if len(text) > MAX_TERM_LENGTH:
        raise ValidationError({"text": _("A synonym has at most %(n)d characters.") % {"n": MAX_TERM_LENGTH}})
    taken = (
        Synonym.objects.filter(Q(consortium__isnull=True) | Q(consortium_id=consortium_id), normalized=norm)
        .select_related("area")
        .first()
    )
    if taken is not None:
        raise ValidationError(
            {
                "text": _("“%(text)s” is already a synonym of %(area)s.")
                % {"text": taken.text, "area": taken.area.name}
            }
        )
    synonym = Synonym.objects.create(
        area=area, consortium_id=consortium_id, text=text, normalized=norm, created_by=actor
    )
    audit.record(actor, "taxonomy.synonym.created", synonym, after=audit.snapshot(synonym))
    return synonym


@transaction.atomic
def do_delete_synonym(synonym: Synonym, *, actor: User | None) -> None:
    """Remove a consortium's own synonym; standard synonyms are read-only (PermissionDenied)."""
    if synonym.consortium_id is None:
        raise PermissionDenied(_("Standard synonyms cannot be removed."))
    before = audit.snapshot(synonym)
    consortium_id = synonym.consortium_id
    audit.record(actor, "taxonomy.synonym.deleted", synonym, consortium_id=consortium_id, before=before)
    synonym.delete()
