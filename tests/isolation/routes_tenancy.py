"""Tenancy pages: the consortium overview, the member directory and profiles, people and roles,
and the "acting for" switch.

Who may reach what (tenancy.queries):
- the directory and member profiles: every non-vendor role in the member's consortium;
- a member's profile edit: that member's admins and the consortium's council (admin, staff);
- people and roles: the council sees everyone; a member's admins, staff and observers see their
  member's people; everybody (but vendors) sees the council's contacts;
- revoking a role: consortium admins, and member admins for their own member's roles;
- the consortium's settings (its time zone): its consortium admins.
"""

from __future__ import annotations

from typing import Any

from interlocal.accounts.models import User
from interlocal.tenancy.models import Consortium, ConsortiumMember, Member, Membership
from tests.isolation.registry import CAPITOL, CAPITOL_NON_VENDOR, COUNCIL, SCOPED, SCOPED_LIST, Route, Target

AVON_MARKER = "ISO-MARKER-AVON-TENANCY"


def capitol_description(world: Any) -> Target:
    """Capitol Region's overview page; outsiders must not read its description."""
    Consortium.objects.filter(pk=world.capitol.pk).update(description="ISO-MARKER-CAPITOL-ABOUT")
    return Target(objects=[world.capitol], marker="ISO-MARKER-CAPITOL-ABOUT")


def avon(world: Any) -> Target:
    """Member A (Avon), with a census code only its consortium's people should see."""
    Member.objects.filter(pk=world.avon.pk).update(census_code=AVON_MARKER)
    return Target(kwargs={"pk": world.avon.pk}, objects=[world.avon], marker=AVON_MARKER)


def new_capitol_member(world: Any) -> Target:
    member = Member.objects.create(
        name="Zyqville ISO-MARKER-TENANCY-M1", slug="zyqville-tenancy-ct", region="CT"
    )
    ConsortiumMember.objects.create(consortium=world.capitol, member=member)
    return Target(objects=[member], marker="ISO-MARKER-TENANCY-M1")


def _avon_staff_role() -> Membership:
    person = User.objects.create_user(email="iso-marker-tenancy@avon.example", full_name="Iso Tenancy")
    return Membership.objects.create(
        user=person,
        consortium=Consortium.objects.get(slug="capitol-region"),
        member=Member.objects.get(slug="avon-ct"),
        role="member_staff",
    )


def avon_staff_in_list(world: Any) -> Target:
    role = _avon_staff_role()
    return Target(objects=[role], marker="iso-marker-tenancy@avon.example")


def avon_staff_role(world: Any) -> Target:
    role = _avon_staff_role()
    return Target(kwargs={"pk": role.pk}, objects=[role], marker="iso-marker-tenancy@avon.example")


class _CapitolId:
    """The form value for "act for Capitol Region", looked up when the test client encodes it."""

    def __str__(self) -> str:
        return str(Consortium.objects.get(slug="capitol-region").pk)


def capitol_context(world: Any) -> Target:
    return Target(objects=[world.capitol])


ROUTES = [
    Route("tenancy:consortium", SCOPED_LIST, allowed=CAPITOL_NON_VENDOR, build=capitol_description),
    Route(
        "tenancy:consortium_settings",
        SCOPED,
        allowed=frozenset({"alice", "pat"}),  # each consortium's admins their own (the one acted for)
        build=capitol_context,
        methods=("GET", "POST"),
        payload={"time_zone": "Pacific/Honolulu"},
        note="the consortium acted for; staff, members and observers get 403, vendors too",
    ),
    Route("tenancy:members", SCOPED_LIST, allowed=CAPITOL_NON_VENDOR, build=new_capitol_member),
    Route("tenancy:member_detail", SCOPED, allowed=CAPITOL_NON_VENDOR, build=avon),
    Route(
        "tenancy:member_edit",
        SCOPED,
        allowed=COUNCIL | {"ada"},
        build=avon,
        methods=("GET", "POST"),
        payload={"name": "Renamed by an outsider", "kind": "town"},
    ),
    Route("tenancy:people", SCOPED_LIST, allowed=COUNCIL | {"ada", "bob"}, build=avon_staff_in_list),
    Route(
        "tenancy:revoke_role",
        SCOPED,
        allowed=frozenset({"alice", "ada"}),
        build=avon_staff_role,
        methods=("GET", "POST"),
        payload={},
        note="GET is the confirmation page; POST revokes",
    ),
    Route(
        "tenancy:switch",
        SCOPED,
        allowed=CAPITOL,
        build=capitol_context,
        methods=("POST",),
        payload={"acting_for": _CapitolId()},  # type: ignore[dict-item]
        note="POST only; switching into a consortium where one holds no role is a 404",
    ),
]
