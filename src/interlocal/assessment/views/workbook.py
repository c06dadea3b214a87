"""Workbook pages: download a member's pre-filled Excel workbook, and upload a filled one.

Member admins and staff use them for their own member; consortium admins and staff may use them on
a member's behalf (e.g. for a workbook that came back by e-mail). Other people who can see the
response (e.g. a member's observer) get 403; everyone else 404.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from interlocal.assessment.models import Campaign, Response
from interlocal.assessment.queries import get_response_for_user
from interlocal.assessment.workbooks import (
    WorkbookError,
    can_answer_for,
    do_export_workbook,
    do_import_workbook,
    max_bytes,
    upload_url_for,
    workbook_filename,
)
from interlocal.assessment.xlsx import MULTIPLE_SEPARATOR

__all__ = ["WorkbookUploadForm", "workbook_download", "workbook_upload"]

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class WorkbookUploadForm(forms.Form):
    """A filled workbook, and whether to submit the answers once stored."""

    workbook = forms.FileField(
        label=_("Filled workbook (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": f".xlsx,{XLSX_TYPE}"}),
    )
    submit = forms.BooleanField(
        label=_("Submit the answers once they are stored"),
        required=False,
        help_text=_("Submitted answers are locked until the consortium staff reopen them."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["workbook"].help_text = _g(
            "An Excel workbook downloaded from this page, at most %(size)s."
        ) % {"size": filesizeformat(max_bytes())}


def _answering_response(request: HttpRequest, pk: int) -> Response:
    """The response if the person may enter its answers; 404 when they cannot see it, else 403."""
    response = get_response_for_user(request.user, pk)
    if not can_answer_for(request.user, response):  # type: ignore[arg-type]
        raise PermissionDenied(_g("You may read these answers but not enter them."))
    return response


def _answer_page_url(response: Response) -> str:
    """The answering page of the response (the core pages), or empty if it is not installed."""
    try:
        return reverse("assessment:response", kwargs={"pk": response.pk})
    except NoReverseMatch:
        return ""


@login_required
@require_GET
def workbook_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The member's workbook for the campaign, pre-filled with the answers given so far."""
    response = _answering_response(request, pk)
    data = do_export_workbook(response, actor=request.user, upload_url=upload_url_for(response))  # type: ignore[arg-type]
    http = HttpResponse(data, content_type=XLSX_TYPE)
    http["Content-Disposition"] = f'attachment; filename="{workbook_filename(response)}"'
    http["Cache-Control"] = "private, no-store"
    return http


def _upload_blocked(response: Response) -> str:
    """Why an upload cannot be accepted now (shown instead of the form), or empty."""
    campaign = response.campaign
    if campaign.status == Campaign.Status.DRAFT:
        return _g("The campaign has not been launched yet.")
    if campaign.status == Campaign.Status.CLOSED:
        return _g("The campaign is closed; answers can no longer be uploaded.")
    if response.status == Response.Status.SUBMITTED:
        return _g(
            "These answers have been submitted. Ask the consortium staff to reopen them to upload changes."
        )
    if campaign.is_past_deadline and response.reopened_at is None:
        return _g("The deadline has passed. Ask the consortium staff to reopen your answers.")
    return ""


@login_required
@require_http_methods(["GET", "POST"])
def workbook_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload a filled workbook: checked whole, every problem listed, stored only when all is right."""
    response = _answering_response(request, pk)
    problems = []
    form = WorkbookUploadForm()
    if request.method == "POST":
        form = WorkbookUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["workbook"]
            try:
                result = do_import_workbook(
                    response.campaign,
                    upload,
                    actor=request.user,  # type: ignore[arg-type]
                    member=response.member,
                    submit=form.cleaned_data["submit"],
                    filename=upload.name or "",
                )
            except WorkbookError as exc:
                problems = exc.problems
            else:
                if result.submitted:
                    text = _g(
                        "The workbook was stored and the answers submitted: %(answered)d questions answered."
                    )
                else:
                    text = _g(
                        "The workbook was stored: %(saved)d answers changed, %(cleared)d cleared, "
                        "%(answered)d questions answered in all."
                    )
                messages.success(
                    request,
                    text % {"saved": result.saved, "cleared": result.cleared, "answered": result.answered},
                )
                return redirect("assessment:workbook_upload", pk=response.pk)
    response.refresh_from_db(fields=["status", "answered_count", "submitted_at", "reopened_at", "source"])
    campaign = response.campaign
    context = {
        "response": response,
        "campaign": campaign,
        "member": response.member,
        "form": form,
        "problems": problems,
        "blocked": _upload_blocked(response),
        "answer_url": _answer_page_url(response),
        "max_size": max_bytes(),
        "separator": MULTIPLE_SEPARATOR,
    }
    return render(request, "assessment/workbook/upload.html", context)
