"""Helpers shared by the assessment core's pages."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.utils.translation import gettext as _g

from interlocal.assessment.actions import is_council_of
from interlocal.tenancy.models import Consortium
from interlocal.tenancy.queries import get_consortium_for_user

if TYPE_CHECKING:
    from interlocal.accounts.models import User

__all__ = [
    "acting_user",
    "current_consortium",
    "deny_vendors",
    "error_messages",
    "extra_templates",
    "require_council",
]


def current_consortium(request: HttpRequest) -> Consortium:
    """The consortium the person acts for, re-read through the scoping path; 404 without one."""
    tenant = request.tenant  # type: ignore[attr-defined]
    if tenant.consortium is None:
        raise Http404(_g("You do not hold a role in any consortium yet."))
    return get_consortium_for_user(request.user, tenant.consortium.pk)


def deny_vendors(request: HttpRequest) -> None:
    if request.tenant.is_vendor:  # type: ignore[attr-defined]
        raise PermissionDenied(_g("Needs assessments are for the consortium's members, not for vendors."))


def require_council(request: HttpRequest, consortium_id: int) -> None:
    """403 unless the person is an admin or staff of the consortium (others were already 404)."""
    if not is_council_of(request.user, consortium_id):
        raise PermissionDenied(_g("Only the consortium's admins and staff may do this."))


def error_messages(request: HttpRequest, exc: ValidationError) -> None:
    """Show a ValidationError's messages on the next page."""
    for message in exc.messages:
        messages.error(request, message)


def extra_templates(page: str) -> list[str]:
    """Templates the workbook and analytics parts add to a core page, where they exist.

    `assessment/workbook/<page>_links.html` and `assessment/analytics/<page>_links.html` are
    included at a fixed place of the page with the page's context, so each part adds its links
    without editing the core's templates.
    """
    found = []
    for part in ("workbook", "analytics"):
        name = f"assessment/{part}/{page}_links.html"
        try:
            get_template(name)
        except TemplateDoesNotExist:
            continue
        found.append(name)
    return found


def acting_user(request: HttpRequest) -> User:
    """The signed-in person (every view here requires sign-in), typed for the do_* functions."""
    return cast("User", request.user)
