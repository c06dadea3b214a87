"""Signing in: the password step, the two-factor step, recovery codes, throttling and the audit trail."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from django.test import Client
from django.urls import reverse

from interlocal.accounts.models import UserSession
from interlocal.audit.models import AuditEvent
from tests.accounts.conftest import sign_in, totp_code
from tests.factories import PASSWORD, MembershipFactory, UserFactory, enrol_totp


@pytest.fixture
def maya(world):
    """A member admin of Avon with an authenticator app; returns (person, TOTP secret)."""
    person = UserFactory(email="maya@avon.example", full_name="Maya Avon-Admin")
    MembershipFactory(user=person, consortium=world.capitol, member=world.avon, role="member_admin")
    return person, enrol_totp(person)


def test_password_then_authenticator_code_signs_in(maya):
    person, secret = maya
    client = Client()
    response = sign_in(client, person.email)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    # Between the two steps the person is not signed in.
    assert client.get(reverse("core:dashboard")).status_code == 302

    page = client.get(reverse("mfa_authenticate"))
    assert page.status_code == 200
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert response.status_code == 302
    assert response["Location"] == reverse("core:dashboard")
    assert client.get(reverse("core:dashboard")).status_code == 200
    assert UserSession.objects.filter(user=person).count() == 1


def test_wrong_authenticator_code_is_refused(maya):
    person, secret = maya
    client = Client()
    sign_in(client, person.email)
    wrong = "000000" if totp_code(secret) != "000000" else "111111"
    response = client.post(reverse("mfa_authenticate"), {"code": wrong})
    assert response.status_code == 200
    assert "usa-error-message" in response.content.decode() or "usa-alert--error" in response.content.decode()
    assert client.get(reverse("core:dashboard")).status_code == 302


def test_recovery_code_signs_in_once(maya):
    person, _secret = maya
    codes = (
        Authenticator.objects.get(user=person, type=Authenticator.Type.RECOVERY_CODES)
        .wrap()
        .get_unused_codes()
    )
    client = Client()
    sign_in(client, person.email)
    response = client.post(reverse("mfa_authenticate"), {"code": codes[0]})
    assert response.status_code == 302 and response["Location"] == reverse("core:dashboard")
    assert client.get(reverse("core:dashboard")).status_code == 200

    again = Client()
    sign_in(again, person.email)
    assert again.post(reverse("mfa_authenticate"), {"code": codes[0]}).status_code == 200  # used up
    assert again.post(reverse("mfa_authenticate"), {"code": codes[1]}).status_code == 302


def test_staff_without_mfa_sign_in_with_password_only(world):
    client = Client()
    response = sign_in(client, world.bob.email)
    assert response.status_code == 302 and response["Location"] == reverse("core:dashboard")
    assert client.get(reverse("core:dashboard")).status_code == 200


def test_sign_in_success_and_failure_are_audited(world):
    sign_in(Client(), world.bob.email)
    assert AuditEvent.objects.filter(action="auth.login.succeeded", actor=world.bob).count() == 1

    response = sign_in(Client(), world.bob.email, "not-the-password")
    assert response.status_code == 200
    failed = AuditEvent.objects.filter(action="auth.login.failed").order_by("-seq").first()
    assert failed is not None and failed.actor_id is None
    assert failed.object_repr == world.bob.email


def test_repeated_failed_sign_ins_are_throttled(world):
    client = Client()
    for _ in range(5):
        response = sign_in(client, world.bob.email, "wrong-password")
        assert response.status_code == 200
        assert "Too many failed" not in response.content.decode()
    # The sixth attempt is refused even with the right password.
    response = sign_in(client, world.bob.email, PASSWORD)
    assert response.status_code == 200
    assert "Too many failed login attempts" in response.content.decode()
    assert client.get(reverse("core:dashboard")).status_code == 302
    assert AuditEvent.objects.filter(action="auth.login.failed").count() == 5
    # The limit is per account: another person signs in normally.
    assert sign_in(Client(), world.carol.email).status_code == 302


def test_failed_sign_in_shows_an_accessible_error(world):
    response = sign_in(Client(), world.bob.email, "wrong-password")
    body = response.content.decode()
    assert 'class="usa-alert usa-alert--error' in body and 'role="alert"' in body
    assert '<label class="usa-label' in body and 'for="id_login"' in body


def test_the_code_page_mentions_recovery_codes(maya):
    person, _secret = maya
    client = Client()
    sign_in(client, person.email)
    body = client.get(reverse("mfa_authenticate")).content.decode()
    assert "recovery codes" in body
    assert 'autocomplete="one-time-code"' in body
