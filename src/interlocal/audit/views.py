"""Audit trail pages for consortium admins: the filtered list, one event, and exports."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from interlocal import audit
from interlocal.audit.diffing import field_changes
from interlocal.audit.exporting import FORMATS, export_lines
from interlocal.audit.forms import AuditFilterForm
from interlocal.audit.models import AuditEvent
from interlocal.audit.queries import admin_consortium_ids, filter_events, get_event_for_user
from interlocal.core.tables import Column, Table

__all__ = ["event_detail", "event_export", "event_list"]


def _event_link(event: AuditEvent) -> str:
    return reverse("audit:event_detail", args=[event.pk])


class AuditTable(Table):
    """The trail, newest first; exports go through the audited export view, not Table's CSV."""

    columns = [
        Column("seq", _("#"), sort="seq", numeric=False, link=_event_link),
        Column("occurred_at", _("When"), sort="occurred_at"),
        Column("actor_label", _("Who")),
        Column("member", _("Acting for"), accessor="member.name"),
        Column("action", _("Action"), sort="action"),
        Column("object_repr", _("Object"), accessor=lambda e: e.object_repr or e.object_type),
    ]
    default_sort = "-seq"
    per_page = 50
    count_limit = 10_000  # a consortium's trail runs to millions of events
    export_name = "audit"
    caption = _("Audit trail")
    empty_text = _("No events match these filters.")

    def __init__(self, request: HttpRequest, queryset: Any, *, filtered: bool) -> None:
        self._filtered_by_form = filtered
        super().__init__(request, queryset)

    def wants_csv(self) -> bool:
        return False  # ?format=csv must not bypass the audited export

    @property
    def is_filtered(self) -> bool:
        return self._filtered_by_form

    @property
    def csv_url(self) -> str:
        params = self.request.GET.copy()
        for key in ("page", "sort", "format"):
            params.pop(key, None)
        params["format"] = "csv"
        return f"{reverse('audit:event_export')}?{params.urlencode()}"

    @property
    def clear_url(self) -> str:
        return self.request.path


def _scoped_events(request: HttpRequest) -> tuple[AuditFilterForm, QuerySet[AuditEvent]]:
    """The filter form and the events it selects, or 403 for people who administer no consortium."""
    consortium_ids = admin_consortium_ids(request.user)
    if not consortium_ids:
        raise PermissionDenied(_("Only consortium admins may read the audit trail."))
    form = AuditFilterForm(request.GET or None, consortium_ids=consortium_ids)
    # Only the labels recorded at the time and the member's current name are shown: one join.
    events: QuerySet[AuditEvent] = AuditEvent.objects.visible_to(request.user).select_related("member")
    if form.is_bound and form.is_valid():
        events = filter_events(events, form.cleaned_data)
    elif form.is_bound:
        events = events.none()
    return form, events


@require_GET
@login_required
def event_list(request: HttpRequest) -> HttpResponse:
    """The audit trail of the consortia the person administers, filtered and paged."""
    form, events = _scoped_events(request)
    table = AuditTable(request, events, filtered=form.is_filtered)
    table.form_id = "audit-filters"
    return table.response("audit/event_list.html", {"form": form, "formats": sorted(FORMATS)})


@require_GET
@login_required
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One event with its before and after side by side."""
    event = get_event_for_user(request.user, pk)
    context = {"event": event, "changes": field_changes(event.before, event.after)}
    return render(request, "audit/event_detail.html", context)


@require_GET
@login_required
def event_export(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    """Every event of the filtered list as CSV or JSON Lines, streamed; the export itself is recorded."""
    form, events = _scoped_events(request)
    if form.is_bound and not form.is_valid():
        return HttpResponseBadRequest(_("The filters are not valid; correct them on the audit trail page."))
    fmt = request.GET.get("format", "csv")
    if fmt not in FORMATS:
        fmt = "csv"
    filters = {
        name: str(value.pk if hasattr(value, "pk") else value)
        for name, value in (form.cleaned_data.items() if form.is_bound else [])
        if value
    }
    # One event per consortium covered, so each consortium's trail shows who took its data.
    covered = [filters["consortium"]] if "consortium" in filters else admin_consortium_ids(request.user)
    for consortium_id in covered:
        audit.record(
            request.user,
            "audit.exported",
            object_type="audit.auditevent",
            consortium_id=int(consortium_id),
            after={"format": fmt, "filters": filters, "via": "web"},
        )
    # Exports read oldest first and stream in chunks: constant memory for any size.
    rows = events.select_related(None).order_by("seq").iterator(chunk_size=2000)
    response = StreamingHttpResponse(export_lines(rows, fmt), content_type=FORMATS[fmt])
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.{fmt}"'
    response["Cache-Control"] = "private, no-store"
    return response
