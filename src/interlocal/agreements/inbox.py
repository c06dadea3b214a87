"""What agreements put in the work inbox (core/inbox): signatures requested from a signatory."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _g

from interlocal.agreements.queries import signature_requests_for
from interlocal.core.inbox.registry import HIGH, InboxItem

__all__ = ["signatures_requested"]


def signatures_requested(user: Any, now: dt.datetime) -> list[InboxItem]:
    """Signatories: circulated agreements their party has not signed yet (this version)."""
    return [
        InboxItem(
            kind="agreements.signatures",
            key=f"party:{p.pk}:v{p.agreement.version}",
            title=f"{p.agreement.title} — {p.member.name if p.member else _g('the consortium')}",
            why=_g("You are a signatory of this party; the agreement waits for its signature."),
            url=reverse("agreements:party_sign", args=[p.pk]),
            due=None,
            priority=HIGH,
        )
        for p in signature_requests_for(user)
    ]
