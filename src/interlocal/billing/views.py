"""Billing pages: runs (preview, issue, progress), receivables, invoices (PDF, CSV), credit notes,
payments, benefits and pay-outs, and each member's page.

Reads go through billing.queries (get_*_for_user, visible_to); writes through billing.actions.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from interlocal.agreements.queries import agreements_of_member, upcoming_deadlines
from interlocal.billing import tasks
from interlocal.billing.actions import (
    do_create_run,
    do_credit_invoice,
    do_issue_run,
    do_record_payment,
    do_record_payout,
    do_save_benefit,
    do_start_issue,
)
from interlocal.billing.charges import compute_run
from interlocal.billing.forms import (
    BenefitForm,
    CreditForm,
    PaymentForm,
    PayOutForm,
    RunForm,
)
from interlocal.billing.models import Benefit, BillingRun, InvoiceStatus, PayOut, RunStatus
from interlocal.billing.queries import (
    INVOICE_LIST_FIELDS,
    ageing_bucket,
    ageing_of,
    get_credit_note_for_user,
    get_invoice_for_user,
    get_run_for_user,
    invoices_for,
    is_council_of,
    member_billing,
    member_choices,
    open_q,
)
from interlocal.core.tables import ChoiceFilter, Column, Table
from interlocal.lib.spreadsheets import csv_text
from interlocal.services.queries import subscriptions_visible_to
from interlocal.tenancy.queries import get_consortium_for_user, get_member_for_user

__all__ = [
    "benefits",
    "billing_card",
    "credit_note_detail",
    "home",
    "invoice_credit",
    "invoice_csv",
    "invoice_detail",
    "invoice_pay",
    "invoice_pdf",
    "invoices",
    "member_page",
    "run_detail",
    "run_issue",
    "run_new",
    "run_progress",
]


def _consortium(request: HttpRequest) -> Any:
    tenant = request.tenant  # type: ignore[attr-defined]
    if tenant.consortium is None:
        raise Http404(_g("You do not hold a role in any consortium yet."))
    if tenant.is_vendor:
        raise PermissionDenied(_g("Billing is for the consortium's members, not for vendors."))
    return get_consortium_for_user(request.user, tenant.consortium.pk)


def _require_council(request: HttpRequest, consortium_id: int) -> None:
    if not is_council_of(request.user, consortium_id):
        raise PermissionDenied(_g("Only the consortium's admins and staff may do this."))


def _csv(name: str, rows: list[list[Any]]) -> HttpResponse:
    response = HttpResponse(csv_text(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


def _invoice_url(invoice: Any) -> str:
    return reverse("billing:invoice_detail", args=[invoice.pk])


class InvoiceTable(Table):
    """Receivables, a page at a time: the filters narrow the rows, the ageing sums all that match."""

    columns = [
        Column("number", _("Number"), sort="number", link=_invoice_url),
        Column("member", _("Member"), accessor="member.name", sort="member__name"),
        Column("period_start", _("Period start"), sort="period_start"),
        Column("period_end", _("Period end")),
        Column("issued", _("Issued"), accessor=lambda i: i.issued_at.date(), sort="issued_at"),
        Column("due", _("Due"), accessor="due_date", sort="due_date"),
        Column("total", _("Total"), sort="total", numeric=True),
        Column("paid", _("Paid"), numeric=True),
        Column("credited", _("Credited"), numeric=True),
        Column("balance", _("Balance"), numeric=True),
        Column("status", _("Status"), accessor="state_label"),
        Column("ageing", _("Ageing"), accessor=lambda i: ageing_bucket(i)),
    ]
    default_sort = "-number"
    per_page = 50
    export_name = "invoices"
    caption = _("Invoices")
    empty_text = _("No invoices.")

    def __init__(self, request: HttpRequest, queryset: Any, *, members: list[tuple[int, str]]) -> None:
        years = [(y, str(y)) for y in range(timezone.localdate().year + 1, 2019, -1)]
        statuses = list(InvoiceStatus.choices)
        self.filters = [  # type: ignore[misc]  # per request: the year list and member choices vary
            ChoiceFilter("status", _("Status"), statuses),
            *([ChoiceFilter("member", _("Member"), members, field="member_id")] if members else []),
            ChoiceFilter("year", _("Year"), years),
        ]
        super().__init__(request, queryset)

    def _filtered(self) -> Any:
        # "open" and "overdue" depend on today's date, so status is not a plain equality.
        status = self.filter_values.pop("status", None)
        qs = super()._filtered()
        if status:
            self.filter_values["status"] = status
            today = timezone.localdate()
            if status == InvoiceStatus.OVERDUE:
                qs = qs.filter(open_q(), due_date__lt=today)
            elif status == InvoiceStatus.OPEN:
                qs = qs.filter(open_q(), due_date__gte=today)
            else:
                qs = qs.filter(status=status)
        return qs


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The council's billing runs; a member's people go to their member's page."""
    consortium = _consortium(request)
    if not is_council_of(request.user, consortium.pk):
        return render(request, "billing/home.html", {"consortium": consortium, "runs": None})
    runs = (
        BillingRun.objects.visible_to(request.user)
        .filter(consortium=consortium)
        .prefetch_related("services")[:100]
    )
    return render(request, "billing/home.html", {"consortium": consortium, "runs": runs})


@login_required
def run_new(request: HttpRequest) -> HttpResponse:
    """Pick a period and services; creates a run in preview."""
    consortium = _consortium(request)
    _require_council(request, consortium.pk)
    form = RunForm(request.POST or None, consortium=consortium, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            run = do_create_run(
                consortium,
                start=form.cleaned_data["start"],
                end=form.cleaned_data["end"],
                services=list(form.cleaned_data["services"]),
                due_days=form.cleaned_data["due_days"],
                acting_user=request.user,  # type: ignore[arg-type]
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            return redirect("billing:run_detail", pk=run.pk)
    return render(
        request,
        "billing/run_new.html",
        {"consortium": consortium, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The preview of every participant's charge with each line's explanation, or the run's status."""
    run = get_run_for_user(request.user, pk)
    charges = compute_run(run) if run.status == RunStatus.PREVIEW else None
    issued = run.invoices.select_related("member").order_by("seq") if run.status == RunStatus.ISSUED else []
    return render(request, "billing/run_detail.html", {"run": run, "charges": charges, "issued": issued})


@login_required
def run_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress bar fragment, polled by htmx while the run issues."""
    run = get_run_for_user(request.user, pk)
    return render(request, "billing/_progress.html", {"run": run})


@login_required
@require_POST
def run_issue(request: HttpRequest, pk: int) -> HttpResponse:
    """Issue the run's invoices: at once for small runs, in the background for large ones."""
    run = get_run_for_user(request.user, pk)
    try:
        background = do_start_issue(run, acting_user=request.user)  # type: ignore[arg-type]
        if background:
            user_id = int(request.user.pk or 0)
            transaction.on_commit(lambda: tasks.issue_run.enqueue(run.pk, user_id))
            messages.info(request, _g("The invoices are being issued."))
        else:
            invoices = do_issue_run(run, acting_user=request.user)  # type: ignore[arg-type]
            messages.success(request, _g("%(n)s invoices issued.") % {"n": len(invoices)})
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect("billing:run_detail", pk=run.pk)


@login_required
def invoices(request: HttpRequest) -> HttpResponse:
    """Receivables: open, paid and overdue invoices with ageing; filters, pages and CSV."""
    consortium = _consortium(request)
    is_council = is_council_of(request.user, consortium.pk)
    qs = invoices_for(request.user, consortium.pk).only(*INVOICE_LIST_FIELDS)
    members = member_choices(request.user, consortium.pk) if is_council else []
    table = InvoiceTable(request, qs, members=members)
    if table.wants_csv():
        return table.csv_response()  # type: ignore[return-value]  # no ageing sums for the CSV
    return table.response(
        "billing/invoices.html",
        {"consortium": consortium, "ageing": ageing_of(table.queryset), "is_council": is_council},
    )


def _invoice_context(request: HttpRequest, pk: int) -> dict[str, Any]:
    invoice = get_invoice_for_user(request.user, pk)
    council = is_council_of(request.user, invoice.consortium_id)
    lines = list(invoice.lines.select_related("service"))
    return {
        "invoice": invoice,
        "lines": lines,
        "payments": list(invoice.payments.all()),
        "credit_notes": list(invoice.credit_notes.all()),
        "is_council": council,
    }


@login_required
def invoice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One invoice: lines with their basis, payments, credit notes; the council records payments."""
    context = _invoice_context(request, pk)
    if context["is_council"]:
        context["payment_form"] = PaymentForm()
        context["credit_form"] = CreditForm(lines=context["lines"])
    return render(request, "billing/invoice_detail.html", context)


@login_required
def invoice_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The invoice as PDF (WeasyPrint)."""
    from weasyprint import HTML

    context = _invoice_context(request, pk)
    html = render_to_string("billing/invoice_pdf.html", context, request=request)
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="invoice-{context["invoice"].number}.pdf"'
    return response


@login_required
def invoice_csv(request: HttpRequest, pk: int) -> HttpResponse:
    """The invoice's lines as CSV."""
    context = _invoice_context(request, pk)
    invoice = context["invoice"]
    head = ["invoice", "service", "rule", "days", "period_days", "quantity", "basis", "rounding", "amount"]
    body = [
        [
            invoice.number,
            ln.service.name,
            ln.rule,
            ln.days,
            ln.period_days,
            ln.quantity,
            "; ".join(f"{k}={v}" for k, v in ln.basis.items()),
            ln.rounding,
            ln.amount,
        ]
        for ln in context["lines"]
    ]
    return _csv(f"invoice-{invoice.number}", [head, *body])


@login_required
@require_POST
def invoice_pay(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a payment (council)."""
    invoice = get_invoice_for_user(request.user, pk)
    _require_council(request, invoice.consortium_id)
    form = PaymentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            do_record_payment(invoice, acting_user=request.user, **form.cleaned_data)  # type: ignore[arg-type]
            messages.success(request, _g("Payment recorded."))
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
    elif request.method == "POST":
        messages.error(request, _g("Check the payment: amount and date are needed."))
    return redirect("billing:invoice_detail", pk=invoice.pk)


@login_required
@require_POST
def invoice_credit(request: HttpRequest, pk: int) -> HttpResponse:
    """Issue a credit note for (part of) the invoice (council)."""
    invoice = get_invoice_for_user(request.user, pk)
    _require_council(request, invoice.consortium_id)
    form = CreditForm(request.POST or None, lines=list(invoice.lines.all()))
    if request.method == "POST" and form.is_valid():
        try:
            note = do_credit_invoice(
                invoice,
                reason=form.cleaned_data["reason"],
                amounts=form.amounts(),
                acting_user=request.user,  # type: ignore[arg-type]
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            return redirect("billing:credit_note_detail", pk=note.pk)
    elif request.method == "POST":
        messages.error(request, _g("Say why the invoice is credited."))
    return redirect("billing:invoice_detail", pk=invoice.pk)


@login_required
def credit_note_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One credit note and the lines it takes back."""
    note = get_credit_note_for_user(request.user, pk)
    return render(request, "billing/credit_note_detail.html", {"note": note, "lines": list(note.lines.all())})


def _benefit_rows(user: Any, consortium_id: int, member_id: int | None) -> list[dict[str, Any]]:
    qs = (
        Benefit.objects.visible_to(user)
        .filter(consortium_id=consortium_id)
        .select_related("service", "member")
    )
    qs = qs.filter(member_id=member_id) if member_id else qs.filter(member__isnull=True)
    return [
        {
            "service": b.service.name,
            "year": b.year,
            "projected": b.projected_savings,
            "realised": b.realised_savings,
            "note": b.note,
        }
        for b in qs.order_by("service__name", "year")
    ]


def _benefit_spec(rows: list[dict[str, Any]], title: str) -> dict[str, Any]:
    values = [
        {"year": str(r["year"]), "service": r["service"], "kind": kind, "amount": float(r[key] or 0)}
        for r in rows
        for kind, key in (("projected", "projected"), ("realised", "realised"))
    ]
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "usermeta": {"embedOptions": {"actions": False}},
        "title": title,
        "width": "container",
        "height": 220,
        "data": {"values": values},
        "mark": "bar",
        "encoding": {
            "x": {"field": "year", "type": "ordinal", "title": "Year"},
            "xOffset": {"field": "kind"},
            "y": {"field": "amount", "type": "quantitative", "aggregate": "sum", "title": "Savings ($)"},
            "color": {"field": "kind", "type": "nominal", "title": ""},
            "tooltip": [{"field": "service"}, {"field": "kind"}, {"field": "amount", "format": "$,.2f"}],
        },
    }


@login_required
def benefits(request: HttpRequest) -> HttpResponse:
    """Projected against realised savings per service and year, and pay-outs; the council enters them."""
    consortium = _consortium(request)
    council = is_council_of(request.user, consortium.pk)
    member_id = request.GET.get("member")
    member = get_member_for_user(request.user, int(member_id)) if member_id and member_id.isdigit() else None
    benefit_form = BenefitForm(consortium=consortium, user=request.user)
    payout_form = PayOutForm(consortium=consortium, user=request.user)
    if request.method == "POST":
        _require_council(request, consortium.pk)
        try:
            if request.POST.get("kind") == "payout":
                payout_form = PayOutForm(request.POST, consortium=consortium, user=request.user)
                if payout_form.is_valid():
                    do_record_payout(consortium, acting_user=request.user, **payout_form.cleaned_data)  # type: ignore[arg-type]
                    return redirect("billing:benefits")
            else:
                benefit_form = BenefitForm(request.POST, consortium=consortium, user=request.user)
                if benefit_form.is_valid():
                    d = benefit_form.cleaned_data
                    do_save_benefit(
                        d["service"],
                        year=d["year"],
                        member=d["member"],
                        projected=d["projected"],
                        realised=d["realised"],
                        note=d["note"],
                        acting_user=request.user,  # type: ignore[arg-type]
                    )
                    return redirect("billing:benefits")
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
    rows = _benefit_rows(request.user, consortium.pk, member.pk if member else None)
    payouts = (
        PayOut.objects.visible_to(request.user)
        .filter(consortium=consortium)
        .select_related("member", "service")
    )
    if member:
        payouts = payouts.filter(member=member)
    if request.GET.get("format") == "csv":
        body = [["benefit", r["service"], r["year"], r["projected"], r["realised"], r["note"]] for r in rows]
        body += [
            ["payout", p.service.name if p.service else "", p.year, p.member.name, p.amount, p.reason]
            for p in payouts
        ]
        return _csv(
            "benefits",
            [["kind", "service", "year", "projected_or_member", "realised_or_amount", "note"], *body],
        )
    return render(
        request,
        "billing/benefits.html",
        {
            "consortium": consortium,
            "member": member,
            "rows": rows,
            "payouts": list(payouts[:500]),
            "payout_total": payouts.aggregate(t=Sum("amount"))["t"] or Decimal(0),
            "spec": _benefit_spec(rows, _g("Projected and realised savings")),
            "is_council": council,
            "benefit_form": benefit_form if council else None,
            "payout_form": payout_form if council else None,
        },
    )


@login_required
def member_page(request: HttpRequest, member_pk: int) -> HttpResponse:
    """One member's page: its services and subscriptions, open invoices, savings to date."""
    consortium = _consortium(request)
    member = get_member_for_user(request.user, member_pk)
    if not member.participations.filter(consortium=consortium).exists():
        raise Http404
    if not (is_council_of(request.user, consortium.pk) or request.tenant.member == member):  # type: ignore[attr-defined]
        raise Http404
    summary = member_billing(request.user, consortium.pk, member.pk)
    subscriptions = list(
        subscriptions_visible_to(request.user)
        .filter(member=member, service__consortium=consortium)
        .order_by("service__name", "start")[:200]
    )
    # In-force agreements binding the member, their next notice and renewal days, soonest first.
    agreements = agreements_of_member(request.user, member.pk).filter(consortium=consortium)
    deadlines = upcoming_deadlines(list(agreements), timezone.localdate())[:10]
    return render(
        request,
        "billing/member.html",
        {
            "consortium": consortium,
            "member": member,
            "summary": summary,
            "subscriptions": subscriptions,
            "deadlines": deadlines,
        },
    )


def billing_card(request: HttpRequest) -> dict[str, Any] | None:
    """Dashboard card: open and overdue receivables of the consortium (or of one's member)."""
    tenant = request.tenant  # type: ignore[attr-defined]
    if tenant.consortium is None or tenant.is_vendor:
        return None
    qs = invoices_for(request.user, tenant.consortium.pk).filter(open_q())
    totals = qs.aggregate(t=Sum("total"), p=Sum("paid"), c=Sum("credited"))
    owed = (totals["t"] or Decimal(0)) - (totals["p"] or Decimal(0)) - (totals["c"] or Decimal(0))
    overdue = qs.filter(due_date__lt=timezone.localdate()).count()
    return {"open": qs.count(), "owed": owed, "overdue": overdue, "member": tenant.member}


def _url(name: str, **kwargs: Any) -> str:
    return reverse(name, kwargs=kwargs)
