"""Account pages at /account/: profile, sessions, API tokens, invitations and the invitation link.

Tokens and sessions are personal: only their owner (bob here) reaches them. Invitations are
managed by the admins who could have sent them: Capitol's consortium admin (alice) and, for
Avon's roles, Avon's member admin (ada).
"""

from __future__ import annotations

from typing import Any

from interlocal.accounts.actions import do_create_api_token, do_invite
from interlocal.accounts.models import User, UserSession
from interlocal.tenancy.models import Membership
from tests.isolation.registry import PUBLIC, SCOPED, SCOPED_LIST, SIGNED_IN, Route, Target


def bobs_token(world: Any) -> Target:
    token, _secret = do_create_api_token(world.bob, "ISO-MARKER-TOKEN-BOB")
    return Target(kwargs={"pk": token.pk}, objects=[token], marker="ISO-MARKER-TOKEN-BOB")


def bobs_token_list(world: Any) -> Target:
    target = bobs_token(world)
    return Target(objects=target.objects, marker=target.marker)


def bobs_session(world: Any) -> Target:
    session = UserSession.objects.create(
        user=world.bob, session_key="isomarkerbobsession0000000000001", user_agent="ISO-MARKER-SESSION-BOB"
    )
    return Target(kwargs={"pk": session.pk}, objects=[session], marker="ISO-MARKER-SESSION-BOB")


def avon_invitation(world: Any) -> Target:
    invitation, _raw = do_invite(
        email="iso-marker-invitee@avon.example",
        consortium=world.capitol,
        member=world.avon,
        role="member_staff",
        acting_user=world.ada,
    )
    return Target(
        kwargs={"pk": invitation.pk}, objects=[invitation], marker="iso-marker-invitee@avon.example"
    )


def avon_invitation_list(world: Any) -> Target:
    target = avon_invitation(world)
    return Target(objects=target.objects, marker=target.marker)


def invitation_link(world: Any) -> Target:
    _invitation, raw = do_invite(
        email="iso-newcomer@capitol.example",
        consortium=world.capitol,
        role="observer",
        acting_user=world.alice,
    )
    return Target(kwargs={"token": raw})


def avon_clerk(world: Any) -> Target:
    # A person of her own: the named people's rows change when they sign in (last_login).
    clerk = User.objects.create_user(email="iso-clerk@avon.example", full_name="ISO Clerk")
    Membership.objects.create(user=clerk, consortium=world.capitol, member=world.avon, role="member_staff")
    return Target(kwargs={"pk": clerk.pk}, objects=[clerk])


def nothing(world: Any) -> Target:
    return Target()


INVITERS = frozenset({"alice", "ada"})

ROUTES = [
    Route("accounts:profile", SIGNED_IN, methods=("GET", "POST"), note="one's own profile"),
    Route("accounts:sessions", SIGNED_IN, note="one's own sessions"),
    Route(
        "accounts:session_end",
        SCOPED,
        allowed=frozenset({"bob"}),
        build=bobs_session,
        methods=("POST",),
    ),
    Route("accounts:tokens", SCOPED_LIST, allowed=frozenset({"bob"}), build=bobs_token_list),
    Route("accounts:token_create", SIGNED_IN, methods=("GET", "POST"), note="creates a token for oneself"),
    Route(
        "accounts:token_revoke",
        SCOPED,
        allowed=frozenset({"bob"}),
        build=bobs_token,
        methods=("POST",),
    ),
    Route(
        "accounts:person_disable",
        SCOPED,
        allowed=frozenset({"alice"}),
        build=avon_clerk,
        methods=("POST",),
        note="only a consortium admin of every consortium the person has a role in",
    ),
    Route(
        "accounts:person_enable", SCOPED, allowed=frozenset({"alice"}), build=avon_clerk, methods=("POST",)
    ),
    Route("accounts:invitations", SCOPED_LIST, allowed=INVITERS, build=avon_invitation_list),
    Route(
        "accounts:invitation_create",
        SCOPED,
        # Admins invite into their own consortium or member; pat does so for MISA Prairies.
        allowed=INVITERS | {"pat"},
        build=nothing,
        methods=("GET", "POST"),
        payload={"email": "iso-outsider@example.org", "role": "observer"},
        note="everybody but consortium and member admins gets 403",
    ),
    Route(
        "accounts:invitation_resend",
        SCOPED,
        allowed=INVITERS,
        build=avon_invitation,
        methods=("POST",),
    ),
    Route(
        "accounts:invitation_revoke",
        SCOPED,
        allowed=INVITERS,
        build=avon_invitation,
        methods=("POST",),
    ),
    Route(
        "accounts:accept_invitation",
        PUBLIC,
        build=invitation_link,
        methods=("GET", "POST"),
        note="the e-mailed link: anyone holding the token may open it; accepting needs the invited person",
    ),
]
