"""django-allauth adapters: Interlocal is invitation-only; SSO signs in existing people only."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.http import HttpRequest


class AccountAdapter(DefaultAccountAdapter):
    """No open sign-up: people join through an invitation (accounts.views.accept_invitation)."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        # Password-reset and other account mail goes through the task queue like all e-mail.
        from interlocal.core.mail import render_and_queue

        msg = self.render_mail(template_prefix, email, context)
        render_and_queue(msg)


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """Single sign-on (e.g. a town's Microsoft Entra) may only sign in an invited person."""

    def is_open_for_signup(self, request: HttpRequest, sociallogin: Any) -> bool:
        return False
