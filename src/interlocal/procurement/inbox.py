"""What procurement puts in the work inbox (core/inbox): bids ready to open and vendors'
questions for the council, rounds closing for the members' people. Registered in
ProcurementConfig.ready()."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _g
from django.utils.translation import ngettext

from interlocal.core.inbox.registry import HIGH, NORMAL, InboxItem
from interlocal.procurement.actions import ready_to_open
from interlocal.procurement.queries import questions_to_answer, rounds_closing_for

__all__ = ["ROUND_WITHIN", "bids_to_open", "questions_waiting", "rounds_closing"]

ROUND_WITHIN = dt.timedelta(days=7)


def bids_to_open(user: Any, now: dt.datetime) -> list[InboxItem]:
    """Council: sealed bids whose opening time has come and that nothing holds back
    (`opening_blocker`, the rule `do_open_bids` applies)."""
    return [
        InboxItem(
            kind="procurement.bids_to_open",
            key=f"solicitation:{sol.pk}",
            title=f"{sol.reference_number} {sol.title}".strip(),
            why=_g("The opening time has passed: open the sealed bids with a witness."),
            url=reverse("procurement:bids", args=[sol.pk]),
            due=sol.opening_at,
            priority=HIGH,
        )
        for sol in ready_to_open(user, now)
    ]


def questions_waiting(user: Any, now: dt.datetime) -> list[InboxItem]:
    """Council: published solicitations with vendors' questions not answered yet."""
    items = []
    for sol in questions_to_answer(user):
        waiting = sol.waiting  # type: ignore[attr-defined]
        items.append(
            InboxItem(
                kind="procurement.questions",
                key=f"questions:{sol.pk}",
                title=f"{sol.reference_number} {sol.title}".strip(),
                why=ngettext(
                    "%(n)s vendor question waits for an answer.",
                    "%(n)s vendor questions wait for an answer.",
                    waiting,
                )
                % {"n": waiting},
                url=reverse("procurement:solicitation_detail", args=[sol.pk]) + "#questions",
                due=sol.questions_deadline or sol.opening_at,
                priority=NORMAL,
            )
        )
    return items


def rounds_closing(user: Any, now: dt.datetime) -> list[InboxItem]:
    """Members' admins and staff: open rounds closing within a week where their member takes
    part and has entered no demand yet."""
    return [
        InboxItem(
            kind="procurement.rounds_closing",
            key=f"round:{p.round_id}:{p.member_id}",
            title=f"{p.round.title} — {p.member.name}",
            why=_g("Your member takes part but has entered no demand before the cut-off."),
            url=reverse("procurement:round_detail", args=[p.round_id]),
            due=p.round.cut_off_at,
            priority=HIGH if p.round.cut_off_at - now <= dt.timedelta(days=2) else NORMAL,
        )
        for p in rounds_closing_for(user, now, ROUND_WITHIN)
    ]
