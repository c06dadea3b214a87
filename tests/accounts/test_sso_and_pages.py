"""Single sign-on configuration, invitation-only sign-up, and allauth's pages in the site's USWDS shell."""

from __future__ import annotations

import pytest
from allauth.socialaccount.models import SocialLogin
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from interlocal.accounts.adapters import AccountAdapter, SocialAccountAdapter
from interlocal.accounts.models import User
from tests.accounts.conftest import sign_in

ENTRA = {
    "provider_id": "avon-entra",
    "name": "Avon Microsoft Entra ID",
    "client_id": "00000000-0000-0000-0000-000000000000",
    "secret": "not-a-real-secret",
    "settings": {"server_url": "https://login.microsoftonline.com/11111111-2222-3333-4444-555555555555/v2.0"},
}


@override_settings(SOCIALACCOUNT_PROVIDERS={"openid_connect": {"APPS": [ENTRA], "OAUTH_PKCE_ENABLED": True}})
def test_configured_provider_shows_its_button_on_the_sign_in_page(db):
    body = Client().get(reverse("account_login")).content.decode()
    assert "Sign in with Avon Microsoft Entra ID" in body
    assert "/accounts/oidc/avon-entra/login/" in body


def test_no_provider_no_button(db):
    body = Client().get(reverse("account_login")).content.decode()
    assert "Sign in with" not in body


def test_sso_never_signs_up_unknown_people(db):
    request = RequestFactory().get("/")
    assert (
        SocialAccountAdapter(request).is_open_for_signup(request, SocialLogin(user=User(email="x@y.example")))
        is False
    )


def test_sign_up_is_closed(db):
    request = RequestFactory().get("/")
    assert AccountAdapter(request).is_open_for_signup(request) is False
    response = Client().get(reverse("account_signup"))
    assert response.status_code == 200
    assert "closed" in response.content.decode().lower()
    Client().post(
        reverse("account_signup"),
        {"email": "new@x.example", "password1": "Xk3!long-pass", "password2": "Xk3!long-pass"},
    )
    assert not User.objects.filter(email="new@x.example").exists()


# --- allauth pages in the shell -----------------------------------------------------------------


def test_sign_in_page_uses_the_shell_and_uswds(db):
    body = Client().get(reverse("account_login")).content.decode()
    assert 'id="main-content"' in body  # the site's base.html
    assert 'class="usa-form' in body and 'class="usa-button' in body
    assert '<label class="usa-label" for="id_password">' in body
    assert "sign up" not in body.lower()  # invitation only
    assert "<title>Sign in" in body


def test_password_reset_errors_are_tied_to_the_field(db):
    response = Client().post(reverse("account_reset_password"), {"email": "not-an-address"})
    body = response.content.decode()
    assert 'id="id_email_error"' in body
    assert 'aria-describedby="id_email_error"' in body and 'aria-invalid="true"' in body


def test_password_reset_mails_through_the_queue(world, mailoutbox):
    response = Client().post(reverse("account_reset_password"), {"email": world.bob.email})
    assert response.status_code == 302
    assert len(mailoutbox) == 1 and mailoutbox[0].to == [world.bob.email]


def test_mfa_pages_render_in_the_shell(world, client_for):
    body = client_for("alice").get(reverse("mfa_index")).content.decode()
    assert "usa-card" in body and 'id="main-content"' in body


def test_totp_activation_page_ties_the_hint_to_the_secret(world):
    client = Client()
    sign_in(client, world.bob.email)
    body = client.get(reverse("mfa_activate_totp")).content.decode()
    assert 'id="authenticator_secret"' in body
    assert 'aria-describedby="authenticator_secret-hint"' in body
    assert 'id="authenticator_secret-hint"' in body


@pytest.mark.parametrize("name", ["account_reset_password", "account_login", "account_signup"])
def test_public_account_pages_render(db, name):
    assert Client().get(reverse(name)).status_code == 200


def test_signed_in_pages_render(client_for):
    client = client_for("bob")
    for name in ("account_change_password", "mfa_index", "account_logout"):
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        assert 'id="main-content"' in response.content.decode()


def test_sign_out_page_shows_its_button(client_for):
    body = client_for("bob").get(reverse("account_logout")).content.decode()
    form_tag = body[body.index('<form class="usa-form') :].split(">", 1)[0]
    assert "hidden" not in form_tag
    assert 'type="submit"' in body


ENTRA_TRUSTING_AVON = {**ENTRA, "settings": {**ENTRA["settings"], "verified_email": ["avon.example"]}}


@override_settings(SOCIALACCOUNT_PROVIDERS={"openid_connect": {"APPS": [ENTRA_TRUSTING_AVON]}})
def test_sso_matches_people_by_address_in_a_trusted_domain_only(world):
    from allauth.core import context
    from allauth.socialaccount.adapter import get_adapter as get_social_adapter

    request = RequestFactory().get("/")
    with context.request_context(request):
        adapter = get_social_adapter(request)
        provider = adapter.get_provider(request, "avon-entra")

        bob_login = provider.sociallogin_from_response(
            request, {"sub": "entra-bob", "email": "bob@avon.example"}
        )
        assert adapter.authenticate_by_email(bob_login) == (world.bob, "bob@avon.example")

        # Entra sends no email_verified claim: an address outside the trusted domains matches nobody.
        carol_login = provider.sociallogin_from_response(
            request, {"sub": "entra-carol", "email": "carol@bolton.example"}
        )
        assert adapter.authenticate_by_email(carol_login) is None


def test_account_mail_names_interlocal_not_the_default_site(world, mailoutbox):
    Client().post(reverse("account_reset_password"), {"email": world.bob.email})
    message = mailoutbox[0]
    assert "example.com" not in message.body and "example.com" not in message.subject
    assert "Interlocal" in message.subject and "/accounts/password/reset/key/" in message.body
