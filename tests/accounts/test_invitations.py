"""Invitations: who may invite whom, the e-mailed link, accepting, and links that no longer work."""

from __future__ import annotations

import datetime
import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from interlocal.accounts.actions import (
    InvitationError,
    do_accept_invitation,
    do_invite,
    do_resend_invitation,
    do_revoke_invitation,
)
from interlocal.accounts.models import Invitation, User, hash_token
from interlocal.audit.models import AuditEvent
from interlocal.tenancy.models import Membership
from tests.factories import PASSWORD

NEW_PASSWORD = "a-long-and-unusual-passphrase-42"


@pytest.fixture
def invite(world, django_capture_on_commit_callbacks):
    """invite(inviter, email, role, member=None) -> (invitation, raw token), with its e-mail sent."""

    def make(inviter: str, email: str, role: str, member=None):
        with django_capture_on_commit_callbacks(execute=True):
            return do_invite(
                email=email,
                consortium=world.capitol,
                member=member,
                role=role,
                acting_user=getattr(world, inviter),
            )

    return make


def accept_url(raw: str) -> str:
    return reverse("accounts:accept_invitation", args=[raw])


# --- Who may invite whom ------------------------------------------------------------------------


def test_consortium_admin_invites_staff_and_the_link_is_emailed(world, invite):
    invitation, raw = invite("alice", "Dana@Capitol.example", "consortium_staff")

    assert invitation.email == "dana@capitol.example"
    assert invitation.token_hash == hash_token(raw) and raw not in invitation.token_hash
    assert invitation.expires_at > timezone.now() + datetime.timedelta(days=13)
    assert invitation.is_pending
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["dana@capitol.example"]
    assert "Capitol Region IT Service Sharing" in message.subject
    assert accept_url(raw) in message.body
    assert "Alice Admin" in message.body
    assert AuditEvent.objects.filter(action="accounts.invitation.sent", object_id=str(invitation.pk)).exists()


def test_consortium_admin_invites_member_admins_and_observers(world, invite):
    invite("alice", "new-admin@avon.example", "member_admin", world.avon)
    invite("alice", "board@capitol.example", "observer")
    assert Invitation.objects.count() == 2


def test_consortium_admin_may_not_invite_member_staff_or_vendors(world, invite):
    with pytest.raises(PermissionDenied):
        invite("alice", "x@avon.example", "member_staff", world.avon)
    with pytest.raises(PermissionDenied):
        invite("alice", "x@vendor.example", "vendor")


def test_member_admin_invites_only_for_their_own_member(world, invite):
    invitation, _raw = invite("ada", "clerk@avon.example", "member_staff", world.avon)
    assert invitation.member == world.avon
    with pytest.raises(PermissionDenied):
        invite("ada", "clerk@bolton.example", "member_staff", world.bolton)
    with pytest.raises(PermissionDenied):
        invite("ada", "boss@capitol.example", "consortium_staff")


@pytest.mark.parametrize("name", ["sam", "bob", "carol", "olga", "vince", "pat"])
def test_others_may_not_invite(world, invite, name):
    with pytest.raises(PermissionDenied):
        invite(name, "x@avon.example", "member_staff", world.avon)
    with pytest.raises(PermissionDenied):
        invite(name, "x@capitol.example", "observer")


def test_role_shape_is_checked(world, invite):
    with pytest.raises(ValidationError):
        invite("alice", "x@capitol.example", "member_admin")  # a member role without a member
    with pytest.raises(ValidationError):
        invite("alice", "x@capitol.example", "consortium_staff", world.avon)  # a consortium role for a member
    with pytest.raises(ValidationError):
        invite("alice", "x@airdrie.example", "member_admin", world.airdrie)  # not a member of Capitol


def test_no_duplicate_pending_invitation_or_existing_role(world, invite):
    invite("alice", "dana@capitol.example", "consortium_staff")
    with pytest.raises(ValidationError, match="resend"):
        invite("alice", "DANA@capitol.example", "consortium_staff")
    with pytest.raises(ValidationError, match="already holds"):
        invite("alice", "sam@capitol.example", "consortium_staff")


# --- Accepting ----------------------------------------------------------------------------------


def test_new_person_accepts_sets_name_and_password_and_is_signed_in(world, invite):
    invitation, raw = invite("alice", "dana@capitol.example", "consortium_staff")
    client = Client()

    page = client.get(accept_url(raw))
    assert page.status_code == 200
    assert "Create your account" in page.content.decode()

    response = client.post(
        accept_url(raw), {"full_name": "Dana Newcomer", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("core:dashboard")

    dana = User.objects.get(email="dana@capitol.example")
    assert dana.full_name == "Dana Newcomer" and dana.check_password(NEW_PASSWORD)
    assert Membership.objects.filter(user=dana, consortium=world.capitol, role="consortium_staff").exists()
    assert EmailAddress.objects.filter(
        user=dana, email="dana@capitol.example", verified=True, primary=True
    ).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None and invitation.accepted_by == dana
    assert client.get(reverse("core:dashboard")).status_code == 200
    assert AuditEvent.objects.filter(action="accounts.invitation.accepted", actor=dana).exists()


def test_new_person_password_must_pass_the_validators(world, invite):
    _invitation, raw = invite("alice", "dana@capitol.example", "consortium_staff")
    response = Client().post(
        accept_url(raw), {"full_name": "Dana", "password1": "password", "password2": "password"}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "too common" in body or "too short" in body
    assert 'aria-describedby="id_password1_helptext id_password1_error"' in body
    assert not User.objects.filter(email="dana@capitol.example").exists()


def test_new_person_passwords_must_match(world, invite):
    _invitation, raw = invite("alice", "dana@capitol.example", "consortium_staff")
    response = Client().post(
        accept_url(raw), {"full_name": "Dana", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD + "x"}
    )
    assert response.status_code == 200
    assert not User.objects.filter(email="dana@capitol.example").exists()


def test_existing_person_signed_in_just_gains_the_role(world, invite, client_for):
    invitation, raw = invite("alice", "bob@avon.example", "observer")
    client = client_for("bob")
    assert "Accept the role" in client.get(accept_url(raw)).content.decode()
    response = client.post(accept_url(raw))
    assert response.status_code == 302
    assert set(Membership.objects.filter(user=world.bob).values_list("role", flat=True)) == {
        "member_staff",
        "observer",
    }
    world.bob.refresh_from_db()
    assert world.bob.check_password(PASSWORD)  # untouched
    invitation.refresh_from_db()
    assert invitation.accepted_by == world.bob


def test_existing_person_not_signed_in_is_asked_to_sign_in(world, invite):
    _invitation, raw = invite("alice", "bob@avon.example", "observer")
    response = Client().get(accept_url(raw))
    assert response.status_code == 200
    assert f"{reverse('account_login')}?next={accept_url(raw)}" in response.content.decode()
    # Posting a new password for an existing account is refused.
    response = Client().post(
        accept_url(raw), {"full_name": "X", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert response.status_code == 200
    assert not Membership.objects.filter(user=world.bob, role="observer").exists()


def test_someone_else_signed_in_cannot_accept(world, invite, client_for):
    _invitation, raw = invite("alice", "dana@capitol.example", "consortium_staff")
    client = client_for("carol")
    assert client.get(accept_url(raw)).status_code == 403
    assert client.post(accept_url(raw)).status_code == 403
    assert not Membership.objects.filter(user=world.carol, role="consortium_staff").exists()
    with pytest.raises(InvitationError):
        do_accept_invitation(_invitation, user=world.carol)


@pytest.mark.parametrize(
    ("change", "status", "text"),
    [
        ({"expires_at": timezone.now() - datetime.timedelta(minutes=1)}, 410, "expired"),
        ({"revoked_at": timezone.now()}, 410, "withdrawn"),
        ({"accepted_at": timezone.now()}, 410, "already been used"),
    ],
)
def test_unusable_links_give_a_clear_page(world, invite, change, status, text):
    invitation, raw = invite("alice", "dana@capitol.example", "consortium_staff")
    Invitation.objects.filter(pk=invitation.pk).update(**change)
    client = Client()
    for response in (
        client.get(accept_url(raw)),
        client.post(
            accept_url(raw), {"full_name": "D", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
        ),
    ):
        assert response.status_code == status
        assert text in response.content.decode()
    assert not User.objects.filter(email="dana@capitol.example").exists()


def test_unknown_link_is_404(world):
    response = Client().get(accept_url("not-a-real-token"))
    assert response.status_code == 404
    assert "not valid" in response.content.decode()


def test_a_link_works_once(world, invite):
    _invitation, raw = invite("alice", "dana@capitol.example", "consortium_staff")
    data = {"full_name": "Dana", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    assert Client().post(accept_url(raw), data).status_code == 302
    assert Client().post(accept_url(raw), data).status_code == 410


def test_invitation_lapses_when_the_inviter_loses_the_right_to_invite(world, invite):
    _invitation, raw = invite("ada", "clerk@avon.example", "member_staff", world.avon)
    Membership.objects.filter(user=world.ada, role="member_admin").delete()
    response = Client().get(accept_url(raw))
    assert response.status_code == 410
    assert "no longer valid" in response.content.decode()


# --- Resend and revoke --------------------------------------------------------------------------


def test_resend_replaces_the_link(world, invite, django_capture_on_commit_callbacks):
    invitation, old = invite("alice", "dana@capitol.example", "consortium_staff")
    with django_capture_on_commit_callbacks(execute=True):
        _inv, new = do_resend_invitation(invitation, acting_user=world.alice)
    assert new != old
    assert len(mail.outbox) == 2 and accept_url(new) in mail.outbox[1].body
    assert Client().get(accept_url(old)).status_code == 404
    assert Client().get(accept_url(new)).status_code == 200


def test_revoke_kills_the_link(world, invite):
    invitation, raw = invite("alice", "dana@capitol.example", "consortium_staff")
    do_revoke_invitation(invitation, acting_user=world.alice)
    assert Client().get(accept_url(raw)).status_code == 410
    assert AuditEvent.objects.filter(action="accounts.invitation.revoked").exists()


def test_only_its_managers_resend_or_revoke(world, invite):
    council_invite, _ = invite("alice", "board@capitol.example", "observer")
    avon_invite, _ = invite("ada", "clerk@avon.example", "member_staff", world.avon)
    for name in ("sam", "bob", "carol", "pat", "ada"):
        with pytest.raises(PermissionDenied):
            do_revoke_invitation(council_invite, acting_user=getattr(world, name))
    # Alice manages every invitation of her consortium; Ada those of Avon.
    do_resend_invitation(avon_invite, acting_user=world.alice)
    do_revoke_invitation(avon_invite, acting_user=world.ada)


# --- Pages --------------------------------------------------------------------------------------


def test_invitation_list_for_admins_only(world, invite, client_for):
    invite("alice", "board@capitol.example", "observer")
    invite("alice", "head@bolton.example", "member_admin", world.bolton)
    invite("ada", "clerk@avon.example", "member_staff", world.avon)

    alice_page = client_for("alice").get(reverse("accounts:invitations")).content.decode()
    assert all(
        e in alice_page for e in ("board@capitol.example", "head@bolton.example", "clerk@avon.example")
    )

    ada_page = client_for("ada").get(reverse("accounts:invitations")).content.decode()
    assert "clerk@avon.example" in ada_page
    assert "board@capitol.example" not in ada_page and "head@bolton.example" not in ada_page

    for name in ("sam", "bob", "carol", "olga", "vince"):
        assert client_for(name).get(reverse("accounts:invitations")).status_code == 403, name
    pat_page = client_for("pat").get(reverse("accounts:invitations")).content.decode()
    assert "@capitol.example" not in pat_page and "@avon.example" not in pat_page
    assert client_for(None).get(reverse("accounts:invitations")).status_code == 302


def test_invitation_list_query_count_does_not_grow(world, invite, client_for, django_assert_max_num_queries):
    client = client_for("alice")
    for i in range(3):
        invite("alice", f"p{i}@capitol.example", "observer")
    with django_assert_max_num_queries(20) as small:
        client.get(reverse("accounts:invitations"))
    for i in range(3, 30):
        invite("alice", f"p{i}@capitol.example", "observer")
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse("accounts:invitations"))
    assert 'aria-current="page"' in response.content.decode()  # 30 rows: a second page exists
    assert "p29@capitol.example" in response.content.decode()
    assert "p2@capitol.example" in client.get(reverse("accounts:invitations") + "?page=2").content.decode()


def test_invite_form(world, client_for, django_capture_on_commit_callbacks):
    client = client_for("alice")
    page = client.get(reverse("accounts:invitation_create")).content.decode()
    assert "Member admin" in page and "Member staff" not in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:invitation_create"),
            {"email": "head@bolton.example", "role": "member_admin", "member": world.bolton.pk},
        )
    assert response.status_code == 302
    assert Invitation.objects.get().member == world.bolton
    assert len(mail.outbox) == 1
    # A member role needs a member.
    response = client.post(
        reverse("accounts:invitation_create"), {"email": "x@avon.example", "role": "member_admin"}
    )
    assert response.status_code == 200 and Invitation.objects.count() == 1


def test_invite_form_of_a_member_admin_has_their_member_fixed(world, client_for):
    client = client_for("ada")
    page = client.get(reverse("accounts:invitation_create")).content.decode()
    assert "Member staff" in page and "Consortium staff" not in page
    assert 'name="member"' not in page
    response = client.post(
        reverse("accounts:invitation_create"), {"email": "clerk@avon.example", "role": "member_staff"}
    )
    assert response.status_code == 302
    assert Invitation.objects.get().member == world.avon
    assert client_for("bob").get(reverse("accounts:invitation_create")).status_code == 403


def test_resend_and_revoke_buttons(world, invite, client_for):
    council_invite, _ = invite("alice", "board@capitol.example", "observer")
    # Ada does not manage consortium-wide invitations: 404, as if it did not exist.
    assert (
        client_for("ada").post(reverse("accounts:invitation_revoke", args=[council_invite.pk])).status_code
        == 404
    )
    assert (
        client_for("pat").post(reverse("accounts:invitation_resend", args=[council_invite.pk])).status_code
        == 404
    )
    assert (
        client_for("alice").get(reverse("accounts:invitation_revoke", args=[council_invite.pk])).status_code
        == 405
    )
    client = client_for("alice")
    assert client.post(reverse("accounts:invitation_resend", args=[council_invite.pk])).status_code == 302
    assert client.post(reverse("accounts:invitation_revoke", args=[council_invite.pk])).status_code == 302
    council_invite.refresh_from_db()
    assert council_invite.revoked_at is not None
    # A revoked invitation cannot be resent.
    client.post(reverse("accounts:invitation_resend", args=[council_invite.pk]))
    assert "Only an open invitation" in client.get(reverse("accounts:invitations")).content.decode()


def test_email_link_matches_the_site_url(world, invite, settings):
    _invitation, raw = invite("alice", "dana@capitol.example", "consortium_staff")
    link = re.search(r"https?://\S+", mail.outbox[0].body).group(0)
    assert link == settings.SITE_URL + accept_url(raw)


def test_invited_admin_goes_from_the_link_to_authenticator_setup_without_a_second_password(
    world, invite, django_capture_on_commit_callbacks
):
    from urllib.parse import urlsplit

    from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY

    from tests.accounts.conftest import totp_code

    _invitation, raw = invite("alice", "nell@capitol.example", "consortium_admin")
    client = Client()
    response = client.post(
        accept_url(raw), {"full_name": "Nell Admin", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    response = client.get(response["Location"])
    assert urlsplit(response["Location"]).path == reverse("mfa_activate_totp")
    assert client.get(reverse("mfa_activate_totp")).status_code == 200  # no reauthentication step
    response = client.post(
        reverse("mfa_activate_totp"), {"code": totp_code(client.session[SECRET_SESSION_KEY])}
    )
    assert response.status_code == 302
    assert client.get(reverse("core:dashboard")).status_code == 200


def test_invitations_appear_in_the_navigation_of_admins_only(client_for):
    link = f'href="{reverse("accounts:invitations")}"'
    assert link in client_for("alice").get(reverse("core:dashboard")).content.decode()
    assert link in client_for("ada").get(reverse("core:dashboard")).content.decode()
    assert link not in client_for("bob").get(reverse("core:dashboard")).content.decode()
