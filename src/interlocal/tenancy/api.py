"""API for consortia, members and memberships. Reads go through visible_to / get_*_for_user."""

# No `from __future__ import annotations`: django-ninja reads these annotations at run time.
import datetime as dt

from django.db.models import Q
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from pydantic import field_validator

from interlocal.core.api import (
    IdFilter,
    IdParam,
    InputSchema,
    LimitOffset,
    SafeStr,
    error_responses,
    optional,
    request_user,
)
from interlocal.tenancy.actions import do_update_member
from interlocal.tenancy.models import Consortium, Member, Membership
from interlocal.tenancy.queries import get_consortium_for_user, get_member_for_user

__all__ = ["router"]

router = Router(tags=["tenancy"])

# --- Schemas -------------------------------------------------------------------------------------


class ConsortiumRef(Schema):
    """A consortium, by id and name."""

    id: int = Field(..., description="The consortium's id.", examples=[1])
    name: str = Field(
        ..., description="The consortium's name.", examples=["Capitol Region IT Service Sharing"]
    )
    slug: str = Field(..., description="The consortium's short name.", examples=["capitol-region"])


class MemberRef(Schema):
    """A member, by id and name."""

    id: int = Field(..., description="The member's id.", examples=[3])
    name: str = Field(..., description="The member's name.", examples=["Avon"])
    slug: str = Field(..., description="The member's short name.", examples=["avon-ct"])


class ConsortiumOut(Schema):
    """A consortium: a body that shares services among its members."""

    id: int = Field(..., description="The consortium's id.", examples=[1])
    name: str = Field(
        ..., description="The consortium's name.", examples=["Capitol Region IT Service Sharing"]
    )
    slug: str = Field(..., description="The consortium's short name.", examples=["capitol-region"])
    kind: str = Field(..., description="What sort of body it is.", examples=["cog"])
    region: str = Field(..., description="State or province.", examples=["CT"])
    country: str = Field(..., description="ISO 3166-1 alpha-2 country code.", examples=["US"])
    description: str = Field(..., description="What the consortium does.", examples=[""])
    website: str = Field(..., description="The consortium's website.", examples=["https://crcog.example"])
    time_zone: str = Field(
        ...,
        description="The IANA time zone of the consortium's legal deadlines; every time in the API is UTC.",
        examples=["America/Edmonton"],
    )
    created_at: dt.datetime = Field(..., description="When it was created (UTC).")


class MemberOut(Schema):
    """A member's directory entry, shared with the other members of its consortia."""

    id: int = Field(..., description="The member's id.", examples=[3])
    name: str = Field(..., description="The member's name.", examples=["Avon"])
    slug: str = Field(..., description="The member's short name.", examples=["avon-ct"])
    kind: str = Field(..., description="What sort of public body it is.", examples=["town"])
    population: int | None = Field(..., description="Population, when known.", examples=[18900])
    census_code: str = Field(
        ..., description="A census or statistics code (FIPS, StatCan).", examples=["0900102060"]
    )
    website: str = Field(..., description="The member's website.", examples=["https://avon.example"])
    region: str = Field(..., description="State or province.", examples=["CT"])
    country: str = Field(..., description="ISO 3166-1 alpha-2 country code.", examples=["US"])


class MemberPatch(InputSchema):
    """Profile fields to change; fields left out stay as they are."""

    name: SafeStr | None = optional(
        min_length=1, max_length=200, description="The member's name.", examples=["Town of Avon"]
    )
    population: int | None = Field(
        None, ge=0, le=2_147_483_647, description="Population, or null when unknown.", examples=[18932]
    )
    census_code: SafeStr | None = optional(
        max_length=40, description="A census or statistics code.", examples=["0900102060"]
    )
    website: SafeStr | None = optional(
        max_length=200,
        description="Website address (http or https).",
        examples=["https://avon.example"],
    )
    region: SafeStr | None = optional(max_length=80, description="State or province.", examples=["CT"])

    @field_validator("name", "census_code", "website", "region")
    @classmethod
    def _not_null(cls, value: str | None) -> str:
        # Leaving a field out keeps it; null is not a value these columns can hold (blank is "").
        if value is None:
            raise ValueError("may not be null; leave the field out to keep it")
        return value


class PersonRef(Schema):
    """A person, as others in their consortium see them."""

    id: int = Field(..., description="The person's id.", examples=[7])
    email: str = Field(..., description="The person's e-mail address.", examples=["bob@avon.example"])
    full_name: str = Field(..., description="The person's name.", examples=["Bob Avon"])


class MembershipOut(Schema):
    """A person's role in a consortium, as a whole or for one of its members."""

    id: int = Field(..., description="The membership's id.", examples=[12])
    user: PersonRef = Field(..., description="Who holds the role.")
    consortium: ConsortiumRef = Field(..., description="The consortium the role is in.")
    member: MemberRef | None = Field(
        ..., description="The member the role is for; null for consortium-wide roles."
    )
    role: str = Field(..., description="The role.", examples=["member_staff"])
    created_at: dt.datetime = Field(..., description="When the role was granted (UTC).")


class MemberFilter(Schema):
    """Filters for the member directory."""

    consortium: IdFilter | None = optional(description="Only members of this consortium (id).")
    q: SafeStr | None = optional(
        max_length=100, description="Only members whose name contains this text.", examples=["av"]
    )


class MembershipFilter(Schema):
    """Filters for the list of roles."""

    consortium: IdFilter | None = optional(description="Only roles in this consortium (id).")
    member: IdFilter | None = optional(description="Only roles held for this member (id).")


# --- Operations ----------------------------------------------------------------------------------


@router.get(
    "/consortia",
    response={200: list[ConsortiumOut], **error_responses(401, 422)},
    operation_id="consortia_list",
    summary="List the consortia I belong to",
)
@paginate(LimitOffset)
def consortia_list(request: HttpRequest) -> object:
    """Consortia in which you hold any role."""
    return Consortium.objects.visible_to(request_user(request)).order_by("name", "pk")


@router.get(
    "/consortia/{consortium_id}",
    response={200: ConsortiumOut, **error_responses(401, 404, 422)},
    operation_id="consortia_get",
    summary="Get a consortium",
)
def consortia_get(request: HttpRequest, consortium_id: IdParam) -> Consortium:
    """One consortium in which you hold a role; 404 for any other."""
    return get_consortium_for_user(request_user(request), consortium_id)


@router.get(
    "/members",
    response={200: list[MemberOut], **error_responses(401, 422)},
    operation_id="members_list",
    summary="List members (the directory)",
)
@paginate(LimitOffset)
def members_list(request: HttpRequest, filters: Query[MemberFilter]) -> object:
    """Members of the consortia you belong to (vendors see none)."""
    qs = Member.objects.visible_to(request_user(request))
    if filters.consortium is not None:
        qs = qs.filter(participations__consortium_id=filters.consortium, participations__is_active=True)
    if filters.q:
        qs = qs.filter(name__icontains=filters.q)
    return qs.order_by("name", "pk")


@router.get(
    "/members/{member_id}",
    response={200: MemberOut, **error_responses(401, 404, 422)},
    operation_id="members_get",
    summary="Get a member",
)
def members_get(request: HttpRequest, member_id: IdParam) -> Member:
    """One member of your consortia; 404 for any other."""
    return get_member_for_user(request_user(request), member_id)


@router.patch(
    "/members/{member_id}",
    response={200: MemberOut, **error_responses(400, 401, 403, 404, 413, 422)},
    operation_id="members_update",
    summary="Change a member's profile",
)
def members_update(request: HttpRequest, member_id: IdParam, payload: MemberPatch) -> Member:
    """Change a member's profile. Its member admins and its consortia's admins and staff may;
    others who can see the member get 403, everybody else 404."""
    member = get_member_for_user(request_user(request), member_id)
    changes = payload.model_dump(exclude_unset=True)
    if not changes:
        return member
    return do_update_member(member, acting_user=request_user(request), **changes)


@router.get(
    "/memberships",
    response={200: list[MembershipOut], **error_responses(401, 422)},
    operation_id="memberships_list",
    summary="List roles: who does what",
)
@paginate(LimitOffset)
def memberships_list(request: HttpRequest, filters: Query[MembershipFilter]) -> object:
    """Your own roles, your member's people and your consortia's council staff (all roles for the council)."""
    # Each row shows the person, consortium and member: select_related avoids three queries per row.
    qs = Membership.objects.visible_to(request_user(request)).select_related("user", "consortium", "member")
    conditions = Q()
    if filters.consortium is not None:
        conditions &= Q(consortium_id=filters.consortium)
    if filters.member is not None:
        conditions &= Q(member_id=filters.member)
    return qs.filter(conditions).order_by("consortium__name", "member__name", "role", "pk")
