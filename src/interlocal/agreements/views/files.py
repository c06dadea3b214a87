"""Generated documents and their templates, signed PDFs, and the deadline calendar feeds.

Every file is streamed here only after the agreement (or signature) has been read through the
scoping accessors; a calendar feed takes the session or the person's secret token."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _g
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from interlocal import audit
from interlocal.agreements.actions import (
    agreement_rights,
    calendar_ics,
    do_generate_document,
    do_rotate_calendar_token,
    do_save_document_template,
    template_body,
)
from interlocal.agreements.forms import DocumentTemplateForm, GenerateForm
from interlocal.agreements.models import DocumentKind
from interlocal.agreements.queries import (
    agreements_of_member,
    agreements_visible_to,
    calendar_token_of,
    calendar_token_user,
    get_agreement_for_user,
    get_document_for_user,
    get_signature_for_user,
    is_council,
    reads_consortium,
)
from interlocal.agreements.views.common import consortium_of, show_errors
from interlocal.tenancy.queries import get_consortium_for_user, get_member_for_user

__all__ = [
    "calendar_consortium",
    "calendar_member",
    "calendar_token",
    "document_download",
    "document_generate",
    "signature_pdf",
    "template_edit",
    "template_list",
]


def _stream(request: HttpRequest, stored: object) -> FileResponse:
    name = stored.file.name  # type: ignore[attr-defined]
    try:
        handle = default_storage.open(name, "rb")
    except FileNotFoundError:
        raise Http404(_g("The file is no longer available.")) from None
    audit.record(request.user, "core.file.downloaded", stored)  # type: ignore[arg-type]
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=stored.original_name,  # type: ignore[attr-defined]
        content_type=stored.content_type,  # type: ignore[attr-defined]
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def document_generate(request: HttpRequest, pk: int) -> HttpResponse:
    """Generate a document (PDF and DOCX) from the consortium's template (the council)."""
    agreement = get_agreement_for_user(request.user, pk)
    if not agreement_rights(request.user, agreement).can_generate:
        raise PermissionDenied(_g("Only the council generates documents."))
    form = GenerateForm(request.POST)
    if form.is_valid():
        try:
            do_generate_document(agreement, form.cleaned_data["kind"], acting_user=request.user)  # type: ignore[arg-type]
        except ValidationError as exc:
            show_errors(request, exc)
        else:
            messages.success(request, _g("Document generated (PDF and DOCX)."))
    return redirect(reverse("agreements:detail", args=[agreement.pk]) + "#documents")


@login_required
@require_GET
def document_download(request: HttpRequest, pk: int) -> FileResponse:
    """A generated document, to whoever may read its agreement."""
    document = get_document_for_user(request.user, pk)
    return _stream(request, document.file)


@login_required
@require_GET
def signature_pdf(request: HttpRequest, pk: int) -> FileResponse:
    """A party's signed PDF, to whoever may read the agreement."""
    signature = get_signature_for_user(request.user, pk)
    if signature.file is None:
        raise Http404(_g("This signature was typed, not uploaded."))
    return _stream(request, signature.file)


@login_required
def template_list(request: HttpRequest) -> HttpResponse:
    """The consortium's document templates (the shipped default until the council edits one)."""
    consortium = consortium_of(request)
    return render(
        request,
        "agreements/template_list.html",
        {"kinds": DocumentKind.choices, "can_edit": is_council(request.user, consortium.pk)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def template_edit(request: HttpRequest, kind: str) -> HttpResponse:
    """Edit one of the consortium's document templates (the council)."""
    consortium = consortium_of(request)
    if kind not in DocumentKind.values:
        raise Http404(_g("No such document kind."))
    if not is_council(request.user, consortium.pk):
        raise PermissionDenied(_g("Only the council edits document templates."))
    form = DocumentTemplateForm(request.POST or None, initial={"body": template_body(consortium.pk, kind)})
    if request.method == "POST" and form.is_valid():
        try:
            do_save_document_template(consortium, kind, form.cleaned_data["body"], acting_user=request.user)  # type: ignore[arg-type]
        except ValidationError as exc:
            show_errors(request, exc, form)
        else:
            messages.success(request, _g("Template saved."))
            return redirect("agreements:templates")
    return render(
        request, "agreements/template_form.html", {"form": form, "kind_label": DocumentKind(kind).label}
    )


def _feed_user(request: HttpRequest) -> object | None:
    """The token's person, the signed-in person, or None (then: the sign-in page)."""
    token = request.GET.get("token", "")
    if token:
        user = calendar_token_user(token)
        if user is None:
            raise Http404(_g("Unknown calendar link."))
        return user
    if not request.user.is_authenticated:
        return None
    return request.user


def _ics(body: bytes, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{name}.ics"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def calendar_consortium(request: HttpRequest, pk: int) -> HttpResponse:
    """iCalendar feed of the consortium's agreement deadlines (session or ?token=)."""
    user = _feed_user(request)
    if user is None:
        return redirect_to_login(request.get_full_path())
    consortium = get_consortium_for_user(user, pk)  # type: ignore[arg-type]
    if not reads_consortium(user, consortium.pk):
        raise Http404(_g("No agreements calendar here."))
    rows = agreements_visible_to(user).filter(consortium=consortium)
    return _ics(calendar_ics(rows, name=consortium.name), f"agreements-{consortium.pk}")


@require_GET
def calendar_member(request: HttpRequest, pk: int) -> HttpResponse:
    """iCalendar feed of the deadlines of the agreements a member is party to (session or ?token=)."""
    user = _feed_user(request)
    if user is None:
        return redirect_to_login(request.get_full_path())
    member = get_member_for_user(user, pk)  # type: ignore[arg-type]
    rows = agreements_of_member(user, member.pk).filter(parties__withdrawn_on__isnull=True)
    return _ics(calendar_ics(rows, name=member.name), f"agreements-member-{member.pk}")


@login_required
@require_http_methods(["GET", "POST"])
def calendar_token(request: HttpRequest) -> HttpResponse:
    """The person's calendar links with their secret; POST makes a new secret."""
    consortium = consortium_of(request)
    token = None
    if request.method == "POST":
        token = do_rotate_calendar_token(acting_user=request.user).token  # type: ignore[arg-type]
        messages.success(request, _g("New calendar links made; the old ones no longer work."))
    token = token or calendar_token_of(request.user)
    tenant = request.tenant  # type: ignore[attr-defined]
    return render(
        request,
        "agreements/calendar.html",
        {"consortium": consortium, "token": token, "member": getattr(tenant, "member", None)},
    )
