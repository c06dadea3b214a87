"""Attaches request.tenant (a TenantContext), loaded on first use."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject

from interlocal.tenancy.context import load_context
from interlocal.tenancy.scoping import REQUEST_SCOPED_FLAG


class TenantContextMiddleware:
    """Gives every request a lazily loaded `request.tenant`."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            # This user object lives for this request only: its roles may be cached on it.
            setattr(request.user, REQUEST_SCOPED_FLAG, True)
        request.tenant = SimpleLazyObject(lambda: load_context(request.user, request.session))  # type: ignore[attr-defined]
        return self.get_response(request)
