"""Solicitations."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from interlocal.core.moments import short_text
from interlocal.core.tables import ChoiceFilter, Column, Table
from interlocal.procurement import actions
from interlocal.procurement import forms as f
from interlocal.procurement.models import (
    EvaluationCriterion,
    Solicitation,
    SolicitationItem,
)
from interlocal.procurement.queries import (
    addendum_notice_days,
    get_question_for_user,
    get_round_for_user,
    get_solicitation_for_user,
    public_questions,
)

if TYPE_CHECKING:
    pass
from interlocal.procurement.views.common import (
    _council,
    _current_consortium,
    _deny_vendors,
    _form_errors,
    _message_errors,
    _require_change,
    _user,
)

__all__ = [
    "SolicitationTable",
    "addendum_create",
    "question_answer",
    "solicitation_cancel",
    "solicitation_create",
    "solicitation_criterion_add",
    "solicitation_criterion_delete",
    "solicitation_detail",
    "solicitation_document_add",
    "solicitation_edit",
    "solicitation_item_add",
    "solicitation_item_delete",
    "solicitation_list",
    "solicitation_publish",
]


def _sol_url(s: Solicitation) -> str:
    return reverse("procurement:solicitation_detail", args=[s.pk])


def _local(value: Any) -> str:
    return short_text(value)


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
        .with_item_count()  # computed for the page's rows only
    )
    return SolicitationTable(request, qs).response(
        "procurement/solicitation_list.html",
        {
            "consortium": consortium,
            "can_create": _council(request),
            "notice_days": addendum_notice_days(consortium.pk),
        },
    )


def _solicitation_form(
    request: HttpRequest, initial: dict[str, Any], time_zone: str, instance: Solicitation | None = None
) -> Any:
    """The deadlines are entered in the zone of the solicitation's consortium."""
    return f.SolicitationForm(request.POST or None, instance=instance, initial=initial, time_zone=time_zone)


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
    form = _solicitation_form(request, initial, (round_.consortium if round_ else consortium).time_zone)
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
    _require_change(request, sol)
    form = _solicitation_form(request, {}, sol.consortium.time_zone, instance=sol)
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
    can = actions.solicitation_rights(request.user, sol)
    council = can.council
    context = {
        "solicitation": sol,
        "can": can,
        "items": sol.items.all(),
        "criteria": sol.criteria.all(),
        "documents": sol.documents.select_related("file"),
        "questions": sol.questions.select_related("vendor") if council else public_questions(sol),
        "addenda": sol.addenda.annotate(n_ack=Count("acknowledgements")),
        "interested": sol.interests.count(),
        "problems": actions.publication_problems(sol) if can.publish else {},
        "item_form": f.SolicitationItemForm(),
        "criterion_form": f.CriterionForm(),
        "document_form": f.DocumentForm(),
        "cancel_form": f.CancelForm(),
    }
    return render(request, "procurement/solicitation_detail.html", context)


def _staff_solicitation(request: HttpRequest, pk: int) -> Solicitation:
    sol = get_solicitation_for_user(request.user, pk)
    _require_change(request, sol)
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
    form = f.AddendumForm(request.POST or None, request.FILES or None, time_zone=sol.consortium.time_zone)
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
def procurement_settings(request: HttpRequest) -> HttpResponse:
    """Council: the consortium's procurement settings (the minimum notice of an addendum)."""
    _deny_vendors(request)
    consortium = _current_consortium(request)
    if not _council(request):
        raise PermissionDenied(_g("Only the consortium's admins and staff change procurement settings."))
    form = f.ProcurementSettingsForm(
        request.POST or None, initial={"addendum_notice_days": addendum_notice_days(consortium.pk)}
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_update_procurement_settings(
                consortium, acting_user=_user(request), **form.cleaned_data
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _g("The procurement settings were saved."))
            return redirect("procurement:solicitations")
    return render(request, "procurement/settings_form.html", {"consortium": consortium, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def question_answer(request: HttpRequest, pk: int) -> HttpResponse:
    """Council: answer a vendor's question (published answers name nobody)."""
    question = get_question_for_user(request.user, pk)
    _require_change(request, question)
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
