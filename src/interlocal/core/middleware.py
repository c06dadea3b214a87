"""Request ids for logs and the audit trail."""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable
from contextvars import ContextVar

from django.http import HttpRequest, HttpResponse

current_request_id: ContextVar[str] = ContextVar("current_request_id", default="-")
_VALID_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdMiddleware:
    """Takes X-Request-ID from the proxy when it looks sane, else makes one; echoes it back."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _VALID_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        token = current_request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            current_request_id.reset(token)
        response["X-Request-ID"] = request_id
        return response


class RequestIdLogFilter(logging.Filter):
    """Adds request_id to every log record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id.get()
        return True


class TimeZoneMiddleware:
    """Activates the zone moments are shown in for this request: the person's own (their
    profile), else that of the consortium they act for, else the installation's. Legal deadlines
    do not depend on it: they are written in their consortium's zone (core/templatetags/when.py)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.utils import timezone

        from interlocal.lib.timezones import is_valid_zone, zoneinfo

        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        name = getattr(user, "time_zone", "") if signed_in else ""
        if signed_in and not name and not request.path.startswith("/api/"):  # the API writes UTC
            consortium = getattr(getattr(request, "tenant", None), "consortium", None)
            name = getattr(consortium, "time_zone", "") if consortium is not None else ""
        if name and is_valid_zone(name):
            timezone.activate(zoneinfo(name))
        else:
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
