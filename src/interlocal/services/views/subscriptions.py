"""Subscriptions: per service, per member, one with its dated changes; create and change."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from interlocal.core.tables import Column, Table
from interlocal.services.actions import do_change_subscription, do_create_subscription
from interlocal.services.forms import SubscriptionChangeForm, SubscriptionForm
from interlocal.services.models import Subscription
from interlocal.services.queries import (
    can_manage_services,
    changes_of,
    get_service_for_user,
    get_subscription_for_user,
    reads_member,
    subscription_state_on,
    subscriptions_visible_to,
)
from interlocal.services.views.catalog import consortium_of, require_council
from interlocal.tenancy.queries import get_member_for_user

__all__ = [
    "member_subscriptions",
    "my_subscriptions",
    "service_subscriptions",
    "subscription_change",
    "subscription_create",
    "subscription_detail",
]


def _sub_url(sub: Subscription) -> str:
    return reverse("services:subscription_detail", args=[sub.pk])


class SubscriptionTable(Table):
    columns = [
        Column("member", _("Member"), accessor="member.name", sort="member__name", link=_sub_url),
        Column("service", _("Service"), accessor="service.name", sort="service__name", link=_sub_url),
        Column("start", _("Start"), sort="start"),
        Column("end", _("End"), accessor=lambda s: s.end or "", sort="end"),
        Column("units", _("Units at start"), numeric=True),
        Column("agreement", _("Agreement"), accessor=lambda s: s.agreement.title if s.agreement else ""),
    ]
    search_fields = ("member__name", "service__name")
    search_label = _("Search by member or service")
    default_sort = "start"
    export_name = "subscriptions"
    caption = _("Subscriptions")
    empty_text = _("No subscriptions yet.")


@login_required
def service_subscriptions(request: HttpRequest, pk: int) -> HttpResponse:
    """A service's subscriptions (members' people see only their own member's)."""
    service = get_service_for_user(request.user, pk)
    if request.tenant.is_vendor:  # type: ignore[attr-defined]
        raise PermissionDenied
    subs = subscriptions_visible_to(request.user).filter(service=service)
    return SubscriptionTable(request, subs).response(
        "services/subscription_list.html",
        {"service": service, "can_manage": can_manage_services(request.user, service.consortium_id)},
    )


@login_required
def member_subscriptions(request: HttpRequest, member_pk: int) -> HttpResponse:
    """A member's subscriptions in the consortium one acts for."""
    consortium = consortium_of(request)
    member = get_member_for_user(request.user, member_pk)
    if not reads_member(request.user, consortium.pk, member.pk):
        raise Http404
    subs = subscriptions_visible_to(request.user).filter(member=member, service__consortium=consortium)
    return SubscriptionTable(request, subs).response(
        "services/subscription_list.html", {"member": member, "consortium": consortium}
    )


@login_required
def my_subscriptions(request: HttpRequest) -> HttpResponse:
    """Every subscription one may read in the consortium one acts for (own member's, or all for the council)."""
    consortium = consortium_of(request)
    subs = subscriptions_visible_to(request.user).filter(service__consortium=consortium)
    return SubscriptionTable(request, subs).response(
        "services/subscription_list.html", {"consortium": consortium, "all": True}
    )


@login_required
def subscription_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One subscription, its state today and its dated changes."""
    sub = get_subscription_for_user(request.user, pk)
    today = timezone.localdate()
    return render(
        request,
        "services/subscription_detail.html",
        {
            "sub": sub,
            "state": subscription_state_on(sub, today),
            "changes": changes_of(sub),
            "can_manage": can_manage_services(request.user, sub.service.consortium_id),
        },
    )


@login_required
def subscription_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Subscribe a member to the service (the council)."""
    service = get_service_for_user(request.user, pk)
    require_council(request, service.consortium_id)
    form = SubscriptionForm(request.POST or None, user=request.user, service=service)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            sub = do_create_subscription(
                service,
                data["member"],
                start=data["start"],
                end=data["end"],
                units=data["units"],
                options=data["options_text"],
                agreement=data["agreement"],
                acting_user=request.user,  # type: ignore[arg-type]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _g("Subscription created."))
            return redirect("services:subscription_detail", pk=sub.pk)
    return render(request, "services/subscription_form.html", {"form": form, "service": service})


@login_required
def subscription_change(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a dated change of a subscription (the council)."""
    sub = get_subscription_for_user(request.user, pk)
    require_council(request, sub.service.consortium_id)
    form = SubscriptionChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            do_change_subscription(
                sub,
                effective=data["effective"],
                units=data["units"],
                options=data["options_text"],
                end=data["end"],
                note=data["note"],
                acting_user=request.user,  # type: ignore[arg-type]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _g("Change recorded."))
            return redirect("services:subscription_detail", pk=sub.pk)
    return render(request, "services/subscription_change.html", {"form": form, "sub": sub})
