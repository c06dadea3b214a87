"""Sign-in events into the audit trail and the session register.

Kept to recording only: the authentication itself is django-allauth's, and business rules live
in accounts.actions.
"""

from __future__ import annotations

import datetime
import time
from typing import Any

from allauth.account.signals import password_changed, password_reset, password_set
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from interlocal import audit
from interlocal.accounts.actions import do_revoke_credentials
from interlocal.accounts.middleware import SESSION_LAST_SEEN, SESSION_LOGIN_AT


@receiver(user_logged_in, dispatch_uid="interlocal_logged_in")
def on_logged_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    from interlocal.accounts.models import UserSession

    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[SESSION_LOGIN_AT] = now
        request.session[SESSION_LAST_SEEN] = now
        if not request.session.session_key:
            request.session.save()
        UserSession.objects.update_or_create(
            session_key=request.session.session_key,
            defaults={
                "user": user,
                "ip_address": request.META.get("REMOTE_ADDR") or None,
                "user_agent": request.headers.get("User-Agent", "")[:300],
            },
        )
        # Sessions that ended without a sign-out (closed browser) leave rows behind; a person's
        # rows past the absolute session limit are dead, so drop them here rather than in a job.
        UserSession.objects.filter(user=user).exclude(pk__in=UserSession.objects.current()).delete()
    audit.record(user, "auth.login.succeeded", user, object_repr=user.email)


@receiver(user_login_failed, dispatch_uid="interlocal_login_failed")
def on_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    attempted = str(
        credentials.get("email") or credentials.get("username") or credentials.get("login") or ""
    )[:254]
    audit.record(
        None,
        "auth.login.failed",
        object_type="accounts.user",
        object_repr=attempted,
        actor_label=f"anonymous ({attempted})" if attempted else "anonymous",
    )


@receiver(user_logged_out, dispatch_uid="interlocal_logged_out")
def on_logged_out(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    from interlocal.accounts.models import UserSession

    if user is None:
        return
    if request is not None and getattr(request, "session", None) is not None and request.session.session_key:
        UserSession.objects.filter(session_key=request.session.session_key).delete()
    audit.record(user, "auth.logout", user, object_repr=user.email)


def _forget_other_sessions(request: HttpRequest | None, user: Any) -> None:
    """After a password change Django no longer accepts the person's other sessions (their auth hash
    is stale) and cycles the current session's key: bring the session register up to date."""
    from importlib import import_module

    from django.conf import settings

    from interlocal.accounts.models import UserSession

    current = None
    if (
        request is not None
        and getattr(request, "session", None) is not None
        and request.user.is_authenticated
    ):
        current = request.session.session_key
    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    stale = UserSession.objects.filter(user=user)
    if current:
        stale = stale.exclude(session_key=current)
    for key in stale.values_list("session_key", flat=True):
        store_class(session_key=key).delete()
    stale.delete()
    if current and request is not None:
        login_at = request.session.get(SESSION_LOGIN_AT)
        UserSession.objects.update_or_create(
            session_key=current,
            defaults={
                "user": user,
                "ip_address": request.META.get("REMOTE_ADDR") or None,
                "user_agent": request.headers.get("User-Agent", "")[:300],
                **(
                    {"created_at": datetime.datetime.fromtimestamp(login_at, tz=datetime.UTC)}
                    if login_at
                    else {}
                ),
            },
        )


@receiver(password_changed, dispatch_uid="interlocal_password_changed")
@receiver(password_set, dispatch_uid="interlocal_password_set")
def on_password_changed(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    _forget_other_sessions(request, user)
    audit.record(user, "auth.password.changed", user, object_repr=user.email)


@receiver(password_reset, dispatch_uid="interlocal_password_reset")
def on_password_reset(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    audit.record(user, "auth.password.reset", user, object_repr=user.email)
    # Whoever knew the old password may also hold a session or an API token: a reset ends them all.
    do_revoke_credentials(user, reason="password_reset")
