"""The shell's own search providers: the members of the consortia a person works in."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from interlocal.core.search.registry import SearchProvider, register_search
from interlocal.tenancy.models import Member

__all__ = ["MEMBER_FIELDS", "register"]

# core/migrations/0002 indexes exactly these on PostgreSQL: change them with a new index.
MEMBER_FIELDS = (("name", "A"), ("census_code", "C"), ("region", "D"))


def _member_detail(member: Any) -> str:
    parts = [str(member.get_kind_display())]
    if member.region:
        parts.append(member.region)
    return " · ".join(parts)


def register() -> None:
    register_search(
        SearchProvider(
            kind="members",
            label=_("Members"),
            model=Member,
            fields=MEMBER_FIELDS,
            url=lambda m: reverse("tenancy:member_detail", args=[m.pk]),
            detail=_member_detail,
            order=10,
        )
    )
