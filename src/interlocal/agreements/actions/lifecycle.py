"""An agreement's life: drafting, parties and signatories, circulation, signatures, amendments,
renewal, expiry, termination and a member's withdrawal. Every `do_*` checks the actor and is
audited as `agreements.*`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from interlocal import audit
from interlocal.agreements.models import (
    Agreement,
    AgreementParty,
    AgreementStatus,
    AgreementVersion,
    PartyRole,
    Renewal,
    Signatory,
    Signature,
)
from interlocal.agreements.queries import (
    TERM_FIELDS,
    current_signatures,
    deadlines_of,
    is_signatory,
    may_sign_for,
    terms_of,
)
from interlocal.core.links import absolute_url
from interlocal.tenancy.scoping import is_council

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from interlocal.accounts.models import User
    from interlocal.tenancy.models import Consortium, Member

__all__ = [
    "EDITABLE_FIELDS",
    "AgreementRights",
    "ExpiryRun",
    "agreement_rights",
    "diff_terms",
    "do_add_party",
    "do_add_signatory",
    "do_amend_agreement",
    "do_circulate_agreement",
    "do_create_agreement",
    "do_expire_agreement",
    "do_expire_due_agreements",
    "do_remove_party",
    "do_remove_signatory",
    "do_renew_agreement",
    "do_sign_agreement",
    "do_terminate_agreement",
    "do_update_agreement",
    "do_withdraw_party",
    "require_council",
]

EDITABLE_FIELDS = frozenset(TERM_FIELDS) | {"services"}


def require_council(user: Any, consortium_id: int) -> None:
    """PermissionDenied unless `user` is the consortium's council (admin or staff)."""
    if not is_council(user, consortium_id):
        raise PermissionDenied(_("Only the consortium's admins and staff may do this."))


@dataclass(frozen=True)
class AgreementRights:
    """What a person may do with an agreement now; templates ask these `can_*` flags."""

    council: bool
    can_edit: bool
    can_manage_parties: bool
    can_circulate: bool
    can_sign: bool
    can_amend: bool
    can_renew: bool
    can_expire: bool
    can_terminate: bool
    can_withdraw: bool
    can_generate: bool
    sign_parties: tuple[int, ...] = ()


def agreement_rights(user: Any, agreement: Agreement) -> AgreementRights:
    """The person's rights over `agreement` (computed once per page)."""
    council = is_council(user, agreement.consortium_id)
    status = agreement.status
    draft = status == AgreementStatus.DRAFT
    in_force = status == AgreementStatus.IN_FORCE
    signed = current_signatures(agreement) if status == AgreementStatus.CIRCULATED else {}
    sign_parties: tuple[int, ...] = ()
    if status == AgreementStatus.CIRCULATED and user.is_authenticated:
        sign_parties = tuple(
            Signatory.objects.filter(party__agreement=agreement, party__withdrawn_on__isnull=True, user=user)
            .exclude(party_id__in=list(signed))
            .values_list("party_id", flat=True)
        )
    return AgreementRights(
        council=council,
        can_edit=council and draft,
        can_manage_parties=council and draft,
        can_circulate=council and draft,
        can_sign=bool(sign_parties),
        can_amend=council and status in (AgreementStatus.IN_FORCE, AgreementStatus.CIRCULATED),
        can_renew=council and in_force,
        can_expire=council and in_force,
        can_terminate=council and status in (AgreementStatus.IN_FORCE, AgreementStatus.CIRCULATED),
        can_withdraw=council and status in (AgreementStatus.IN_FORCE, AgreementStatus.CIRCULATED),
        can_generate=council,
        sign_parties=sign_parties,
    )


def _now() -> dt.datetime:
    return timezone.now()


def _apply(agreement: Agreement, changes: dict[str, Any]) -> list[Any] | None:
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise ValidationError(_("Unknown fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
    services = changes.pop("services", None)
    for name, value in changes.items():
        setattr(agreement, name, value)
    if services is not None:
        bad = [s for s in services if s.consortium_id != agreement.consortium_id]
        if bad:
            raise ValidationError({"services": _("A service of another consortium cannot be covered.")})
    agreement.updated_at = _now()
    agreement.full_clean(exclude=["services", "consortium", "created_by"])
    return list(services) if services is not None else None


@transaction.atomic
def do_create_agreement(consortium: Consortium, *, acting_user: User, **fields: Any) -> Agreement:
    """Start a draft agreement of the consortium (the council)."""
    require_council(acting_user, consortium.pk)
    agreement = Agreement(consortium=consortium, created_by=acting_user)
    services = _apply(agreement, dict(fields))
    agreement.save()
    if services is not None:
        agreement.services.set(services)
    audit.record(acting_user, "agreements.agreement.created", agreement, after=terms_of(agreement))
    return agreement


def _require_draft(agreement: Agreement) -> None:
    if agreement.status != AgreementStatus.DRAFT:
        raise ValidationError(
            _("This agreement has been circulated; its terms change only by an amendment."), code="not_draft"
        )


@transaction.atomic
def do_update_agreement(agreement: Agreement, *, acting_user: User, **changes: Any) -> Agreement:
    """Change a draft agreement's terms or services."""
    require_council(acting_user, agreement.consortium_id)
    _require_draft(agreement)
    before = terms_of(agreement)
    services = _apply(agreement, dict(changes))
    agreement.save()
    if services is not None:
        agreement.services.set(services)
    audit.record(
        acting_user, "agreements.agreement.updated", agreement, before=before, after=terms_of(agreement)
    )
    return agreement


@transaction.atomic
def do_add_party(
    agreement: Agreement,
    *,
    acting_user: User,
    member: Member | None,
    role: str = PartyRole.MEMBER,
    joined_on: dt.date | None = None,
) -> AgreementParty:
    """Add a party to a draft: a member of the consortium, or the consortium itself as provider."""
    require_council(acting_user, agreement.consortium_id)
    _require_draft(agreement)
    if role not in PartyRole.values:
        raise ValidationError({"role": _("Unknown role.")})
    if member is None and role != PartyRole.PROVIDER:
        raise ValidationError(
            {"member": _("Only the consortium's own party may have no member (as provider).")}
        )
    if (
        member is not None
        and not member.participations.filter(consortium_id=agreement.consortium_id).exists()
    ):
        raise ValidationError({"member": _("That member does not take part in this consortium.")})
    if member is None and AgreementParty.objects.filter(agreement=agreement, member__isnull=True).exists():
        raise ValidationError({"member": _("The consortium is already a party.")})
    try:
        with transaction.atomic():
            party = AgreementParty.objects.create(
                agreement=agreement, member=member, role=role, joined_on=joined_on
            )
    except IntegrityError:
        raise ValidationError({"member": _("That member is already a party.")}) from None
    audit.record(
        acting_user,
        "agreements.party.added",
        agreement,
        after={"party": party.pk, "member": member.pk if member else None, "role": role},
    )
    return party


@transaction.atomic
def do_remove_party(party: AgreementParty, *, acting_user: User) -> None:
    """Remove a party from a draft (after circulation a member withdraws instead)."""
    agreement = party.agreement
    require_council(acting_user, agreement.consortium_id)
    _require_draft(agreement)
    audit.record(
        acting_user,
        "agreements.party.removed",
        agreement,
        before={"party": party.pk, "member": party.member_id, "role": party.role},
    )
    party.delete()


@transaction.atomic
def do_add_signatory(party: AgreementParty, *, acting_user: User, user: User) -> Signatory:
    """Name a signatory of a party: a member admin or staff of that member (council for the consortium)."""
    agreement = party.agreement
    require_council(acting_user, agreement.consortium_id)
    if agreement.status not in (AgreementStatus.DRAFT, AgreementStatus.CIRCULATED):
        raise ValidationError(_("Signatories are named before the agreement is in force."))
    if not may_sign_for(user, party):
        raise ValidationError({"user": _("That person holds no admin or staff role for this party.")})
    signatory, created = Signatory.objects.get_or_create(party=party, user=user)
    if created:
        audit.record(
            acting_user, "agreements.signatory.added", agreement, after={"party": party.pk, "user": user.pk}
        )
    return signatory


@transaction.atomic
def do_remove_signatory(signatory: Signatory, *, acting_user: User) -> None:
    """Remove a named signatory (signatures already given stay)."""
    agreement = signatory.party.agreement
    require_council(acting_user, agreement.consortium_id)
    audit.record(
        acting_user,
        "agreements.signatory.removed",
        agreement,
        before={"party": signatory.party_id, "user": signatory.user_id},
    )
    signatory.delete()


def _signatory_emails(agreement: Agreement) -> list[str]:
    return sorted(
        set(
            Signatory.objects.filter(
                party__agreement=agreement, party__withdrawn_on__isnull=True, user__is_active=True
            ).values_list("user__email", flat=True)
        )
    )


def _mail_signatories(agreement: Agreement, *, amended: bool) -> None:
    to = _signatory_emails(agreement)
    if not to:
        return
    context = {
        "agreement_title": agreement.title,
        "version": agreement.version,
        "amended": amended,
        "url": absolute_url(reverse("agreements:detail", args=[agreement.pk])),
    }

    def send() -> None:
        from interlocal.core.mail import queue_templated_mail

        queue_templated_mail(to, "agreements/email/circulated", context)

    transaction.on_commit(send)


def _freeze(agreement: Agreement, acting_user: User, reason: str) -> AgreementVersion:
    return AgreementVersion.objects.create(
        agreement=agreement,
        number=agreement.version,
        terms=terms_of(agreement),
        reason=reason,
        created_by=acting_user,
    )


@transaction.atomic
def do_circulate_agreement(agreement: Agreement, *, acting_user: User) -> Agreement:
    """Circulate a draft for signature: its terms are frozen (version 1) and the signatories e-mailed."""
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    require_council(acting_user, agreement.consortium_id)
    _require_draft(agreement)
    parties = list(AgreementParty.objects.filter(agreement=agreement).prefetch_related("signatories"))
    if not parties:
        raise ValidationError(_("Add the parties before circulating the agreement."), code="no_parties")
    if agreement.effective_date is None:
        raise ValidationError({"effective_date": _("Set the effective date before circulating.")})
    missing = [p for p in parties if not p.signatories.all()]
    if missing:
        raise ValidationError(
            _("Every party needs a signatory before circulation: %(p)s")
            % {"p": ", ".join(str(p) for p in missing)},
            code="no_signatory",
        )
    agreement.status = AgreementStatus.CIRCULATED
    agreement.updated_at = _now()
    agreement.save(update_fields=["status", "updated_at"])
    _freeze(agreement, acting_user, _("Circulated for signature"))
    audit.record(
        acting_user,
        "agreements.agreement.circulated",
        agreement,
        before={"status": AgreementStatus.DRAFT},
        after={"status": agreement.status, "version": agreement.version},
    )
    _mail_signatories(agreement, amended=False)
    return agreement


def _activate_if_signed(agreement: Agreement, acting_user: User) -> bool:
    """Bring a circulated agreement into force when every non-withdrawn party signed this version."""
    if agreement.status != AgreementStatus.CIRCULATED:
        return False
    active = AgreementParty.objects.filter(agreement=agreement, withdrawn_on__isnull=True)
    if not active.exists():
        return False
    if active.exclude(signatures__version=agreement.version).exists():
        return False
    agreement.status = AgreementStatus.IN_FORCE
    agreement.updated_at = _now()
    agreement.save(update_fields=["status", "updated_at"])
    audit.record(
        acting_user,
        "agreements.agreement.in_force",
        agreement,
        before={"status": AgreementStatus.CIRCULATED},
        after={"status": agreement.status, "version": agreement.version},
    )
    return True


@transaction.atomic
def do_sign_agreement(
    party: AgreementParty,
    *,
    acting_user: User,
    typed_name: str = "",
    signed_pdf: UploadedFile | None = None,
    ip_address: str | None = None,
    user_agent: str = "",
) -> Signature:
    """Record the party's signature of the current version (a typed name or a signed PDF); the
    agreement comes into force when every non-withdrawn party has signed."""
    agreement = Agreement.objects.select_for_update().get(pk=party.agreement_id)
    party = AgreementParty.objects.select_related("member").get(pk=party.pk)
    if not is_signatory(acting_user, party):
        raise PermissionDenied(_("Only a named signatory of this party may sign for it."))
    if agreement.status != AgreementStatus.CIRCULATED:
        raise ValidationError(_("Only a circulated agreement can be signed."), code="not_circulated")
    if party.withdrawn_on is not None:
        raise ValidationError(_("This party has withdrawn from the agreement."), code="withdrawn")
    if Signature.objects.filter(party=party, version=agreement.version).exists():
        raise ValidationError(_("This party has already signed this version."), code="already_signed")
    typed_name = " ".join((typed_name or "").split())
    if signed_pdf is None and not typed_name:
        raise ValidationError({"typed_name": _("Type your full name, or upload the signed PDF.")})
    stored = None
    if signed_pdf is not None:
        if not (signed_pdf.name or "").lower().endswith(".pdf"):
            raise ValidationError({"signed_pdf": _("Upload the signed agreement as a PDF file.")})
        from interlocal.core.files import do_store_file

        signed_pdf.seek(0)
        if signed_pdf.read(5) != b"%PDF-":
            raise ValidationError({"signed_pdf": _("That file is not a PDF.")})
        stored = do_store_file(
            signed_pdf, consortium=agreement.consortium, member=party.member, acting_user=acting_user
        )
    signature = Signature.objects.create(
        party=party,
        version=agreement.version,
        signed_by=acting_user,
        method=Signature.Method.PDF if stored else Signature.Method.TYPED,
        typed_name=typed_name[:200],
        file=stored,
        ip_address=ip_address or None,
        user_agent=(user_agent or "")[:400],
    )
    audit.record(
        acting_user,
        "agreements.agreement.signed",
        agreement,
        after={
            "party": party.pk,
            "member": party.member_id,
            "version": agreement.version,
            "method": signature.method,
            "typed_name": signature.typed_name,
            "file": stored.pk if stored else None,
            "ip_address": signature.ip_address,
            "user_agent": signature.user_agent,
            "signed_at": signature.signed_at.isoformat(),
        },
    )
    _activate_if_signed(agreement, acting_user)
    return signature


def diff_terms(before: dict[str, Any], after: dict[str, Any]) -> list[tuple[str, Any, Any]]:
    """(field, old, new) for every term that differs between two versions' terms."""
    keys = [*TERM_FIELDS, "services", "parties"]
    keys += sorted((set(before) | set(after)) - set(keys))
    return [(k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]


@transaction.atomic
def do_amend_agreement(
    agreement: Agreement, *, acting_user: User, reason: str = "", **changes: Any
) -> AgreementVersion:
    """Amend a circulated or in-force agreement: a new version with the changed terms, re-circulated
    for everyone's signature."""
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    require_council(acting_user, agreement.consortium_id)
    if agreement.status not in (AgreementStatus.CIRCULATED, AgreementStatus.IN_FORCE):
        raise ValidationError(
            _("Only a circulated or in-force agreement can be amended."), code="not_amendable"
        )
    before = terms_of(agreement)
    services = _apply(agreement, dict(changes))
    if services is not None:
        agreement.services.set(services)
    if terms_of(agreement) == before:
        raise ValidationError(_("The amendment changes nothing."), code="no_change")
    previous = agreement.status
    agreement.version += 1
    agreement.status = AgreementStatus.CIRCULATED
    agreement.save()
    version = _freeze(agreement, acting_user, reason or _("Amendment"))
    audit.record(
        acting_user,
        "agreements.agreement.amended",
        agreement,
        before={**before, "status": previous, "version": agreement.version - 1},
        after={**version.terms, "status": agreement.status, "version": agreement.version},
    )
    _mail_signatories(agreement, amended=True)
    return version


def _require_council_or_system(acting_user: User | None, consortium_id: int) -> None:
    # None is the scheduled job (do_expire_due_agreements), which no person starts.
    if acting_user is not None:
        require_council(acting_user, consortium_id)


def _audit(acting_user: User | None, action: str, agreement: Agreement, **kwargs: Any) -> None:
    if acting_user is None:
        audit.record(None, action, agreement, actor_label="system", **kwargs)
    else:
        audit.record(acting_user, action, agreement, **kwargs)


def _transition(
    agreement: Agreement, acting_user: User | None, allowed: tuple[str, ...], to: str, action: str
) -> Agreement:
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    _require_council_or_system(acting_user, agreement.consortium_id)
    if agreement.status not in allowed:
        raise ValidationError(
            _("Not possible while the agreement is %(s)s.") % {"s": agreement.get_status_display()},
            code="bad_status",
        )
    before = agreement.status
    agreement.status = to
    agreement.updated_at = _now()
    agreement.save(update_fields=["status", "updated_at"])
    _audit(acting_user, action, agreement, before={"status": before}, after={"status": to})
    return agreement


def _expire(agreement: Agreement, acting_user: User | None) -> Agreement:
    return _transition(
        agreement,
        acting_user,
        (AgreementStatus.IN_FORCE,),
        AgreementStatus.EXPIRED,
        "agreements.agreement.expired",
    )


@transaction.atomic
def do_expire_agreement(agreement: Agreement, *, acting_user: User) -> Agreement:
    """Mark an in-force agreement expired (its term ended without renewal)."""
    return _expire(agreement, acting_user)


@transaction.atomic
def do_terminate_agreement(agreement: Agreement, *, acting_user: User) -> Agreement:
    """Terminate a circulated or in-force agreement under its termination terms."""
    return _transition(
        agreement,
        acting_user,
        (AgreementStatus.IN_FORCE, AgreementStatus.CIRCULATED),
        AgreementStatus.TERMINATED,
        "agreements.agreement.terminated",
    )


@transaction.atomic
def do_renew_agreement(agreement: Agreement, *, acting_user: User) -> Agreement:
    """Renew an in-force agreement for a new term: it now runs from its old renewal date."""
    return _renew(agreement, acting_user)


def _renew(agreement: Agreement, acting_user: User | None) -> Agreement:
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    _require_council_or_system(acting_user, agreement.consortium_id)
    if agreement.status != AgreementStatus.IN_FORCE:
        raise ValidationError(_("Only an in-force agreement can be renewed."), code="bad_status")
    renewal = deadlines_of(agreement).renewal
    if renewal is None:
        raise ValidationError(_("The agreement has no effective date."), code="no_date")
    before = {"effective_date": agreement.effective_date.isoformat() if agreement.effective_date else None}
    agreement.effective_date = renewal
    agreement.updated_at = _now()
    agreement.save(update_fields=["effective_date", "updated_at"])
    _audit(
        acting_user,
        "agreements.agreement.renewed",
        agreement,
        before=before,
        after={"effective_date": renewal.isoformat(), "term_months": agreement.term_months},
    )
    return agreement


@dataclass(frozen=True)
class ExpiryRun:
    """What `do_expire_due_agreements` did: agreements renewed (once each) and expired."""

    renewed: int
    expired: int


def do_expire_due_agreements(today: dt.date | None = None) -> ExpiryRun:
    """End the terms that are over: an in-force agreement whose renewal date is today or past is
    renewed when it renews automatically (term after term, until its renewal date lies ahead),
    otherwise marked expired. A system action (nightly job, `interlocal agreements expire`),
    audited without a person; running it again the same day changes nothing.
    """
    today = today or timezone.localdate()
    renewed = expired = 0
    due = Agreement.objects.filter(status=AgreementStatus.IN_FORCE, effective_date__isnull=False)
    for pk in due.order_by("pk").values_list("pk", flat=True):
        with transaction.atomic():
            agreement = Agreement.objects.select_for_update().get(pk=pk)
            if agreement.status != AgreementStatus.IN_FORCE:  # changed since the list was read
                continue
            renewal = deadlines_of(agreement).renewal
            if renewal is None or renewal > today:
                continue
            if agreement.renewal != Renewal.AUTOMATIC:
                _expire(agreement, None)
                expired += 1
                continue
            # A zero-month term would never move forward; such an agreement ends instead.
            if agreement.term_months == 0:
                _expire(agreement, None)
                expired += 1
                continue
            while renewal is not None and renewal <= today:
                agreement = _renew(agreement, None)
                renewal = deadlines_of(agreement).renewal
            renewed += 1
    return ExpiryRun(renewed=renewed, expired=expired)


@transaction.atomic
def do_withdraw_party(
    party: AgreementParty, *, acting_user: User, on: dt.date | None = None
) -> AgreementParty:
    """A member withdraws: the party row, its signatures and all history stay; it is bound no more
    after `on` (today by default)."""
    agreement = Agreement.objects.select_for_update().get(pk=party.agreement_id)
    require_council(acting_user, agreement.consortium_id)
    if agreement.status not in (AgreementStatus.CIRCULATED, AgreementStatus.IN_FORCE):
        raise ValidationError(
            _("A member withdraws from a circulated or in-force agreement."), code="bad_status"
        )
    if party.member_id is None or party.role != PartyRole.MEMBER:
        raise ValidationError(_("Only a participating member can withdraw."), code="not_member")
    if party.withdrawn_on is not None:
        raise ValidationError(_("This member has already withdrawn."), code="withdrawn")
    party.withdrawn_on = on or timezone.localdate()
    party.save(update_fields=["withdrawn_on"])
    audit.record(
        acting_user,
        "agreements.party.withdrawn",
        agreement,
        after={"party": party.pk, "member": party.member_id, "withdrawn_on": party.withdrawn_on.isoformat()},
    )
    _activate_if_signed(agreement, acting_user)
    return party
