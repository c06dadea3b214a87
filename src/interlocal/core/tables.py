"""Reusable list tables: declared columns, sorting, filters, pagination, htmx refresh and CSV export.

Declare a table once per list page::

    class MemberTable(Table):
        columns = [
            Column("name", _("Name"), sort="name", link=lambda m: reverse("tenancy:member_detail", args=[m.pk])),
            Column("kind", _("Kind"), accessor="get_kind_display", sort="kind"),
            Column("population", _("Population"), sort="population", numeric=True),
        ]
        search_fields = ("name", "region")        # ?q=… matches any of them (icontains)
        filters = [ChoiceFilter("kind", _("Kind"), Member.Kind.choices)]   # ?kind=town
        default_sort = "name"                     # a column key; "-name" for descending
        per_page = 25
        export_name = "members"                   # ?format=csv downloads members.csv
        caption = _("Members")

and answer with it from a view::

    def member_list(request):
        qs = Member.objects.visible_to(request.user).select_related(...)   # already scoped!
        return MemberTable(request, qs).response("tenancy/member_list.html", {"more": "context"})

`Table.response()` answers three ways: `?format=csv` with every filtered row (all pages) as a CSV
download, an htmx request aimed at the table with only `includes/table_results.html`, and anything
else with the full page. The page template places the table with ``{% include "includes/table.html" %}``
(filters + results; it reads `table` from the context).

Rules for callers:

- The queryset must already be scoped (`visible_to`, `get_*_for_user`); the table only narrows it.
- Put `select_related` / `prefetch_related` for whatever the columns read on that queryset, so the
  query count stays the same for 5 rows or 5,000 (a count query and a page query).
- A column's `accessor` is a dotted attribute path ("user.display_name"); a callable at the end of
  the path is called ("get_kind_display"). Or pass a function of the row.
- `template` renders a cell with a small template that receives `row` and `value` (e.g. actions);
  such columns default to `csv=False`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import reduce
from operator import or_
from typing import Any, ClassVar

from django.core.paginator import Page, Paginator
from django.db.models import Model, Q, QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.encoding import force_str
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from interlocal.lib.spreadsheets import csv_lines

__all__ = ["ChoiceFilter", "Column", "Table"]

_MAX_SEARCH = 100


@dataclass(frozen=True)
class Column:
    """One column: what it shows, whether it sorts (and by which ORM expression), where it links."""

    key: str
    label: Any
    accessor: str | Callable[[Any], Any] | None = None
    sort: str | None = None
    link: Callable[[Any], str | None] | None = None
    numeric: bool = False
    template: str | None = None
    csv: bool | None = None

    def value(self, row: Any) -> Any:
        accessor = self.accessor or self.key
        if callable(accessor):
            return accessor(row)
        value = row
        for part in accessor.split("."):
            if value is None:
                return None
            value = getattr(value, part)
            if callable(value) and not isinstance(value, Model):
                value = value()
        return value

    @property
    def in_csv(self) -> bool:
        return self.csv if self.csv is not None else self.template is None


@dataclass(frozen=True)
class ChoiceFilter:
    """A select filter: ?<name>=<value> keeps rows whose `field` equals a value from `choices`."""

    name: str
    label: Any
    choices: Sequence[tuple[Any, Any]]
    field: str | None = None
    all_label: Any = _("All")

    def lookup(self) -> str:
        return self.field or self.name


class CappedPaginator(Paginator):
    """Counts at most `limit` rows: on a table of a million events an exact count costs more than
    the page itself. `capped` says there are more; the pages stop at the limit."""

    def __init__(self, object_list: Any, per_page: int, *, limit: int) -> None:
        super().__init__(object_list, per_page)
        self.limit = limit
        self.capped = False

    @cached_property
    def count(self) -> int:
        seen = self.object_list.order_by()[: self.limit + 1].count()  # type: ignore[attr-defined]
        self.capped = seen > self.limit
        return min(seen, self.limit)


class Table:
    """A list of rows with sorting, filters and pages read from the request's query string."""

    columns: ClassVar[Sequence[Column]] = ()
    search_fields: ClassVar[Sequence[str]] = ()
    search_label: ClassVar[Any] = _("Search")
    filters: ClassVar[Sequence[ChoiceFilter]] = ()
    default_sort: ClassVar[str] = ""
    per_page: ClassVar[int] = 25
    # Count at most this many rows (None: exact). For very large tables, e.g. the audit trail.
    count_limit: ClassVar[int | None] = None
    export_name: ClassVar[str] = "export"
    caption: ClassVar[Any] = ""
    empty_text: ClassVar[Any] = _("Nothing matches these filters.")
    results_template: ClassVar[str] = "includes/table_results.html"

    def __init__(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        self.request = request
        self.base_queryset = queryset
        self.id = f"{self.export_name}-table"
        self.form_id = f"{self.export_name}-filters"
        params = request.GET
        self.search = (params.get("q") or "").strip()[:_MAX_SEARCH]
        self.filter_values: dict[str, str] = {}
        for flt in self.filters:
            wanted = params.get(flt.name, "")
            if wanted and wanted in {str(value) for value, _label in flt.choices}:
                self.filter_values[flt.name] = wanted
        self.sort = self._parse_sort(params.get("sort", ""))
        self.queryset = self._filtered()
        self.paginator: Paginator = (
            CappedPaginator(self.queryset, self.per_page, limit=self.count_limit)
            if self.count_limit
            else Paginator(self.queryset, self.per_page)
        )
        self.page: Page = self.paginator.get_page(params.get("page"))

    # --- reading the request -------------------------------------------------------------------
    def _sortable(self) -> dict[str, Column]:
        return {c.key: c for c in self.columns if c.sort}

    def _parse_sort(self, raw: str) -> str:
        key = raw.removeprefix("-")
        if key in self._sortable():
            return raw
        return self.default_sort

    def _filtered(self) -> QuerySet[Any]:
        qs = self.base_queryset
        if self.search and self.search_fields:
            qs = qs.filter(reduce(or_, (Q(**{f"{f}__icontains": self.search}) for f in self.search_fields)))
        for flt in self.filters:
            if flt.name in self.filter_values:
                qs = qs.filter(**{flt.lookup(): self.filter_values[flt.name]})
        order: list[str] = []
        if self.sort:
            column = self._sortable()[self.sort.removeprefix("-")]
            prefix = "-" if self.sort.startswith("-") else ""
            order.append(prefix + (column.sort or column.key))
        # A unique tie-breaker keeps pages stable when many rows share the sorted value.
        return qs.order_by(*order, "pk")

    @property
    def is_filtered(self) -> bool:
        return bool(self.search or self.filter_values)

    @property
    def count_capped(self) -> bool:
        """More rows match than were counted (see `count_limit`)."""
        _ = self.paginator.count  # counting is what finds out
        return bool(getattr(self.paginator, "capped", False))

    # --- what the templates read ---------------------------------------------------------------
    def url(self, **changes: Any) -> str:
        """This page's query string with `changes` applied (None removes a parameter)."""
        params = self.request.GET.copy()
        for key, value in changes.items():
            if value is None or value == "":
                params.pop(key, None)
            else:
                params[key] = str(value)
        encoded = params.urlencode()
        return f"{self.request.path}?{encoded}" if encoded else self.request.path

    @property
    def headers(self) -> list[dict[str, Any]]:
        out = []
        current_key = self.sort.removeprefix("-")
        descending = self.sort.startswith("-")
        for column in self.columns:
            header: dict[str, Any] = {
                "label": column.label,
                "numeric": column.numeric,
                "sortable": bool(column.sort),
            }
            if column.sort:
                is_current = column.key == current_key
                header["aria_sort"] = ("descending" if descending else "ascending") if is_current else None
                next_sort = f"-{column.key}" if is_current and not descending else column.key
                header["url"] = self.url(sort=next_sort, page=None)
                header["next_descending"] = next_sort.startswith("-")
            out.append(header)
        return out

    def annotate_page(self, objects: list[Any]) -> None:
        """Hook: add per-row facts to the page's objects only (e.g. what the viewer may do with
        each row), in a query or two for the page instead of a subquery over every row."""

    @cached_property
    def page_objects(self) -> list[Any]:
        objects = list(self.page.object_list)
        self.annotate_page(objects)
        return objects

    @property
    def rows(self) -> Iterator[dict[str, Any]]:
        for obj in self.page_objects:
            cells = []
            for column in self.columns:
                value = column.value(obj)
                cells.append(
                    {
                        "value": value,
                        "link": column.link(obj) if column.link else None,
                        "numeric": column.numeric,
                        "template": column.template,
                        "header": column.key == self.columns[0].key,
                    }
                )
            yield {"object": obj, "cells": cells}

    @property
    def filter_fields(self) -> list[dict[str, Any]]:
        return [
            {
                "name": flt.name,
                "id": f"{self.form_id}-{flt.name}",
                "label": flt.label,
                "all_label": flt.all_label,
                "options": [
                    {"value": str(v), "label": label, "selected": self.filter_values.get(flt.name) == str(v)}
                    for v, label in flt.choices
                ],
            }
            for flt in self.filters
        ]

    @property
    def page_links(self) -> list[dict[str, Any]]:
        """USWDS pagination items: page numbers with gaps ("…") for long ranges."""
        if self.paginator.num_pages <= 1:
            return []
        links: list[dict[str, Any]] = []
        for number in self.paginator.get_elided_page_range(self.page.number, on_each_side=1, on_ends=1):
            if number == Paginator.ELLIPSIS:
                links.append({"ellipsis": True})
            else:
                links.append(
                    {"number": number, "url": self.url(page=number), "current": number == self.page.number}
                )
        return links

    @property
    def previous_url(self) -> str | None:
        return self.url(page=self.page.previous_page_number()) if self.page.has_previous() else None

    @property
    def next_url(self) -> str | None:
        return self.url(page=self.page.next_page_number()) if self.page.has_next() else None

    @property
    def csv_url(self) -> str:
        return self.url(format="csv", page=None)

    @property
    def clear_url(self) -> str:
        return self.url(q=None, page=None, **{f.name: None for f in self.filters})

    # --- answering ------------------------------------------------------------------------------
    def wants_csv(self) -> bool:
        return self.request.GET.get("format") == "csv"

    def is_partial(self) -> bool:
        htmx = getattr(self.request, "htmx", None)
        if not htmx:
            return False
        return htmx.target == self.id and not htmx.history_restore_request

    def csv_rows(self) -> Iterable[list[Any]]:
        columns = [c for c in self.columns if c.in_csv]
        yield [force_str(c.label) for c in columns]
        # iterator(): a large export streams in chunks instead of loading every row at once.
        for obj in self.queryset.iterator(chunk_size=2000):
            yield [c.value(obj) for c in columns]

    def csv_response(self) -> StreamingHttpResponse:
        # csv_lines quotes text that a spreadsheet would run as a formula (CSV injection).
        response = StreamingHttpResponse(csv_lines(self.csv_rows()), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{self.export_name}.csv"'
        return response

    def response(self, template: str, context: dict[str, Any] | None = None) -> HttpResponse:
        """The CSV export, the htmx partial or the full page, depending on the request."""
        if self.wants_csv():
            return self.csv_response()  # type: ignore[return-value]
        context = {**(context or {}), "table": self}
        if self.is_partial():
            response = render(self.request, self.results_template, context)
        else:
            response = render(self.request, template, context)
        # The same URL answers with a fragment or a page, so caches must key on the headers.
        patch_vary_headers(response, ("HX-Request", "HX-Target"))
        return response
