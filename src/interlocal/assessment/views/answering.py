"""Answering a campaign in the browser: one page per response, autosave, visibility, submit, reopen.

The page is a plain form that works without JavaScript (each section has a save button). With
htmx, each question saves itself when it changes: the request carries only that question's
field (`hx-params`) and `only=<code>`, and the answer is a small fragment saying "Saved" (or
what is wrong) plus out-of-band updates of the progress bar and the section's count.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _g
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from interlocal.assessment.actions import (
    do_reopen_response,
    do_save_answers,
    do_set_visibility,
    do_submit_response,
    is_council_of,
    missing_required,
)
from interlocal.assessment.forms import ReopenForm, VisibilityForm
from interlocal.assessment.models import Answer, Campaign, Question, Response
from interlocal.assessment.queries import (
    answers_by_question,
    get_response_for_user,
    section_answered_count,
    section_progress,
    version_sections,
)
from interlocal.assessment.views.common import (
    acting_user,
    deny_vendors,
    error_messages,
    extra_templates,
    require_council,
)

__all__ = ["response_detail", "response_reopen", "response_save", "response_submit", "response_visibility"]

FIELD_PREFIX = "q-"


def _can_write(request: HttpRequest, response: Response) -> bool:
    return Response.objects.writable_by(request.user).filter(pk=response.pk).exists()


def _editable(response: Response) -> bool:
    campaign = response.campaign
    return (
        campaign.status == Campaign.Status.OPEN
        and response.status != Response.Status.SUBMITTED
        and (not campaign.is_past_deadline or response.reopened_at is not None)
    )


def _display(question: Question, answer: Answer | None) -> Any:
    """The stored answer as the form shows it."""
    if answer is None:
        return [] if question.kind == Question.Kind.MULTIPLE else ""
    kind = question.kind
    if kind in (Question.Kind.SCALED, Question.Kind.YES_NO):
        return str(int(answer.num)) if answer.num is not None else ""
    if kind == Question.Kind.NUMBER:
        return f"{answer.num:.12g}" if answer.num is not None else ""
    if kind == Question.Kind.SINGLE:
        return answer.choices[0] if answer.choices else ""
    if kind == Question.Kind.MULTIPLE:
        return list(answer.choices)
    if kind == Question.Kind.DATE:
        return answer.date.isoformat() if answer.date else ""
    return answer.text


def _readable(question: Question, answer: Answer | None) -> str:
    """The stored answer as a sentence fragment for read-only pages."""
    if answer is None:
        return ""
    if question.kind == Question.Kind.SCALED and answer.num is not None:
        labels = question.scale_labels
        n = int(answer.num)
        return f"{n} — {labels[n - 1]}" if len(labels) == 5 else str(n)
    if question.kind == Question.Kind.YES_NO and answer.num is not None:
        return _g("Yes") if answer.num >= 1 else _g("No")
    if question.kind == Question.Kind.NUMBER and answer.num is not None:
        value = f"{answer.num:,.12g}" if abs(answer.num) < 1e15 else f"{answer.num:g}"
        return f"{value} {question.unit}".strip()
    return answer.display_value()


def _page_context(
    request: HttpRequest,
    response: Response,
    *,
    raw: dict[str, Any] | None = None,
    errors: dict[str, list[str]] | None = None,
) -> dict[str, Any]:
    campaign = response.campaign
    sections = version_sections(campaign.template_version)
    answers = answers_by_question(response)
    progress = section_progress(sections, answers)
    can_write = _can_write(request, response)
    editable = can_write and _editable(response)
    raw = raw or {}
    errors = errors or {}
    blocks: list[dict[str, Any]] = []
    for item in progress:
        questions = []
        for q in item.section.questions.all():
            answer = answers.get(q.pk)
            questions.append(
                {
                    "q": q,
                    "value": raw[q.code] if q.code in raw else _display(q, answer),
                    "readable": _readable(q, answer),
                    "answered": answer is not None,
                    "errors": errors.get(q.code, []),
                    "field": f"{FIELD_PREFIX}{q.code}",
                    "id": f"q{q.pk}",
                }
            )
        blocks.append(
            {
                "progress": item,
                "section": item.section,
                "questions": questions,
                "has_errors": any(q["errors"] for q in questions),
            }
        )
    # Sections fold away; open the first one still to do (or the first) and any with problems.
    wanted = request.GET.get("section", "")
    todo = [i for i, p in enumerate(progress) if not p.complete]
    first_open = todo[0] if todo else 0
    for i, block in enumerate(blocks):
        block["open"] = i == first_open or block["has_errors"] or str(progress[i].section.pk) == wanted
    total = sum(p.total for p in progress)
    answered = len(answers)
    deadline = campaign.deadline
    return {
        "response": response,
        "campaign": campaign,
        "member": response.member,
        "blocks": blocks,
        "total": total,
        "answered": answered,
        "percent": round(100 * answered / total) if total else 0,
        "editable": editable,
        "can_write": can_write,
        "is_council": is_council_of(request.user, campaign.consortium_id),
        "days_left": (deadline - timezone.now()).days if deadline > timezone.now() else None,
        "visibility_form": VisibilityForm(initial={"visibility": response.visibility}),
        "scale_points": [1, 2, 3, 4, 5],
        "error_count": len(errors),
        "k": settings.INTERLOCAL_MIN_AGGREGATE_MEMBERS,
        "extra_templates": extra_templates("response"),
    }


@login_required
def response_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The answering page: editable for the member's staff while open, read-only otherwise."""
    deny_vendors(request)
    response = get_response_for_user(request.user, pk)
    return render(request, "assessment/response.html", _page_context(request, response))


def _values_from_post(request: HttpRequest, response: Response, codes: list[str]) -> dict[str, Any]:
    """`{code: raw}` for the posted questions; several values for multiple-choice questions."""
    kinds = dict(
        Question.objects.filter(version_id=response.campaign.template_version_id, code__in=codes).values_list(
            "code", "kind"
        )
    )
    values: dict[str, Any] = {}
    for code in codes:
        field = f"{FIELD_PREFIX}{code}"
        if kinds.get(code) == Question.Kind.MULTIPLE:
            values[code] = request.POST.getlist(field)
        else:
            values[code] = request.POST.get(field, "")
    return values


def _writable_response(request: HttpRequest, pk: int) -> Response:
    """The response if the person may answer it: 404 when not visible, 403 when read-only."""
    response = get_response_for_user(request.user, pk)
    if not _can_write(request, response):
        raise PermissionDenied(_g("You may read these answers but not change them."))
    return response


@login_required
@require_POST
def response_save(request: HttpRequest, pk: int) -> HttpResponse:
    """Save answers: one question (htmx autosave, `only=<code>`) or every posted question."""
    deny_vendors(request)
    response = _writable_response(request, pk)
    only = request.POST.get("only", "").strip()
    codes = [only] if only else list(dict.fromkeys(request.POST.getlist("present")))[:5000]
    values = _values_from_post(request, response, codes)
    htmx = bool(getattr(request, "htmx", False))
    try:
        result = do_save_answers(response, values, actor=acting_user(request), source=Response.Source.BROWSER)
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            errors = {code: list(msgs) for code, msgs in exc.message_dict.items()}
            if htmx:
                return _autosave_fragment(request, response, only, errors=errors.get(only, []))
            context = _page_context(request, response, raw=values, errors=errors)
            messages.error(
                request,
                _g("Nothing was saved: %(n)d answers need correcting (marked below).") % {"n": len(errors)},
            )
            return render(request, "assessment/response.html", context, status=422)
        if htmx:
            return _autosave_fragment(request, response, only, errors=exc.messages)
        error_messages(request, exc)
        return redirect("assessment:response", pk=response.pk)
    if htmx:
        return _autosave_fragment(request, response, only, errors=[], saved=True)
    if result.saved or result.cleared:
        messages.success(request, _g("Your answers were saved."))
    else:
        messages.info(request, _g("Nothing had changed."))
    anchor = request.POST.get("section", "")
    return redirect(
        reverse("assessment:response", args=[response.pk])
        + (f"#section-{anchor}" if anchor.isdigit() else "")
    )


def _autosave_fragment(
    request: HttpRequest, response: Response, code: str, *, errors: list[str], saved: bool = False
) -> HttpResponse:
    """The status of one question, plus out-of-band updates of the overall and section progress."""
    response.refresh_from_db(fields=["answered_count", "status"])
    question = (
        Question.objects.filter(version_id=response.campaign.template_version_id, code=code)
        .select_related("section")
        .first()
    )
    section_answered = section_total = 0
    if question is not None:
        section_total = question.section.questions.count()
        section_answered = section_answered_count(request.user, response, question.section)
    total = Question.objects.filter(version_id=response.campaign.template_version_id).count()
    context = {
        "response": response,
        "question": question,
        "errors": errors,
        "saved": saved,
        "answered": response.answered_count,
        "total": total,
        "percent": round(100 * response.answered_count / total) if total else 0,
        "section_answered": section_answered,
        "section_total": section_total,
        "now": timezone.localtime(),
    }
    return render(request, "assessment/includes/autosave.html", context)


@login_required
@require_POST
def response_visibility(request: HttpRequest, pk: int) -> HttpResponse:
    """The member's choice: answers by name, or only in aggregates."""
    deny_vendors(request)
    response = _writable_response(request, pk)
    form = VisibilityForm(request.POST)
    htmx = bool(getattr(request, "htmx", False))
    problem = ""
    if not form.is_valid():
        problem = _g("Choose “by name” or “only in aggregates”.")
    else:
        try:
            do_set_visibility(response, form.cleaned_data["visibility"], actor=acting_user(request))
        except ValidationError as exc:
            problem = " ".join(exc.messages)
    if htmx:
        return render(
            request,
            "assessment/includes/visibility_status.html",
            {"problem": problem, "now": timezone.localtime()},
        )
    if problem:
        messages.error(request, problem)
    else:
        messages.success(request, _g("Your choice of visibility was saved."))
    return redirect(reverse("assessment:response", args=[response.pk]) + "#visibility")


@login_required
@require_http_methods(["GET", "POST"])
def response_submit(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm, then submit: the answers are locked until consortium staff reopen them."""
    deny_vendors(request)
    response = _writable_response(request, pk)
    if request.method == "POST":
        try:
            do_submit_response(response, actor=acting_user(request))
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                n = len(exc.error_dict)
                messages.error(
                    request,
                    ngettext(
                        "Answer the required question listed below before submitting.",
                        "Answer the %(n)d required questions listed below before submitting.",
                        n,
                    )
                    % {"n": n},
                )
            else:
                error_messages(request, exc)
                return redirect("assessment:response", pk=response.pk)
        else:
            messages.success(
                request,
                _g("Thank you: the answers of %(member)s were submitted.") % {"member": response.member.name},
            )
            return redirect("assessment:response", pk=response.pk)
    total = Question.objects.filter(version_id=response.campaign.template_version_id).count()
    missing = missing_required(response) if _editable(response) else []
    groups: dict[int, dict[str, Any]] = {}
    for question in missing:
        group = groups.setdefault(question.section_id, {"section": question.section, "questions": []})
        group["questions"].append(question)
    return render(
        request,
        "assessment/response_submit.html",
        {
            "response": response,
            "campaign": response.campaign,
            "missing": missing,
            "missing_groups": list(groups.values()),
            "total": total,
            "unanswered": max(total - response.answered_count, 0),
            "editable": _editable(response),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def response_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm, then reopen a submitted response (consortium admins and staff)."""
    deny_vendors(request)
    response = get_response_for_user(request.user, pk)
    require_council(request, response.campaign.consortium_id)
    form = ReopenForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            do_reopen_response(response, actor=acting_user(request), reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            error_messages(request, exc)
        else:
            messages.success(
                request,
                _g("The answers of %(member)s are open again; their people were told by e-mail.")
                % {"member": response.member.name},
            )
        return redirect("assessment:response", pk=response.pk)
    return render(request, "assessment/response_reopen.html", {"response": response, "form": form})
