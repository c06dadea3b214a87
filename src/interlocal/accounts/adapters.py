"""django-allauth adapters: Interlocal is invitation-only; SSO signs in existing people only."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.login import get_authentication_records
from allauth.core import context as allauth_context
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest
from django.urls import reverse

from interlocal.accounts import throttle


def _login_of(credentials: dict[str, Any]) -> str:
    return str(credentials.get("email") or credentials.get("username") or "")


def _enrolling_after_recent_password_sign_in(request: HttpRequest | None) -> bool:
    """The person gave their password in this session recently and had no authenticator then.

    True while they set up their first authenticator and look at the recovery codes it generates;
    false as soon as they hold an authenticator older than that sign-in."""
    if request is None or not request.user.is_authenticated:
        return False
    records = [r for r in get_authentication_records(request, request.user) if r.get("method") == "password"]
    if not records or time.time() - records[-1]["at"] >= account_settings.REAUTHENTICATION_TIMEOUT:
        return False
    from allauth.mfa.models import Authenticator

    signed_in_at = datetime.fromtimestamp(records[-1]["at"], tz=UTC)
    return not Authenticator.objects.filter(user=request.user, created_at__lt=signed_in_at).exists()


class AccountAdapter(DefaultAccountAdapter):
    """No open sign-up: people join through an invitation (accounts.views.accept_invitation)."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def is_reauthentication_required(self, *, app: str, **kwargs: Any) -> bool:
        """Setting up the first authenticator right after a password sign-in needs no second password prompt.

        The MFA middleware sends admins straight from sign-in to enrolment; asking for the password
        they typed seconds ago protects nothing (the account had no second factor then), neither
        before activation nor on the recovery codes page that follows it. Changing or removing an
        authenticator that existed before this sign-in still requires reauthentication.
        """
        required = super().is_reauthentication_required(app=app, **kwargs)
        if (
            required
            and app == "allauth.mfa"
            and _enrolling_after_recent_password_sign_in(allauth_context.request)
        ):
            return False
        return required

    # Failed sign-ins: growing delays by address and by account (accounts/throttle.py) instead of
    # allauth's per-account limit, which locks the owner out wherever they sign in from.
    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        if throttle.retry_after(_login_of(credentials), self.get_client_ip(request)) > 0:
            raise self.validation_error("too_many_login_attempts")

    def authenticate(self, request: HttpRequest, **credentials: Any) -> AbstractBaseUser | None:
        user = super().authenticate(request, **credentials)
        if user is not None:
            throttle.clear_success(_login_of(credentials), self.get_client_ip(request))
        return user

    def authentication_failed(self, request: HttpRequest, **credentials: Any) -> None:
        throttle.record_failure(_login_of(credentials), self.get_client_ip(request))

    def _delete_login_attempts_cached_email(self, request: HttpRequest, **credentials: Any) -> None:
        # Called by allauth once a password reset is complete.
        super()._delete_login_attempts_cached_email(request, **credentials)
        throttle.clear_account(_login_of(credentials))

    def format_email_subject(self, subject: str) -> str:
        # allauth would prefix the Sites framework's name ("example.com" unless someone edits it).
        return f"[Interlocal] {subject}"

    # allauth builds its links from the host of the request; ours come from INTERLOCAL_SITE_URL
    # (core.links), like every other link the site sends.
    def get_reset_password_from_key_url(self, key: str) -> str:
        from interlocal.core.links import absolute_url

        path = reverse("account_reset_password_from_key", kwargs={"uidb36": "UID", "key": "KEY"})
        return absolute_url(path.replace("UID-KEY", quote(key)))

    def get_email_confirmation_url(self, request: HttpRequest, emailconfirmation: Any) -> str:
        from interlocal.core.links import absolute_url

        return absolute_url(reverse("account_confirm_email", args=[emailconfirmation.key]))

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        # Password-reset and other account mail goes through the task queue like all e-mail.
        from interlocal.core.links import absolute_url
        from interlocal.core.mail import render_and_queue

        # There is no sign-up (people are invited): the "unknown account" mail points to sign-in.
        context = {**context, "login_url": absolute_url(reverse("account_login"))}
        context.pop("signup_url", None)
        if template_prefix == "account/email/account_already_exists":  # built from the request's host
            context["password_reset_url"] = absolute_url(reverse("account_reset_password"))
        msg = self.render_mail(template_prefix, email, context)
        render_and_queue(msg)


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """Single sign-on (e.g. a town's Microsoft Entra) may only sign in an invited person."""

    def is_open_for_signup(self, request: HttpRequest, sociallogin: Any) -> bool:
        return False
