"""Template context for the site shell (header, switcher, navigation)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def shell(request: HttpRequest) -> dict[str, Any]:
    from interlocal.core.registry import navigation_for

    tenant = getattr(request, "tenant", None)
    return {
        "tenant": tenant,
        "nav_items": navigation_for(request) if request.user.is_authenticated else [],
        "site_name": "Interlocal",
        "environment": settings.ENVIRONMENT,
    }
