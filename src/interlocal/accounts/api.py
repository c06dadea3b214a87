"""API for the signed-in person: who am I, and my own API tokens (never their secrets)."""

# No `from __future__ import annotations`: django-ninja reads these annotations at run time.
import datetime as dt

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from interlocal.accounts.models import ApiToken
from interlocal.core.api import LimitOffset, error_responses, request_user
from interlocal.tenancy.api import ConsortiumRef, MemberRef
from interlocal.tenancy.models import Membership

__all__ = ["router"]

router = Router(tags=["accounts"])


class MyMembershipOut(Schema):
    """One of my roles."""

    id: int = Field(..., description="The membership's id.", examples=[12])
    consortium: ConsortiumRef = Field(..., description="The consortium the role is in.")
    member: MemberRef | None = Field(
        ..., description="The member the role is for; null for consortium-wide roles."
    )
    role: str = Field(..., description="The role.", examples=["member_admin"])


class MeOut(Schema):
    """The person the request is authenticated as."""

    id: int = Field(..., description="My id.", examples=[7])
    email: str = Field(..., description="My e-mail address.", examples=["bob@avon.example"])
    full_name: str = Field(..., description="My name.", examples=["Bob Avon"])
    job_title: str = Field(..., description="My job title.", examples=["IT coordinator"])
    memberships: list[MyMembershipOut] = Field(..., description="My roles in active consortia.")


class TokenOut(Schema):
    """One of my API tokens. The secret is shown once, at creation, and never again."""

    id: int = Field(..., description="The token's id.", examples=[4])
    name: str = Field(..., description="What the token is for.", examples=["Nightly export"])
    key_prefix: str = Field(
        ..., description="The first characters of the secret, to recognise it.", examples=["il_Ab3dE"]
    )
    created_at: dt.datetime = Field(..., description="When it was created (UTC).")
    expires_at: dt.datetime | None = Field(..., description="When it stops working; null for never.")
    last_used_at: dt.datetime | None = Field(..., description="When it was last used (to the minute).")
    revoked_at: dt.datetime | None = Field(..., description="When it was revoked; null while not revoked.")
    is_active: bool = Field(..., description="Whether it can be used now.")


@router.get(
    "/me",
    response={200: MeOut, **error_responses(401)},
    operation_id="me_get",
    summary="Who am I",
)
def me_get(request: HttpRequest) -> dict[str, object]:
    """The authenticated person and their roles."""
    user = request_user(request)
    memberships = (
        Membership.objects.filter(user=user, consortium__is_active=True)
        .select_related("consortium", "member")  # each role names both
        .order_by("consortium__name", "member__name", "role", "pk")
    )
    return {
        "id": user.pk,
        "email": user.email,
        "full_name": user.full_name,
        "job_title": user.job_title,
        "memberships": list(memberships),
    }


@router.get(
    "/tokens",
    response={200: list[TokenOut], **error_responses(401, 422)},
    operation_id="tokens_list",
    summary="List my API tokens",
)
@paginate(LimitOffset)
def tokens_list(request: HttpRequest) -> object:
    """Your own API tokens, newest first, without secrets or hashes."""
    return ApiToken.objects.owned_by(request_user(request)).order_by("-created_at", "-pk")
