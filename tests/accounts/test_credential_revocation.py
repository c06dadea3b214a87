"""A password reset revokes every session and API token; a password change offers to."""

from __future__ import annotations

import re

from django.test import Client
from django.urls import reverse

from interlocal.accounts.actions import do_create_api_token
from interlocal.accounts.models import ApiToken, UserSession
from interlocal.accounts.tokens import authenticate_token
from interlocal.audit.models import AuditEvent
from tests.factories import PASSWORD

NEW_PASSWORD = "a-new-and-long-passphrase-7"


def _reset_password(email: str, mailoutbox) -> Client:
    """Request a reset link, open it and choose a new password, as a person would."""
    client = Client()
    assert client.post(reverse("account_reset_password"), {"email": email}).status_code == 302
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+)", mailoutbox[-1].body)
    assert link is not None
    response = client.get(link.group(1), follow=True)
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else link.group(1)
    response = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302, response.content.decode()[:2000]
    return client


def test_password_reset_revokes_api_tokens_and_ends_sessions(world, client_for, mailoutbox):
    laptop = client_for("bob")
    assert laptop.get(reverse("core:dashboard")).status_code == 200
    _token, secret = do_create_api_token(world.bob, "Nightly export")
    assert authenticate_token(secret) == world.bob

    _reset_password(world.bob.email, mailoutbox)

    assert authenticate_token(secret) is None
    assert not ApiToken.objects.filter(user=world.bob, revoked_at__isnull=True).exists()
    assert laptop.get(reverse("core:dashboard")).status_code == 302
    assert not UserSession.objects.filter(user=world.bob).exists()
    event = AuditEvent.objects.get(action="accounts.credentials.revoked")
    assert event.after["tokens_revoked"] == 1 and event.after["reason"] == "password_reset"
    # The API refuses the old token too.
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401


def _change_password(client: Client, **extra: str):
    return client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD, **extra},
    )


def test_password_change_offers_to_revoke_tokens(world, client_for):
    laptop = client_for("bob")
    body = laptop.get(reverse("account_change_password")).content.decode()
    assert 'name="revoke_other"' in body and 'type="checkbox"' in body
    assert "Also sign out my other sessions and revoke my API tokens" in body
    phone = client_for("bob")
    _token, secret = do_create_api_token(world.bob, "Nightly export")

    assert _change_password(laptop, revoke_other="on").status_code == 302

    assert authenticate_token(secret) is None
    assert laptop.get(reverse("core:dashboard")).status_code == 200  # this session goes on
    assert phone.get(reverse("core:dashboard")).status_code == 302
    event = AuditEvent.objects.get(action="accounts.credentials.revoked")
    assert event.actor_id == world.bob.pk and event.after["reason"] == "password_change"


def test_password_change_without_the_box_keeps_tokens(world, client_for):
    laptop = client_for("bob")
    _token, secret = do_create_api_token(world.bob, "Nightly export")
    assert _change_password(laptop).status_code == 302
    assert authenticate_token(secret) == world.bob
    assert not AuditEvent.objects.filter(action="accounts.credentials.revoked").exists()
