"""The procurement actions check the actor's right themselves (no caller can forget it), and
drafts are the council's alone, declared once on the models' Tenancy."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from interlocal.procurement import actions
from interlocal.procurement.models import DemandRound, Solicitation
from interlocal.procurement.queries import get_round_for_user, get_solicitation_for_user
from tests.procurement.factories import make_round, make_solicitation


@pytest.mark.parametrize("who", ["bob", "ada", "olga", "vince", "pat"])
def test_only_the_council_runs_a_round(world, who):
    round_ = make_round(world.capitol, status=DemandRound.Status.DRAFT)
    person = getattr(world, who)
    with pytest.raises(PermissionDenied):
        actions.do_open_round(round_, acting_user=person)
    with pytest.raises(PermissionDenied):
        actions.do_add_demand_item(round_, acting_user=person, description="Sand", unit="ton")
    round_.refresh_from_db()
    assert round_.status == DemandRound.Status.DRAFT and round_.items.count() == 2


@pytest.mark.parametrize("who", ["bob", "olga", "pat"])
def test_only_the_council_publishes_or_cancels(world, who):
    sol = make_solicitation(world.capitol, status=Solicitation.Status.DRAFT)
    person = getattr(world, who)
    with pytest.raises(PermissionDenied):
        actions.do_publish_solicitation(sol, acting_user=person)
    with pytest.raises(PermissionDenied):
        actions.do_cancel_solicitation(sol, acting_user=person, reason="no")
    sol.refresh_from_db()
    assert sol.status == Solicitation.Status.DRAFT


@pytest.mark.parametrize("who", ["alice", "sam", "olga", "carol"])
def test_demand_is_entered_only_by_the_members_own_people(world, who):
    """Council staff, observers and another member's staff may not write Avon's demand."""
    round_ = make_round(world.capitol, members=(world.avon,))
    item = round_.items.first()
    with pytest.raises(PermissionDenied):
        actions.do_save_entry(item, world.avon, acting_user=getattr(world, who), quantity="10")
    assert not item.entries.exists()
    entry = actions.do_save_entry(item, world.avon, acting_user=world.bob, quantity="10")
    assert entry.quantity == 10


def test_drafts_are_the_councils_alone(world):
    draft_round = make_round(world.capitol, status=DemandRound.Status.DRAFT)
    draft = make_solicitation(world.capitol, status=Solicitation.Status.DRAFT)
    published = make_solicitation(
        world.capitol, reference_number="IFB-2", status=Solicitation.Status.PUBLISHED
    )
    for who in ("alice", "sam"):
        person = getattr(world, who)
        assert get_round_for_user(person, draft_round.pk) == draft_round
        assert set(Solicitation.objects.visible_to(person)) == {draft, published}
    for who in ("bob", "ada", "olga"):
        person = getattr(world, who)
        assert not DemandRound.objects.visible_to(person).filter(pk=draft_round.pk).exists()
        assert list(Solicitation.objects.visible_to(person)) == [published]
        with pytest.raises(Exception, match="No"):
            get_solicitation_for_user(person, draft.pk)


def test_the_rights_a_page_shows_are_the_ones_the_actions_enforce(world):
    draft = make_solicitation(world.capitol, status=Solicitation.Status.DRAFT)
    can = actions.solicitation_rights(world.sam, draft)
    assert can.council and can.edit and can.publish and can.cancel and not can.addendum
    assert not any(vars(actions.solicitation_rights(world.bob, draft)).values())
    published = make_solicitation(world.capitol, reference_number="IFB-9")
    can = actions.solicitation_rights(world.sam, published)
    assert can.addendum and can.cancel and not can.edit and not can.publish

    round_ = make_round(world.capitol, members=(world.avon,))
    council = actions.round_rights(world.sam, round_, None, participant=False)
    assert council.change and council.close and not council.open and not council.enter
    member = actions.round_rights(world.bob, round_, world.avon, participant=True)
    assert member.enter and not member.change and not member.join
    # Canton was not invited, but the round is open to every member: Canton's people may join.
    outsider = actions.round_rights(world.bob, round_, world.canton, participant=False)
    assert not outsider.enter and not outsider.join  # bob is Avon's, not Canton's
