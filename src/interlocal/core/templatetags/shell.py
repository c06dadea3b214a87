"""Template helpers for the site shell (header, "acting for" switcher)."""

from __future__ import annotations

from typing import Any

from django import template
from django.http import HttpRequest

register = template.Library()


@register.simple_tag(takes_context=True)
def acting_for_options(context: template.Context) -> list[dict[str, Any]]:
    """Where the person can act: one entry per member they hold a role for, or per consortium
    where they only hold consortium-wide roles. Read from the memberships already loaded for
    request.tenant, so this costs no query."""
    request: HttpRequest | None = context.get("request")
    tenant = getattr(request, "tenant", None)
    if tenant is None or not tenant.memberships:
        return []
    current_c = tenant.consortium.pk if tenant.consortium else None
    current_m = tenant.member_id
    seen: dict[str, dict[str, Any]] = {}
    by_consortium: dict[int, list[Any]] = {}
    for m in tenant.memberships:
        by_consortium.setdefault(m.consortium_id, []).append(m)
    for consortium_id, memberships in by_consortium.items():
        consortium = memberships[0].consortium
        with_member = [m for m in memberships if m.member_id is not None]
        if not with_member:
            value = str(consortium_id)
            seen[value] = {
                "value": value,
                "consortium": consortium,
                "member": None,
                "selected": consortium_id == current_c,
            }
        for m in with_member:
            value = f"{consortium_id}:{m.member_id}"
            seen.setdefault(
                value,
                {
                    "value": value,
                    "consortium": consortium,
                    "member": m.member,
                    "selected": consortium_id == current_c and m.member_id == current_m,
                },
            )
    return sorted(
        seen.values(), key=lambda o: (o["consortium"].name, o["member"].name if o["member"] else "")
    )
