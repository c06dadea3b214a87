"""A consortium's procurement settings: the minimum notice an addendum gives."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from interlocal import audit
from interlocal.lib.timezones import zoneinfo
from interlocal.lib.workdays import add_working_days
from interlocal.procurement.actions.common import _now, require_council
from interlocal.procurement.models import ProcurementSettings
from interlocal.procurement.queries import addendum_notice_days

if TYPE_CHECKING:
    from interlocal.accounts.models import User
    from interlocal.tenancy.models import Consortium

__all__ = ["addendum_notice_end", "do_update_procurement_settings"]


def addendum_notice_end(consortium_id: int, issued_at: dt.datetime, time_zone: str) -> dt.datetime:
    """When the notice of an addendum issued at `issued_at` ends: the consortium's working days
    later (Monday to Friday on the consortium's calendar, `time_zone`), same time of day there.

    Counted on the consortium's clocks: an addendum issued at 11 PM on a Friday in Alberta is
    issued on Saturday morning in UTC, and its first working day is the Monday either way."""
    local = issued_at.astimezone(zoneinfo(time_zone))
    moved = add_working_days(local.replace(tzinfo=None), addendum_notice_days(consortium_id))
    # Same wall-clock time on the day reached, in that day's offset (a DST change in between).
    return timezone.make_aware(moved, zoneinfo(time_zone))


@transaction.atomic
def do_update_procurement_settings(
    consortium: Consortium, *, acting_user: User, addendum_notice_days: int
) -> ProcurementSettings:
    """The council changes its consortium's procurement settings (the addendum notice)."""
    require_council(acting_user, consortium.pk)
    row, _created = ProcurementSettings.objects.select_for_update().get_or_create(consortium=consortium)
    before = audit.snapshot(row, ["addendum_notice_days"])
    row.addendum_notice_days = addendum_notice_days
    try:
        row.full_clean(exclude=["consortium", "updated_by"])
    except ValidationError as exc:
        if "addendum_notice_days" in exc.message_dict:
            raise ValidationError(
                {"addendum_notice_days": _("Enter a whole number of working days from 1 to 60.")}
            ) from None
        raise
    row.updated_at, row.updated_by = _now(), acting_user
    row.save()
    audit.record(
        acting_user,
        "procurement.settings.updated",
        row,
        before=before,
        after=audit.snapshot(row, ["addendum_notice_days"]),
        consortium_id=consortium.pk,
    )
    return row
