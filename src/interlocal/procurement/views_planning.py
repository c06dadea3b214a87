"""Procurement planning pages: demand rounds, solicitations (staff), public listing, vendors.

Reads go through visible_to / get_*_for_user (queries.py); writes through actions.py (do_*).
A person who may read an object but not change it gets 403; anyone else 404.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, DecimalField, ExpressionWrapper, F, Q, Sum
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from interlocal.core.tables import ChoiceFilter, Column, Table
from interlocal.procurement import actions
from interlocal.procurement import forms as f
from interlocal.procurement.models import (
    Addendum,
    DemandEntry,
    DemandItem,
    DemandRound,
    DemandRoundMember,
    EvaluationCriterion,
    Solicitation,
    SolicitationDocument,
    SolicitationItem,
    Vendor,
    VendorQuestion,
    VendorUser,
)
from interlocal.procurement.queries import (
    demand_by_item,
    get_question_for_user,
    get_round_for_user,
    get_solicitation_for_user,
    get_vendor_for_council,
    member_may_enter,
    public_questions,
    public_solicitation,
    public_solicitations,
    unacknowledged_addenda,
    vendor_of,
    vendor_role,
)
from interlocal.tenancy.models import Consortium, Member
from interlocal.tenancy.queries import get_consortium_for_user

if TYPE_CHECKING:
    from interlocal.accounts.models import User

# --- helpers ------------------------------------------------------------------------------------


def _deny_vendors(request: HttpRequest) -> None:
    if request.tenant.is_vendor:  # type: ignore[attr-defined]
        raise PermissionDenied(_g("This page is for the consortium's people; vendors use the vendor pages."))


def _current_consortium(request: HttpRequest) -> Consortium:
    tenant = request.tenant  # type: ignore[attr-defined]
    if tenant.consortium is None:
        raise Http404(_g("You do not hold a role in any consortium yet."))
    return get_consortium_for_user(request.user, tenant.consortium.pk)


def _require_write(qs: Any, request: HttpRequest, obj: Any) -> None:
    """403 for people who may read `obj` but not change it."""
    if not qs.writable_by(request.user).filter(pk=obj.pk).exists():  # type: ignore[attr-defined]
        raise PermissionDenied(_g("You may read this but not change it."))


def _form_errors(form: Any, exc: ValidationError) -> None:
    """Put an action's ValidationError on the form's fields where they exist, else on the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field if field in form.fields else None
            for error in errors:
                form.add_error(target, error.messages if target is None else error)
    else:
        form.add_error(None, exc.messages)


def _message_errors(request: HttpRequest, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for errors in exc.message_dict.values():
            for message in errors:
                messages.error(request, message)
    else:
        for message in exc.messages:
            messages.error(request, message)


def _plain(value: Any) -> str:
    """A Decimal without trailing zeros and never in exponent form (1200.0000 → "1200")."""
    if value is None:
        return ""
    return format(value.normalize(), "f")


def _money(value: Any) -> str:
    """An amount to the cent for tables and CSV."""
    if value is None:
        return ""
    return f"{Decimal(value).quantize(Decimal('0.01'))}"


def _user(request: HttpRequest) -> User:
    """The signed-in person (every view that writes is behind login_required)."""
    return cast("User", request.user)


def _council(request: HttpRequest) -> bool:
    return bool(request.tenant.is_council)  # type: ignore[attr-defined]


# --- Demand rounds -------------------------------------------------------------------------------


def _round_url(r: DemandRound) -> str:
    return reverse("procurement:round_detail", args=[r.pk])


class RoundTable(Table):
    columns = [
        Column("title", _("Title"), sort="title", link=_round_url),
        Column("status", _("Status"), accessor="get_status_display", sort="status"),
        Column("category", _("Need"), accessor="get_category_display", sort="category"),
        Column(
            "cut_off_at",
            _("Cut-off"),
            accessor=lambda r: timezone.localtime(r.cut_off_at).strftime("%Y-%m-%d %H:%M"),
            sort="cut_off_at",
        ),
        Column("items", _("Items"), accessor="n_items", sort="n_items", numeric=True),
        Column("members", _("Members with demand"), accessor="n_members", sort="n_members", numeric=True),
    ]
    search_fields = ("title", "description")
    search_label = _("Search by title")
    filters = [ChoiceFilter("status", _("Status"), DemandRound.Status.choices)]
    default_sort = "-cut_off_at"
    export_name = "demand-rounds"
    caption = _("Demand rounds")
    empty_text = _("No demand rounds yet.")


@login_required
def round_list(request: HttpRequest) -> HttpResponse:
    """The consortium's demand rounds: search, filter by status, export."""
    _deny_vendors(request)
    consortium = _current_consortium(request)
    rounds = (
        DemandRound.objects.visible_to(request.user)
        .filter(consortium=consortium)
        # counted in the page query, so the count does not grow with the rows
        .annotate(
            n_items=Count("items", distinct=True),
            n_members=Count(
                "items__entries__member", filter=Q(items__entries__quantity__gt=0), distinct=True
            ),
        )
    )
    if not _council(request):
        rounds = rounds.exclude(status=DemandRound.Status.DRAFT)
    return RoundTable(request, rounds).response(
        "procurement/round_list.html", {"consortium": consortium, "can_create": _council(request)}
    )


@login_required
@require_http_methods(["GET", "POST"])
def round_create(request: HttpRequest) -> HttpResponse:
    """Council: start a demand round (a draft)."""
    _deny_vendors(request)
    consortium = _current_consortium(request)
    if not _council(request):
        raise PermissionDenied(_g("Only the consortium's staff open demand rounds."))
    form = f.RoundForm(request.POST or None, initial={"currency": "USD"})
    if request.method == "POST" and form.is_valid():
        try:
            round_ = actions.do_create_round(consortium, acting_user=_user(request), **form.cleaned_data)  # type: ignore[arg-type]
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _g("The round was created as a draft. Add its items, then open it."))
            return redirect(_round_url(round_))
    return render(request, "procurement/round_form.html", {"form": form, "round": None})


@login_required
@require_http_methods(["GET", "POST"])
def round_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Council: change a round's details."""
    round_ = get_round_for_user(request.user, pk)
    _require_write(DemandRound.objects, request, round_)
    form = f.RoundForm(request.POST or None, instance=round_)
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        try:
            fresh = get_round_for_user(request.user, pk, write=True)
            actions.do_update_round(fresh, acting_user=_user(request), **changes)  # type: ignore[arg-type]
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _g("The round was saved."))
            return redirect(_round_url(round_))
    return render(request, "procurement/round_form.html", {"form": form, "round": round_})


@login_required
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A round: items, aggregated demand, participants; staff actions; a member's own demand."""
    _deny_vendors(request)
    round_ = get_round_for_user(request.user, pk)
    council = DemandRound.objects.writable_by(request.user).filter(pk=round_.pk).exists()
    if round_.status == DemandRound.Status.DRAFT and not council:
        raise Http404(_g("No such round."))
    tenant = request.tenant  # type: ignore[attr-defined]
    member = tenant.member if tenant.consortium and tenant.consortium.pk == round_.consortium_id else None
    demand = demand_by_item(round_, full=council)
    participants = (
        DemandRoundMember.objects.visible_to(request.user)
        .filter(round=round_)
        .select_related("member")  # each row names the member
        .annotate(n=Count("member__demand_entries", filter=Q(member__demand_entries__item__round=round_)))
    )
    own = {}
    if member is not None:
        own = {
            e.item_id: e
            for e in DemandEntry.objects.visible_to(request.user).filter(item__round=round_, member=member)
        }
    context = {
        "round": round_,
        "council": council,
        "demand": demand,
        "participants": participants,
        "member": member,
        "can_enter": member is not None and tenant.can_write_member and round_.accepts_entries(),
        "is_participant": member_may_enter(round_, member),
        "own": [(row.item, own.get(row.item.pk)) for row in demand],
        "item_form": f.DemandItemForm(),
        "solicitations": Solicitation.objects.visible_to(request.user).filter(demand_round=round_),
        "now": timezone.now(),
    }
    return render(request, "procurement/round_detail.html", context)


@login_required
@require_POST
def round_item_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Council: add a line item."""
    round_ = get_round_for_user(request.user, pk)
    _require_write(DemandRound.objects, request, round_)
    form = f.DemandItemForm(request.POST)
    if form.is_valid():
        try:
            actions.do_add_demand_item(round_, acting_user=_user(request), **form.cleaned_data)  # type: ignore[arg-type]
        except ValidationError as exc:
            _message_errors(request, exc)
        else:
            messages.success(request, _g("The item was added."))
    else:
        for field, errors in form.errors.items():
            for error in errors:
                messages.error(
                    request, f"{form.fields[field].label if field in form.fields else ''}: {error}"
                )
    return redirect(_round_url(round_) + "#items")


@login_required
@require_POST
def round_item_delete(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    """Council: remove a line item nobody has entered demand for."""
    round_ = get_round_for_user(request.user, pk)
    _require_write(DemandRound.objects, request, round_)
    item = get_object_or_404(DemandItem, pk=item_pk, round=round_)
    try:
        actions.do_delete_demand_item(item, acting_user=_user(request))  # type: ignore[arg-type]
    except ValidationError as exc:
        _message_errors(request, exc)
    else:
        messages.success(request, _g("The item was removed."))
    return redirect(_round_url(round_) + "#items")


@login_required
@require_http_methods(["GET", "POST"])
def round_invite(request: HttpRequest, pk: int) -> HttpResponse:
    """Council: invite members of the consortium."""
    round_ = get_round_for_user(request.user, pk)
    _require_write(DemandRound.objects, request, round_)
    invited = DemandRoundMember.objects.filter(round=round_, invited=True).values("member_id")
    candidates = (
        Member.objects.visible_to(request.user).in_consortium(round_.consortium).exclude(pk__in=invited)
    )
    form = f.InviteMembersForm(request.POST or None, members=candidates)
    if request.method == "POST" and form.is_valid():
        try:
            n = actions.do_invite_members(
                round_, list(form.cleaned_data["members"]), acting_user=_user(request)
            )  # type: ignore[arg-type]
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _g("%(n)d members invited.") % {"n": n})
            return redirect(_round_url(round_))
    return render(request, "procurement/round_invite.html", {"round": round_, "form": form})


@login_required
@require_POST
def round_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Council: open a draft round (members are e-mailed)."""
    round_ = get_round_for_user(request.user, pk)
    _require_write(DemandRound.objects, request, round_)
    try:
        actions.do_open_round(round_, acting_user=_user(request))  # type: ignore[arg-type]
    except ValidationError as exc:
        _message_errors(request, exc)
    else:
        messages.success(request, _g("The round is open; members were e-mailed."))
    return redirect(_round_url(round_))


@login_required
@require_POST
def round_close(request: HttpRequest, pk: int) -> HttpResponse:
    """Council: close an open round."""
    round_ = get_round_for_user(request.user, pk)
    _require_write(DemandRound.objects, request, round_)
    try:
        actions.do_close_round(round_, acting_user=_user(request))  # type: ignore[arg-type]
    except ValidationError as exc:
        _message_errors(request, exc)
    else:
        messages.success(request, _g("The round is closed."))
    return redirect(_round_url(round_))


def _acting_member(request: HttpRequest, round_: DemandRound) -> Member:
    tenant = request.tenant  # type: ignore[attr-defined]
    if tenant.member is None or tenant.consortium is None or tenant.consortium.pk != round_.consortium_id:
        raise PermissionDenied(_g("Act for a member of this consortium to enter demand."))
    if not tenant.can_write_member:
        raise PermissionDenied(_g("Your role is read-only."))
    return tenant.member


@login_required
@require_POST
def round_join(request: HttpRequest, pk: int) -> HttpResponse:
    """A member joins an open round."""
    _deny_vendors(request)
    round_ = get_round_for_user(request.user, pk)
    member = _acting_member(request, round_)
    try:
        actions.do_join_round(round_, member, acting_user=_user(request))  # type: ignore[arg-type]
    except ValidationError as exc:
        _message_errors(request, exc)
    else:
        messages.success(request, _g("%(m)s takes part in this round.") % {"m": member.name})
    return redirect(_round_url(round_))


@login_required
@require_http_methods(["GET", "POST"])
def round_demand(request: HttpRequest, pk: int) -> HttpResponse:
    """A member enters its quantities, delivery locations and current prices for every item."""
    _deny_vendors(request)
    round_ = get_round_for_user(request.user, pk)
    if round_.status == DemandRound.Status.DRAFT:
        raise Http404(_g("No such round."))
    member = _acting_member(request, round_)
    items = list(DemandItem.objects.filter(round=round_).order_by("line_number"))
    existing = {
        e.item_id: e
        for e in DemandEntry.objects.writable_by(request.user).filter(item__round=round_, member=member)
    }
    rows: list[dict[str, Any]] = []
    for item in items:
        entry = existing.get(item.pk)
        initial = (
            {
                "quantity": _plain(entry.quantity),
                "current_unit_price": _plain(entry.current_unit_price)
                if entry.current_unit_price is not None
                else None,
                "delivery_location": entry.delivery_location,
                "notes": entry.notes,
            }
            if entry
            else {}
        )
        form = f.DemandEntryForm(request.POST or None, prefix=f"item{item.pk}", initial=initial)
        rows.append({"item": item, "form": form, "entry": entry})
    refused = None if round_.accepts_entries() else actions._entries_refused(round_)
    errors: list[str] = []
    if request.method == "POST" and refused is None:
        if all(r["form"].is_valid() for r in rows):
            try:
                with transaction.atomic():
                    saved = 0
                    for r in rows:
                        data = r["form"].cleaned_data
                        if data["quantity"] is None:
                            if r["entry"] is not None:
                                actions.do_delete_entry(r["entry"], acting_user=_user(request))  # type: ignore[arg-type]
                            continue
                        try:
                            actions.do_save_entry(
                                r["item"],
                                member,
                                acting_user=_user(request),
                                **data,  # type: ignore[arg-type]
                            )
                        except ValidationError as exc:
                            label = _g("Line %(n)d") % {"n": r["item"].line_number}
                            raise ValidationError([f"{label}: {m}" for m in exc.messages]) from exc
                        saved += 1
            except ValidationError as exc:
                errors = exc.messages
            else:
                messages.success(request, _g("Your demand was saved (%(n)d items).") % {"n": saved})
                return redirect(_round_url(round_))
        else:
            for r in rows:
                for field, field_errors in r["form"].errors.items():
                    errors.extend(
                        _g("Line %(n)d, %(field)s: %(error)s")
                        % {"n": r["item"].line_number, "field": r["form"].fields[field].label, "error": e}
                        for e in field_errors
                    )
    elif request.method == "POST" and refused:
        errors = [refused]
    status = 400 if errors else 200
    return render(
        request,
        "procurement/round_demand.html",
        {"round": round_, "member": member, "rows": rows, "refused": refused, "errors": errors},
        status=status,
    )


class EntryTable(Table):
    columns = [
        Column("line", _("Line"), accessor="item.line_number", sort="item__line_number", numeric=True),
        Column("item", _("Item"), accessor="item.description", sort="item__description"),
        Column("unit", _("Unit"), accessor="item.unit"),
        Column("member", _("Member"), accessor="member.name", sort="member__name"),
        Column(
            "quantity", _("Quantity"), accessor=lambda e: _plain(e.quantity), sort="quantity", numeric=True
        ),
        Column(
            "price",
            _("Current unit price"),
            accessor=lambda e: _plain(e.current_unit_price),
            sort="current_unit_price",
            numeric=True,
        ),
        Column("spend", _("Current spend"), accessor="spend", sort="spend", numeric=True),
        Column("delivery", _("Delivery location"), accessor="delivery_location"),
        Column("notes", _("Notes"), accessor="notes"),
    ]
    search_fields = ("member__name", "item__description", "delivery_location")
    search_label = _("Search by member, item or location")
    default_sort = "line"
    per_page = 50
    export_name = "demand-entries"
    caption = _("Demand entered by members")
    empty_text = _("No member has entered demand yet.")


@login_required
def round_entries(request: HttpRequest, pk: int) -> HttpResponse:
    """Every member's entries for a round (the council; members see their own), with CSV export."""
    _deny_vendors(request)
    round_ = get_round_for_user(request.user, pk)
    entries = (
        DemandEntry.objects.visible_to(request.user)
        .filter(item__round=round_)
        .select_related("item", "member")  # each row shows the item and the member
        .annotate(
            spend=ExpressionWrapper(
                F("quantity") * F("current_unit_price"),
                output_field=DecimalField(max_digits=36, decimal_places=4),
            )
        )
    )
    return EntryTable(request, entries).response("procurement/round_entries.html", {"round": round_})


class DemandTable(Table):
    """Aggregated demand per item (the council's view, with CSV)."""

    columns = [
        Column("line", _("Line"), accessor="line_number", sort="line_number", numeric=True),
        Column("description", _("Item"), sort="description"),
        Column("unit", _("Unit")),
        Column(
            "classification",
            _("Classification"),
            accessor=lambda i: f"{i.classification_scheme} {i.classification_code}".strip(),
        ),
        Column("total", _("Total quantity"), accessor=lambda i: _plain(i.total), sort="total", numeric=True),
        Column("members", _("Members"), accessor="n", sort="n", numeric=True),
        Column(
            "weighted",
            _("Weighted average current price"),
            accessor=lambda i: _money(i.weighted),
            numeric=True,
        ),
        Column("spend", _("Current spend"), accessor=lambda i: _money(i.spend), sort="spend", numeric=True),
    ]
    search_fields = ("description",)
    default_sort = "line"
    per_page = 100
    export_name = "aggregated-demand"
    caption = _("Aggregated demand per item")
    empty_text = _("This round has no items yet.")


@login_required
def round_demand_summary(request: HttpRequest, pk: int) -> HttpResponse:
    """Council: aggregated demand per item as a sortable table and CSV."""
    round_ = get_round_for_user(request.user, pk)
    _require_write(DemandRound.objects, request, round_)
    money: DecimalField = DecimalField(max_digits=36, decimal_places=8)
    priced = Q(entries__current_unit_price__isnull=False, entries__quantity__gt=0)
    items = (
        DemandItem.objects.visible_to(request.user)
        .filter(round=round_)
        .annotate(
            total=Sum("entries__quantity"),
            n=Count("entries", filter=Q(entries__quantity__gt=0)),
            spend=Sum(
                ExpressionWrapper(
                    F("entries__quantity") * F("entries__current_unit_price"), output_field=money
                ),
                filter=priced,
            ),
            priced_quantity=Sum("entries__quantity", filter=priced),
            weighted=ExpressionWrapper(F("spend") / F("priced_quantity"), output_field=money),
        )
    )
    return DemandTable(request, items).response("procurement/round_summary.html", {"round": round_})


# --- Solicitations (staff) ----------------------------------------------------------------------


def _sol_url(s: Solicitation) -> str:
    return reverse("procurement:solicitation_detail", args=[s.pk])


def _local(value: Any) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


class SolicitationTable(Table):
    columns = [
        Column("reference_number", _("Reference"), sort="reference_number", link=_sol_url),
        Column("title", _("Title"), sort="title", link=_sol_url),
        Column("method", _("Method"), accessor="get_method_display", sort="method"),
        Column("status", _("Status"), accessor="get_status_display", sort="status"),
        Column(
            "deadline",
            _("Submission deadline"),
            accessor=lambda s: _local(s.submission_deadline),
            sort="submission_deadline",
        ),
        Column("items", _("Items"), accessor="n_items", sort="n_items", numeric=True),
    ]
    search_fields = ("reference_number", "title", "description")
    search_label = _("Search by reference or title")
    filters = [
        ChoiceFilter("status", _("Status"), Solicitation.Status.choices),
        ChoiceFilter("method", _("Method"), Solicitation.Method.choices),
    ]
    default_sort = "-deadline"
    export_name = "solicitations"
    caption = _("Solicitations")
    empty_text = _("No solicitations yet.")


@login_required
def solicitation_list(request: HttpRequest) -> HttpResponse:
    """The consortium's solicitations."""
    _deny_vendors(request)
    consortium = _current_consortium(request)
    qs = (
        Solicitation.objects.visible_to(request.user)
        .filter(consortium=consortium)
        .annotate(n_items=Count("items"))
    )
    if not _council(request):
        qs = qs.exclude(status=Solicitation.Status.DRAFT)
    return SolicitationTable(request, qs).response(
        "procurement/solicitation_list.html", {"consortium": consortium, "can_create": _council(request)}
    )


def _solicitation_form(
    request: HttpRequest, initial: dict[str, Any], instance: Solicitation | None = None
) -> Any:
    return f.SolicitationForm(request.POST or None, instance=instance, initial=initial)


@login_required
@require_http_methods(["GET", "POST"])
def solicitation_create(request: HttpRequest) -> HttpResponse:
    """Council: a standalone solicitation, or one from a round (?round=<id>) whose items are copied."""
    _deny_vendors(request)
    consortium = _current_consortium(request)
    if not _council(request):
        raise PermissionDenied(_g("Only the consortium's staff issue solicitations."))
    round_ = None
    round_id = request.GET.get("round") or request.POST.get("round")
    if round_id:
        if not str(round_id).isdigit():
            raise Http404
        round_ = get_round_for_user(request.user, int(round_id), write=True)
    initial: dict[str, Any] = {"currency": round_.currency if round_ else "USD"}
    if round_:
        initial.update(title=round_.title, description=round_.description, category=round_.category)
    form = _solicitation_form(request, initial)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items()}
        try:
            if round_ is not None:
                sol = actions.do_create_solicitation_from_round(round_, acting_user=_user(request), **data)  # type: ignore[arg-type]
            else:
                sol = actions.do_create_solicitation(consortium, acting_user=_user(request), **data)  # type: ignore[arg-type]
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _g("The solicitation was created as a draft."))
            return redirect(_sol_url(sol))
    return render(
        request, "procurement/solicitation_form.html", {"form": form, "round": round_, "solicitation": None}
    )


@login_required
@require_http_methods(["GET", "POST"])
def solicitation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Council: change a draft solicitation."""
    sol = get_solicitation_for_user(request.user, pk)
    _require_write(Solicitation.objects, request, sol)
    form = _solicitation_form(request, {}, instance=sol)
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        try:
            actions.do_update_solicitation(
                get_solicitation_for_user(request.user, pk, write=True), acting_user=_user(request), **changes
            )  # type: ignore[arg-type]
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _g("The solicitation was saved."))
            return redirect(_sol_url(sol))
    return render(
        request,
        "procurement/solicitation_form.html",
        {"form": form, "round": sol.demand_round, "solicitation": sol},
    )


@login_required
def solicitation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A solicitation as staff see it: items, criteria, documents, questions, addenda, publication checks."""
    _deny_vendors(request)
    sol = get_solicitation_for_user(request.user, pk)
    council = Solicitation.objects.writable_by(request.user).filter(pk=sol.pk).exists()
    if sol.status == Solicitation.Status.DRAFT and not council:
        raise Http404(_g("No such solicitation."))
    context = {
        "solicitation": sol,
        "council": council,
        "items": sol.items.all(),
        "criteria": sol.criteria.all(),
        "documents": sol.documents.select_related("file"),
        "questions": sol.questions.select_related("vendor") if council else public_questions(sol),
        "addenda": sol.addenda.annotate(n_ack=Count("acknowledgements")),
        "interested": sol.interests.count(),
        "problems": actions.publication_problems(sol) if sol.status == Solicitation.Status.DRAFT else {},
        "item_form": f.SolicitationItemForm(),
        "criterion_form": f.CriterionForm(),
        "document_form": f.DocumentForm(),
        "cancel_form": f.CancelForm(),
    }
    return render(request, "procurement/solicitation_detail.html", context)


def _staff_solicitation(request: HttpRequest, pk: int) -> Solicitation:
    sol = get_solicitation_for_user(request.user, pk)
    _require_write(Solicitation.objects, request, sol)
    return sol


def _post_action(
    request: HttpRequest, sol: Solicitation, form: Any, run: Callable[[dict[str, Any]], Any], done: str
) -> HttpResponse:
    if form.is_valid():
        try:
            run(form.cleaned_data)
        except ValidationError as exc:
            _message_errors(request, exc)
        else:
            messages.success(request, done)
    else:
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for error in errors:
                messages.error(request, f"{label}: {error}" if label else error)
    return redirect(_sol_url(sol))


@login_required
@require_POST
def solicitation_item_add(request: HttpRequest, pk: int) -> HttpResponse:
    sol = _staff_solicitation(request, pk)
    return _post_action(
        request,
        sol,
        f.SolicitationItemForm(request.POST),
        lambda d: actions.do_add_solicitation_item(sol, acting_user=_user(request), **d),  # type: ignore[arg-type]
        _g("The item was added."),
    )


@login_required
@require_POST
def solicitation_item_delete(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    return _delete_from_solicitation(
        request, pk, SolicitationItem, item_pk, actions.do_delete_solicitation_item
    )


@login_required
@require_POST
def solicitation_criterion_add(request: HttpRequest, pk: int) -> HttpResponse:
    sol = _staff_solicitation(request, pk)
    return _post_action(
        request,
        sol,
        f.CriterionForm(request.POST),
        lambda d: actions.do_add_criterion(sol, acting_user=_user(request), **d),  # type: ignore[arg-type]
        _g("The criterion was added."),
    )


@login_required
@require_POST
def solicitation_criterion_delete(request: HttpRequest, pk: int, criterion_pk: int) -> HttpResponse:
    return _delete_from_solicitation(
        request, pk, EvaluationCriterion, criterion_pk, actions.do_delete_criterion
    )


def _delete_from_solicitation(
    request: HttpRequest, pk: int, model: type[Any], child_pk: int, do_delete: Callable[..., None]
) -> HttpResponse:
    """Remove an item or criterion of a staff solicitation through its do_* function."""
    sol = _staff_solicitation(request, pk)
    child = get_object_or_404(model, pk=child_pk, solicitation=sol)
    try:
        do_delete(child, acting_user=_user(request))
    except ValidationError as exc:
        _message_errors(request, exc)
    return redirect(_sol_url(sol))


@login_required
@require_POST
def solicitation_document_add(request: HttpRequest, pk: int) -> HttpResponse:
    sol = _staff_solicitation(request, pk)
    form = f.DocumentForm(request.POST, request.FILES)
    return _post_action(
        request,
        sol,
        form,
        lambda d: actions.do_add_solicitation_document(
            sol,
            d["file"],
            acting_user=_user(request),
            title=d["title"],
            public=d["public"],  # type: ignore[arg-type]
        ),
        _g("The document was attached."),
    )


@login_required
@require_POST
def solicitation_publish(request: HttpRequest, pk: int) -> HttpResponse:
    """Council: publish a draft after the checks pass."""
    sol = _staff_solicitation(request, pk)
    try:
        actions.do_publish_solicitation(sol, acting_user=_user(request))  # type: ignore[arg-type]
    except ValidationError as exc:
        _message_errors(request, exc)
    else:
        messages.success(request, _g("The solicitation is published on the public page."))
    return redirect(_sol_url(sol))


@login_required
@require_POST
def solicitation_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    sol = _staff_solicitation(request, pk)
    return _post_action(
        request,
        sol,
        f.CancelForm(request.POST),
        lambda d: actions.do_cancel_solicitation(sol, acting_user=_user(request), reason=d["reason"]),  # type: ignore[arg-type]
        _g("The solicitation was cancelled."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def addendum_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Council: issue an addendum; interested vendors are e-mailed and must acknowledge it."""
    sol = _staff_solicitation(request, pk)
    form = f.AddendumForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_issue_addendum(sol, acting_user=_user(request), **form.cleaned_data)  # type: ignore[arg-type]
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(
                request, _g("The addendum was issued; vendors who follow this solicitation were e-mailed.")
            )
            return redirect(_sol_url(sol))
    return render(request, "procurement/addendum_form.html", {"solicitation": sol, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def question_answer(request: HttpRequest, pk: int) -> HttpResponse:
    """Council: answer a vendor's question (published answers name nobody)."""
    question = get_question_for_user(request.user, pk)
    _require_write(VendorQuestion.objects, request, question)
    form = f.AnswerForm(request.POST or None, initial={"answer": question.answer, "publish": True})
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_answer_question(question, acting_user=_user(request), **form.cleaned_data)  # type: ignore[arg-type]
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _g("The answer was saved."))
            return redirect(_sol_url(question.solicitation) + "#questions")
    return render(request, "procurement/question_answer.html", {"question": question, "form": form})


# --- Public pages (no sign-in) ------------------------------------------------------------------


def _public_url(s: Solicitation) -> str:
    return reverse("procurement:public_solicitation", args=[s.pk])


class PublicSolicitationTable(Table):
    columns = [
        Column("reference_number", _("Reference"), sort="reference_number", link=_public_url),
        Column("title", _("Title"), sort="title", link=_public_url),
        Column("buyer", _("Issued by"), accessor="consortium.name", sort="consortium__name"),
        Column("method", _("Method"), accessor="get_method_display", sort="method"),
        Column("status", _("Status"), accessor="get_status_display", sort="status"),
        Column(
            "deadline",
            _("Submission deadline"),
            accessor=lambda s: _local(s.submission_deadline),
            sort="submission_deadline",
        ),
    ]
    search_fields = ("reference_number", "title", "description", "consortium__name")
    search_label = _("Search solicitations")
    filters = [
        ChoiceFilter(
            "status",
            _("Status"),
            [(value, label) for value, label in Solicitation.Status.choices if value != "draft"],
        ),
        ChoiceFilter("method", _("Method"), Solicitation.Method.choices),
    ]
    default_sort = "deadline"
    export_name = "open-solicitations"
    caption = _("Solicitations")
    empty_text = _("No solicitations match.")


def public_list(request: HttpRequest) -> HttpResponse:
    """Anyone: solicitations open for bids (or, filtered, past ones). Nothing about bids."""
    qs = public_solicitations()
    if not request.GET.get("status") and not request.GET.get("q"):
        qs = qs.filter(status=Solicitation.Status.PUBLISHED, submission_deadline__gt=timezone.now())
    return PublicSolicitationTable(request, qs).response("procurement/public_list.html", {})


def public_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Anyone: a published solicitation, its items, public documents, answers and addenda."""
    sol = public_solicitation(pk)
    vendor = vendor_of(request.user)
    return render(
        request,
        "procurement/public_detail.html",
        {
            "solicitation": sol,
            "items": sol.items.all(),
            "criteria": sol.criteria.all(),
            "documents": sol.documents.filter(public=True).select_related("file"),
            "questions": public_questions(sol),
            "addenda": sol.addenda.select_related("document"),
            "vendor": vendor,
        },
    )


def public_document(request: HttpRequest, pk: int, doc_pk: int) -> FileResponse:
    """Anyone: download a public document of a published solicitation."""
    sol = public_solicitation(pk)
    document = get_object_or_404(
        SolicitationDocument.objects.select_related("file"), pk=doc_pk, solicitation=sol, public=True
    )
    stored = document.file
    response = FileResponse(
        stored.file.open("rb"),
        as_attachment=True,
        filename=stored.original_name,
        content_type=stored.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def public_addendum_document(request: HttpRequest, pk: int, addendum_pk: int) -> FileResponse:
    """Anyone: download an addendum's document of a published solicitation."""
    sol = public_solicitation(pk)
    addendum = get_object_or_404(
        Addendum.objects.select_related("document"), pk=addendum_pk, solicitation=sol
    )
    if addendum.document is None:
        raise Http404
    stored = addendum.document
    response = FileResponse(
        stored.file.open("rb"),
        as_attachment=True,
        filename=stored.original_name,
        content_type=stored.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- Vendors ------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def vendor_register(request: HttpRequest) -> HttpResponse:
    """Anyone: register a vendor company; the e-mail link activates it."""
    form = f.VendorRegistrationForm(request.POST or None, initial={"country": "US"})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.do_register_vendor(**data)
        except ValidationError as exc:
            if hasattr(exc, "error_dict") and "password" not in exc.error_dict or hasattr(exc, "error_dict"):
                _form_errors(form, exc)
            else:
                form.add_error("password", exc)
        else:
            return render(request, "procurement/vendor_registered.html", {"email": data["person_email"]})
    return render(request, "procurement/vendor_register.html", {"form": form})


@require_http_methods(["GET", "POST"])
def vendor_verify(request: HttpRequest, token: str) -> HttpResponse:
    """The e-mail link: GET asks to confirm (mail scanners follow links), POST activates."""
    if request.method == "POST":
        try:
            vendor = actions.do_verify_vendor_email(token)
        except ValidationError as exc:
            return render(request, "procurement/vendor_verify.html", {"error": exc.messages[0]}, status=400)
        messages.success(
            request, _g("%(v)s is verified. Sign in and set up your authenticator app.") % {"v": vendor.name}
        )
        return redirect("account_login")
    return render(request, "procurement/vendor_verify.html", {"token": token})


RESEND_PER_CLIENT = 10  # new-link requests per client address per hour


@require_http_methods(["GET", "POST"])
def vendor_verify_resend(request: HttpRequest) -> HttpResponse:
    """Anyone: ask for a new verification link. The answer is the same whether or not the
    address has a pending registration; each address gets at most one link per ten minutes
    (in do_resend_vendor_verification) and each client address a few requests per hour."""
    from django.core.cache import cache

    from interlocal.audit.middleware import client_ip

    form = f.VendorResendForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        key = f"procurement:resend-verify-client:{client_ip(request) or '-'}"
        cache.add(key, 0, 3600)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            count = 1
        if count > RESEND_PER_CLIENT:
            return render(
                request,
                "procurement/vendor_verify_resend.html",
                {"form": form, "limited": True},
                status=429,
            )
        actions.do_resend_vendor_verification(form.cleaned_data["email"])
        return render(request, "procurement/vendor_verify_resend.html", {"form": None, "sent": True})
    return render(
        request,
        "procurement/vendor_verify_resend.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
def vendor_accept(request: HttpRequest, token: str) -> HttpResponse:
    """A colleague's invitation link: choose a password."""
    form = f.VendorAcceptForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_accept_vendor_invitation(token, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, _g("Your account is ready. Sign in and set up your authenticator app."))
            return redirect("account_login")
    return render(request, "procurement/vendor_accept.html", {"form": form})


def _vendor(request: HttpRequest) -> Vendor:
    vendor = vendor_of(request.user)
    if vendor is None:
        raise PermissionDenied(_g("These pages are for registered vendors."))
    return vendor


def _vendor_sol_url(s: Solicitation) -> str:
    return reverse("procurement:vendor_solicitation", args=[s.pk])


class VendorSolicitationTable(PublicSolicitationTable):
    columns = [
        Column("reference_number", _("Reference"), sort="reference_number", link=_vendor_sol_url),
        Column("title", _("Title"), sort="title", link=_vendor_sol_url),
        Column("buyer", _("Issued by"), accessor="consortium.name", sort="consortium__name"),
        Column("method", _("Method"), accessor="get_method_display", sort="method"),
        Column(
            "deadline",
            _("Submission deadline"),
            accessor=lambda s: _local(s.submission_deadline),
            sort="submission_deadline",
        ),
        Column("following", _("Following"), accessor=lambda s: _g("Yes") if s.following else ""),
        Column("pending", _("Addenda to acknowledge"), accessor="pending", numeric=True),
    ]
    export_name = "vendor-solicitations"


@login_required
def vendor_dashboard(request: HttpRequest) -> HttpResponse:
    """A vendor: the solicitations it can respond to, which it follows, and addenda to acknowledge."""
    vendor = _vendor(request)
    from django.db.models import Exists, OuterRef

    from interlocal.procurement.models import AddendumAcknowledgement, SolicitationInterest

    acked = AddendumAcknowledgement.objects.filter(addendum=OuterRef("addenda"), vendor=vendor)
    qs = (
        public_solicitations()
        .filter(status=Solicitation.Status.PUBLISHED, submission_deadline__gt=timezone.now())
        .annotate(
            following=Exists(SolicitationInterest.objects.filter(solicitation=OuterRef("pk"), vendor=vendor)),
            pending=Count("addenda", filter=~Exists(acked), distinct=True),
        )
    )
    return VendorSolicitationTable(request, qs).response(
        "procurement/vendor_dashboard.html", {"vendor": vendor, "role": vendor_role(request.user, vendor)}
    )


@login_required
def vendor_solicitation(request: HttpRequest, pk: int) -> HttpResponse:
    """A vendor's view of a solicitation: follow it, ask questions, acknowledge addenda."""
    vendor = _vendor(request)
    sol = public_solicitation(pk)
    from interlocal.procurement.models import SolicitationInterest

    context = {
        "solicitation": sol,
        "vendor": vendor,
        "items": sol.items.all(),
        "criteria": sol.criteria.all(),
        "documents": sol.documents.filter(public=True).select_related("file"),
        "answers": public_questions(sol),
        "own_questions": VendorQuestion.objects.filter(solicitation=sol, vendor=vendor),
        "addenda": sol.addenda.all(),
        "pending": set(unacknowledged_addenda(sol, vendor).values_list("pk", flat=True)),
        "following": SolicitationInterest.objects.filter(solicitation=sol, vendor=vendor).exists(),
        "question_form": f.QuestionForm(),
    }
    return render(request, "procurement/vendor_solicitation.html", context)


@login_required
@require_POST
def vendor_follow(request: HttpRequest, pk: int) -> HttpResponse:
    vendor = _vendor(request)
    sol = public_solicitation(pk)
    try:
        actions.do_register_interest(sol, vendor, acting_user=_user(request))  # type: ignore[arg-type]
    except ValidationError as exc:
        _message_errors(request, exc)
    else:
        messages.success(request, _g("You follow this solicitation: addenda and answers come by e-mail."))
    return redirect(_vendor_sol_url(sol))


@login_required
@require_POST
def vendor_ask(request: HttpRequest, pk: int) -> HttpResponse:
    vendor = _vendor(request)
    sol = public_solicitation(pk)
    form = f.QuestionForm(request.POST)
    if form.is_valid():
        try:
            actions.do_ask_question(sol, vendor, acting_user=_user(request), text=form.cleaned_data["text"])  # type: ignore[arg-type]
        except ValidationError as exc:
            _message_errors(request, exc)
        else:
            messages.success(
                request,
                _g("Your question was sent. The answer is published to all vendors without your name."),
            )
    else:
        messages.error(request, _g("Write your question."))
    return redirect(_vendor_sol_url(sol) + "#questions")


@login_required
@require_POST
def vendor_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    vendor = _vendor(request)
    addendum = get_object_or_404(
        Addendum.objects.select_related("solicitation"), pk=pk, solicitation__in=public_solicitations()
    )
    try:
        actions.do_acknowledge_addendum(addendum, vendor, acting_user=_user(request))  # type: ignore[arg-type]
    except ValidationError as exc:
        _message_errors(request, exc)
    else:
        messages.success(request, _g("Addendum %(n)d acknowledged.") % {"n": addendum.number})
    return redirect(_vendor_sol_url(addendum.solicitation) + "#addenda")


@login_required
@require_http_methods(["GET", "POST"])
def vendor_profile(request: HttpRequest) -> HttpResponse:
    """The vendor's profile: its admins edit it, its users read it."""
    vendor = _vendor(request)
    is_admin = vendor_role(request.user, vendor) == VendorUser.Role.ADMIN
    if request.method == "POST" and not is_admin:
        raise PermissionDenied(_g("Only the vendor's admins may change its profile."))
    form = f.VendorProfileForm(request.POST or None, instance=vendor)
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        try:
            actions.do_update_vendor(Vendor.objects.get(pk=vendor.pk), acting_user=_user(request), **changes)  # type: ignore[arg-type]
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _g("The profile was saved."))
            return redirect("procurement:vendor_profile")
    return render(
        request, "procurement/vendor_profile.html", {"vendor": vendor, "form": form, "is_admin": is_admin}
    )


@login_required
@require_http_methods(["GET", "POST"])
def vendor_users(request: HttpRequest) -> HttpResponse:
    """The vendor's people; its admins invite colleagues."""
    vendor = _vendor(request)
    is_admin = vendor_role(request.user, vendor) == VendorUser.Role.ADMIN
    form = f.VendorInviteForm(request.POST or None)
    if request.method == "POST":
        if not is_admin:
            raise PermissionDenied(_g("Only the vendor's admins may invite colleagues."))
        if form.is_valid():
            try:
                actions.do_invite_vendor_user(vendor, acting_user=_user(request), **form.cleaned_data)  # type: ignore[arg-type]
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                messages.success(request, _g("The invitation was sent."))
                return redirect("procurement:vendor_users")
    people = VendorUser.objects.filter(vendor=vendor).select_related("user")
    return render(
        request,
        "procurement/vendor_users.html",
        {"vendor": vendor, "people": people, "form": form, "is_admin": is_admin},
    )


class VendorTable(Table):
    columns = [
        Column(
            "name",
            _("Company"),
            sort="name",
            link=lambda v: reverse("procurement:vendor_status", args=[v.pk]),
        ),
        Column("legal_id", _("Registration number"), sort="legal_id"),
        Column("country", _("Country"), sort="country"),
        Column("email", _("Contact e-mail"), sort="email"),
        Column("status", _("Status"), accessor="get_status_display", sort="status"),
        Column("created_at", _("Registered"), accessor=lambda v: v.created_at.date(), sort="created_at"),
    ]
    search_fields = ("name", "legal_id", "email")
    search_label = _("Search by name, number or e-mail")
    filters = [ChoiceFilter("status", _("Status"), Vendor.Status.choices)]
    default_sort = "name"
    export_name = "vendors"
    caption = _("Registered vendors")
    empty_text = _("No vendor has registered yet.")


@login_required
def vendor_list(request: HttpRequest) -> HttpResponse:
    """Council: the vendors registered with the consortium."""
    _deny_vendors(request)
    consortium = _current_consortium(request)
    if not _council(request):
        raise PermissionDenied(_g("Only the consortium's staff see the vendor register."))
    vendors = Vendor.objects.visible_to(request.user).filter(registrations__consortium=consortium)
    return VendorTable(request, vendors).response("procurement/vendor_list.html", {"consortium": consortium})


@login_required
@require_http_methods(["GET", "POST"])
def vendor_status(request: HttpRequest, pk: int) -> HttpResponse:
    """Council: a registered vendor's details, and suspending (with a reason) or reinstating it."""
    vendor = get_vendor_for_council(request.user, pk)
    form = f.VendorSuspensionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = _user(request)
        try:
            if request.POST.get("action") == "reinstate":
                actions.do_reinstate_vendor(vendor, acting_user=user, reason=form.cleaned_data["reason"])
                messages.success(
                    request, _g("%(v)s is reinstated; its people were told.") % {"v": vendor.name}
                )
            else:
                actions.do_suspend_vendor(vendor, reason=form.cleaned_data["reason"], acting_user=user)
                messages.success(
                    request, _g("%(v)s is suspended; its people were told.") % {"v": vendor.name}
                )
        except ValidationError as exc:
            for field, msgs in getattr(exc, "message_dict", {None: exc.messages}).items():
                for msg in msgs:
                    form.add_error(field if field in form.fields else None, msg)
        else:
            return redirect("procurement:vendor_status", pk=vendor.pk)
    people = vendor.users.select_related("user").order_by("user__email")
    return render(
        request,
        "procurement/vendor_status.html",
        {"vendor": vendor, "form": form, "people": people},
        status=400 if request.method == "POST" else 200,
    )


def planning_card(request: HttpRequest) -> dict[str, Any] | None:
    """Dashboard card: open demand rounds and open solicitations of the current consortium."""
    tenant = request.tenant  # type: ignore[attr-defined]
    if tenant.consortium is None or tenant.is_vendor:
        return None
    now = timezone.now()
    rounds = list(
        DemandRound.objects.visible_to(request.user)
        .filter(consortium=tenant.consortium, status=DemandRound.Status.OPEN, cut_off_at__gt=now)
        .order_by("cut_off_at")[:5]
    )
    open_solicitations = (
        Solicitation.objects.open_for_bids(now)
        .filter(consortium=tenant.consortium)
        .visible_to(request.user)
        .count()
    )
    return {"rounds": rounds, "open_solicitations": open_solicitations}
