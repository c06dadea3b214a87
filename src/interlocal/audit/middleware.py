"""Gives the audit trail the request's facts, and records refused requests (403)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from interlocal.audit.recorder import RequestInfo, record, request_info


def client_ip(request: HttpRequest) -> str | None:
    """The client address as seen by Django (set REMOTE_ADDR correctly at the proxy)."""
    return request.META.get("REMOTE_ADDR") or None


class DeniedAccessMiddleware:
    """Sets audit request info for the request; records every 403 answered to a signed-in user."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        def info() -> RequestInfo:
            tenant = getattr(request, "tenant", None)
            consortium = getattr(tenant, "consortium", None) if tenant is not None else None
            member = getattr(tenant, "member", None) if tenant is not None else None
            return RequestInfo(
                ip_address=client_ip(request),
                request_id=getattr(request, "request_id", ""),
                consortium_id=consortium.pk if consortium is not None else None,
                member_id=member.pk if member is not None else None,
            )

        token = request_info.set(_LazyInfo(info))  # type: ignore[arg-type]
        try:
            response = self.get_response(request)
            if response.status_code == 403 and not getattr(response, "_audit_recorded", False):
                record(
                    request.user if request.user.is_authenticated else None,
                    "access.denied",
                    object_type="url",
                    object_id=request.path[:64],
                    object_repr=f"{request.method} {request.path}"[:300],
                )
            return response
        finally:
            request_info.reset(token)


class _LazyInfo:
    """Computes RequestInfo only when an event is actually recorded."""

    def __init__(self, factory: Callable[[], RequestInfo]) -> None:
        self._factory = factory
        self._value: RequestInfo | None = None

    def __getattr__(self, name: str) -> object:
        if self._value is None:
            self._value = self._factory()
        return getattr(self._value, name)
