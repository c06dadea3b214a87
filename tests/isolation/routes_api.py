"""Every operation of the API (/api/v1), keyed "METHOD /path" as in docs/openapi.json."""

from __future__ import annotations

from interlocal import audit
from interlocal.accounts.models import ApiToken, User, hash_token
from interlocal.tenancy.models import ConsortiumMember, Member, Membership
from tests.isolation.registry import (
    CAPITOL,
    CAPITOL_NON_VENDOR,
    COUNCIL,
    SCOPED,
    SCOPED_LIST,
    SIGNED_IN,
    Route,
    Target,
)

AVON_MARKER = "ISO-MARKER-AVON-7Q3"


def capitol(world) -> Target:
    """Consortium A itself; its name is what outsiders must not learn."""
    return Target(
        kwargs={"consortium_id": world.capitol.pk}, objects=[world.capitol], marker=world.capitol.name
    )


def avon(world) -> Target:
    """Member A (Avon), with a distinctive census code shown on its profile."""
    Member.objects.filter(pk=world.avon.pk).update(census_code=AVON_MARKER)
    return Target(kwargs={"member_id": world.avon.pk}, objects=[world.avon], marker=AVON_MARKER)


def new_member_in_capitol(world) -> Target:
    """A member only Capitol Region's people should find in the directory."""
    member = Member.objects.create(name="Zyqville ISO-MARKER-M1", slug="zyqville-ct", region="CT")
    ConsortiumMember.objects.create(consortium=world.capitol, member=member)
    return Target(objects=[member], marker="ISO-MARKER-M1")


def new_person_at_avon(world) -> Target:
    """A staff member of Avon: Avon's people and the council see them, Bolton's people do not."""
    person = User.objects.create_user(email="iso-marker-person@avon.example", full_name="Iso Marker")
    role = Membership.objects.create(
        user=person, consortium=world.capitol, member=world.avon, role="member_staff"
    )
    return Target(objects=[role], marker="iso-marker-person@avon.example")


def capitol_audit_event(world) -> Target:
    """An audit event of Capitol Region: only its consortium admins read the trail."""
    event = audit.record(
        world.sam,
        "isolation.probe",
        world.avon,
        consortium_id=world.capitol.pk,
        object_repr="ISO-MARKER-AUDIT-5",
    )
    return Target(objects=[event], marker="ISO-MARKER-AUDIT-5")


def bobs_token(world) -> Target:
    """A token of bob's: tokens are personal, nobody else lists them."""
    token = ApiToken.objects.create(
        user=world.bob,
        name="ISO-MARKER-TOKEN-9",
        key_prefix="il_isomark",
        key_hash=hash_token("il_isomarker"),
    )
    return Target(objects=[token], marker="ISO-MARKER-TOKEN-9")


ROUTES = [
    Route("GET /api/v1/me", SIGNED_IN, note="your own person and roles"),
    Route("GET /api/v1/tokens", SCOPED_LIST, allowed=frozenset({"bob"}), build=bobs_token),
    Route("GET /api/v1/consortia", SCOPED_LIST, allowed=CAPITOL, build=capitol),
    Route("GET /api/v1/consortia/{consortium_id}", SCOPED, allowed=CAPITOL, build=capitol),
    Route("GET /api/v1/members", SCOPED_LIST, allowed=CAPITOL_NON_VENDOR, build=new_member_in_capitol),
    Route("GET /api/v1/members/{member_id}", SCOPED, allowed=CAPITOL_NON_VENDOR, build=avon),
    Route(
        "PATCH /api/v1/members/{member_id}",
        SCOPED,
        allowed=COUNCIL | {"ada"},
        build=avon,
        methods=("PATCH",),
        payload={"name": "Renamed by an outsider", "population": 1},
        note="visible but not writable (bob, carol, olga) is 403; not visible (vince, pat) is 404",
    ),
    Route(
        "GET /api/v1/memberships",
        SCOPED_LIST,
        allowed=COUNCIL | {"ada", "bob"},
        build=new_person_at_avon,
    ),
    Route("GET /api/v1/audit/events", SCOPED_LIST, allowed=frozenset({"alice"}), build=capitol_audit_event),
]
