"""The roles a person can hold through a membership, and what each may do."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = [
    "ADMIN_ROLES",
    "CONSORTIUM_READ_ROLES",
    "CONSORTIUM_ROLES",
    "CONSORTIUM_WRITE_ROLES",
    "MEMBER_ROLES",
    "MEMBER_WRITE_ROLES",
    "MFA_REQUIRED_ROLES",
    "Role",
]


class Role(models.TextChoices):
    CONSORTIUM_ADMIN = "consortium_admin", _("Consortium admin")
    CONSORTIUM_STAFF = "consortium_staff", _("Consortium staff")
    MEMBER_ADMIN = "member_admin", _("Member admin")
    MEMBER_STAFF = "member_staff", _("Member staff")
    OBSERVER = "observer", _("Observer (read-only)")
    VENDOR = "vendor", _("Vendor")


# Roles held for the consortium as a whole (membership.member is empty).
CONSORTIUM_ROLES = frozenset({Role.CONSORTIUM_ADMIN, Role.CONSORTIUM_STAFF, Role.VENDOR})
# Roles held for one member (membership.member is set). Observers may be either.
MEMBER_ROLES = frozenset({Role.MEMBER_ADMIN, Role.MEMBER_STAFF})

# Who reads consortium-owned rows: everybody in the consortium except vendors, whom procurement
# grants access to its own objects explicitly.
CONSORTIUM_READ_ROLES = frozenset(
    {Role.CONSORTIUM_ADMIN, Role.CONSORTIUM_STAFF, Role.MEMBER_ADMIN, Role.MEMBER_STAFF, Role.OBSERVER}
)
CONSORTIUM_WRITE_ROLES = frozenset({Role.CONSORTIUM_ADMIN, Role.CONSORTIUM_STAFF})
MEMBER_WRITE_ROLES = frozenset({Role.MEMBER_ADMIN, Role.MEMBER_STAFF})
ADMIN_ROLES = frozenset({Role.CONSORTIUM_ADMIN, Role.MEMBER_ADMIN})
MFA_REQUIRED_ROLES = frozenset({Role.CONSORTIUM_ADMIN, Role.MEMBER_ADMIN, Role.VENDOR})

# Which roles each admin role may grant by invitation.
INVITABLE_ROLES: dict[str, frozenset[str]] = {
    Role.CONSORTIUM_ADMIN: frozenset(
        {Role.CONSORTIUM_ADMIN, Role.CONSORTIUM_STAFF, Role.MEMBER_ADMIN, Role.OBSERVER}
    ),
    Role.MEMBER_ADMIN: frozenset({Role.MEMBER_ADMIN, Role.MEMBER_STAFF, Role.OBSERVER}),
}
