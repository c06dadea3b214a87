"""Cards."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import HttpRequest
from django.utils import timezone

from interlocal.procurement.models import (
    DemandRound,
    Solicitation,
)

if TYPE_CHECKING:
    pass

__all__ = ["planning_card"]


def planning_card(request: HttpRequest) -> dict[str, Any] | None:
    """Dashboard card: open demand rounds and open solicitations of the current consortium."""
    tenant = request.tenant  # type: ignore[attr-defined]
    if tenant.consortium is None or tenant.is_vendor:
        return None
    now = timezone.now()
    rounds = list(
        DemandRound.objects.visible_to(request.user)
        .filter(consortium=tenant.consortium, status=DemandRound.Status.OPEN, cut_off_at__gt=now)
        .order_by("cut_off_at")[:5]
    )
    open_solicitations = (
        Solicitation.objects.open_for_bids(now)
        .filter(consortium=tenant.consortium)
        .visible_to(request.user)
        .count()
    )
    return {"rounds": rounds, "open_solicitations": open_solicitations}
