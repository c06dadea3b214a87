"""Home, dashboard, health check and error pages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from interlocal.core.registry import cards_for


def home(request: HttpRequest) -> HttpResponse:
    """The public landing page; signed-in people go to their dashboard."""
    if request.user.is_authenticated:
        return redirect("core:dashboard")
    return render(request, "core/home.html")


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """The dashboard: cards that modules register, filtered by the person's role."""
    return render(request, "core/dashboard.html", {"cards": cards_for(request)})


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and database check for load balancers and monitoring."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - any database failure means unhealthy
        return JsonResponse({"status": "error", "database": "unavailable", "error": type(exc).__name__}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
