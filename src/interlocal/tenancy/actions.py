"""Write paths for tenancy: do_* functions, each audited, each in one transaction."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from interlocal import audit
from interlocal.lib.timezones import zone_for_region
from interlocal.tenancy.models import Consortium, ConsortiumMember, Member, Membership
from interlocal.tenancy.roles import CONSORTIUM_ROLES, MEMBER_ROLES, Role
from interlocal.tenancy.scoping import is_consortium_admin

if TYPE_CHECKING:
    from interlocal.accounts.models import User

__all__ = [
    "do_add_member",
    "do_create_consortium",
    "do_grant_role",
    "do_revoke_role",
    "do_update_consortium_settings",
    "do_update_member",
    "unique_slug",
]


def unique_slug(model: type[Consortium] | type[Member], name: str, *, max_length: int = 80) -> str:
    """A slug for `name` that no row of `model` uses yet (name, name-2, name-3, ...)."""
    base = slugify(name)[: max_length - 6] or "x"
    slug, n = base, 1
    while model.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def do_create_consortium(*, name: str, acting_user: User | None, **fields: Any) -> Consortium:
    """Create a consortium (an operator's action: from the CLI or the demo). Without a time zone it
    gets the usual zone of its state or province, else the installation's."""
    if not fields.get("time_zone"):
        fields.pop("time_zone", None)
        zone = zone_for_region(fields.get("country", "US"), fields.get("region", ""))
        if zone:
            fields["time_zone"] = zone
    consortium = Consortium(
        name=name, slug=fields.pop("slug", None) or unique_slug(Consortium, name), **fields
    )
    consortium.full_clean()
    consortium.save()
    audit.record(acting_user, "tenancy.consortium.created", consortium, after=audit.snapshot(consortium))
    return consortium


@transaction.atomic
def do_update_consortium_settings(consortium: Consortium, *, acting_user: User, time_zone: str) -> Consortium:
    """A consortium admin changes the consortium's settings (its time zone)."""
    if not is_consortium_admin(acting_user, consortium.pk):
        raise PermissionDenied(_("Only the consortium's admins may change its settings."))
    locked = Consortium.objects.select_for_update().get(pk=consortium.pk)
    before = audit.snapshot(locked, ["time_zone"])
    locked.time_zone = time_zone
    locked.full_clean(validate_unique=False)
    locked.save(update_fields=["time_zone"])
    audit.record(
        acting_user,
        "tenancy.consortium.settings_updated",
        locked,
        consortium_id=locked.pk,
        before=before,
        after=audit.snapshot(locked, ["time_zone"]),
    )
    return locked


@transaction.atomic
def do_add_member(
    consortium: Consortium, *, name: str, acting_user: User | None, slug: str | None = None, **fields: Any
) -> Member:
    """Add a public body to a consortium, creating the member when no member has that slug yet."""
    slug = slug or slugify(f"{name}-{fields.get('region', '')}".strip("-"))[:80]
    member = Member.objects.filter(slug=slug).first()
    if member is None:
        member = Member(name=name, slug=slug, **fields)
        member.full_clean()
        member.save()
        audit.record(
            acting_user,
            "tenancy.member.created",
            member,
            consortium_id=consortium.pk,  # so the consortium's admins see it in their trail
            after=audit.snapshot(member),
        )
    participation, created = ConsortiumMember.objects.get_or_create(consortium=consortium, member=member)
    if created:
        audit.record(
            acting_user,
            "tenancy.member.joined",
            participation,
            consortium_id=consortium.pk,
            member_id=member.pk,
            after=audit.snapshot(participation),
        )
    return member


@transaction.atomic
def do_update_member(member: Member, *, acting_user: User, **changes: Any) -> Member:
    """Change a member's profile (name, population, codes, website)."""
    if not Member.objects.writable_by(acting_user).filter(pk=member.pk).exists():
        raise PermissionDenied(_("You may not change this member's profile."))
    before = audit.snapshot(member)
    for field, value in changes.items():
        setattr(member, field, value)
    member.full_clean()
    member.save(update_fields=list(changes))
    audit.record(
        acting_user,
        "tenancy.member.updated",
        member,
        consortium_id=_audit_consortium_of(member),
        before=before,
        after=audit.snapshot(member),
    )
    return member


def _audit_consortium_of(member: Member) -> int | None:
    """The consortium whose trail records a change to `member`: the one the person is acting
    for when the member belongs to it, else the member's first consortium (e.g. from the CLI)."""
    from interlocal.audit.recorder import request_info

    ids = list(
        ConsortiumMember.objects.filter(member=member)
        .order_by("joined_on", "pk")
        .values_list("consortium_id", flat=True)
    )
    info = request_info.get()
    acting_for = getattr(info, "consortium_id", None) if info is not None else None
    if acting_for in ids:
        return acting_for
    return ids[0] if ids else None


def _check_role_shape(consortium: Consortium, member: Member | None, role: str) -> None:
    if role in MEMBER_ROLES and member is None:
        raise ValidationError(_("This role is held for a member; choose the member."))
    if role in CONSORTIUM_ROLES and member is not None:
        raise ValidationError(_("This role is held for the consortium as a whole, not for a member."))
    if (
        member is not None
        and not ConsortiumMember.objects.filter(consortium=consortium, member=member).exists()
    ):
        raise ValidationError(
            _("%(member)s is not a member of %(consortium)s.") % {"member": member, "consortium": consortium}
        )


@transaction.atomic
def do_grant_role(
    user: User,
    *,
    consortium: Consortium,
    role: str,
    member: Member | None = None,
    acting_user: User | None,
) -> Membership:
    """Give `user` a role in `consortium` (for `member` when the role is a member role)."""
    if role not in Role.values:
        raise ValidationError(_("Unknown role: %(role)s") % {"role": role})
    _check_role_shape(consortium, member, role)
    membership, created = Membership.objects.get_or_create(
        user=user, consortium=consortium, member=member, role=role, defaults={"created_by": acting_user}
    )
    if created:
        audit.record(
            acting_user,
            "tenancy.role.granted",
            membership,
            consortium_id=consortium.pk,
            member_id=member.pk if member else None,
            after=audit.snapshot(membership),
        )
    return membership


@transaction.atomic
def do_revoke_role(membership: Membership, *, acting_user: User) -> None:
    """Take a role away. Nobody can remove the last consortium admin of a consortium."""
    if not Membership.objects.writable_by(acting_user).filter(pk=membership.pk).exists():
        raise PermissionDenied(_("You may not change this person's roles."))
    if (
        membership.role == Role.CONSORTIUM_ADMIN
        and not Membership.objects.filter(consortium=membership.consortium_id, role=Role.CONSORTIUM_ADMIN)
        .exclude(pk=membership.pk)
        .exists()
    ):
        raise ValidationError(_("A consortium must keep at least one consortium admin."))
    before = audit.snapshot(membership)
    audit.record(
        acting_user,
        "tenancy.role.revoked",
        membership,
        consortium_id=membership.consortium_id,
        member_id=membership.member_id,
        before=before,
    )
    membership.delete()
