"""Tenancy writes: role rules, permissions and their audit records."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from interlocal.audit.models import AuditEvent
from interlocal.tenancy.actions import do_add_member, do_grant_role, do_revoke_role, do_update_member
from interlocal.tenancy.models import ConsortiumMember, Member, Membership
from interlocal.tenancy.roles import Role


def test_grant_role_checks_its_shape(world):
    with pytest.raises(ValidationError, match="held for a member"):
        do_grant_role(world.carol, consortium=world.capitol, role=Role.MEMBER_STAFF, acting_user=world.alice)
    with pytest.raises(ValidationError, match="consortium as a whole"):
        do_grant_role(
            world.carol,
            consortium=world.capitol,
            member=world.avon,
            role=Role.CONSORTIUM_STAFF,
            acting_user=world.alice,
        )
    with pytest.raises(ValidationError, match="is not a member of"):
        do_grant_role(
            world.carol,
            consortium=world.capitol,
            member=world.airdrie,
            role=Role.MEMBER_STAFF,
            acting_user=world.alice,
        )
    with pytest.raises(ValidationError, match="Unknown role"):
        do_grant_role(world.carol, consortium=world.capitol, role="mayor", acting_user=world.alice)


def test_grant_role_is_idempotent_and_audited(world):
    before = AuditEvent.objects.filter(action="tenancy.role.granted").count()
    m1 = do_grant_role(
        world.carol,
        consortium=world.capitol,
        member=world.canton,
        role=Role.MEMBER_STAFF,
        acting_user=world.alice,
    )
    m2 = do_grant_role(
        world.carol,
        consortium=world.capitol,
        member=world.canton,
        role=Role.MEMBER_STAFF,
        acting_user=world.alice,
    )
    assert m1 == m2
    events = AuditEvent.objects.filter(action="tenancy.role.granted")
    assert events.count() == before + 1
    event = events.order_by("-seq").first()
    assert event.actor_id == world.alice.pk
    assert event.consortium_id == world.capitol.pk and event.member_id == world.canton.pk
    assert event.after["role"] == "member_staff"


def test_revoke_role_rules(world):
    bob_role = Membership.objects.get(user=world.bob)
    carol_role = Membership.objects.get(user=world.carol)
    with pytest.raises(PermissionDenied):
        do_revoke_role(carol_role, acting_user=world.ada)  # Avon's admin cannot touch Bolton's people
    do_revoke_role(bob_role, acting_user=world.ada)
    assert not Membership.objects.filter(pk=bob_role.pk).exists()
    event = AuditEvent.objects.filter(action="tenancy.role.revoked").get()
    assert event.before["user_id"] == world.bob.pk and event.after is None

    alice_role = Membership.objects.get(user=world.alice, role=Role.CONSORTIUM_ADMIN)
    with pytest.raises(ValidationError, match="at least one consortium admin"):
        do_revoke_role(alice_role, acting_user=world.alice)


def test_update_member_needs_permission_and_records_before_after(world):
    with pytest.raises(PermissionDenied):
        do_update_member(world.avon, acting_user=world.bob, population=1)
    with pytest.raises(PermissionDenied):
        do_update_member(world.avon, acting_user=world.carol, population=1)
    do_update_member(world.avon, acting_user=world.ada, population=19000, website="https://www.avonct.gov")
    world.avon.refresh_from_db()
    assert world.avon.population == 19000
    event = AuditEvent.objects.filter(action="tenancy.member.updated").get()
    assert event.before["population"] == 18900 and event.after["population"] == 19000
    assert event.member_id == world.avon.pk


def test_update_member_validates(world):
    with pytest.raises(ValidationError):
        do_update_member(world.avon, acting_user=world.alice, website="not a url")
    world.avon.refresh_from_db()
    assert world.avon.website == ""


def test_add_member_reuses_a_public_body_across_consortia(world):
    member = do_add_member(world.prairies, name="Avon", slug="avon-ct", acting_user=None)
    assert member == world.avon
    assert ConsortiumMember.objects.filter(member=world.avon).count() == 2
    assert Member.objects.filter(slug="avon-ct").count() == 1
