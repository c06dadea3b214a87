"""Usage: the list (filters, CSV export), entry by staff and the all-or-nothing upload."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from interlocal.core.tables import ChoiceFilter, Column, Table
from interlocal.services import imports
from interlocal.services.actions import UsageRow, do_import_usage, do_record_usage
from interlocal.services.forms import UsageForm, UsageUploadForm
from interlocal.services.models import UsageSource
from interlocal.services.queries import can_manage_services, services_visible_to, usage_visible_to
from interlocal.services.views.catalog import consortium_of, require_council

__all__ = ["usage_create", "usage_list", "usage_template", "usage_upload"]


class UsageTable(Table):
    columns = [
        Column("member", _("Member"), accessor="member.name", sort="member__name"),
        Column("service", _("Service"), accessor="service.name", sort="service__name"),
        Column("period_start", _("Period start"), sort="period_start"),
        Column("period_end", _("Period end"), sort="period_end"),
        Column("quantity", _("Quantity"), sort="quantity", numeric=True),
        Column("source", _("Source"), accessor="get_source_display", sort="source"),
    ]
    search_fields = ("member__name", "service__name")
    search_label = _("Search by member or service")
    filters = [ChoiceFilter("source", _("Source"), UsageSource.choices)]
    default_sort = "-period_start"
    export_name = "usage"
    caption = _("Usage")
    empty_text = _("No usage recorded yet.")

    def __init__(self, request: HttpRequest, queryset: Any, services: list[tuple[Any, Any]]) -> None:
        self.filters = [  # type: ignore[misc]
            *type(self).filters,
            ChoiceFilter("service", _("Service"), services, field="service_id"),
        ]  # type: ignore[misc]
        super().__init__(request, queryset)  # type: ignore[arg-type]


@login_required
def usage_list(request: HttpRequest) -> HttpResponse:
    """Usage records one may read in the consortium (own member's; the council reads all)."""
    consortium = consortium_of(request)
    rows = usage_visible_to(request.user).filter(service__consortium=consortium)
    services = [(s.pk, s.name) for s in services_visible_to(request.user).filter(consortium=consortium)]
    return UsageTable(request, rows, services).response(
        "services/usage_list.html",
        {"consortium": consortium, "can_manage": can_manage_services(request.user, consortium.pk)},
    )


@login_required
def usage_create(request: HttpRequest) -> HttpResponse:
    """Enter one usage figure (the council)."""
    consortium = consortium_of(request)
    require_council(request, consortium.pk)
    form = UsageForm(request.POST or None, user=request.user, consortium=consortium)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            do_record_usage(
                UsageRow(d["member"], d["service"], d["period_start"], d["period_end"], d["quantity"]),
                acting_user=request.user,  # type: ignore[arg-type]
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc)
        else:
            messages.success(request, _g("Usage recorded."))
            return redirect("services:usage")
    return render(request, "services/usage_form.html", {"form": form, "consortium": consortium})


@login_required
def usage_upload(request: HttpRequest) -> HttpResponse:
    """Load usage from CSV or XLSX: every row or none, each problem named by row and column."""
    consortium = consortium_of(request)
    if not can_manage_services(request.user, consortium.pk):
        raise PermissionDenied(_g("Only the consortium's admins and staff may upload usage."))
    form = UsageUploadForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            rows = imports.parse_upload(upload.name, upload.read(imports.MAX_BYTES + 1))
        except imports.UploadError as exc:
            form.add_error("file", str(exc))
        else:
            members = consortium.members.all()
            services = services_visible_to(request.user).filter(consortium=consortium)
            parsed, found = imports.validate_rows(rows, members, services)
            problems = [str(p) for p in found]
            if not problems:
                try:
                    count = do_import_usage(
                        consortium,
                        parsed,
                        acting_user=request.user,  # type: ignore[arg-type]
                        source=upload.name,
                    )
                except ValidationError as exc:
                    problems = list(exc.messages)
                else:
                    messages.success(request, _g("%(n)s usage records were loaded.") % {"n": count})
                    return redirect("services:usage")
    return render(
        request,
        "services/usage_upload.html",
        {"form": form, "consortium": consortium, "problems": problems, "columns": imports.COLUMNS},
    )


@login_required
def usage_template(request: HttpRequest) -> HttpResponse:
    """A CSV with the columns an upload takes."""
    consortium_of(request)
    response = HttpResponse(imports.template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="usage-template.csv"'
    return response
