"""Session lifetime rules and the MFA requirement for admin roles and vendors."""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.messages.storage import default_storage as default_message_storage
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from interlocal.tenancy.roles import MFA_REQUIRED_ROLES

SESSION_LOGIN_AT = "_il_login_at"
SESSION_LAST_SEEN = "_il_last_seen"


def _wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


class SessionTimeoutMiddleware:
    """Ends a session after INTERLOCAL_SESSION_IDLE_SECONDS without a request, or
    INTERLOCAL_SESSION_ABSOLUTE_SECONDS after sign-in, whichever comes first."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            login_at = request.session.get(SESSION_LOGIN_AT, now)
            last_seen = request.session.get(SESSION_LAST_SEEN, now)
            idle = now - last_seen > settings.SESSION_IDLE_TIMEOUT
            expired = now - login_at > settings.SESSION_ABSOLUTE_TIMEOUT
            if idle or expired:
                logout(request)
                if _wants_json(request):
                    return JsonResponse(
                        {"detail": "Session expired; sign in again.", "errors": []}, status=401
                    )
                # This middleware runs before MessageMiddleware (it must see the session before
                # anything else uses it), so it keeps the message store of its own redirect itself.
                storage = default_message_storage(request)
                storage.add(
                    messages.INFO,
                    _("You were signed out after a period of inactivity.")
                    if idle
                    else _("Your session reached its maximum length. Please sign in again."),
                )
                response = redirect(
                    f"{reverse('account_login')}?{urlencode({'next': request.get_full_path()}, safe='/')}"
                )
                storage.update(response)
                return response
            request.session.setdefault(SESSION_LOGIN_AT, login_at)
            # Write at most once a minute: saving the session on every request costs a query.
            if now - last_seen >= 60 or SESSION_LAST_SEEN not in request.session:
                request.session[SESSION_LAST_SEEN] = now
        return self.get_response(request)


# Pages a person who must enrol in MFA can still reach.
_MFA_EXEMPT_PREFIXES = ("/accounts/", "/static/", "/healthz", "/i18n/")


class RequireMfaMiddleware:
    """Admins (consortium and member) and vendors must have an authenticator app enrolled."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            request.user.is_authenticated
            and not request.path.startswith(_MFA_EXEMPT_PREFIXES)
            and needs_mfa_enrolment(request)
        ):
            if _wants_json(request):
                return JsonResponse(
                    {"detail": "Enrol in two-factor authentication before using the API.", "errors": []},
                    status=403,
                )
            messages.warning(
                request,
                _("Your role requires two-factor authentication. Set up an authenticator app to continue."),
            )
            return redirect(
                f"{reverse('mfa_activate_totp')}?{urlencode({'next': request.get_full_path()}, safe='/')}"
            )
        return self.get_response(request)


def role_requires_mfa(request: HttpRequest) -> bool:
    """Whether any of the person's roles, in any consortium, requires MFA."""
    return any(m.role in MFA_REQUIRED_ROLES for m in request.tenant.memberships)  # type: ignore[attr-defined]


def needs_mfa_enrolment(request: HttpRequest) -> bool:
    """The person's role requires MFA and they have no TOTP authenticator yet."""
    if not role_requires_mfa(request):
        return False
    from allauth.mfa.models import Authenticator

    return not Authenticator.objects.filter(user=request.user, type=Authenticator.Type.TOTP).exists()
