"""Home, dashboard, health check and error pages."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from interlocal.core.registry import cards_for, front_door_for


def home(request: HttpRequest) -> HttpResponse:
    """The public front door for visitors; signed-in people go to their dashboard."""
    if request.user.is_authenticated:
        return redirect("core:dashboard")
    return front_door(request)


@require_GET
def front_door(request: HttpRequest) -> HttpResponse:
    """Anyone: each consortium's public sections (open solicitations, awards, documents, catalog…),
    the open data, vendor registration and API links, and sign-in. Signed-in people reach it from
    the footer."""
    return render(request, "core/home.html", front_door_for(request))


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """The dashboard: cards that modules register, filtered by the person's role."""
    return render(request, "core/dashboard.html", {"cards": cards_for(request)})


def _url_or_none(name: str, *args: Any) -> str | None:
    """Links to pages other modules provide (e.g. the account pages) while they may not exist yet."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def getting_started_card(request: HttpRequest) -> dict[str, Any] | None:
    """A short checklist for a person's first days: security, profile, and their role's first tasks."""
    from allauth.mfa.models import Authenticator

    from interlocal.tenancy.models import Member

    user = request.user
    tenant = request.tenant  # type: ignore[attr-defined]
    has_totp = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    items: list[dict[str, Any]] = [
        {
            "label": _("Set up two-factor authentication"),
            "done": has_totp,
            "url": _url_or_none("mfa_index"),
        },
        {
            "label": _("Add your name and job title"),
            "done": bool(user.full_name and user.job_title),  # type: ignore[union-attr]
            "url": _url_or_none("accounts:profile") or "/account/",
        },
    ]
    if tenant.member is not None and Member.objects.writable_by(user).filter(pk=tenant.member.pk).exists():
        items.append(
            {
                "label": _("Check your member's population and website"),
                "done": bool(tenant.member.population and tenant.member.website),
                "url": reverse("tenancy:member_edit", args=[tenant.member.pk]),
            }
        )
    if tenant.is_admin:
        items.append({"label": _("Review who has access"), "done": None, "url": reverse("tenancy:people")})
    if tenant.consortium is not None and not tenant.is_vendor:
        items.append(
            {"label": _("Look up the other members"), "done": None, "url": reverse("tenancy:members")}
        )
    remaining = sum(1 for item in items if item["done"] is False)
    return {"items": items, "remaining": remaining}


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and database check for load balancers and monitoring."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - any database failure means unhealthy
        return JsonResponse(
            {"status": "error", "database": "unavailable", "error": type(exc).__name__}, status=503
        )
    return JsonResponse({"status": "ok", "database": "ok"})
