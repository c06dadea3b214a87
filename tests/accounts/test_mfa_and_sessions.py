"""MFA is required for admins and vendors; sessions end when idle, when too old, or when a person is disabled."""

from __future__ import annotations

import datetime
import time
from urllib.parse import urlsplit

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from interlocal.accounts.actions import do_disable_user, do_enable_user
from interlocal.accounts.middleware import SESSION_LAST_SEEN, SESSION_LOGIN_AT
from interlocal.accounts.models import ApiToken, UserSession
from interlocal.accounts.tokens import authenticate_token
from interlocal.audit.models import AuditEvent
from interlocal.tenancy.models import Membership
from tests.accounts.conftest import sign_in, totp_code
from tests.factories import PASSWORD, MembershipFactory, UserFactory

# --- MFA enrolment ------------------------------------------------------------------------------


@pytest.fixture
def fresh_admin(world):
    """A consortium admin who has not set up an authenticator app yet."""
    person = UserFactory(email="nora@capitol.example", full_name="Nora New-Admin")
    MembershipFactory(user=person, consortium=world.capitol, role="consortium_admin")
    return person


def enrol_through_the_pages(client: Client) -> None:
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    secret = client.session[SECRET_SESSION_KEY]
    response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert response.status_code == 302, response.content.decode()[:2000]


def test_admin_without_totp_is_sent_to_enrol_then_reaches_the_dashboard(fresh_admin):
    client = Client()
    assert sign_in(client, fresh_admin.email).status_code == 302
    response = client.get(reverse("core:dashboard"))
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == reverse("mfa_activate_totp")
    assert location.query == "next=/dashboard/"

    enrol_through_the_pages(client)
    assert Authenticator.objects.filter(user=fresh_admin, type=Authenticator.Type.TOTP).exists()
    assert client.get(reverse("core:dashboard")).status_code == 200


def test_the_recovery_codes_after_enrolment_need_no_second_password(fresh_admin):
    """Right after setting up the authenticator, allauth shows the new recovery codes: no password again."""
    client = Client()
    sign_in(client, fresh_admin.email)
    client.get(reverse("mfa_activate_totp"))
    response = client.post(
        reverse("mfa_activate_totp"), {"code": totp_code(client.session[SECRET_SESSION_KEY])}
    )
    assert response["Location"] == reverse("mfa_view_recovery_codes")
    page = client.get(response["Location"])
    assert page.status_code == 200, page.get("Location")
    assert "Recovery codes" in page.content.decode()


def test_an_authenticator_from_before_this_sign_in_still_needs_the_password_to_remove(fresh_admin):
    client = Client()
    sign_in(client, fresh_admin.email)
    enrol_through_the_pages(client)
    Authenticator.objects.filter(user=fresh_admin).update(
        created_at=timezone.now() - datetime.timedelta(days=3)
    )
    again = Client()
    assert sign_in(again, fresh_admin.email)["Location"] == reverse("mfa_authenticate")
    secret = (
        Authenticator.objects.get(user=fresh_admin, type=Authenticator.Type.TOTP)
        .wrap()
        .instance.data["secret"]
    )
    from allauth.mfa.totp.internal.auth import decrypt

    assert again.post(reverse("mfa_authenticate"), {"code": totp_code(decrypt(secret))}).status_code == 302
    response = again.get(reverse("mfa_deactivate_totp"))
    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == reverse("account_reauthenticate")


@pytest.mark.parametrize("role", ["member_admin", "vendor"])
def test_member_admins_and_vendors_must_enrol_too(world, role):
    person = UserFactory(email=f"{role}@example.org")
    MembershipFactory(
        user=person,
        consortium=world.capitol,
        member=world.avon if role == "member_admin" else None,
        role=role,
    )
    client = Client()
    client.force_login(person)
    assert urlsplit(client.get(reverse("core:dashboard"))["Location"]).path == reverse("mfa_activate_totp")
    assert urlsplit(client.get(reverse("accounts:profile"))["Location"]).path == reverse("mfa_activate_totp")
    # The API answers in JSON rather than redirecting.
    api = client.get("/api/v1/me")
    assert api.status_code == 403 and "two-factor" in api.json()["detail"]


def test_enrolled_admins_are_not_redirected(client_for):
    for name in ("alice", "ada", "vince"):
        assert client_for(name).get(reverse("core:dashboard")).status_code == 200, name


@pytest.mark.parametrize("name", ["sam", "bob", "carol", "olga"])
def test_staff_and_observers_are_not_forced(client_for, name):
    assert client_for(name).get(reverse("core:dashboard")).status_code == 200


def test_staff_may_enrol_voluntarily(world):
    client = Client()
    sign_in(client, world.bob.email)
    enrol_through_the_pages(client)
    assert Authenticator.objects.filter(user=world.bob, type=Authenticator.Type.TOTP).exists()
    # From now on Bob's sign-in has the two-factor step.
    later = Client()
    assert sign_in(later, world.bob.email)["Location"] == reverse("mfa_authenticate")


# --- Session timeouts ---------------------------------------------------------------------------


def _age_session(client: Client, *, login_ago: int, seen_ago: int) -> None:
    now = int(time.time())
    session = client.session
    session[SESSION_LOGIN_AT] = now - login_ago
    session[SESSION_LAST_SEEN] = now - seen_ago
    session.save()


def test_active_session_continues(client_for, settings):
    client = client_for("bob")
    _age_session(
        client, login_ago=settings.SESSION_IDLE_TIMEOUT * 2, seen_ago=settings.SESSION_IDLE_TIMEOUT - 30
    )
    assert client.get(reverse("core:dashboard")).status_code == 200


def test_idle_session_ends(client_for, settings):
    client = client_for("bob")
    _age_session(
        client, login_ago=settings.SESSION_IDLE_TIMEOUT + 5, seen_ago=settings.SESSION_IDLE_TIMEOUT + 1
    )
    response = client.get(reverse("core:dashboard"))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next=/dashboard/"
    page = client.get(response["Location"]).content.decode()
    assert "inactivity" in page
    assert client.get(reverse("core:dashboard")).status_code == 302  # still signed out


def test_session_ends_at_its_absolute_limit_even_when_busy(client_for, settings):
    client = client_for("bob")
    _age_session(client, login_ago=settings.SESSION_ABSOLUTE_TIMEOUT + 1, seen_ago=5)
    response = client.get(reverse("core:dashboard"))
    assert response.status_code == 302
    assert "maximum length" in client.get(response["Location"]).content.decode()


def test_expired_session_on_the_api_answers_401_json(client_for, settings):
    client = client_for("bob")
    _age_session(client, login_ago=60, seen_ago=settings.SESSION_IDLE_TIMEOUT + 1)
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["errors"] == []


# --- Disabling people ---------------------------------------------------------------------------


def test_disabling_ends_sessions_and_revokes_tokens(world, client_for):
    from interlocal.accounts.actions import do_create_api_token

    bob = client_for("bob")
    assert bob.get(reverse("core:dashboard")).status_code == 200
    _token, secret = do_create_api_token(world.bob, "Nightly export")
    assert UserSession.objects.filter(user=world.bob).exists()

    do_disable_user(world.bob, acting_user=world.alice)

    world.bob.refresh_from_db()
    assert not world.bob.is_active
    assert bob.get(reverse("core:dashboard")).status_code == 302  # the open session is dead
    assert not UserSession.objects.filter(user=world.bob).exists()
    assert not ApiToken.objects.filter(user=world.bob, revoked_at__isnull=True).exists()
    assert authenticate_token(secret) is None
    event = AuditEvent.objects.get(action="accounts.user.disabled")
    assert event.actor_id == world.alice.pk and event.after["tokens_revoked"] == 1
    # A disabled person cannot sign in again.
    again = Client()
    assert sign_in(again, world.bob.email)["Location"] == reverse("account_inactive")
    assert again.get(reverse("core:dashboard")).status_code == 302


def test_disabled_person_cannot_sign_in_and_enabling_restores_access(world):
    do_disable_user(world.carol, acting_user=world.alice)
    client = Client()
    sign_in(client, world.carol.email)
    assert client.get(reverse("core:dashboard")).status_code == 302

    do_enable_user(world.carol, acting_user=world.alice)
    client = Client()
    assert sign_in(client, world.carol.email).status_code == 302
    assert client.get(reverse("core:dashboard")).status_code == 200
    assert AuditEvent.objects.filter(action="accounts.user.enabled").exists()


def test_who_may_disable_whom(world):
    with pytest.raises(PermissionDenied):
        do_disable_user(world.alice, acting_user=world.alice)  # never yourself
    with pytest.raises(PermissionDenied):
        do_disable_user(world.pat, acting_user=world.alice)  # another consortium's admin
    with pytest.raises(PermissionDenied):
        do_disable_user(world.alice, acting_user=world.pat)
    for name in ("sam", "ada", "bob", "olga", "vince"):
        with pytest.raises(PermissionDenied):
            do_disable_user(world.carol, acting_user=getattr(world, name))
    with pytest.raises(PermissionDenied):
        do_enable_user(world.carol, acting_user=world.sam)


def test_a_person_with_roles_elsewhere_is_not_alices_to_disable(world):
    Membership.objects.create(user=world.bob, consortium=world.prairies, role="observer")
    with pytest.raises(PermissionDenied):
        do_disable_user(world.bob, acting_user=world.alice)
    world.bob.refresh_from_db()
    assert world.bob.is_active


# --- Session list -------------------------------------------------------------------------------


def test_session_list_and_ending_another_session(world, client_for):
    laptop = client_for("bob")
    phone = client_for("bob")
    page = laptop.get(reverse("accounts:sessions")).content.decode()
    assert "This session" in page
    phone_key = phone.session.session_key
    phone_session = UserSession.objects.get(session_key=phone_key)

    # Carol cannot see or end Bob's sessions.
    assert (
        client_for("carol").post(reverse("accounts:session_end", args=[phone_session.pk])).status_code == 404
    )

    assert laptop.post(reverse("accounts:session_end", args=[phone_session.pk])).status_code == 302
    assert phone.get(reverse("core:dashboard")).status_code == 302
    assert laptop.get(reverse("core:dashboard")).status_code == 200


def test_disable_and_enable_buttons(world, client_for):
    bob = client_for("bob")
    alice = client_for("alice")
    url = reverse("accounts:person_disable", args=[world.bob.pk])
    assert alice.get(url).status_code == 405
    response = alice.post(url, {"next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == reverse("tenancy:people")
    world.bob.refresh_from_db()
    assert not world.bob.is_active
    assert bob.get(reverse("core:dashboard")).status_code == 302

    response = alice.post(reverse("accounts:person_enable", args=[world.bob.pk]), {"next": "/people/?q=bob"})
    assert response["Location"] == "/people/?q=bob"
    world.bob.refresh_from_db()
    assert world.bob.is_active


@pytest.mark.parametrize("name", ["sam", "ada", "bob", "olga", "vince", "pat"])
def test_only_the_consortium_admin_may_disable(world, client_for, name):
    before = AuditEvent.objects.filter(action="access.denied").count()
    response = client_for(name).post(reverse("accounts:person_disable", args=[world.carol.pk]))
    assert response.status_code == 404
    world.carol.refresh_from_db()
    assert world.carol.is_active
    assert AuditEvent.objects.filter(action="access.denied").count() == before + 1


def test_admin_cannot_disable_themselves_through_the_page(world, client_for):
    assert (
        client_for("alice").post(reverse("accounts:person_disable", args=[world.alice.pk])).status_code == 404
    )


def test_password_change_keeps_this_session_and_ends_the_others(world, client_for):
    laptop = client_for("bob")
    phone = client_for("bob")
    response = laptop.post(
        reverse("account_change_password"),
        {
            "oldpassword": PASSWORD,
            "password1": "a-new-and-long-passphrase-7",
            "password2": "a-new-and-long-passphrase-7",
        },
    )
    assert response.status_code == 302
    assert laptop.get(reverse("core:dashboard")).status_code == 200
    assert phone.get(reverse("core:dashboard")).status_code == 302
    assert list(UserSession.objects.filter(user=world.bob).values_list("session_key", flat=True)) == [
        laptop.session.session_key
    ]
    assert "This session" in laptop.get(reverse("accounts:sessions")).content.decode()
    assert AuditEvent.objects.filter(action="auth.password.changed", actor=world.bob).exists()


def test_sessions_past_the_absolute_limit_are_not_listed(world, client_for, settings):
    client = client_for("bob")
    old = client_for("bob")
    UserSession.objects.filter(session_key=old.session.session_key).update(
        created_at=timezone.now() - datetime.timedelta(seconds=settings.SESSION_ABSOLUTE_TIMEOUT + 60)
    )
    page = client.get(reverse("accounts:sessions")).content.decode()
    assert page.count("<tr>") == 2  # the header row and this session


def test_signing_in_drops_ones_dead_session_rows(world, client_for, settings):
    old = client_for("bob")
    UserSession.objects.filter(session_key=old.session.session_key).update(
        created_at=timezone.now() - datetime.timedelta(seconds=settings.SESSION_ABSOLUTE_TIMEOUT + 60)
    )
    client_for("carol")  # someone else's sign-in leaves Bob's rows alone
    assert UserSession.objects.filter(user=world.bob).count() == 1
    new = client_for("bob")
    assert list(UserSession.objects.filter(user=world.bob).values_list("session_key", flat=True)) == [
        new.session.session_key
    ]
