"""Peer-group writes (`do_*`, audited; council only)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _g

from interlocal import audit
from interlocal.assessment.models import PeerGroup
from interlocal.tenancy.models import Consortium, ConsortiumMember, Member

if TYPE_CHECKING:
    from interlocal.accounts.models import User

__all__ = ["do_delete_peer_group", "do_save_peer_group"]


def _check_council(actor: User | None, consortium: Consortium) -> None:
    from interlocal.assessment.actions import is_council_of

    if actor is not None and not is_council_of(actor, consortium.pk):
        raise PermissionDenied(_g("Only the consortium's admins and staff may manage peer groups."))


@transaction.atomic
def do_save_peer_group(
    consortium: Consortium,
    *,
    actor: User | None,
    name: str,
    members: list[Member],
    description: str = "",
    group: PeerGroup | None = None,
) -> PeerGroup:
    """Create or change a custom peer group of the consortium's members; all or nothing."""
    _check_council(actor, consortium)
    problems: dict[str, list[str]] = {}
    name = (name or "").strip()
    if not name:
        problems["name"] = [_g("Give the group a name.")]
    elif (
        PeerGroup.objects.filter(consortium=consortium, name__iexact=name)
        .exclude(pk=group.pk if group else 0)
        .exists()
    ):
        problems["name"] = [_g("Another peer group of the consortium already has this name.")]
    ids = sorted({m.pk for m in members})
    participating = set(
        ConsortiumMember.objects.filter(consortium=consortium, member_id__in=ids).values_list(
            "member_id", flat=True
        )
    )
    if not ids:
        problems["members"] = [_g("Choose at least one member.")]
    elif outsiders := [m.name for m in members if m.pk not in participating]:
        problems["members"] = [
            _g("Not members of the consortium: %(names)s.") % {"names": ", ".join(outsiders)}
        ]
    if problems:
        raise ValidationError(problems)
    before: dict[str, Any] | None = None
    if group is None:
        group = PeerGroup(consortium=consortium, created_by=actor)
    else:
        before = {
            **audit.snapshot(group, ["name", "description"]),
            "members": sorted(group.members.values_list("pk", flat=True)),
        }
    group.name = name
    group.description = description
    group.save()
    group.members.set(ids)
    audit.record(
        actor,
        "assessment.peer_group.saved",
        group,
        before=before,
        after={**audit.snapshot(group, ["name", "description"]), "members": ids},
        consortium_id=consortium.pk,
    )
    return group


@transaction.atomic
def do_delete_peer_group(group: PeerGroup, *, actor: User | None) -> None:
    """Delete a custom peer group (benchmarks stop showing it)."""
    _check_council(actor, group.consortium)
    before = {
        **audit.snapshot(group, ["name", "description"]),
        "members": sorted(group.members.values_list("pk", flat=True)),
    }
    audit.record(
        actor, "assessment.peer_group.deleted", group, before=before, consortium_id=group.consortium_id
    )
    group.delete()
