"""What the procurement actions share: amounts and quantities, numbering under a lock, mail
helpers and the council check."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from interlocal.core.links import absolute_url
from interlocal.core.mail import queue_templated_mail
from interlocal.procurement.models import (
    DemandRound,
    currency_decimals,
)
from interlocal.tenancy.models import Membership
from interlocal.tenancy.roles import MEMBER_WRITE_ROLES
from interlocal.tenancy.scoping import is_council

__all__ = [
    "REMINDER_BEFORE",
    "TOKEN_MAX_AGE",
    "TOKEN_SALT",
    "check_amount",
    "check_quantity",
    "next_number",
    "require_council",
]


TOKEN_SALT = "interlocal.procurement.vendor"  # noqa: S105 - a signing namespace, not a secret


TOKEN_MAX_AGE = 3 * 24 * 3600  # three days, like an invitation


REMINDER_BEFORE = dt.timedelta(hours=48)


def _site(path: str) -> str:
    return absolute_url(path)


def _now() -> dt.datetime:
    return timezone.now()


def check_amount(
    value: Any, *, currency: str, field: str, label: str, allow_none: bool = False
) -> Decimal | None:
    """`value` as a Decimal with no more decimals than `currency` allows and not negative; else ValidationError."""
    if value is None or value == "":
        if allow_none:
            return None
        raise ValidationError({field: _("%(label)s is required.") % {"label": label}})
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationError({field: _("%(label)s must be a number.") % {"label": label}}) from None
    if not amount.is_finite():
        raise ValidationError({field: _("%(label)s must be a number.") % {"label": label}})
    if amount < 0:
        raise ValidationError({field: _("%(label)s may not be negative.") % {"label": label}})
    places = currency_decimals(currency)
    exponent = amount.normalize().as_tuple().exponent
    if isinstance(exponent, int) and -exponent > places:
        raise ValidationError(
            {
                field: _("%(label)s has more decimals than %(currency)s allows (at most %(places)d).")
                % {"label": label, "currency": currency, "places": places}
            }
        )
    if amount >= Decimal("1e14"):
        raise ValidationError({field: _("%(label)s is too large.") % {"label": label}})
    return amount


def check_quantity(value: Any, *, field: str = "quantity") -> Decimal:
    """A quantity: a number ≥ 0 with at most four decimals."""
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationError({field: _("The quantity must be a number.")}) from None
    if not amount.is_finite():
        raise ValidationError({field: _("The quantity must be a number.")})
    if amount < 0:
        raise ValidationError({field: _("The quantity may not be negative.")})
    exponent = amount.normalize().as_tuple().exponent
    if isinstance(exponent, int) and -exponent > 4:
        raise ValidationError({field: _("The quantity may have at most four decimals.")})
    if amount >= Decimal("1e14"):
        raise ValidationError({field: _("The quantity is too large.")})
    return amount


def _member_people_emails(member_ids: list[int], consortium_id: int) -> dict[int, list[str]]:
    """E-mail addresses of each member's admins and staff in the consortium."""
    result: dict[int, list[str]] = {m: [] for m in member_ids}
    rows = Membership.objects.filter(
        consortium_id=consortium_id,
        member_id__in=member_ids,
        role__in=MEMBER_WRITE_ROLES,
        user__is_active=True,
    ).values_list("member_id", "user__email")
    for member_id, email in rows:
        if email not in result[member_id]:
            result[member_id].append(email)
    return result


def _mail_invitations(round_: DemandRound, member_ids: list[int]) -> None:
    url = _site(reverse("procurement:round_detail", args=[round_.pk]))
    for member_id, emails in _member_people_emails(member_ids, round_.consortium_id).items():
        if emails:
            queue_templated_mail(
                emails,
                "procurement/email/round_invitation",
                {"round": round_, "url": url, "member_id": member_id},
            )


def next_number(parent: Any, children: Any, field: str) -> int:
    """The next number among `parent`'s children (line numbers, positions, addenda), assigned under
    a lock on the parent row so that two concurrent adds get distinct numbers instead of one of
    them failing on the unique constraint. Call it inside the adding transaction."""
    list(type(parent)._base_manager.select_for_update().filter(pk=parent.pk).values_list("pk", flat=True))
    return (children.aggregate(n=Max(field))["n"] or 0) + 1


def require_council(user: Any, consortium_id: int | None) -> None:
    """Council-only work (the consortium's admins and staff): every such `do_*` asks here first,
    so no caller (view, API, command) can forget the check."""
    if not is_council(user, consortium_id):
        raise PermissionDenied(_("Only the consortium's admins and staff may do this."))
