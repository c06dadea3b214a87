"""Personal API tokens (secret shown once, hash stored) and the profile page."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from interlocal.accounts.actions import do_create_api_token, do_revoke_api_token
from interlocal.accounts.models import ApiToken, hash_token
from interlocal.accounts.tokens import authenticate_token
from interlocal.audit.models import AuditEvent

# --- Actions and authenticate_token -------------------------------------------------------------


def test_created_token_authenticates_its_owner_and_only_the_hash_is_stored(world):
    token, secret = do_create_api_token(world.bob, "GIS export", timezone.now() + datetime.timedelta(days=30))
    assert secret.startswith("il_") and len(secret) > 40
    assert token.key_hash == hash_token(secret) and token.key_prefix == secret[:12]
    assert not ApiToken.objects.filter(key_hash=secret).exists()
    assert authenticate_token(secret) == world.bob
    event = AuditEvent.objects.get(action="accounts.api_token.created")
    assert secret not in str(event.after) and "key_hash" not in event.after


@pytest.mark.parametrize("raw", ["", "il_", "il_not-a-token", "Bearer il_x", "x" * 500])
def test_garbage_does_not_authenticate(world, raw):
    do_create_api_token(world.bob, "GIS export")
    assert authenticate_token(raw) is None


def test_revoked_expired_and_disabled_tokens_do_not_authenticate(world):
    revoked, revoked_secret = do_create_api_token(world.bob, "old")
    do_revoke_api_token(revoked, acting_user=world.bob)
    assert authenticate_token(revoked_secret) is None

    expired, expired_secret = do_create_api_token(
        world.bob, "short", timezone.now() + datetime.timedelta(hours=1)
    )
    ApiToken.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert authenticate_token(expired_secret) is None

    _token, secret = do_create_api_token(world.carol, "carol's")
    world.carol.is_active = False
    world.carol.save(update_fields=["is_active"])
    assert authenticate_token(secret) is None


def test_last_used_is_written_at_most_once_a_minute(world, django_assert_num_queries):
    token, secret = do_create_api_token(world.bob, "GIS export")
    assert authenticate_token(secret) == world.bob
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None
    with django_assert_num_queries(1):  # the lookup only; no write
        assert authenticate_token(secret) == world.bob
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - datetime.timedelta(minutes=2))
    with django_assert_num_queries(2):
        authenticate_token(secret)
    token.refresh_from_db()
    assert token.last_used_at > first - datetime.timedelta(minutes=2)


def test_token_rules(world):
    with pytest.raises(ValidationError):
        do_create_api_token(world.bob, "  ")
    with pytest.raises(ValidationError):
        do_create_api_token(world.bob, "past", timezone.now() - datetime.timedelta(days=1))
    token, _secret = do_create_api_token(world.bob, "mine")
    with pytest.raises(PermissionDenied):
        do_revoke_api_token(token, acting_user=world.alice)


# --- Token pages --------------------------------------------------------------------------------


def test_secret_is_shown_once(world, client_for):
    client = client_for("bob")
    response = client.post(reverse("accounts:token_create"), {"name": "Nightly export", "lifetime": "90"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    token = ApiToken.objects.get(user=world.bob)
    body = response.content.decode()
    secret = body.split('id="token-secret" type="text" value="')[1].split('"')[0]
    assert authenticate_token(secret) == world.bob
    assert token.expires_at.date() == (timezone.now() + datetime.timedelta(days=90)).date()

    listing = client.get(reverse("accounts:tokens")).content.decode()
    assert "Nightly export" in listing and token.key_prefix in listing
    assert secret not in listing


def test_token_form_errors(client_for):
    response = client_for("bob").post(reverse("accounts:token_create"), {"name": "", "lifetime": "90"})
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.content.decode()


def test_tokens_are_personal(world, client_for):
    token, _secret = do_create_api_token(world.bob, "Bob's")
    carol = client_for("carol")
    assert "Bob&#x27;s" not in carol.get(reverse("accounts:tokens")).content.decode()
    assert carol.post(reverse("accounts:token_revoke", args=[token.pk])).status_code == 404
    assert client_for("alice").post(reverse("accounts:token_revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None

    assert client_for("bob").post(reverse("accounts:token_revoke", args=[token.pk])).status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_token_list_query_count_does_not_grow(world, client_for, django_assert_max_num_queries):
    client = client_for("bob")
    for i in range(2):
        do_create_api_token(world.bob, f"t{i}")
    with django_assert_max_num_queries(20) as small:
        client.get(reverse("accounts:tokens"))
    for i in range(2, 40):
        do_create_api_token(world.bob, f"t{i}")
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse("accounts:tokens"))
    assert "usa-pagination" in response.content.decode()


def test_token_pages_need_sign_in():
    for name in ("accounts:tokens", "accounts:token_create"):
        response = Client().get(reverse(name))
        assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


# --- Profile ------------------------------------------------------------------------------------


def test_profile_shows_roles_and_security_links(client_for):
    body = client_for("ada").get(reverse("accounts:profile")).content.decode()
    assert "ada@avon.example" in body
    assert "Member admin" in body and "Avon" in body
    for name in ("account_change_password", "mfa_index", "accounts:tokens", "accounts:sessions"):
        assert f'href="{reverse(name)}"' in body


def test_profile_update(world, client_for):
    client = client_for("bob")
    response = client.post(
        reverse("accounts:profile"),
        {"full_name": "Robert Avon", "job_title": "IT coordinator", "phone": "860-555-0100"},
    )
    assert response.status_code == 302
    world.bob.refresh_from_db()
    assert (world.bob.full_name, world.bob.job_title, world.bob.phone) == (
        "Robert Avon",
        "IT coordinator",
        "860-555-0100",
    )
    event = AuditEvent.objects.get(action="accounts.profile.updated")
    assert event.before["full_name"] == "Bob Avon" and event.after["full_name"] == "Robert Avon"


def test_profile_needs_sign_in():
    assert Client().get(reverse("accounts:profile")).status_code == 302


def test_session_list_query_count_does_not_grow(world, client_for, django_assert_max_num_queries):
    client = client_for("bob")
    with django_assert_max_num_queries(20) as small:
        client.get(reverse("accounts:sessions"))
    for _ in range(30):
        client_for("bob")
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse("accounts:sessions"))
    assert "usa-pagination" in response.content.decode()
