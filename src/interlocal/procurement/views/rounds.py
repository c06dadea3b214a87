"""Rounds."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, DecimalField, ExpressionWrapper, F, Q, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from interlocal.core.moments import short_text
from interlocal.core.tables import ChoiceFilter, Column, Table
from interlocal.procurement import actions
from interlocal.procurement import forms as f
from interlocal.procurement.models import (
    DemandEntry,
    DemandItem,
    DemandRound,
    DemandRoundMember,
    Solicitation,
)
from interlocal.procurement.queries import (
    demand_by_item,
    get_round_for_user,
    member_may_enter,
)
from interlocal.tenancy.models import Member
from interlocal.tenancy.scoping import is_council

if TYPE_CHECKING:
    pass
from interlocal.procurement.views.common import (
    _council,
    _current_consortium,
    _deny_vendors,
    _form_errors,
    _message_errors,
    _money,
    _plain,
    _require_change,
    _user,
)

__all__ = [
    "DemandTable",
    "EntryTable",
    "RoundTable",
    "round_close",
    "round_create",
    "round_demand",
    "round_demand_summary",
    "round_detail",
    "round_edit",
    "round_entries",
    "round_invite",
    "round_item_add",
    "round_item_delete",
    "round_join",
    "round_list",
    "round_open",
]


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
            accessor=lambda r: short_text(r.cut_off_at),
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
        .with_counts()  # correlated counts: computed for the page's rows only
    )
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
    form = f.RoundForm(request.POST or None, initial={"currency": "USD"}, time_zone=consortium.time_zone)
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
    _require_change(request, round_)
    form = f.RoundForm(request.POST or None, instance=round_, time_zone=round_.consortium.time_zone)
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
    council = is_council(request.user, round_.consortium_id)
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
        "can": actions.round_rights(
            request.user, round_, member, participant=member_may_enter(round_, member)
        ),
        "demand": demand,
        "participants": participants,
        "member": member,
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
    _require_change(request, round_)
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
    _require_change(request, round_)
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
    _require_change(request, round_)
    invited = round_.participants.filter(invited=True).values("member_id")
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
    _require_change(request, round_)
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
    _require_change(request, round_)
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
    items = list(round_.items.order_by("line_number"))
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
    refused = None if round_.accepts_entries() else actions.entries_refused(round_)
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
    _require_change(request, round_)
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
