"""Demo agreements of Capitol Region: one in force (Avon and Bolton signed), one circulated and
waiting for Bolton's signature. Covers the consortium's services when the services demo loaded
some; works with none."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from interlocal.agreements.actions import (
    do_add_party,
    do_add_signatory,
    do_circulate_agreement,
    do_create_agreement,
    do_sign_agreement,
)
from interlocal.agreements.models import Agreement, AgreementParty
from interlocal.agreements.queries import service_choices
from interlocal.tenancy.models import Consortium, Member

ORDER = 60  # after the services demo, whose services the agreements cover

CONSORTIUM = "capitol-region"


def _make(
    consortium: Any, alice: Any, title: str, signers: dict[str, Any], sign: list[str], **terms: Any
) -> None:
    services = list(service_choices(alice, consortium.pk)[:2])
    agreement = do_create_agreement(consortium, acting_user=alice, title=title, services=services, **terms)
    parties = {}
    for slug, person in signers.items():
        member = Member.objects.get(slug=slug)
        parties[slug] = do_add_party(
            agreement, acting_user=alice, member=member, joined_on=terms["effective_date"]
        )
        do_add_signatory(parties[slug], acting_user=alice, user=person)
    agreement = do_circulate_agreement(agreement, acting_user=alice)
    for slug in sign:
        party = AgreementParty.objects.get(pk=parties[slug].pk)
        do_sign_agreement(party, acting_user=signers[slug], typed_name=signers[slug].full_name)


def load(stdout: Any = None) -> list[Any]:
    """Create the demo agreements (nothing when they exist or the people are missing)."""
    from interlocal.accounts.models import User

    consortium = Consortium.objects.filter(slug=CONSORTIUM).first()
    people = {u.email.split("@")[0]: u for u in User.objects.filter(email__endswith=".example.org")}
    if consortium is None or not {"alice", "ada", "carol"} <= set(people):
        return []
    alice, ada, carol = people["alice"], people["ada"], people["carol"]
    signers = {"avon-ct": ada, "bolton-ct": carol}
    if Member.objects.filter(slug__in=signers).count() != 2:
        return []
    with transaction.atomic():
        if not Agreement.objects.filter(consortium=consortium, title="Shared IT services agreement").exists():
            _make(
                consortium,
                alice,
                "Shared IT services agreement",
                signers,
                ["avon-ct", "bolton-ct"],
                reference="CRITS-IA-2026-01",
                effective_date=dt.date(2026, 1, 1),
                term_months=36,
                notice_days=120,
                allocation_rule="per_capita",
                governing_body="Capitol Region IT Steering Committee",
                sla="99.5% availability; P1 incidents answered within 30 minutes.",
                withdrawal_terms="A member may withdraw at the end of a fiscal year with 180 days' notice.",
            )
        if not Agreement.objects.filter(consortium=consortium, title="Regional backup agreement").exists():
            _make(
                consortium,
                alice,
                "Regional backup agreement",
                signers,
                ["avon-ct"],
                reference="CRITS-IA-2027-02",
                effective_date=dt.date(2027, 7, 1),
                term_months=24,
                renewal="vote",
                notice_days=90,
                allocation_rule="equal",
                governing_body="Capitol Region IT Steering Committee",
            )
    if stdout is not None:
        stdout.write("Agreements: 1 in force, 1 circulated.\n")
    return []
