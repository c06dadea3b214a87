"""Sign-in events into the audit trail and the session register.

Kept to recording only: the authentication itself is django-allauth's, and business rules live
in accounts.actions.
"""

from __future__ import annotations

import time
from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from interlocal import audit
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
