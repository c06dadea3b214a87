"""Common."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _g

from interlocal.tenancy.models import Consortium
from interlocal.tenancy.queries import get_consortium_for_user
from interlocal.tenancy.scoping import may_change

if TYPE_CHECKING:
    from interlocal.accounts.models import User

__all__ = []


def _deny_vendors(request: HttpRequest) -> None:
    if request.tenant.is_vendor:  # type: ignore[attr-defined]
        raise PermissionDenied(_g("This page is for the consortium's people; vendors use the vendor pages."))


def _current_consortium(request: HttpRequest) -> Consortium:
    tenant = request.tenant  # type: ignore[attr-defined]
    if tenant.consortium is None:
        raise Http404(_g("You do not hold a role in any consortium yet."))
    return get_consortium_for_user(request.user, tenant.consortium.pk)


def _require_change(request: HttpRequest, obj: Any) -> None:
    """403 for people who may read `obj` but not change it (its model's own Tenancy decides)."""
    if not may_change(request.user, obj):
        raise PermissionDenied(_g("You may read this but not change it."))


def _form_errors(form: Any, exc: ValidationError) -> None:
    """Put an action's ValidationError on the form's fields where they exist, else on the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field if field in form.fields else None
            for error in errors:
                form.add_error(target, error.messages if target is None else error)
    else:
        form.add_error(None, exc.messages)


def _message_errors(request: HttpRequest, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for errors in exc.message_dict.values():
            for message in errors:
                messages.error(request, message)
    else:
        for message in exc.messages:
            messages.error(request, message)


def _plain(value: Any) -> str:
    """A Decimal without trailing zeros and never in exponent form (1200.0000 → "1200")."""
    if value is None:
        return ""
    return format(value.normalize(), "f")


def _money(value: Any) -> str:
    """An amount to the cent for tables and CSV."""
    if value is None:
        return ""
    return f"{Decimal(value).quantize(Decimal('0.01'))}"


def _user(request: HttpRequest) -> User:
    """The signed-in person (every view that writes is behind login_required)."""
    return cast("User", request.user)


def _council(request: HttpRequest) -> bool:
    return bool(request.tenant.is_council)  # type: ignore[attr-defined]
