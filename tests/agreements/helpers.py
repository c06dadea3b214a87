"""Building agreements for the tests: through the do_* actions, as the pages do."""

from __future__ import annotations

import datetime as dt
from typing import Any

from interlocal.agreements.actions import (
    do_add_party,
    do_add_signatory,
    do_circulate_agreement,
    do_create_agreement,
    do_sign_agreement,
)
from interlocal.agreements.models import Agreement, AgreementParty


def draft(world: Any, title: str = "Shared IT agreement", **fields: Any) -> Agreement:
    """A draft of Capitol Region with Avon and Bolton as members, each with a signatory."""
    fields.setdefault("effective_date", dt.date(2027, 1, 1))
    fields.setdefault("term_months", 12)
    fields.setdefault("notice_days", 90)
    agreement = do_create_agreement(world.capitol, acting_user=world.alice, title=title, **fields)
    avon = do_add_party(agreement, acting_user=world.alice, member=world.avon)
    bolton = do_add_party(agreement, acting_user=world.alice, member=world.bolton)
    do_add_signatory(avon, acting_user=world.alice, user=world.ada)
    do_add_signatory(bolton, acting_user=world.alice, user=world.carol)
    return agreement


def party(agreement: Agreement, member: Any) -> AgreementParty:
    return AgreementParty.objects.get(agreement=agreement, member=member)


def circulated(world: Any, title: str = "Shared IT agreement", **fields: Any) -> Agreement:
    agreement = draft(world, title, **fields)
    return do_circulate_agreement(agreement, acting_user=world.alice)


def in_force(world: Any, title: str = "Shared IT agreement", **fields: Any) -> Agreement:
    agreement = circulated(world, title, **fields)
    do_sign_agreement(party(agreement, world.avon), acting_user=world.ada, typed_name="Ada Avon-Admin")
    do_sign_agreement(party(agreement, world.bolton), acting_user=world.carol, typed_name="Carol Bolton")
    agreement.refresh_from_db()
    return agreement
