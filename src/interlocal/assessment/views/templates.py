"""Template pages: list, detail (sections and questions of a version), create, edit.

Editing always works on a template's latest version; when a campaign already uses it, the
action layer copies it to a new version first and the page says so.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from interlocal.assessment.actions import (
    do_create_template,
    do_delete_question,
    do_delete_section,
    do_save_question,
    do_save_section,
    do_start_new_version,
    do_update_template,
    is_council_of,
    latest_version,
)
from interlocal.assessment.forms import QuestionForm, SectionForm, TemplateCreateForm, TemplateForm
from interlocal.assessment.models import Question, Section, Template, TemplateVersion
from interlocal.assessment.queries import (
    get_question_for_user,
    get_section_for_user,
    get_template_for_user,
    templates_for_list,
    version_campaign_count,
    version_campaigns,
    version_sections,
)
from interlocal.assessment.views.common import (
    acting_user,
    current_consortium,
    deny_vendors,
    error_messages,
    require_council,
)
from interlocal.core.tables import ChoiceFilter, Column, Table

__all__ = [
    "question_create",
    "question_delete",
    "question_edit",
    "section_create",
    "section_delete",
    "section_edit",
    "template_create",
    "template_detail",
    "template_edit",
    "template_list",
    "template_new_version",
]


def _template_url(template: Template) -> str:
    return reverse("assessment:template_detail", args=[template.pk])


def _owner(template: Template) -> str:
    return _g("Standard (Interlocal)") if template.consortium_id is None else str(template.consortium)


class TemplateTable(Table):
    columns = [
        Column("name", _("Name"), sort="name", link=_template_url),
        Column("owner", _("From"), accessor=_owner, sort="consortium__name"),
        Column(
            "latest", _("Latest version"), accessor=lambda t: f"v{t.latest_number or 0}", sort="latest_number"
        ),
        Column("questions", _("Questions"), accessor="question_count", sort="question_count", numeric=True),
        Column("campaigns", _("Campaigns"), accessor="campaign_count", sort="campaign_count", numeric=True),
    ]
    search_fields = ("name", "description")
    search_label = _("Search by name or description")
    filters = [
        ChoiceFilter(
            "origin", _("From"), [("standard", _("Standard")), ("own", _("Our consortium"))], field="origin"
        )
    ]
    default_sort = "name"
    export_name = "templates"
    caption = _("Workbook templates")
    empty_text = _("No templates match these filters.")

    def _filtered(self) -> Any:
        # "origin" is not a column: translate the filter to the consortium condition first.
        origin = self.filter_values.pop("origin", None)
        qs = super()._filtered()
        if origin == "standard":
            qs = qs.filter(consortium__isnull=True)
        elif origin == "own":
            qs = qs.filter(consortium__isnull=False)
        if origin:
            self.filter_values["origin"] = origin
        return qs


@login_required
def template_list(request: HttpRequest) -> HttpResponse:
    """The standard template and the consortium's own, with versions and use."""
    deny_vendors(request)
    consortium = current_consortium(request)
    return TemplateTable(request, templates_for_list(request.user, consortium)).response(
        "assessment/template_list.html",
        {"consortium": consortium, "is_council": is_council_of(request.user, consortium.pk)},
    )


def _copy_sources(request: HttpRequest, consortium_id: int) -> Any:
    """Versions a consortium may start a template from: the standard and its own templates'."""
    return (
        TemplateVersion.objects.visible_to(request.user)
        .filter(Q(template__consortium__isnull=True) | Q(template__consortium_id=consortium_id))
        .select_related("template")
        .order_by("template__consortium_id", "template__name", "-number")
    )


@login_required
def template_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A template's versions, and the sections and questions of one version (the latest by default)."""
    deny_vendors(request)
    template = get_template_for_user(request.user, pk)
    versions = list(
        template.versions.annotate(campaign_count=Count("campaigns"))
        .select_related("created_by")
        .order_by("-number")
    )
    wanted = request.GET.get("version", "")
    version = next((v for v in versions if str(v.number) == wanted), versions[0] if versions else None)
    sections = version_sections(version) if version else []
    consortium = request.tenant.consortium  # type: ignore[attr-defined]
    can_edit = template.consortium_id is not None and is_council_of(request.user, template.consortium_id)
    can_copy = consortium is not None and is_council_of(request.user, consortium.pk)
    campaigns = version_campaigns(request.user, version)
    return render(
        request,
        "assessment/template_detail.html",
        {
            "template": template,
            "versions": versions,
            "version": version,
            "sections": sections,
            "question_total": sum(len(s.questions.all()) for s in sections),
            "can_edit": can_edit,
            "can_copy": can_copy,
            "campaigns": campaigns,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def template_create(request: HttpRequest) -> HttpResponse:
    """A new template of the consortium, usually a copy of the standard one to adapt."""
    deny_vendors(request)
    consortium = current_consortium(request)
    require_council(request, consortium.pk)
    versions = _copy_sources(request, consortium.pk)
    initial: dict[str, Any] = {}
    source_id = request.GET.get("source", "")
    if source_id.isdigit():
        initial["source"] = versions.filter(pk=int(source_id)).first()
    else:
        initial["source"] = versions.filter(template__consortium__isnull=True).first()
    form = TemplateCreateForm(
        request.POST if request.method == "POST" else None, versions=versions, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            template = do_create_template(
                consortium,
                actor=acting_user(request),
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                copy_from=form.cleaned_data["source"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _g("The template “%(name)s” was created.") % {"name": template.name})
            return redirect("assessment:template_edit", pk=template.pk)
    return render(request, "assessment/template_create.html", {"form": form, "consortium": consortium})


def _editable_template(request: HttpRequest, pk: int) -> Template:
    """The template if the person may edit it: 404 when not visible, 403 when only readable."""
    template = get_template_for_user(request.user, pk)
    if template.consortium_id is None:
        raise PermissionDenied(_g("The standard template cannot be changed; create your own copy of it."))
    require_council(request, template.consortium_id)
    return template


@login_required
@require_http_methods(["GET", "POST"])
def template_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Rename a template and reach its sections and questions (the latest version)."""
    deny_vendors(request)
    template = _editable_template(request, pk)
    form = TemplateForm(
        request.POST if request.method == "POST" else None,
        initial={"name": template.name, "description": template.description},
    )
    if request.method == "POST" and form.is_valid():
        try:
            do_update_template(template, actor=acting_user(request), **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _g("The template was saved."))
            return redirect("assessment:template_edit", pk=template.pk)
    version = latest_version(template)
    sections = version_sections(version) if version else []
    used_by = version_campaign_count(request.user, version) if version else 0
    return render(
        request,
        "assessment/template_edit.html",
        {"template": template, "form": form, "version": version, "sections": sections, "used_by": used_by},
    )


@login_required
@require_POST
def template_new_version(request: HttpRequest, pk: int) -> HttpResponse:
    """Start the next version of a template whose latest version a campaign uses."""
    deny_vendors(request)
    template = _editable_template(request, pk)
    before = latest_version(template)
    version = do_start_new_version(template, actor=acting_user(request))
    if before is None or version.pk != before.pk:
        messages.success(request, _g("Version %(n)d was created; edit it freely.") % {"n": version.number})
    else:
        messages.info(request, _g("Version %(n)d is not used yet; keep editing it.") % {"n": version.number})
    return redirect("assessment:template_edit", pk=template.pk)


def _version_changed_message(request: HttpRequest, before: TemplateVersion, after: TemplateVersion) -> None:
    if before.pk != after.pk:
        messages.info(
            request,
            _g("Version %(old)d is used by a campaign, so your change was made in a new version %(new)d.")
            % {"old": before.number, "new": after.number},
        )


def _editable_section(request: HttpRequest, pk: int) -> Section:
    section = get_section_for_user(request.user, pk)
    template = section.version.template
    if template.consortium_id is None:
        raise PermissionDenied(_g("The standard template cannot be changed; create your own copy of it."))
    require_council(request, template.consortium_id)
    return section


def _editable_question(request: HttpRequest, pk: int) -> Question:
    question = get_question_for_user(request.user, pk)
    template = question.version.template
    if template.consortium_id is None:
        raise PermissionDenied(_g("The standard template cannot be changed; create your own copy of it."))
    require_council(request, template.consortium_id)
    return question


@login_required
@require_http_methods(["GET", "POST"])
def section_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a section to a template's latest version."""
    deny_vendors(request)
    template = _editable_template(request, pk)
    version = latest_version(template)
    form = SectionForm(request.POST if request.method == "POST" else None, consortium=template.consortium)
    if request.method == "POST" and form.is_valid() and version is not None:
        try:
            section = do_save_section(version, actor=acting_user(request), **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            _version_changed_message(request, version, section.version)
            messages.success(request, _g("The section “%(title)s” was added.") % {"title": section.title})
            return redirect(
                reverse("assessment:template_edit", args=[template.pk]) + f"#section-{section.pk}"
            )
    return render(
        request, "assessment/section_form.html", {"template": template, "form": form, "section": None}
    )


@login_required
@require_http_methods(["GET", "POST"])
def section_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a section's title, area, description or position."""
    deny_vendors(request)
    section = _editable_section(request, pk)
    template = section.version.template
    initial = {
        "title": section.title,
        "area": section.area,
        "description": section.description,
        "order": section.order,
    }
    form = SectionForm(
        request.POST if request.method == "POST" else None, consortium=template.consortium, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = do_save_section(
                section.version, section=section, actor=acting_user(request), **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            _version_changed_message(request, section.version, saved.version)
            messages.success(request, _g("The section was saved."))
            return redirect(reverse("assessment:template_edit", args=[template.pk]) + f"#section-{saved.pk}")
    return render(
        request, "assessment/section_form.html", {"template": template, "form": form, "section": section}
    )


@login_required
@require_http_methods(["GET", "POST"])
def section_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm, then remove a section and its questions."""
    deny_vendors(request)
    section = _editable_section(request, pk)
    template = section.version.template
    if request.method == "POST":
        try:
            version = do_delete_section(section, actor=acting_user(request))
        except ValidationError as exc:
            error_messages(request, exc)
        else:
            _version_changed_message(request, section.version, version)
            messages.success(request, _g("The section “%(title)s” was removed.") % {"title": section.title})
        return redirect("assessment:template_edit", pk=template.pk)
    count = section.questions.count()
    return render(
        request,
        "assessment/confirm_delete.html",
        {"template": template, "what": section.title, "question_count": count, "kind": "section"},
    )


@login_required
@require_http_methods(["GET", "POST"])
def question_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a question to a section."""
    deny_vendors(request)
    section = _editable_section(request, pk)
    template = section.version.template
    form = QuestionForm(
        request.POST if request.method == "POST" else None,
        version=section.version,
        initial={"section": section},
    )
    if request.method == "POST" and form.is_valid():
        fields = form.action_fields()
        target = Section.objects.get(pk=fields.pop("section_id"))
        try:
            question = do_save_question(target, actor=acting_user(request), **fields)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            _version_changed_message(request, section.version, question.version)
            messages.success(request, _g("The question “%(code)s” was added.") % {"code": question.code})
            return redirect(
                reverse("assessment:template_edit", args=[template.pk]) + f"#question-{question.pk}"
            )
    return render(
        request,
        "assessment/question_form.html",
        {"template": template, "form": form, "question": None, "section": section},
    )


def _add_errors(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


@login_required
@require_http_methods(["GET", "POST"])
def question_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a question."""
    deny_vendors(request)
    question = _editable_question(request, pk)
    template = question.version.template
    initial = {
        "section": question.section,
        "code": question.code,
        "text": question.text,
        "help_text": question.help_text,
        "kind": question.kind,
        "dimension": question.dimension,
        "scale_labels": "\n".join(question.scale_labels),
        "choices": "\n".join(question.choices),
        "unit": question.unit,
        "min_value": question.min_value,
        "max_value": question.max_value,
        "required": question.required,
        "order": question.order,
    }
    form = QuestionForm(
        request.POST if request.method == "POST" else None, version=question.version, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = do_save_question(
                question.section, question=question, actor=acting_user(request), **form.action_fields()
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            _version_changed_message(request, question.version, saved.version)
            messages.success(request, _g("The question “%(code)s” was saved.") % {"code": saved.code})
            return redirect(reverse("assessment:template_edit", args=[template.pk]) + f"#question-{saved.pk}")
    return render(
        request,
        "assessment/question_form.html",
        {"template": template, "form": form, "question": question, "section": question.section},
    )


@login_required
@require_http_methods(["GET", "POST"])
def question_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm, then remove a question."""
    deny_vendors(request)
    question = _editable_question(request, pk)
    template = question.version.template
    if request.method == "POST":
        try:
            version = do_delete_question(question, actor=acting_user(request))
        except ValidationError as exc:
            error_messages(request, exc)
        else:
            _version_changed_message(request, question.version, version)
            messages.success(request, _g("The question “%(code)s” was removed.") % {"code": question.code})
        return redirect("assessment:template_edit", pk=template.pk)
    return render(
        request,
        "assessment/confirm_delete.html",
        {"template": template, "what": f"{question.code}: {question.text}", "kind": "question"},
    )
