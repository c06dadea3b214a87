"""Write paths for billing: do_* functions, each audited, each in one transaction.

Issuing allocates invoice numbers from a `NumberCounter` row locked with SELECT … FOR UPDATE
inside the issuing transaction: two runs of one consortium issue one after the other, and the
numbers of a year have no gaps (a failed run rolls its numbers back with everything else).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from interlocal import audit
from interlocal.billing.charges import RunCharges, compute_run
from interlocal.billing.models import (
    Benefit,
    BillingRun,
    CreditNote,
    CreditNoteLine,
    DocumentKind,
    Invoice,
    InvoiceLine,
    InvoiceStatus,
    NumberCounter,
    Payment,
    PayOut,
    RunStatus,
)
from interlocal.billing.queries import is_council_of
from interlocal.core.links import absolute_url
from interlocal.core.mail import queue_mail
from interlocal.tenancy.models import Consortium, Member, Membership
from interlocal.tenancy.roles import Role

if TYPE_CHECKING:
    from interlocal.accounts.models import User

__all__ = [
    "BACKGROUND_THRESHOLD",
    "allocate_numbers",
    "do_create_run",
    "do_credit_invoice",
    "do_issue_run",
    "do_record_payment",
    "do_record_payout",
    "do_save_benefit",
    "do_start_issue",
    "refusals",
]

# Runs with more members than this issue in the background (progress bar page).
BACKGROUND_THRESHOLD = 50


def _require_council(user: Any, consortium_id: int) -> None:
    if not is_council_of(user, consortium_id):
        raise PermissionDenied(_("Only the consortium's admins and staff may do this."))


def refusals(
    consortium_id: int,
    start: dt.date,
    end: dt.date,
    service_ids: Iterable[int],
    *,
    exclude_run: int | None = None,
) -> list[str]:
    """Why a run of these services and period may not be issued (empty: it may).

    A repeated run (same period and service) and a run overlapping a period already invoiced
    for that service (a closed period) are refused, unless every invoice of the earlier run was
    credited in full. Two queries.
    """
    problems: list[str] = []
    if end < start:
        return [_("The period ends before it starts.")]
    service_ids = list(service_ids)
    if not service_ids:
        return [_("Choose at least one service.")]
    uncredited = Invoice.objects.filter(run=OuterRef("pk")).exclude(status=InvoiceStatus.CREDITED)
    earlier = (
        BillingRun.objects.filter(
            consortium_id=consortium_id,
            status__in=[RunStatus.ISSUED, RunStatus.RUNNING],
            period_start__lte=end,
            period_end__gte=start,
            services__in=service_ids,
        )
        .exclude(pk=exclude_run)
        .filter(Q(status=RunStatus.RUNNING) | Exists(uncredited))
        .values_list("period_start", "period_end", "services__name")
        .distinct()
    )
    for run_start, run_end, name in earlier.order_by("period_start", "services__name"):
        if (run_start, run_end) == (start, end):
            problems.append(
                _("%(service)s was already invoiced for %(start)s–%(end)s: credit that run's invoices first.")
                % {"service": name, "start": run_start, "end": run_end}
            )
        else:
            problems.append(
                _("The period is closed for %(service)s: %(start)s–%(end)s is already invoiced.")
                % {"service": name, "start": run_start, "end": run_end}
            )
    return problems


@transaction.atomic
def do_create_run(
    consortium: Consortium,
    *,
    start: dt.date,
    end: dt.date,
    services: list[Any],
    acting_user: User,
    due_days: int = 30,
) -> BillingRun:
    """A billing run in preview, after the refusals; nothing is issued yet."""
    _require_council(acting_user, consortium.pk)
    if any(s.consortium_id != consortium.pk for s in services):
        raise ValidationError(_("A service of another consortium was chosen."))
    problems = refusals(consortium.pk, start, end, [s.pk for s in services])
    if problems:
        raise ValidationError(problems)
    run = BillingRun.objects.create(
        consortium=consortium, period_start=start, period_end=end, created_by=acting_user, due_days=due_days
    )
    run.services.set(services)
    audit.record(acting_user, "billing.run.created", run, after=audit.snapshot(run))
    return run


def _lock_counter(consortium_id: int, year: int, kind: str) -> NumberCounter:
    """The counter row, created if need be, locked until the transaction ends."""
    try:
        with transaction.atomic():
            NumberCounter.objects.get_or_create(consortium_id=consortium_id, year=year, kind=kind)
    except IntegrityError:  # another transaction created it first: it exists now
        pass
    return NumberCounter.objects.select_for_update().get(consortium_id=consortium_id, year=year, kind=kind)


def allocate_numbers(consortium_id: int, year: int, kind: str, count: int) -> int:
    """Reserve `count` consecutive numbers; returns the first. Call inside the issuing transaction."""
    counter = _lock_counter(consortium_id, year, kind)
    first = counter.last + 1
    counter.last += count
    counter.save(update_fields=["last"])
    return first


def do_start_issue(run: BillingRun, *, acting_user: User) -> bool:
    """Check a run may be issued; True when it is large and goes to the background (status running)."""
    _require_council(acting_user, run.consortium_id)
    if run.status != RunStatus.PREVIEW:
        raise ValidationError(_("This run was already issued or is being issued."))
    problems = refusals(
        run.consortium_id,
        run.period_start,
        run.period_end,
        run.services.values_list("pk", flat=True),
        exclude_run=run.pk,
    )
    if problems:
        raise ValidationError(problems)
    members = len({m for m in run.services.values_list("subscriptions__member", flat=True) if m is not None})
    if members <= BACKGROUND_THRESHOLD:
        return False
    BillingRun.objects.filter(pk=run.pk, status=RunStatus.PREVIEW).update(
        status=RunStatus.RUNNING, progress_done=0, progress_total=run.services.count() + 1
    )
    run.refresh_from_db()
    return True


def do_issue_run(run: BillingRun, *, acting_user: User) -> list[Invoice]:
    """Compute the run's charges and issue its invoices (numbered, gapless, mailed on commit)."""
    _require_council(acting_user, run.consortium_id)
    total = run.services.count() + 1
    BillingRun.objects.filter(pk=run.pk).update(progress_total=total, progress_done=0)

    def progress(done: int) -> None:
        BillingRun.objects.filter(pk=run.pk).update(progress_done=done)

    charges = compute_run(run, on_service=progress)
    try:
        invoices = _issue(run, charges, acting_user)
    except ValidationError as exc:
        BillingRun.objects.filter(pk=run.pk).update(status=RunStatus.FAILED, error="\n".join(exc.messages))
        run.refresh_from_db()
        raise
    run.refresh_from_db()
    return invoices


@transaction.atomic
def _issue(run: BillingRun, charges: RunCharges, acting_user: User) -> list[Invoice]:
    now = timezone.now()
    year = timezone.localdate(now).year
    # Locking the counter first serialises issuing runs of the consortium: the refusals below
    # then see every run issued before this one.
    counter = _lock_counter(run.consortium_id, year, DocumentKind.INVOICE)
    locked = BillingRun.objects.select_for_update().get(pk=run.pk)
    if locked.status not in (RunStatus.PREVIEW, RunStatus.RUNNING):
        raise ValidationError(_("This run was already issued."))
    problems = refusals(
        run.consortium_id,
        run.period_start,
        run.period_end,
        run.services.values_list("pk", flat=True),
        exclude_run=run.pk,
    )
    problems += [f"{p.service}: {p.path}: {p.reason}" for p in charges.problems]
    if problems:
        raise ValidationError(problems)
    billed = [m for m in charges.members if m.lines]
    first = counter.last + 1
    counter.last += len(billed)
    counter.save(update_fields=["last"])
    due = timezone.localdate(now) + dt.timedelta(days=run.due_days)
    invoices = [
        Invoice(
            consortium_id=run.consortium_id,
            member=m.member,
            run=run,
            number=f"{year}-{first + i:05d}",
            year=year,
            seq=first + i,
            period_start=run.period_start,
            period_end=run.period_end,
            issued_at=now,
            due_date=due,
            total=m.total,
            status=InvoiceStatus.PAID if m.total == 0 else InvoiceStatus.OPEN,
        )
        for i, m in enumerate(billed)
    ]
    Invoice.objects.bulk_create(invoices, batch_size=500)
    lines = [
        InvoiceLine(
            invoice=invoice,
            service_id=line.service_id,
            description=line.description,
            rule=line.rule,
            days=line.days,
            period_days=line.period_days,
            quantity=line.quantity,
            basis=line.basis,
            rounding=line.rounding,
            amount=line.amount,
        )
        for invoice, m in zip(invoices, billed, strict=True)
        for line in m.lines
    ]
    InvoiceLine.objects.bulk_create(lines, batch_size=1000)
    BillingRun.objects.filter(pk=run.pk).update(
        status=RunStatus.ISSUED, issued_at=now, progress_done=run.services.count() + 1, error=""
    )
    audit.record(
        acting_user,
        "billing.run.issued",
        run,
        after={
            "invoices": len(invoices),
            "first": invoices[0].number if invoices else None,
            "total": str(charges.total),
        },
    )
    ids = [i.pk for i in invoices]
    transaction.on_commit(lambda: _mail_invoices(ids))
    return invoices


def _mail_invoices(invoice_ids: list[int]) -> None:
    """E-mail each invoice to its member's admins (the member's billing contacts)."""
    invoices = list(Invoice.objects.filter(pk__in=invoice_ids).select_related("member", "consortium"))
    contacts: dict[tuple[int, int], list[str]] = {}
    for consortium_id, member_id, email in Membership.objects.filter(
        member_id__in=[i.member_id for i in invoices],
        role=Role.MEMBER_ADMIN,
        user__is_active=True,
        consortium_id__in={i.consortium_id for i in invoices},
    ).values_list("consortium_id", "member_id", "user__email"):
        contacts.setdefault((consortium_id, member_id), []).append(email)
    for invoice in invoices:
        to = contacts.get((invoice.consortium_id, invoice.member_id), [])
        if not to:
            continue
        link = absolute_url(reverse("billing:invoice_detail", args=[invoice.pk]))
        queue_mail(
            to,
            _("Invoice %(number)s from %(consortium)s")
            % {"number": invoice.number, "consortium": invoice.consortium},
            _(
                "%(consortium)s issued invoice %(number)s to %(member)s for %(start)s–%(end)s: "
                "%(total)s, due %(due)s.\n\nThe invoice, its PDF and CSV: %(link)s\n"
            )
            % {
                "consortium": invoice.consortium,
                "number": invoice.number,
                "member": invoice.member,
                "start": invoice.period_start,
                "end": invoice.period_end,
                "total": invoice.total,
                "due": invoice.due_date,
                "link": link,
            },
            link=link,
        )
    Invoice.objects.filter(pk__in=invoice_ids).update(mailed_at=timezone.now())


def _settle(invoice: Invoice) -> None:
    """Recompute paid/credited and the status (the frozen fields stay as they are)."""
    invoice.paid = Payment.objects.filter(invoice=invoice).aggregate(t=Sum("amount"))["t"] or Decimal(0)
    invoice.credited = CreditNote.objects.filter(invoice=invoice).aggregate(t=Sum("total"))["t"] or Decimal(0)
    if invoice.credited >= invoice.total:
        invoice.status = InvoiceStatus.CREDITED
    elif invoice.paid + invoice.credited >= invoice.total:
        invoice.status = InvoiceStatus.PAID
    else:
        invoice.status = InvoiceStatus.OPEN
    invoice.save(update_fields=["paid", "credited", "status"])


@transaction.atomic
def do_record_payment(
    invoice: Invoice, *, amount: Decimal, paid_on: dt.date, reference: str = "", acting_user: User
) -> Payment:
    """Record a payment received; the invoice becomes paid once nothing is owed."""
    _require_council(acting_user, invoice.consortium_id)
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if amount <= 0:
        raise ValidationError(_("A payment must be more than zero."))
    if amount > invoice.balance:
        raise ValidationError(
            _("The payment is more than the %(balance)s still owed.") % {"balance": invoice.balance}
        )
    payment = Payment.objects.create(
        invoice=invoice, amount=amount, paid_on=paid_on, reference=reference, recorded_by=acting_user
    )
    _settle(invoice)
    audit.record(acting_user, "billing.payment.recorded", invoice, after=audit.snapshot(payment))
    return payment


@transaction.atomic
def do_credit_invoice(
    invoice: Invoice, *, reason: str, acting_user: User, amounts: dict[int, Decimal] | None = None
) -> CreditNote:
    """Issue a credit note for an invoice: every line in full, or `amounts` per line id."""
    _require_council(acting_user, invoice.consortium_id)
    if not reason.strip():
        raise ValidationError(_("Say why the invoice is credited."))
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    lines = list(invoice.lines.all())
    already = {
        line_id: total
        for line_id, total in CreditNoteLine.objects.filter(invoice_line__invoice=invoice)
        .values("invoice_line")
        .annotate(t=Sum("amount"))
        .values_list("invoice_line", "t")
    }
    parts: list[tuple[InvoiceLine, Decimal]] = []
    for line in lines:
        left = line.amount - already.get(line.pk, Decimal(0))
        wanted = left if amounts is None else amounts.get(line.pk, Decimal(0))
        if wanted < 0 or wanted > left:
            raise ValidationError(
                _("%(line)s: at most %(left)s can be credited.") % {"line": line.description, "left": left}
            )
        if wanted:
            parts.append((line, wanted))
    total = sum((a for _l, a in parts), Decimal(0))
    if total <= 0:
        raise ValidationError(_("Nothing is left to credit on this invoice."))
    now = timezone.now()
    year = timezone.localdate(now).year
    seq = allocate_numbers(invoice.consortium_id, year, DocumentKind.CREDIT_NOTE, 1)
    note = CreditNote.objects.create(
        consortium_id=invoice.consortium_id,
        member_id=invoice.member_id,
        invoice=invoice,
        number=f"CN-{year}-{seq:05d}",
        year=year,
        seq=seq,
        issued_at=now,
        reason=reason.strip(),
        total=total,
        created_by=acting_user,
    )
    CreditNoteLine.objects.bulk_create(
        [
            CreditNoteLine(credit_note=note, invoice_line=line, description=line.description, amount=a)
            for line, a in parts
        ]
    )
    _settle(invoice)
    audit.record(acting_user, "billing.credit_note.issued", note, after=audit.snapshot(note))
    return note


@transaction.atomic
def do_save_benefit(
    service: Any,
    *,
    year: int,
    acting_user: User,
    member: Member | None = None,
    projected: Decimal | None = None,
    realised: Decimal | None = None,
    note: str = "",
) -> Benefit:
    """Enter (or change) projected and realised savings of a service in a year."""
    _require_council(acting_user, service.consortium_id)
    benefit, _created = Benefit.objects.get_or_create(
        consortium_id=service.consortium_id, service=service, year=year, member=member
    )
    before = audit.snapshot(benefit)
    benefit.projected_savings = projected
    benefit.realised_savings = realised
    benefit.note = note
    benefit.updated_at = timezone.now()
    benefit.save()
    audit.record(acting_user, "billing.benefit.saved", benefit, before=before, after=audit.snapshot(benefit))
    return benefit


@transaction.atomic
def do_record_payout(
    consortium: Consortium,
    *,
    member: Member,
    year: int,
    amount: Decimal,
    reason: str,
    acting_user: User,
    service: Any = None,
) -> PayOut:
    """Record a surplus returned to a member."""
    _require_council(acting_user, consortium.pk)
    if amount <= 0:
        raise ValidationError(_("A pay-out must be more than zero."))
    if not consortium.participations.filter(member=member).exists():
        raise ValidationError(_("That member is not in this consortium."))
    payout = PayOut.objects.create(
        consortium=consortium,
        member=member,
        service=service,
        year=year,
        amount=amount,
        reason=reason,
        recorded_by=acting_user,
    )
    audit.record(acting_user, "billing.payout.recorded", payout, after=audit.snapshot(payout))
    return payout
