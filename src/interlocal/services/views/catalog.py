"""The service catalog: list, detail (with the members' view), create and edit."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from interlocal.core.tables import ChoiceFilter, Column, Table
from interlocal.costing.queries import chosen_rates
from interlocal.services.actions import do_create_service, do_update_service
from interlocal.services.forms import ServiceForm
from interlocal.services.models import Service, ServiceStatus
from interlocal.services.queries import (
    can_manage_services,
    current_participants,
    get_service_for_user,
    levels_of,
    services_visible_to,
)
from interlocal.tenancy.queries import get_consortium_for_user

__all__ = [
    "consortium_of",
    "require_council",
    "service_create",
    "service_detail",
    "service_edit",
    "service_list",
    "services_card",
]


def consortium_of(request: HttpRequest) -> Any:
    """The consortium the person acts for (404 without one; vendors are refused)."""
    tenant = request.tenant  # type: ignore[attr-defined]
    if tenant.consortium is None:
        raise Http404(_g("You do not hold a role in any consortium yet."))
    if tenant.is_vendor:
        raise PermissionDenied(_g("The service catalog is for the consortium's members, not for vendors."))
    return get_consortium_for_user(request.user, tenant.consortium.pk)


def require_council(request: HttpRequest, consortium_id: int) -> None:
    if not can_manage_services(request.user, consortium_id):
        raise PermissionDenied(_g("Only the consortium's admins and staff may do this."))


def _service_url(service: Service) -> str:
    return reverse("services:service_detail", args=[service.pk])


class ServiceTable(Table):
    columns = [
        Column("name", _("Name"), sort="name", link=_service_url),
        Column("area", _("Service area"), accessor="area.name", sort="area__name"),
        Column("status", _("Status"), accessor="get_status_display", sort="status"),
        Column(
            "provider",
            _("Provider"),
            accessor=lambda s: s.provider.name if s.provider else _g("The consortium"),
        ),
        Column("unit", _("Unit"), accessor="get_unit_display"),
        Column("pricing", _("Pricing"), accessor="get_pricing_rule_display", sort="pricing_rule"),
    ]
    search_fields = ("name", "description", "area__name")
    search_label = _("Search by name, area or description")
    filters = [ChoiceFilter("status", _("Status"), ServiceStatus.choices)]
    default_sort = "name"
    export_name = "services"
    caption = _("Shared services")
    empty_text = _("No services in the catalog yet.")

    def __init__(self, request: HttpRequest, queryset: Any, areas: list[tuple[Any, Any]]) -> None:
        self.filters = [*type(self).filters, ChoiceFilter("area", _("Service area"), areas, field="area_id")]  # type: ignore[misc]
        super().__init__(request, queryset)


@login_required
def service_list(request: HttpRequest) -> HttpResponse:
    """The consortium's shared services: search, filter by status and area, export."""
    consortium = consortium_of(request)
    services = services_visible_to(request.user).filter(consortium=consortium)
    areas = sorted(
        set(services.exclude(area=None).values_list("area_id", "area__name")),
        key=lambda a: str(a[1]),
    )
    return ServiceTable(request, services, areas).response(
        "services/service_list.html",
        {"consortium": consortium, "can_manage": can_manage_services(request.user, consortium.pk)},
    )


@login_required
def service_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A service: levels, hours, pricing (a scenario's chosen rates), and who participates today."""
    service = get_service_for_user(request.user, pk)
    if request.tenant.is_vendor:  # type: ignore[attr-defined]
        raise PermissionDenied
    today = timezone.localdate()
    rates = chosen_rates(service.scenario) if service.scenario is not None else []
    return render(
        request,
        "services/service_detail.html",
        {
            "service": service,
            "levels": levels_of(service),
            "hours": sorted((service.support_hours or {}).items()),
            "rates": rates,
            "participants": current_participants(request.user, service, today),
            "today": today,
            "can_manage": can_manage_services(request.user, service.consortium_id),
        },
    )


def _levels_initial(service: Service | None) -> dict[str, Any]:
    if service is None:
        return {}
    return {lv.priority: (lv.first_response_minutes, lv.resolution_minutes) for lv in levels_of(service)}


@login_required
def service_create(request: HttpRequest) -> HttpResponse:
    """Add a service to the catalog (the council)."""
    consortium = consortium_of(request)
    require_council(request, consortium.pk)
    form = ServiceForm(request.POST or None, user=request.user, consortium=consortium)
    if request.method == "POST" and form.is_valid():
        try:
            service = do_create_service(
                consortium,
                acting_user=request.user,  # type: ignore[arg-type]
                levels=form.levels(),
                **form.service_fields(),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _g("Service added to the catalog."))
            return redirect("services:service_detail", pk=service.pk)
    return render(request, "services/service_form.html", {"form": form, "consortium": consortium})


@login_required
def service_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a service (the council)."""
    service = get_service_for_user(request.user, pk, write=True)
    require_council(request, service.consortium_id)
    form = ServiceForm(
        request.POST or None,
        instance=service,
        user=request.user,
        consortium=service.consortium,
        levels=_levels_initial(service),
    )
    if request.method == "POST" and form.is_valid():
        fresh = get_service_for_user(request.user, pk, write=True)
        try:
            do_update_service(fresh, acting_user=request.user, levels=form.levels(), **form.service_fields())  # type: ignore[arg-type]
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _g("Service saved."))
            return redirect("services:service_detail", pk=pk)
    return render(
        request,
        "services/service_form.html",
        {"form": form, "service": service, "consortium": service.consortium},
    )


def services_card(request: HttpRequest) -> dict[str, Any] | None:
    """Dashboard: how many services the consortium runs, and how many are live."""
    tenant = request.tenant  # type: ignore[attr-defined]
    if tenant.consortium is None or tenant.is_vendor:
        return None
    services = services_visible_to(request.user).filter(consortium=tenant.consortium)
    return {"count": services.count(), "live": services.filter(status=ServiceStatus.LIVE).count()}
