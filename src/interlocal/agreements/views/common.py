"""What the agreements views share: the consortium of the request and error handling."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _g

from interlocal.tenancy.queries import get_consortium_for_user

__all__ = ["consortium_of", "show_errors"]


def consortium_of(request: HttpRequest) -> Any:
    """The consortium the person is acting in (404 without one; vendors are refused)."""
    tenant = request.tenant  # type: ignore[attr-defined]
    if tenant.consortium is None:
        raise Http404(_g("You do not hold a role in any consortium yet."))
    if tenant.is_vendor:
        raise PermissionDenied(_g("Agreements are for the consortium's members, not for vendors."))
    return get_consortium_for_user(request.user, tenant.consortium.pk)


def show_errors(request: HttpRequest, exc: ValidationError, form: Any = None) -> None:
    """Put a refused action's reasons on the form (field errors) or in the page's messages."""
    if form is not None and hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return
    for message in exc.messages:
        messages.error(request, message)
