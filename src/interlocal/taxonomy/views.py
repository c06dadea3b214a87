"""Taxonomy pages: the catalogue of service areas, an area's definition and synonyms, a consortium's
own areas and synonyms, and the review queue where staff map the terms nobody recognised.

Reads go through visible_to / get_*_for_user; writes through taxonomy.actions (do_*). The current
consortium (request.tenant) chooses which consortium's own areas, synonyms and queue a page shows.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, Exists, OuterRef, Prefetch, Q, QuerySet, Value, When
from django.db.models.functions import Lower
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from interlocal.core.tables import ChoiceFilter, Column, Table
from interlocal.taxonomy.actions import (
    do_add_synonym,
    do_create_area,
    do_delete_synonym,
    do_ignore_term,
    do_map_term,
    do_map_term_to_new_area,
    do_reopen_term,
    do_update_area,
)
from interlocal.taxonomy.forms import AreaForm, MapTermForm, NewAreaForTermForm, SynonymForm, TryTermForm
from interlocal.taxonomy.matching import Matcher
from interlocal.taxonomy.models import ServiceArea, Synonym, UnmatchedTerm
from interlocal.taxonomy.queries import (
    areas_for_consortium,
    can_manage_taxonomy,
    can_read_queue,
    get_area_for_user,
    get_synonym_for_user,
    get_term_for_user,
    match_term,
    matcher_for,
    queue_count,
    synonyms_for_consortium,
)

if TYPE_CHECKING:
    from interlocal.accounts.models import User

__all__ = [
    "area_create",
    "area_detail",
    "area_edit",
    "area_list",
    "queue_card",
    "synonym_add",
    "synonym_delete",
    "term_detail",
    "term_queue",
]


def _consortium_id(request: HttpRequest) -> int | None:
    """The consortium the person acts for (None without one); scoping does not depend on it."""
    tenant = getattr(request, "tenant", None)
    consortium = tenant.consortium if tenant is not None else None
    return consortium.pk if consortium is not None else None


def _actor(request: HttpRequest) -> User:
    """The signed-in person (views that call this are behind login_required)."""
    return cast("User", request.user)


def _require_manage(request: HttpRequest, consortium_id: int | None) -> int:
    """`consortium_id` if the person may change its taxonomy; else PermissionDenied."""
    if consortium_id is None or not can_manage_taxonomy(request.user, consortium_id):
        raise PermissionDenied(_g("Only your consortium's admins and staff may change the taxonomy."))
    return consortium_id


# --- The catalogue -------------------------------------------------------------------------------
ORIGIN_CHOICES = [("standard", _("Standard catalogue")), ("own", _("Added by your consortium"))]
ACTIVE_CHOICES = [("True", _("In use")), ("False", _("Retired"))]


def _area_url(area: ServiceArea) -> str:
    return reverse("taxonomy:area_detail", args=[area.pk])


def _origin_label(area: ServiceArea) -> Any:
    return ORIGIN_CHOICES[0][1] if area.is_standard else ORIGIN_CHOICES[1][1]


def _synonym_list(area: ServiceArea) -> str:
    return "; ".join(s.text for s in getattr(area, "shown_synonyms", []))


class AreaTable(Table):
    columns = [
        Column("name", _("Name"), sort="name", template="taxonomy/cells/area_name.html"),
        Column("kind", _("Kind"), accessor="get_kind_display", sort="kind"),
        Column("origin", _("Catalogue"), accessor=_origin_label, sort="origin"),
        Column("definition", _("Definition"), template="taxonomy/cells/definition.html"),
        Column("synonyms", _("Synonyms"), accessor=_synonym_list, template="taxonomy/cells/synonyms.html"),
    ]
    search_fields = ("name",)  # the real search (name, code, definition, synonyms) is in _filtered
    search_label = _("Search by name, synonym or definition")
    filters = [
        ChoiceFilter("kind", _("Kind"), ServiceArea.Kind.choices),
        ChoiceFilter("origin", _("Catalogue"), ORIGIN_CHOICES),
        ChoiceFilter("active", _("In use"), ACTIVE_CHOICES, field="is_active"),
    ]
    default_sort = ""  # no column: the catalogue's own order (sort_order, name), set in _filtered
    per_page = 25
    export_name = "service-areas"
    caption = _("Service areas")
    empty_text = _("No service area matches these filters.")

    def csv_rows(self) -> Iterable[list[Any]]:
        # The export carries everything, including what the page keeps short (code, definition).
        yield [
            str(label)
            for label in (
                _("Code"),
                _("Name"),
                _("Kind"),
                _("Catalogue"),
                _("In use"),
                _("Definition"),
                _("Synonyms"),
            )
        ]
        for area in self.queryset.iterator(chunk_size=500):
            yield [
                value
                for value in (
                    area.code,
                    area.name,
                    area.get_kind_display(),
                    _origin_label(area),
                    _g("Yes") if area.is_active else _g("No"),
                    area.definition,
                    _synonym_list(area),
                )
            ]

    def _filtered(self) -> QuerySet[Any]:
        search, self.search = self.search, ""
        try:
            qs = super()._filtered()
        finally:
            self.search = search
        if not self.sort:
            qs = qs.order_by("sort_order", "name", "pk")
        if search:
            synonyms = synonyms_for_consortium(self.request.user, _consortium_id(self.request)).filter(
                area=OuterRef("pk"), text__icontains=search
            )
            qs = qs.filter(
                Q(name__icontains=search)
                | Q(code__icontains=search)
                | Q(definition__icontains=search)
                | Exists(synonyms)
            )
        return qs


def _areas_for_page(request: HttpRequest) -> QuerySet[ServiceArea]:
    """The areas this person sees in the catalogue of the consortium they act for."""
    consortium_id = _consortium_id(request)
    # Standard areas, plus the current consortium's own (visible_to has already limited those to
    # consortia where the person holds a non-vendor role).
    qs = ServiceArea.objects.visible_to(request.user).filter(
        Q(consortium__isnull=True) | Q(consortium_id=consortium_id)
    )
    shown = synonyms_for_consortium(request.user, consortium_id).order_by(Lower("text"))
    # One query for all synonyms of the page's areas (not one per row).
    return qs.annotate(
        origin=Case(When(consortium__isnull=True, then=Value("standard")), default=Value("own"))
    ).prefetch_related(Prefetch("synonyms", queryset=shown, to_attr="shown_synonyms"))


@login_required
def area_list(request: HttpRequest) -> HttpResponse:
    """The catalogue: standard areas and the consortium's own; search, filter, sort, export; try a term."""
    consortium_id = _consortium_id(request)
    table = AreaTable(request, _areas_for_page(request))
    try_form = TryTermForm(request.GET or None)
    tried = None
    if consortium_id is not None and try_form.is_valid() and try_form.cleaned_data["term"]:
        # Reading only: trying a term never adds it to the review queue.
        tried = match_term(consortium_id, try_form.cleaned_data["term"])
    return table.response(
        "taxonomy/area_list.html",
        {
            "can_manage": can_manage_taxonomy(request.user, consortium_id),
            "try_form": try_form,
            "tried": tried,
            "can_try": consortium_id is not None,
        },
    )


@login_required
def area_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An area's definition and synonyms; the consortium's staff add and remove their own synonyms."""
    area = get_area_for_user(request.user, pk=pk)
    consortium_id = area.consortium_id or _consortium_id(request)
    synonyms = (
        Synonym.objects.visible_to(request.user)
        .filter(area=area)
        .filter(Q(consortium__isnull=True) | Q(consortium_id=consortium_id))
        .order_by("consortium_id", Lower("text"))
    )
    can_manage = can_manage_taxonomy(request.user, consortium_id)
    return render(
        request,
        "taxonomy/area_detail.html",
        {
            "area": area,
            "standard_synonyms": [s for s in synonyms if s.consortium_id is None],
            "own_synonyms": [s for s in synonyms if s.consortium_id is not None],
            "can_manage": can_manage,
            "can_edit": can_manage and not area.is_standard,
            "synonym_form": SynonymForm(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def area_create(request: HttpRequest) -> HttpResponse:
    """Add an area of the consortium's own (consortium admins and staff)."""
    consortium_id = _require_manage(request, _consortium_id(request))
    form = AreaForm(request.POST if request.method == "POST" else None, initial={"sort_order": 1000})
    if request.method == "POST" and form.is_valid():
        try:
            area = do_create_area(consortium_id, actor=_actor(request), **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _g("“%(name)s” was added to your catalogue.") % {"name": area.name})
            return redirect("taxonomy:area_detail", pk=area.pk)
    return render(request, "taxonomy/area_form.html", {"form": form, "area": None})


@login_required
@require_http_methods(["GET", "POST"])
def area_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit one of the consortium's own areas; standard areas are read-only (403)."""
    area = get_area_for_user(request.user, pk=pk)
    if area.is_standard:
        raise PermissionDenied(
            _g("The standard catalogue is read-only; add a synonym or an area of your own instead.")
        )
    _require_manage(request, area.consortium_id)
    form = AreaForm(request.POST if request.method == "POST" else None, instance=area)
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        if not changes.get("code", True):
            changes.pop("code")  # an emptied code keeps the old one
        fresh = get_area_for_user(request.user, pk=pk, write=True)
        if not changes:
            messages.info(request, _g("Nothing changed."))
            return redirect("taxonomy:area_detail", pk=pk)
        try:
            do_update_area(fresh, actor=_actor(request), **changes)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _g("“%(name)s” was saved.") % {"name": fresh.name})
            return redirect("taxonomy:area_detail", pk=pk)
        area = fresh
    return render(request, "taxonomy/area_form.html", {"form": form, "area": area})


@login_required
@require_POST
def synonym_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a consortium synonym to an area (standard or own)."""
    area = get_area_for_user(request.user, pk=pk)
    consortium_id = _require_manage(request, area.consortium_id or _consortium_id(request))
    form = SynonymForm(request.POST)
    if form.is_valid():
        try:
            synonym = do_add_synonym(
                area,
                consortium=consortium_id,
                text=form.cleaned_data["text"],
                actor=_actor(request),
            )
        except ValidationError as exc:
            for text in exc.messages:
                messages.error(request, text)
        else:
            messages.success(
                request, _g("“%(text)s” now matches %(area)s.") % {"text": synonym.text, "area": area.name}
            )
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, _g("Synonym: %(error)s") % {"error": error})
    return redirect("taxonomy:area_detail", pk=area.pk)


@login_required
@require_POST
def synonym_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Remove one of the consortium's own synonyms; standard synonyms are read-only (403)."""
    synonym = get_synonym_for_user(request.user, pk=pk)
    if synonym.consortium_id is None:
        raise PermissionDenied(_g("Standard synonyms cannot be removed."))
    _require_manage(request, synonym.consortium_id)
    area_pk = synonym.area_id
    text = synonym.text
    do_delete_synonym(get_synonym_for_user(request.user, pk=pk, write=True), actor=_actor(request))
    messages.success(request, _g("“%(text)s” was removed.") % {"text": text})
    return redirect("taxonomy:area_detail", pk=area_pk)


# --- The review queue ----------------------------------------------------------------------------
STATUS_DEFAULT = UnmatchedTerm.Status.PENDING


def _term_url(term: UnmatchedTerm) -> str:
    return reverse("taxonomy:term_detail", args=[term.pk])


def _sources(term: UnmatchedTerm) -> str:
    return "; ".join(f"{source} ({count})" for source, count in sorted((term.sources or {}).items()))


def _queue_table(matcher: Matcher, names: dict[int, str]) -> type[Table]:
    """The queue's table; its "best guess" column asks the matcher (built once per page)."""

    def guess(term: UnmatchedTerm) -> str:
        if term.status != UnmatchedTerm.Status.PENDING:
            return ""
        found = matcher.suggestions(term.text, limit=1)
        if not found:
            return ""
        area, score, _text = found[0]
        return f"{names.get(area, '?')} ({score:.0f})"  # type: ignore[call-overload]

    class QueueTable(Table):
        columns = [
            Column("text", _("Term"), sort="text", link=_term_url),
            Column("occurrences", _("Seen"), sort="occurrences", numeric=True),
            Column("sources", _("Where it came from"), accessor=_sources),
            Column("last_seen_at", _("Last seen"), sort="last_seen_at"),
            Column("status", _("Status"), accessor="get_status_display", sort="status"),
            Column("area", _("Mapped to"), accessor="area.name", sort="area__name"),
            Column("guess", _("Best guess (score)"), accessor=guess),
        ]
        search_fields = ("text", "normalized")
        search_label = _("Search terms")
        filters = [ChoiceFilter("status", _("Status"), UnmatchedTerm.Status.choices)]
        default_sort = "-occurrences"
        export_name = "unmatched-terms"
        caption = _("Terms waiting for review")
        empty_text = _("No terms here. Terms nobody recognised appear here when members import or type them.")

    return QueueTable


@login_required
def term_queue(request: HttpRequest) -> HttpResponse:
    """Terms that matched no area, most frequent first; staff map or ignore each one once."""
    consortium_id = _consortium_id(request)
    if consortium_id is None or not can_read_queue(request.user, consortium_id):
        raise PermissionDenied(_g("The review queue is for your consortium's admins, staff and observers."))
    if "status" not in request.GET:
        # Waiting terms by default; "All" (an empty status) shows every term.
        query = request.GET.copy()
        query["status"] = STATUS_DEFAULT
        request.GET = query  # type: ignore[assignment]
    matcher = matcher_for(consortium_id)
    names = dict(areas_for_consortium(request.user, consortium_id).values_list("pk", "name"))
    # select_related: the "mapped to" column reads the area's name.
    terms = (
        UnmatchedTerm.objects.visible_to(request.user)
        .filter(consortium_id=consortium_id)
        .select_related("area")
    )
    table = _queue_table(matcher, names)(request, terms)
    return table.response(
        "taxonomy/term_queue.html",
        {
            "can_manage": can_manage_taxonomy(request.user, consortium_id),
            "pending_count": queue_count(consortium_id),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def term_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One queued term: where it came from, the best guesses, and map / new area / ignore / reopen."""
    term = get_term_for_user(request.user, pk=pk)
    can_manage = can_manage_taxonomy(request.user, term.consortium_id)
    areas = areas_for_consortium(request.user, term.consortium_id)
    map_form = MapTermForm(areas=areas)
    new_form = NewAreaForTermForm(initial={"name": term.text})
    if request.method == "POST":
        _require_manage(request, term.consortium_id)
        action = request.POST.get("action", "")
        fresh = get_term_for_user(request.user, pk=pk, write=True)
        try:
            if action == "map":
                map_form = MapTermForm(request.POST, areas=areas)
                if map_form.is_valid():
                    do_map_term(fresh, area=map_form.cleaned_data["area"], actor=_actor(request))
                    messages.success(
                        request,
                        _g("“%(term)s” now maps to %(area)s; it will match automatically from now on.")
                        % {"term": fresh.text, "area": map_form.cleaned_data["area"].name},
                    )
                    return redirect("taxonomy:queue")
            elif action == "new":
                new_form = NewAreaForTermForm(request.POST)
                if new_form.is_valid():
                    do_map_term_to_new_area(fresh, actor=_actor(request), **new_form.cleaned_data)
                    messages.success(
                        request,
                        _g("“%(name)s” was added to your catalogue and “%(term)s” maps to it.")
                        % {"name": new_form.cleaned_data["name"], "term": fresh.text},
                    )
                    return redirect("taxonomy:queue")
            elif action == "ignore":
                do_ignore_term(fresh, actor=_actor(request))
                messages.success(request, _g("“%(term)s” was taken off the queue.") % {"term": fresh.text})
                return redirect("taxonomy:queue")
            elif action == "reopen":
                do_reopen_term(fresh, actor=_actor(request))
                messages.success(request, _g("“%(term)s” is back in the queue.") % {"term": fresh.text})
                return redirect("taxonomy:term_detail", pk=pk)
            else:
                messages.error(request, _g("Choose what to do with this term."))
        except ValidationError as exc:
            target = new_form if action == "new" else map_form
            target.add_error(None, exc)
        term = fresh
    suggestions = []
    if term.status == UnmatchedTerm.Status.PENDING:
        by_pk = {a.pk: a for a in map_form.areas.values()}
        for area_pk, score, matched in matcher_for(term.consortium_id).suggestions(term.text, limit=3):
            if area_pk in by_pk:
                suggestions.append({"area": by_pk[area_pk], "score": score, "matched": matched})  # type: ignore[index]
    return render(
        request,
        "taxonomy/term_detail.html",
        {
            "term": term,
            "sources": sorted((term.sources or {}).items()),
            "can_manage": can_manage,
            "map_form": map_form,
            "new_form": new_form,
            "suggestions": suggestions,
        },
    )


# --- Dashboard -----------------------------------------------------------------------------------
def queue_card(request: HttpRequest) -> dict[str, Any] | None:
    """Review queue: how many terms wait for the consortium's admins and staff."""
    consortium_id = _consortium_id(request)
    if consortium_id is None or not can_manage_taxonomy(request.user, consortium_id):
        return None
    return {"pending_count": queue_count(consortium_id)}
