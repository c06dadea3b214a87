"""Write paths for accounts: invitations, disabling people, API tokens, profile and sessions.

Each do_* function checks who may act, runs in one transaction and records an audit event.
"""

from __future__ import annotations

import datetime
import secrets
from importlib import import_module
from typing import TYPE_CHECKING, Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from interlocal import audit
from interlocal.accounts.models import ApiToken, Invitation, User, UserSession, hash_token, invitation_expiry
from interlocal.accounts.queries import invitable_roles, manageable_people
from interlocal.core.links import absolute_url
from interlocal.tenancy.actions import _check_role_shape, do_grant_role
from interlocal.tenancy.models import Membership

if TYPE_CHECKING:
    from interlocal.tenancy.models import Consortium, Member

__all__ = [
    "InvitationError",
    "do_accept_invitation",
    "do_create_api_token",
    "do_disable_user",
    "do_enable_user",
    "do_end_session",
    "do_invite",
    "do_resend_invitation",
    "do_revoke_api_token",
    "do_revoke_credentials",
    "do_revoke_invitation",
    "do_update_profile",
    "may_manage_person",
]

INVITATION_MAIL_TEMPLATE = "accounts/email/invitation"


class InvitationError(ValidationError):
    """An invitation link that cannot be used; `code` says why (unknown, expired, revoked, used...)."""


def _new_token() -> tuple[str, str]:
    raw = secrets.token_urlsafe(32)
    return raw, hash_token(raw)


def _send_invitation(invitation: Invitation, raw_token: str) -> None:
    from interlocal.core.mail import queue_templated_mail

    context = {
        "invitation": invitation,
        "url": absolute_url(reverse("accounts:accept_invitation", args=[raw_token])),
        "inviter": invitation.invited_by.display_name if invitation.invited_by else "",
        "consortium": invitation.consortium.name,
        "member": invitation.member.name if invitation.member else "",
        "role": invitation.get_role_display(),
        "expires_at": invitation.expires_at,
    }
    # After commit: a rolled-back invitation must not leave a working link in someone's inbox.
    transaction.on_commit(lambda: queue_templated_mail([invitation.email], INVITATION_MAIL_TEMPLATE, context))


@transaction.atomic
def do_invite(
    *,
    email: str,
    consortium: Consortium,
    role: str,
    member: Member | None = None,
    acting_user: User,
) -> tuple[Invitation, str]:
    """Invite `email` to hold `role`; e-mails a link and returns the invitation and its raw token."""
    email = User.objects.normalize_email(email).strip().lower()
    if role not in invitable_roles(acting_user, consortium, member):
        raise PermissionDenied(_("You may not offer this role."))
    _check_role_shape(consortium, member, role)
    if Membership.objects.filter(
        user__email__iexact=email, consortium=consortium, member=member, role=role
    ).exists():
        raise ValidationError(_("%(email)s already holds this role.") % {"email": email})
    if (
        Invitation.objects.pending()
        .filter(email__iexact=email, consortium=consortium, member=member, role=role)
        .exists()
    ):
        raise ValidationError(
            _("%(email)s already has a pending invitation for this role; resend it instead.")
            % {"email": email}
        )
    raw, token_hash = _new_token()
    invitation = Invitation(
        email=email,
        consortium=consortium,
        member=member,
        role=role,
        invited_by=acting_user,
        token_hash=token_hash,
    )
    invitation.full_clean()
    invitation.save()
    audit.record(acting_user, "accounts.invitation.sent", invitation, after=audit.snapshot(invitation))
    _send_invitation(invitation, raw)
    return invitation, raw


@transaction.atomic
def do_invite_by_operator(
    *, email: str, consortium: Consortium, role: str, member: Member | None = None
) -> tuple[Invitation, str]:
    """Invite someone as the installation's operator (e.g. a consortium's first admin)."""
    email = User.objects.normalize_email(email).strip().lower()
    _check_role_shape(consortium, member, role)
    raw, token_hash = _new_token()
    invitation = Invitation(
        email=email, consortium=consortium, member=member, role=role, by_operator=True, token_hash=token_hash
    )
    invitation.full_clean()
    invitation.save()
    audit.record(
        None,
        "accounts.invitation.sent",
        invitation,
        actor_label="operator (command line)",
        after=audit.snapshot(invitation),
    )
    _send_invitation(invitation, raw)
    return invitation, raw


def _check_manages(invitation: Invitation, acting_user: User) -> None:
    if not Invitation.objects.writable_by(acting_user).filter(pk=invitation.pk).exists():
        raise PermissionDenied(_("You may not manage this invitation."))


@transaction.atomic
def do_resend_invitation(invitation: Invitation, *, acting_user: User) -> tuple[Invitation, str]:
    """Send a fresh link (the old one stops working) and restart the expiry period."""
    _check_manages(invitation, acting_user)
    if invitation.accepted_at is not None or invitation.revoked_at is not None:
        raise ValidationError(_("Only an open invitation can be sent again."))
    raw, invitation.token_hash = _new_token()
    invitation.expires_at = invitation_expiry()
    invitation.save(update_fields=["token_hash", "expires_at"])
    audit.record(
        acting_user, "accounts.invitation.resent", invitation, after={"expires_at": invitation.expires_at}
    )
    _send_invitation(invitation, raw)
    return invitation, raw


@transaction.atomic
def do_revoke_invitation(invitation: Invitation, *, acting_user: User) -> Invitation:
    """Withdraw an invitation that has not been accepted; its link stops working."""
    _check_manages(invitation, acting_user)
    if invitation.accepted_at is not None:
        raise ValidationError(_("This invitation was already accepted; remove the role instead."))
    if invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        audit.record(acting_user, "accounts.invitation.revoked", invitation)
    return invitation


def check_invitation_usable(invitation: Invitation | None) -> Invitation:
    """The invitation if its link can still be used; else InvitationError saying why."""
    if invitation is None:
        raise InvitationError(
            _("This invitation link is not valid. Check that you copied all of it."), code="unknown"
        )
    if invitation.accepted_at is not None:
        raise InvitationError(_("This invitation has already been used."), code="used")
    if invitation.revoked_at is not None:
        raise InvitationError(_("This invitation was withdrawn by the person who sent it."), code="revoked")
    if invitation.expires_at <= timezone.now():
        raise InvitationError(
            _("This invitation has expired. Ask %(inviter)s to send you a new one.")
            % {
                "inviter": invitation.invited_by.display_name
                if invitation.invited_by
                else _("your administrator")
            },
            code="expired",
        )
    inviter = invitation.invited_by
    if not invitation.by_operator and (
        inviter is None
        or not inviter.is_active
        or invitation.role not in invitable_roles(inviter, invitation.consortium, invitation.member)
    ):
        # The person who sent it may no longer grant this role; the offer lapses with their rights.
        raise InvitationError(
            _("This invitation is no longer valid. Ask an administrator to invite you again."), code="lapsed"
        )
    return invitation


@transaction.atomic
def do_accept_invitation(
    invitation: Invitation,
    *,
    user: User | None = None,
    full_name: str = "",
    password: str = "",
) -> tuple[User, Membership]:
    """Take up an invitation: as the signed-in person it was sent to, or as a new person with a password."""
    # Lock the row so that two clicks on the link cannot both use it.
    invitation = (
        # of=("self",): PostgreSQL cannot lock the nullable side of the outer joins.
        Invitation.objects.select_for_update(of=("self",))
        .select_related("consortium", "member", "invited_by")
        .get(pk=invitation.pk)
    )
    check_invitation_usable(invitation)
    if user is not None:
        if user.email.lower() != invitation.email.lower():
            raise InvitationError(
                _("This invitation was sent to %(email)s. Sign out and open the link again as that person.")
                % {"email": invitation.email},
                code="wrong_person",
            )
    else:
        if User.objects.filter(email__iexact=invitation.email).exists():
            raise InvitationError(
                _("An account with this e-mail address already exists. Sign in to accept the invitation."),
                code="sign_in",
            )
        full_name = full_name.strip()
        if not full_name:
            raise ValidationError({"full_name": _("Enter your full name.")})
        user = User(email=invitation.email, full_name=full_name)
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise ValidationError({"password1": exc.messages}) from None
        user.set_password(password)
        user.save()
        audit.record(user, "accounts.user.created", user, object_repr=user.email, after=audit.snapshot(user))
    # The invitation proved the address: allauth (password reset, SSO e-mail matching) may rely on it.
    EmailAddress.objects.update_or_create(
        user=user, email__iexact=user.email, defaults={"email": user.email, "verified": True, "primary": True}
    )
    membership = do_grant_role(
        user,
        consortium=invitation.consortium,
        member=invitation.member,
        role=invitation.role,
        acting_user=invitation.invited_by,
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    audit.record(user, "accounts.invitation.accepted", invitation)
    return user, membership


def may_manage_person(acting_user: User, person: User) -> bool:
    """A consortium admin manages people whose roles all lie in consortia they administer."""
    if not acting_user.is_authenticated or not acting_user.is_active:
        return False
    return manageable_people(acting_user).filter(pk=person.pk).exists()


def _end_all_sessions(person: User, *, keep: str | None = None) -> int:
    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    rows = UserSession.objects.filter(user=person)
    if keep:
        rows = rows.exclude(session_key=keep)
    keys = list(rows.values_list("session_key", flat=True))
    for key in keys:
        store_class(session_key=key).delete()
    rows.delete()
    return len(keys)


@transaction.atomic
def do_disable_user(person: User, *, acting_user: User) -> User:
    """Stop a person signing in: ends all their sessions and revokes their API tokens."""
    if not may_manage_person(acting_user, person):
        raise PermissionDenied(_("You may not disable this person."))
    before = audit.snapshot(person, ["is_active"])
    person.is_active = False
    person.save(update_fields=["is_active"])
    sessions = _end_all_sessions(person)
    tokens = ApiToken.objects.filter(user=person, revoked_at__isnull=True).update(revoked_at=timezone.now())
    audit.record(
        acting_user,
        "accounts.user.disabled",
        person,
        object_repr=person.email,
        before=before,
        after={"is_active": False, "sessions_ended": sessions, "tokens_revoked": tokens},
    )
    return person


@transaction.atomic
def do_enable_user(person: User, *, acting_user: User) -> User:
    """Let a disabled person sign in again (their old API tokens stay revoked)."""
    if not may_manage_person(acting_user, person):
        raise PermissionDenied(_("You may not enable this person."))
    if not person.is_active:
        person.is_active = True
        person.save(update_fields=["is_active"])
        audit.record(
            acting_user,
            "accounts.user.enabled",
            person,
            object_repr=person.email,
            before={"is_active": False},
            after={"is_active": True},
        )
    return person


@transaction.atomic
def do_update_profile(user: User, *, acting_user: User, **changes: Any) -> User:
    """Change a person's own name, job title, phone or time zone."""
    allowed = {"full_name", "job_title", "phone", "time_zone"}
    if acting_user.pk != user.pk:
        raise PermissionDenied(_("You may only change your own profile."))
    unknown = set(changes) - allowed
    if unknown:
        raise ValueError(f"not profile fields: {sorted(unknown)}")
    before = audit.snapshot(user, sorted(allowed))
    for field, value in changes.items():
        setattr(user, field, value.strip())
    user.full_clean(exclude=["password"])
    user.save(update_fields=sorted(changes))
    audit.record(
        acting_user,
        "accounts.profile.updated",
        user,
        object_repr=user.email,
        before=before,
        after=audit.snapshot(user, sorted(allowed)),
    )
    return user


@transaction.atomic
def do_create_api_token(
    user: User, name: str, expires_at: datetime.datetime | None = None
) -> tuple[ApiToken, str]:
    """Create a personal API token; returns it with the secret, which is never shown again."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the token a name, e.g. what will use it.")})
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError({"expires_at": _("The expiry date must be in the future.")})
    raw = ApiToken.generate()
    token = ApiToken(
        user=user, name=name, key_prefix=raw[:12], key_hash=hash_token(raw), expires_at=expires_at
    )
    token.full_clean()
    token.save()
    audit.record(user, "accounts.api_token.created", token, after=audit.snapshot(token))
    return token, raw


@transaction.atomic
def do_revoke_api_token(token: ApiToken, *, acting_user: User) -> ApiToken:
    """Revoke one of the person's own API tokens; it stops working at once."""
    if token.user_id != acting_user.pk:
        raise PermissionDenied(_("You may only revoke your own tokens."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(acting_user, "accounts.api_token.revoked", token)
    return token


CREDENTIAL_REVOCATION_REASONS = frozenset({"password_reset", "password_change"})


@transaction.atomic
def do_revoke_credentials(
    person: User, *, reason: str, keep_session_key: str | None = None
) -> dict[str, int]:
    """End all of a person's sessions (but `keep_session_key`) and revoke all their API tokens.

    Called for the person themselves after a password reset (always: whoever held the old password
    may hold a session or a token too) and after a password change when they ask for it.
    """
    if reason not in CREDENTIAL_REVOCATION_REASONS:
        raise ValueError(f"unknown reason: {reason}")
    sessions = _end_all_sessions(person, keep=keep_session_key)
    tokens = ApiToken.objects.filter(user=person, revoked_at__isnull=True).update(revoked_at=timezone.now())
    audit.record(
        person,
        "accounts.credentials.revoked",
        person,
        object_repr=person.email,
        after={"reason": reason, "sessions_ended": sessions, "tokens_revoked": tokens},
    )
    return {"sessions_ended": sessions, "tokens_revoked": tokens}


@transaction.atomic
def do_end_session(session: UserSession, *, acting_user: User) -> None:
    """Sign out one of the person's own sessions (e.g. a browser left open elsewhere)."""
    if session.user_id != acting_user.pk:
        raise PermissionDenied(_("You may only end your own sessions."))
    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    store_class(session_key=session.session_key).delete()
    audit.record(acting_user, "auth.session.ended", session, object_repr=session.session_key[:6])
    session.delete()
