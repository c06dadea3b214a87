"""Solicitations."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from interlocal import audit
from interlocal.core.mail import queue_templated_mail
from interlocal.core.moments import legal_text
from interlocal.procurement.models import (
    Addendum,
    AddendumAcknowledgement,
    DemandItem,
    DemandRound,
    EvaluationCriterion,
    Solicitation,
    SolicitationDocument,
    SolicitationInterest,
    SolicitationItem,
    Vendor,
    VendorQuestion,
    VendorRegistration,
    VendorUser,
)
from interlocal.tenancy.models import Membership
from interlocal.tenancy.roles import Role

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from interlocal.accounts.models import User
    from interlocal.tenancy.models import Consortium
from interlocal.procurement.actions.common import _now, _site, check_quantity, next_number, require_council
from interlocal.procurement.actions.demand import _check_classification
from interlocal.procurement.actions.settings import addendum_notice_end
from interlocal.procurement.queries import addendum_notice_days
from interlocal.tenancy.scoping import is_council

__all__ = [
    "SOLICITATION_FIELDS",
    "SolicitationRights",
    "solicitation_rights",
    "do_acknowledge_addendum",
    "do_add_criterion",
    "do_add_solicitation_document",
    "do_add_solicitation_item",
    "do_answer_question",
    "do_ask_question",
    "do_cancel_solicitation",
    "do_create_solicitation",
    "do_create_solicitation_from_round",
    "do_delete_criterion",
    "do_delete_solicitation_item",
    "do_issue_addendum",
    "do_publish_solicitation",
    "do_register_interest",
    "do_update_solicitation",
    "publication_problems",
]


SOLICITATION_FIELDS = (
    "reference_number",
    "title",
    "description",
    "category",
    "method",
    "questions_deadline",
    "submission_deadline",
    "opening_at",
    "currency",
    "award_basis",
    "contact_name",
    "contact_email",
)


def _check_dates(sol: Solicitation) -> None:
    errors: dict[str, str] = {}
    if sol.opening_at and sol.submission_deadline and sol.opening_at < sol.submission_deadline:
        errors["opening_at"] = _("The opening must be at or after the submission deadline.")
    if (
        sol.questions_deadline
        and sol.submission_deadline
        and sol.questions_deadline > sol.submission_deadline
    ):
        errors["questions_deadline"] = _("The questions deadline must be before the submission deadline.")
    if errors:
        raise ValidationError(errors)


def _save_new_solicitation(sol: Solicitation) -> None:
    sol.currency = (sol.currency or "USD").upper()
    _check_dates(sol)
    sol.full_clean()
    try:
        with transaction.atomic():
            sol.save()
    except IntegrityError:
        raise ValidationError(
            {"reference_number": _("Another solicitation of this consortium has this reference number.")}
        ) from None


@transaction.atomic
def do_create_solicitation(consortium: Consortium, *, acting_user: User, **fields: Any) -> Solicitation:
    """Start a standalone solicitation (a draft)."""
    require_council(acting_user, consortium.pk)
    unknown = set(fields) - set(SOLICITATION_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
    sol = Solicitation(consortium=consortium, created_by=acting_user, **fields)
    _save_new_solicitation(sol)
    audit.record(acting_user, "procurement.solicitation.created", sol, after=audit.snapshot(sol))
    return sol


@transaction.atomic
def do_create_solicitation_from_round(
    round_: DemandRound, *, acting_user: User, **fields: Any
) -> Solicitation:
    """Start a solicitation from a round: its items are copied with the pooled total quantities."""
    require_council(acting_user, round_.consortium_id)
    unknown = set(fields) - set(SOLICITATION_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
    if round_.status == DemandRound.Status.DRAFT:
        raise ValidationError(_("Open the round and collect demand before issuing a solicitation."))
    fields.setdefault("title", round_.title)
    fields.setdefault("description", round_.description)
    fields.setdefault("category", round_.category)
    fields.setdefault("currency", round_.currency)
    sol = Solicitation(
        consortium_id=round_.consortium_id, demand_round=round_, created_by=acting_user, **fields
    )
    _save_new_solicitation(sol)
    totals = (
        DemandItem.objects.filter(round=round_)
        .annotate(total=Sum("entries__quantity"))
        .order_by("line_number")
    )
    lines = [
        SolicitationItem(
            solicitation=sol,
            demand_item=item,
            line_number=n,
            description=item.description,
            unit=item.unit,
            classification_scheme=item.classification_scheme,
            classification_code=item.classification_code,
            total_quantity=item.total,  # type: ignore[attr-defined]
            notes=item.notes,
        )
        for n, item in enumerate((i for i in totals if i.total), start=1)  # type: ignore[attr-defined]
    ]
    if not lines:
        raise ValidationError(_("No member entered demand in this round; there is nothing to solicit."))
    SolicitationItem.objects.bulk_create(lines)
    audit.record(
        acting_user,
        "procurement.solicitation.created",
        sol,
        after={**audit.snapshot(sol), "items": len(lines), "from_round": round_.pk},
    )
    return sol


_CLOSED = frozenset({Solicitation.Status.CANCELLED, Solicitation.Status.AWARDED})


@dataclass(frozen=True)
class SolicitationRights:
    """What one person may do with one solicitation now.

    The same predicates the `do_*` functions below enforce, so pages show exactly the buttons that
    would succeed and templates never restate the state machine. The bidding flags lead the
    council from one step to the next (bid register, opening, tabulation, evaluation, award,
    contracts, savings); each is true only where its page answers the person with 200.
    """

    council: bool  # the consortium's admins and staff: who asked, internal documents, answers
    edit: bool  # details, items and criteria of a draft
    publish: bool
    attach: bool  # documents, until awarded or cancelled
    addendum: bool  # only while published
    cancel: bool  # until awarded or cancelled
    answer: bool  # vendors' questions
    bids: bool = False  # the bid register (council, once published)
    open_bids: bool = False  # the opening time has come and the bids are still sealed (council)
    tabulation: bool = False  # opened: every non-vendor of the consortium reads the tabulation
    evaluate: bool = False  # responsiveness and scores, between the opening and the award (council)
    award: bool = False  # between the opening and the award (council)
    contracts: bool = False  # awarded: the contracts the award created
    savings: bool = False  # awarded: the consortium's savings dashboard


_OPENED = frozenset({Solicitation.Status.OPENED, Solicitation.Status.EVALUATED})


def solicitation_rights(user: Any, sol: Solicitation) -> SolicitationRights:
    council = is_council(user, sol.consortium_id)
    draft = sol.status == Solicitation.Status.DRAFT
    open_ = sol.status not in _CLOSED
    sealed = sol.status in (Solicitation.Status.PUBLISHED, Solicitation.Status.CLOSED)
    opened = sol.status in _OPENED
    awarded = sol.status == Solicitation.Status.AWARDED
    return SolicitationRights(
        council=council,
        edit=council and draft,
        publish=council and draft,
        attach=council and open_,
        addendum=council and sol.status == Solicitation.Status.PUBLISHED,
        cancel=council and open_,
        answer=council,
        bids=council and not draft,
        # do_open_bids refuses before the opening time; the register explains the other waits.
        open_bids=council and sealed and _now() >= sol.opening_at,
        tabulation=opened or awarded,
        evaluate=council and opened,
        award=council and opened,
        contracts=awarded,
        savings=awarded,
    )


def _require_draft(sol: Solicitation) -> None:
    if sol.status != Solicitation.Status.DRAFT:
        raise ValidationError(
            _("This solicitation is published; change it by issuing an addendum."), code="not_draft"
        )


@transaction.atomic
def do_update_solicitation(sol: Solicitation, *, acting_user: User, **changes: Any) -> Solicitation:
    """Change a draft solicitation."""
    require_council(acting_user, sol.consortium_id)
    unknown = set(changes) - set(SOLICITATION_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
    _require_draft(sol)
    before = audit.snapshot(sol)
    for name, value in changes.items():
        setattr(sol, name, value)
    sol.currency = sol.currency.upper()
    sol.updated_at = _now()
    _check_dates(sol)
    sol.full_clean()
    try:
        with transaction.atomic():
            sol.save()
    except IntegrityError:
        raise ValidationError(
            {"reference_number": _("Another solicitation of this consortium has this reference number.")}
        ) from None
    audit.record(
        acting_user, "procurement.solicitation.updated", sol, before=before, after=audit.snapshot(sol)
    )
    return sol


@transaction.atomic
def do_add_solicitation_item(
    sol: Solicitation,
    *,
    acting_user: User,
    description: str,
    unit: str,
    total_quantity: Any,
    classification_scheme: str = "",
    classification_code: str = "",
    notes: str = "",
) -> SolicitationItem:
    """Add a line to a draft solicitation."""
    require_council(acting_user, sol.consortium_id)
    _require_draft(sol)
    if bool(classification_scheme) != bool(classification_code):
        raise ValidationError(
            {"classification_code": _("Give both a classification scheme and a code, or neither.")}
        )
    _check_classification(classification_scheme, classification_code)
    qty = check_quantity(total_quantity, field="total_quantity")
    number = next_number(sol, SolicitationItem.objects.filter(solicitation=sol), "line_number")
    item = SolicitationItem(
        solicitation=sol,
        line_number=number,
        description=description,
        unit=unit,
        total_quantity=qty,
        classification_scheme=classification_scheme,
        classification_code=classification_code,
        notes=notes,
    )
    item.full_clean()
    item.save()
    audit.record(
        acting_user,
        "procurement.solicitation.item_added",
        item,
        after=audit.snapshot(item),
        consortium_id=sol.consortium_id,
    )
    return item


@transaction.atomic
def do_delete_solicitation_item(item: SolicitationItem, *, acting_user: User) -> None:
    """Remove a line from a draft solicitation."""
    require_council(acting_user, item.solicitation.consortium_id)
    _remove_from_draft(item, item.solicitation, acting_user, "procurement.solicitation.item_removed")


@transaction.atomic
def do_add_criterion(
    sol: Solicitation,
    *,
    acting_user: User,
    name: str,
    weight: Any,
    description: str = "",
    is_price: bool = False,
) -> EvaluationCriterion:
    """Add an evaluation criterion to a draft solicitation."""
    require_council(acting_user, sol.consortium_id)
    _require_draft(sol)
    try:
        w = Decimal(str(weight))
    except (InvalidOperation, ValueError):
        raise ValidationError({"weight": _("The weight must be a number.")}) from None
    if not w.is_finite() or w <= 0 or w > 100:
        raise ValidationError({"weight": _("The weight must be more than 0 and at most 100.")})
    position = next_number(sol, EvaluationCriterion.objects.filter(solicitation=sol), "position")
    criterion = EvaluationCriterion(
        solicitation=sol, name=name, weight=w, description=description, is_price=is_price, position=position
    )
    criterion.full_clean()
    criterion.save()
    audit.record(
        acting_user,
        "procurement.solicitation.criterion_added",
        criterion,
        after=audit.snapshot(criterion),
        consortium_id=sol.consortium_id,
    )
    return criterion


@transaction.atomic
def do_delete_criterion(criterion: EvaluationCriterion, *, acting_user: User) -> None:
    """Remove a criterion from a draft solicitation."""
    require_council(acting_user, criterion.solicitation.consortium_id)
    _remove_from_draft(
        criterion, criterion.solicitation, acting_user, "procurement.solicitation.criterion_removed"
    )


def _remove_from_draft(obj: Any, sol: Solicitation, acting_user: User, action: str) -> None:
    """Delete a part of a draft solicitation, recording what it was."""
    _require_draft(sol)
    audit.record(acting_user, action, obj, before=audit.snapshot(obj), consortium_id=sol.consortium_id)
    obj.delete()


@transaction.atomic
def do_add_solicitation_document(
    sol: Solicitation, uploaded: UploadedFile, *, acting_user: User, title: str, public: bool = True
) -> SolicitationDocument:
    """Attach a document (specification, terms, drawings) to a solicitation."""
    require_council(acting_user, sol.consortium_id)
    from interlocal.core.files import do_store_file

    if sol.status in _CLOSED:
        raise ValidationError(_("Documents can no longer be added to this solicitation."))
    stored = do_store_file(uploaded, consortium=sol.consortium, member=None, acting_user=acting_user)
    document = SolicitationDocument(
        solicitation=sol, title=title or stored.original_name, file=stored, public=public
    )
    document.full_clean()
    document.save()
    audit.record(
        acting_user,
        "procurement.solicitation.document_added",
        document,
        after=audit.snapshot(document),
        consortium_id=sol.consortium_id,
    )
    return document


def publication_problems(sol: Solicitation, now: dt.datetime | None = None) -> dict[str, str]:
    """What stands in the way of publishing `sol` (field → message); empty when it may be published."""
    now = now or _now()
    problems: dict[str, str] = {}
    if sol.status != Solicitation.Status.DRAFT:
        problems["status"] = _("Only a draft can be published.")
    if sol.submission_deadline <= now:
        problems["submission_deadline"] = _("The submission deadline must be in the future.")
    if sol.opening_at < sol.submission_deadline:
        problems["opening_at"] = _("The opening must be at or after the submission deadline.")
    if sol.questions_deadline and sol.questions_deadline > sol.submission_deadline:
        problems["questions_deadline"] = _("The questions deadline must be before the submission deadline.")
    if not sol.items.exists():
        problems["items"] = _("Add at least one item.")
    elif sol.items.filter(total_quantity__lte=0).exists():
        problems["items"] = _("Every item needs a quantity above zero.")
    criteria = list(sol.criteria.all())
    if sol.award_basis == Solicitation.AwardBasis.WEIGHTED_CRITERIA:
        total = sum((c.weight for c in criteria), Decimal(0))
        if not criteria:
            problems["criteria"] = _("Weighted evaluation needs criteria.")
        elif total != Decimal(100):
            problems["criteria"] = _("The criteria weights add up to %(total)s; they must add up to 100.") % {
                "total": format(total.normalize(), "f")
            }
        elif sol.method == Solicitation.Method.RFP and not any(c.is_price for c in criteria):
            problems["criteria"] = _("An RFP must weigh price as one of its criteria.")
    elif sol.method == Solicitation.Method.RFP:
        problems["award_basis"] = _("An RFP is awarded on weighted criteria (price among them).")
    return problems


@transaction.atomic
def do_publish_solicitation(sol: Solicitation, *, acting_user: User) -> Solicitation:
    """Publish a draft: it appears on the public pages and vendors may respond."""
    require_council(acting_user, sol.consortium_id)
    sol = Solicitation.objects.select_for_update().get(pk=sol.pk)
    problems = publication_problems(sol)
    if problems:
        raise ValidationError(problems)
    if sol.demand_round_id is not None:
        # Serialises publications within a round: only one of them continues the round's process.
        DemandRound.objects.select_for_update().filter(pk=sol.demand_round_id).first()
    sol.status, sol.published_at, sol.updated_at = Solicitation.Status.PUBLISHED, _now(), _now()
    sol.ocds_process = sol.ocds_process or sol.ocds_process_at_publication()
    sol.save(update_fields=["status", "published_at", "updated_at", "ocds_process"])
    audit.record(acting_user, "procurement.solicitation.published", sol, after=audit.snapshot(sol))
    return sol


@transaction.atomic
def do_cancel_solicitation(sol: Solicitation, *, acting_user: User, reason: str) -> Solicitation:
    """Cancel a solicitation before award, with a reason that is shown publicly."""
    require_council(acting_user, sol.consortium_id)
    sol = Solicitation.objects.select_for_update().get(pk=sol.pk)
    if sol.status in _CLOSED:
        raise ValidationError(_("This solicitation can no longer be cancelled."))
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for cancelling.")})
    before = audit.snapshot(sol)
    sol.status, sol.cancelled_at, sol.cancellation_reason = (
        Solicitation.Status.CANCELLED,
        _now(),
        reason.strip(),
    )
    sol.save(update_fields=["status", "cancelled_at", "cancellation_reason"])
    audit.record(
        acting_user, "procurement.solicitation.cancelled", sol, before=before, after=audit.snapshot(sol)
    )
    return sol


def _require_published(sol: Solicitation) -> None:
    if sol.status != Solicitation.Status.PUBLISHED:
        raise ValidationError(_("This solicitation is not open to vendors."))


def _require_acting_vendor(vendor: Vendor, user: User) -> None:
    if not VendorUser.objects.filter(
        vendor=vendor, user=user, is_active=True, vendor__status=Vendor.Status.ACTIVE
    ).exists():
        raise PermissionDenied(_("You do not act for this vendor."))


def _ensure_vendor_membership(vendor: Vendor, consortium_id: int) -> None:
    """The vendor's people hold a `vendor` role in a consortium whose solicitation they answer."""
    VendorRegistration.objects.get_or_create(vendor=vendor, consortium_id=consortium_id)
    for user_id in VendorUser.objects.filter(vendor=vendor, is_active=True).values_list("user_id", flat=True):
        Membership.objects.get_or_create(
            user_id=user_id, consortium_id=consortium_id, member=None, role=Role.VENDOR
        )


@transaction.atomic
def do_register_interest(sol: Solicitation, vendor: Vendor, *, acting_user: User) -> SolicitationInterest:
    """A vendor follows a solicitation: it receives addenda and answers by e-mail."""
    _require_acting_vendor(vendor, acting_user)
    _require_published(sol)
    interest, created = SolicitationInterest.objects.get_or_create(
        solicitation=sol, vendor=vendor, defaults={"registered_by": acting_user}
    )
    if created:
        _ensure_vendor_membership(vendor, sol.consortium_id)
        audit.record(
            acting_user,
            "procurement.solicitation.interest",
            interest,
            after={"vendor": vendor.pk},
            consortium_id=sol.consortium_id,
        )
    return interest


@transaction.atomic
def do_ask_question(sol: Solicitation, vendor: Vendor, *, acting_user: User, text: str) -> VendorQuestion:
    """A vendor asks a question before the questions deadline."""
    _require_acting_vendor(vendor, acting_user)
    if not sol.accepts_questions:
        raise ValidationError(_("Questions for this solicitation are closed."), code="questions_closed")
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write your question.")})
    if len(text) > 5000:
        raise ValidationError({"text": _("A question may have at most 5,000 characters.")})
    question = VendorQuestion.objects.create(solicitation=sol, vendor=vendor, asked_by=acting_user, text=text)
    SolicitationInterest.objects.get_or_create(
        solicitation=sol, vendor=vendor, defaults={"registered_by": acting_user}
    )
    _ensure_vendor_membership(vendor, sol.consortium_id)
    audit.record(
        acting_user,
        "procurement.question.asked",
        question,
        after={"vendor": vendor.pk},
        consortium_id=sol.consortium_id,
    )
    return question


def _interested_emails(sol: Solicitation) -> list[str]:
    """The people of every active vendor that follows the solicitation or has bid on it."""
    return sorted(
        set(
            VendorUser.objects.filter(
                Q(vendor__interests__solicitation=sol) | Q(vendor__bids__solicitation=sol),
                is_active=True,
                vendor__status=Vendor.Status.ACTIVE,
            ).values_list("user__email", flat=True)
        )
    )


@transaction.atomic
def do_answer_question(
    question: VendorQuestion, *, acting_user: User, answer: str, publish: bool = True
) -> VendorQuestion:
    """Staff answer a question; a published answer is shown to every vendor without naming who asked."""
    require_council(acting_user, question.solicitation.consortium_id)
    answer = (answer or "").strip()
    if not answer:
        raise ValidationError({"answer": _("Write the answer.")})
    before = audit.snapshot(question)
    question.answer, question.answered_at, question.answered_by = answer, _now(), acting_user
    question.published = publish
    question.save(update_fields=["answer", "answered_at", "answered_by", "published"])
    audit.record(
        acting_user, "procurement.question.answered", question, before=before, after=audit.snapshot(question)
    )
    if publish:
        sol = question.solicitation
        emails = _interested_emails(sol)
        url = _site(reverse("procurement:public_solicitation", args=[sol.pk]))
        if emails:
            transaction.on_commit(
                lambda: queue_templated_mail(
                    emails, "procurement/email/answer_published", {"solicitation": sol, "url": url}
                )
            )
    return question


@transaction.atomic
def do_issue_addendum(
    sol: Solicitation,
    *,
    acting_user: User,
    title: str,
    body: str,
    document: UploadedFile | None = None,
    submission_deadline: dt.datetime | None = None,
    opening_at: dt.datetime | None = None,
) -> Addendum:
    """Issue a numbered addendum to a published solicitation (it may move the deadlines); vendors are e-mailed."""
    require_council(acting_user, sol.consortium_id)
    sol = Solicitation.objects.select_for_update().get(pk=sol.pk)
    _require_published(sol)
    if _now() >= sol.submission_deadline:
        raise ValidationError(_("The submission deadline has passed; addenda can no longer be issued."))
    if not title.strip() or not body.strip():
        raise ValidationError(
            {"body" if title.strip() else "title": _("An addendum needs a title and a text.")}
        )
    now = _now()
    notice_until = addendum_notice_end(sol.consortium_id, now, sol.consortium.time_zone)
    before = audit.snapshot(sol)
    changes = _date_changes(sol, notice_until, submission_deadline=submission_deadline, opening_at=opening_at)
    if changes:
        for name, (_old, new) in changes.items():
            setattr(sol, name, new)
        if sol.opening_at < sol.submission_deadline:
            raise ValidationError(
                {"opening_at": _("The opening must be at or after the submission deadline.")}
            )
        sol.updated_at = now
        sol.save(update_fields=["submission_deadline", "opening_at", "updated_at"])
    stored = None
    if document is not None:
        from interlocal.core.files import do_store_file

        stored = do_store_file(document, consortium=sol.consortium, member=None, acting_user=acting_user)
    number = next_number(sol, Addendum.objects.filter(solicitation=sol), "number")
    addendum = Addendum.objects.create(
        solicitation=sol,
        number=number,
        title=title.strip(),
        body=body.strip(),
        document=stored,
        issued_by=acting_user,
        issued_at=now,
        notice_until=notice_until,
    )
    audit.record(
        acting_user,
        "procurement.addendum.issued",
        addendum,
        before=before,
        after={
            **audit.snapshot(addendum),
            "submission_deadline": sol.submission_deadline,
            "opening_at": sol.opening_at,
        },
        consortium_id=sol.consortium_id,
    )
    # Every follower and every bidder hears of it, above all of a change of dates.
    emails = _interested_emails(sol)
    url = _site(reverse("procurement:vendor_solicitation", args=[sol.pk]))
    moved = [
        {"label": _DATE_LABELS[name](), "before": _local(old, sol), "after": _local(new, sol)}
        for name, (old, new) in changes.items()
    ]
    if emails:
        transaction.on_commit(
            lambda: queue_templated_mail(
                emails,
                "procurement/email/addendum_issued",
                {"solicitation": sol, "addendum": addendum, "url": url, "changes": moved},
            )
        )
    return addendum


_DATE_LABELS = {
    "submission_deadline": lambda: _("Submission deadline"),
    "opening_at": lambda: _("Bid opening"),
}


def _local(moment: dt.datetime, sol: Solicitation) -> str:
    return legal_text(moment, sol.consortium)


def _date_changes(
    sol: Solicitation,
    notice_until: dt.datetime,
    *,
    submission_deadline: dt.datetime | None,
    opening_at: dt.datetime | None,
) -> dict[str, tuple[dt.datetime, dt.datetime]]:
    """The dates an addendum moves, as name -> (old, new); ValidationError naming each date that
    would move earlier, or to less than the consortium's minimum notice after the addendum.

    Vendors price and plan against the published dates: an addendum that pulled the deadline
    or the opening closer would let the council open the sealed bids early (security issue 11)."""
    days = addendum_notice_days(sol.consortium_id)
    errors: dict[str, str] = {}
    changes: dict[str, tuple[dt.datetime, dt.datetime]] = {}
    for name, new in (("submission_deadline", submission_deadline), ("opening_at", opening_at)):
        old = getattr(sol, name)
        if new is None or new == old:
            continue
        label = _DATE_LABELS[name]().lower()
        if new < old:
            errors[name] = _(
                "An addendum may move the %(label)s only later, never earlier: it is %(old)s."
            ) % {"label": label, "old": _local(old, sol)}
        elif new < notice_until:
            errors[name] = ngettext(
                "The new %(label)s must give at least %(days)d working day of notice after this "
                "addendum: %(earliest)s or later.",
                "The new %(label)s must give at least %(days)d working days of notice after this "
                "addendum: %(earliest)s or later.",
                days,
            ) % {"label": label, "days": days, "earliest": _local(notice_until, sol)}
        else:
            changes[name] = (old, new)
    if errors:
        raise ValidationError(errors)
    return changes


@transaction.atomic
def do_acknowledge_addendum(
    addendum: Addendum, vendor: Vendor, *, acting_user: User
) -> AddendumAcknowledgement:
    """A vendor acknowledges an addendum (idempotent: a second acknowledgement returns the first)."""
    _require_acting_vendor(vendor, acting_user)
    sol = addendum.solicitation
    if sol.status != Solicitation.Status.PUBLISHED:
        raise ValidationError(_("This solicitation is not open to vendors."))
    ack, created = AddendumAcknowledgement.objects.get_or_create(
        addendum=addendum, vendor=vendor, defaults={"acknowledged_by": acting_user}
    )
    if created:
        SolicitationInterest.objects.get_or_create(
            solicitation=sol, vendor=vendor, defaults={"registered_by": acting_user}
        )
        audit.record(
            acting_user,
            "procurement.addendum.acknowledged",
            ack,
            after={"vendor": vendor.pk},
            consortium_id=sol.consortium_id,
        )
    return ack
