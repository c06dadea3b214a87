"""The one scoping mechanism: visible_to / writable_by / get_for_user on the platform models."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from interlocal.audit.models import AuditEvent
from interlocal.tenancy.models import Consortium, Member, Membership
from interlocal.tenancy.queries import get_member_for_user, get_membership_for_user
from interlocal.tenancy.scoping import Tenancy


def names(qs) -> set[str]:
    return {str(x) for x in qs}


def test_consortia_visible_only_where_person_has_a_role(world):
    assert names(Consortium.objects.visible_to(world.bob)) == {"Capitol Region IT Service Sharing"}
    assert names(Consortium.objects.visible_to(world.pat)) == {"MISA Prairies Regional Collaboration"}
    assert not Consortium.objects.visible_to(AnonymousUser()).exists()


def test_consortium_writable_by_council_only(world):
    assert Consortium.objects.writable_by(world.alice).filter(pk=world.capitol.pk).exists()
    assert Consortium.objects.writable_by(world.sam).filter(pk=world.capitol.pk).exists()
    for name in ("bob", "ada", "olga", "vince", "pat"):
        assert (
            not Consortium.objects.writable_by(getattr(world, name)).filter(pk=world.capitol.pk).exists()
        ), name


def test_member_directory_is_per_consortium_and_not_for_vendors(world):
    assert names(Member.objects.visible_to(world.bob)) == {"Avon", "Bolton", "Canton"}
    assert names(Member.objects.visible_to(world.pat)) == {"City of Airdrie"}
    assert not Member.objects.visible_to(world.vince).exists()


def test_member_profile_writable_by_its_admin_and_the_council(world):
    assert names(Member.objects.writable_by(world.ada)) == {"Avon"}
    assert names(Member.objects.writable_by(world.alice)) == {"Avon", "Bolton", "Canton"}
    assert not Member.objects.writable_by(world.bob).exists()
    assert not Member.objects.writable_by(world.olga).exists()


def test_memberships_of_another_member_are_hidden(world):
    carol_role = Membership.objects.get(user=world.carol)
    assert carol_role not in Membership.objects.visible_to(world.bob)
    assert carol_role in Membership.objects.visible_to(world.alice)
    with pytest.raises(Http404):
        get_membership_for_user(world.bob, carol_role.pk)
    # Member admins manage their own member's people, not Bolton's.
    bob_role = Membership.objects.get(user=world.bob)
    assert get_membership_for_user(world.ada, bob_role.pk, write=True) == bob_role
    with pytest.raises(Http404):
        get_membership_for_user(world.ada, carol_role.pk, write=True)


def test_refusal_of_an_existing_object_is_audited(world):
    before = AuditEvent.objects.filter(action="access.denied").count()
    with pytest.raises(Http404):
        get_member_for_user(world.pat, world.avon.pk)
    with pytest.raises(Http404):
        get_member_for_user(world.pat, 999_999)  # missing: 404 too, nothing to audit
    denied = AuditEvent.objects.filter(action="access.denied")
    assert denied.count() == before + 1
    event = denied.order_by("-seq").first()
    assert event.actor_id == world.pat.pk and event.object_type == "tenancy.member"


def test_disabled_person_sees_nothing(world):
    world.bob.is_active = False
    world.bob.save(update_fields=["is_active"])
    assert not Member.objects.visible_to(world.bob).exists()


def test_tenancy_needs_an_owner():
    with pytest.raises(ValueError):
        Tenancy()
