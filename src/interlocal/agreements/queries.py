"""Scoped reads of agreements for views, the API and other apps.

Other apps use: `get_agreement_for_user`, `agreements_visible_to`, `agreement_in_force_for(member,
service, day)`, `agreements_of_member(user, member)`, `deadlines_of(agreement)` /
`upcoming_deadlines(agreements, today)`, `signature_requests_for(user)`.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from interlocal.agreements.models import (
    Agreement,
    AgreementParty,
    AgreementStatus,
    AgreementVersion,
    CalendarToken,
    DeadlineReminder,
    DocumentTemplate,
    GeneratedDocument,
    Signatory,
    Signature,
)
from interlocal.tenancy.models import Membership
from interlocal.tenancy.roles import MEMBER_WRITE_ROLES
from interlocal.tenancy.scoping import get_for_user, is_council

__all__ = [
    "TERM_FIELDS",
    "Deadlines",
    "add_months",
    "agreement_in_force_for",
    "agreements_of_member",
    "agreements_visible_to",
    "calendar_token_of",
    "calendar_token_user",
    "consortium_members",
    "get_party_for_user",
    "get_signatory_for_user",
    "signatory_candidates",
    "current_signatures",
    "deadlines_of",
    "document_template_for",
    "documents_of",
    "get_agreement_for_user",
    "get_document_for_user",
    "get_signature_for_user",
    "get_version_for_user",
    "is_council",
    "is_signatory",
    "may_sign_for",
    "parties_of",
    "reads_consortium",
    "reminders_sent",
    "service_choices",
    "signature_requests_for",
    "signatures_of",
    "terms_of",
    "upcoming_deadlines",
    "versions_of",
]

# The terms frozen in a version and compared by an amendment's diff.
TERM_FIELDS = (
    "title",
    "reference",
    "effective_date",
    "term_months",
    "renewal",
    "notice_days",
    "termination_terms",
    "withdrawal_terms",
    "allocation_rule",
    "sla",
    "governing_body",
)


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` plus `months` calendar months (the 31st becomes the month's last day)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Deadlines:
    """An agreement's renewal date (effective + term) and notice deadline (renewal − notice days)."""

    renewal: dt.date | None
    notice: dt.date | None


def deadlines_of(agreement: Agreement) -> Deadlines:
    """The agreement's renewal date and notice deadline (None without an effective date)."""
    if agreement.effective_date is None:
        return Deadlines(None, None)
    renewal = add_months(agreement.effective_date, agreement.term_months)
    return Deadlines(renewal, renewal - dt.timedelta(days=agreement.notice_days))


def upcoming_deadlines(
    agreements: list[Agreement] | QuerySet[Agreement], today: dt.date
) -> list[tuple[dt.date, str, Agreement]]:
    """(day, "notice"|"renewal", agreement) of in-force agreements from `today` on, soonest first."""
    out: list[tuple[dt.date, str, Agreement]] = []
    for agreement in agreements:
        if agreement.status != AgreementStatus.IN_FORCE:
            continue
        d = deadlines_of(agreement)
        if d.notice and d.notice >= today:
            out.append((d.notice, "notice", agreement))
        if d.renewal and d.renewal >= today:
            out.append((d.renewal, "renewal", agreement))
    return sorted(out, key=lambda t: (t[0], t[2].pk))


def terms_of(agreement: Agreement) -> dict[str, Any]:
    """The agreement's terms as plain data (what a version freezes), services and parties included."""
    terms: dict[str, Any] = {}
    for name in TERM_FIELDS:
        value = getattr(agreement, name)
        terms[name] = value.isoformat() if isinstance(value, dt.date) else value
    terms["services"] = sorted(s.name for s in agreement.services.all())
    terms["parties"] = sorted(
        f"{p.member.name if p.member else agreement.consortium.name} ({p.role})"
        for p in agreement.parties.all()
        if p.withdrawn_on is None
    )
    return terms


def agreements_visible_to(user: Any) -> QuerySet[Agreement]:
    """The agreements `user` may read (drafts only for the council)."""
    return Agreement.objects.visible_to(user)


def get_agreement_for_user(user: Any, pk: int, *, write: bool = False) -> Agreement:
    """The agreement if `user` may see it (or change it, with write=True); else 404."""
    return get_for_user(Agreement.objects.select_related("consortium"), user, write=write, pk=pk)


def get_version_for_user(user: Any, pk: int) -> AgreementVersion:
    """One frozen version, if the person may read its agreement; else 404."""
    return get_for_user(AgreementVersion.objects.select_related("agreement"), user, pk=pk)


def get_signature_for_user(user: Any, pk: int) -> Signature:
    """One signature, if the person may read its agreement; else 404."""
    return get_for_user(
        Signature.objects.select_related("party__agreement", "party__member", "file"), user, pk=pk
    )


def get_document_for_user(user: Any, pk: int) -> GeneratedDocument:
    """One generated document, if the person may read its agreement; else 404."""
    return get_for_user(GeneratedDocument.objects.select_related("agreement", "file"), user, pk=pk)


def parties_of(agreement: Agreement) -> list[AgreementParty]:
    """The agreement's parties, withdrawn ones included, with their signatories and signatures."""
    return list(
        AgreementParty.objects.filter(agreement=agreement)
        .select_related("member")
        .prefetch_related(
            # every party row shows its signatories and signatures: two queries, not two per party
            Prefetch("signatories", queryset=Signatory.objects.select_related("user")),
            Prefetch("signatures", queryset=Signature.objects.select_related("signed_by", "file")),
        )
    )


def signatures_of(agreement: Agreement) -> QuerySet[Signature]:
    """Every signature of every version of the agreement."""
    return Signature.objects.filter(party__agreement=agreement).select_related(
        "party__member", "signed_by", "file"
    )


def current_signatures(agreement: Agreement) -> dict[int, Signature]:
    """Party id → its signature of the agreement's current version."""
    return {s.party_id: s for s in signatures_of(agreement).filter(version=agreement.version)}


def versions_of(agreement: Agreement) -> QuerySet[AgreementVersion]:
    """The agreement's frozen versions, oldest first."""
    return AgreementVersion.objects.filter(agreement=agreement).select_related("created_by")


def documents_of(agreement: Agreement) -> QuerySet[GeneratedDocument]:
    """Every generated document of the agreement, newest first per kind."""
    return GeneratedDocument.objects.filter(agreement=agreement).select_related("file", "created_by")


def reminders_sent(agreement: Agreement) -> QuerySet[DeadlineReminder]:
    """The deadline reminders already e-mailed for the agreement."""
    return DeadlineReminder.objects.filter(agreement=agreement)


def document_template_for(consortium_id: int, kind: str) -> DocumentTemplate | None:
    """The consortium's own template of `kind`, if it edited one."""
    return DocumentTemplate.objects.filter(consortium_id=consortium_id, kind=kind).first()


def may_sign_for(user: Any, party: AgreementParty) -> bool:
    """Whether `user` may be a signatory of `party`: a member admin or staff of that member, or,
    for the consortium as provider, its council."""
    consortium_id = party.agreement.consortium_id
    if party.member_id is None:
        return is_council(user, consortium_id)
    return Membership.objects.filter(
        user=user, consortium_id=consortium_id, member_id=party.member_id, role__in=MEMBER_WRITE_ROLES
    ).exists()


def is_signatory(user: Any, party: AgreementParty) -> bool:
    """Whether `user` is a named signatory of `party`."""
    if user is None or not user.is_authenticated:
        return False
    return Signatory.objects.filter(party=party, user=user).exists()


def signature_requests_for(user: Any) -> list[AgreementParty]:
    """Parties of circulated agreements where `user` is a signatory and the party has not signed
    the current version (the inbox's "signatures requested")."""
    if user is None or not user.is_authenticated:
        return []
    parties = (
        AgreementParty.objects.visible_to(user)
        .filter(
            signatories__user=user,
            withdrawn_on__isnull=True,
            agreement__status=AgreementStatus.CIRCULATED,
        )
        .select_related("agreement", "member")
    )
    signed = set(Signature.objects.filter(party__in=parties).values_list("party_id", "version"))
    return [p for p in parties if (p.pk, p.agreement.version) not in signed]


def agreements_of_member(user: Any, member_id: int) -> QuerySet[Agreement]:
    """The agreements `user` may read where the member is a party (withdrawn or not)."""
    return agreements_visible_to(user).filter(parties__member_id=member_id).distinct()


def agreement_in_force_for(member: Any, service: Any, day: dt.date) -> Agreement | None:
    """The in-force agreement covering `service` that binds `member` on `day`, if any.

    Unscoped: for other apps' own checks (billing, subscriptions), never for showing data.
    A party binds from its joined_on (or the effective date) until its withdrawn_on.
    """
    member_id = getattr(member, "pk", member)
    service_id = getattr(service, "pk", service)
    candidates = (
        Agreement.objects.filter(
            status=AgreementStatus.IN_FORCE, services=service_id, effective_date__lte=day
        )
        # one filter() call: the three conditions hold for the same party row
        .filter(
            Q(parties__member_id=member_id)
            & (Q(parties__joined_on__isnull=True) | Q(parties__joined_on__lte=day))
            & (Q(parties__withdrawn_on__isnull=True) | Q(parties__withdrawn_on__gt=day))
        )
        .distinct()
        .order_by("-effective_date", "-pk")
    )
    for agreement in candidates:
        renewal = deadlines_of(agreement).renewal
        if renewal is None or day < renewal or agreement.renewal == "automatic":
            return agreement
    return None


def service_choices(user: Any, consortium_id: int) -> QuerySet[Any]:
    """The services of the consortium `user` may read (through the agreement's relation, so this
    app does not import the services app's models)."""
    service_model: Any = Agreement._meta.get_field("services").related_model
    return service_model.objects.visible_to(user).filter(consortium_id=consortium_id).order_by("name")


def calendar_token_user(token: str) -> Any:
    """The person whose calendar secret is `token`, or None."""
    if not token:
        return None
    row = CalendarToken.objects.filter(token=token).select_related("user").first()
    if row is None or not row.user.is_active:
        return None
    return row.user


def consortium_members(consortium_id: int) -> QuerySet[Any]:
    """The members taking part in the consortium (the choices for a new party)."""
    from interlocal.tenancy.models import Member

    return Member.objects.filter(participations__consortium_id=consortium_id).distinct().order_by("name")


def signatory_candidates(party: AgreementParty) -> QuerySet[Any]:
    """The people who may sign for `party` (see may_sign_for)."""
    from django.contrib.auth import get_user_model

    from interlocal.tenancy.roles import CONSORTIUM_WRITE_ROLES

    consortium_id = party.agreement.consortium_id
    if party.member_id is None:
        rows = Membership.objects.filter(
            consortium_id=consortium_id, member__isnull=True, role__in=CONSORTIUM_WRITE_ROLES
        )
    else:
        rows = Membership.objects.filter(
            consortium_id=consortium_id, member_id=party.member_id, role__in=MEMBER_WRITE_ROLES
        )
    ids = rows.filter(user__is_active=True).values_list("user_id", flat=True)
    return get_user_model().objects.filter(pk__in=ids).order_by("email")


def get_party_for_user(user: Any, pk: int, *, write: bool = False) -> AgreementParty:
    """One party, if the person may read (or, with write=True, change) its agreement; else 404."""
    return get_for_user(
        AgreementParty.objects.select_related("agreement__consortium", "member"), user, write=write, pk=pk
    )


def get_signatory_for_user(user: Any, pk: int, *, write: bool = False) -> Signatory:
    """One named signatory, if the person may read (or change) its agreement; else 404."""
    return get_for_user(Signatory.objects.select_related("party__agreement"), user, write=write, pk=pk)


def calendar_token_of(user: Any) -> str | None:
    """The person's own calendar secret, if they made one."""
    row = CalendarToken.objects.visible_to(user).first()
    return row.token if row else None


def reads_consortium(user: Any, consortium_id: int) -> bool:
    """Whether `user` reads the consortium's agreements (any role there but vendor)."""
    from interlocal.tenancy.roles import CONSORTIUM_READ_ROLES
    from interlocal.tenancy.scoping import grants_for

    return consortium_id in grants_for(user).consortia(CONSORTIUM_READ_ROLES)
