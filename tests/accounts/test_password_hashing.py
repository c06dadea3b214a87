"""Passwords are hashed with Argon2id at the OWASP baseline; older PBKDF2 hashes are upgraded at sign-in."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.test import Client, override_settings
from django.urls import reverse

from tests.factories import PASSWORD


def test_the_site_hashes_with_argon2id_first():
    assert settings.SITE_PASSWORD_HASHERS[0] == "interlocal.accounts.hashers.Argon2idHasher"


@override_settings(PASSWORD_HASHERS=settings.SITE_PASSWORD_HASHERS)
def test_new_hashes_are_argon2id_at_19_mib_two_passes_one_lane():
    encoded = make_password("correct horse battery staple")
    assert encoded.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert check_password("correct horse battery staple", encoded)
    assert not check_password("wrong", encoded)


@pytest.mark.django_db
def test_a_pbkdf2_hash_from_before_is_rehashed_at_sign_in(world):
    with override_settings(PASSWORD_HASHERS=settings.SITE_PASSWORD_HASHERS):
        pbkdf2 = make_password(PASSWORD, hasher="pbkdf2_sha256")
        type(world.bob).objects.filter(pk=world.bob.pk).update(password=pbkdf2)
        response = Client().post(reverse("account_login"), {"login": world.bob.email, "password": PASSWORD})
    assert response.status_code == 302
    world.bob.refresh_from_db()
    assert world.bob.password.startswith("argon2$argon2id$")
