"""Templates."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from interlocal import audit
from interlocal.assessment.models import (
    Question,
    Section,
    Template,
    TemplateVersion,
)
from interlocal.tenancy.models import Consortium

if TYPE_CHECKING:
    from interlocal.accounts.models import User
from interlocal.assessment.actions.common import is_council_of

__all__ = [
    "do_create_template",
    "do_delete_question",
    "do_delete_section",
    "do_save_question",
    "do_save_section",
    "do_start_new_version",
    "do_update_template",
    "latest_version",
    "lock_version",
]


def lock_version(version: TemplateVersion) -> None:
    """Mark a version as used: from now on, editing it makes a new version."""
    if not version.is_locked:
        TemplateVersion.objects.filter(pk=version.pk).update(is_locked=True)
        version.is_locked = True


def _copy_version(
    source: TemplateVersion, template: Template, number: int, *, actor: User | None, note: str
) -> TemplateVersion:
    """A new version of `template` with the sections and questions of `source`."""
    version = TemplateVersion.objects.create(
        template=template, number=number, created_by=actor, note=note[:300]
    )
    sections = list(source.sections.order_by("order", "pk"))
    new_sections = Section.objects.bulk_create(
        [
            Section(
                version=version, area_id=s.area_id, title=s.title, description=s.description, order=s.order
            )
            for s in sections
        ]
    )
    by_old = {old.pk: new for old, new in zip(sections, new_sections, strict=True)}
    questions = [
        Question(
            section=by_old[q.section_id],
            version=version,
            code=q.code,
            text=q.text,
            help_text=q.help_text,
            kind=q.kind,
            dimension=q.dimension,
            unit=q.unit,
            choices=list(q.choices),
            scale_labels=list(q.scale_labels),
            required=q.required,
            min_value=q.min_value,
            max_value=q.max_value,
            order=q.order,
        )
        for q in source.questions.order_by("pk")
    ]
    Question.objects.bulk_create(questions, batch_size=500)
    return version


def latest_version(template: Template) -> TemplateVersion | None:
    """The highest-numbered version of a template."""
    return template.versions.order_by("-number").first()


def _check_editable(template: Template, actor: User | None) -> None:
    if template.consortium_id is None:
        raise PermissionDenied(_("The standard template cannot be changed; create your own copy of it."))
    if actor is not None and not is_council_of(actor, template.consortium_id):
        raise PermissionDenied(_("Only the consortium's admins and staff may change its templates."))


@transaction.atomic
def do_create_template(
    consortium: Consortium,
    *,
    actor: User | None,
    name: str,
    description: str = "",
    copy_from: TemplateVersion | None = None,
) -> Template:
    """Create a consortium's template, as a copy of `copy_from` (e.g. the standard one) or empty."""
    if actor is not None and not is_council_of(actor, consortium.pk):
        raise PermissionDenied(_("Only the consortium's admins and staff may create templates."))
    template = Template(consortium=consortium, name=name.strip(), description=description, created_by=actor)
    template.full_clean()
    template.save()
    if copy_from is not None:
        if copy_from.template.consortium_id not in (None, consortium.pk):
            raise PermissionDenied(_("You may copy the standard template or one of your consortium's."))
        note = _("Copied from %(source)s") % {"source": str(copy_from)}
        _copy_version(copy_from, template, 1, actor=actor, note=note)
    else:
        TemplateVersion.objects.create(template=template, number=1, created_by=actor)
    audit.record(actor, "assessment.template.created", template, after=audit.snapshot(template))
    return template


@transaction.atomic
def do_update_template(template: Template, *, actor: User | None, name: str, description: str) -> Template:
    """Rename a template or change its description (versions are unaffected)."""
    _check_editable(template, actor)
    before = audit.snapshot(template, ["name", "description"])
    template.name = name.strip()
    template.description = description
    template.full_clean()
    template.save(update_fields=["name", "description"])
    audit.record(
        actor,
        "assessment.template.updated",
        template,
        before=before,
        after=audit.snapshot(template, ["name", "description"]),
    )
    return template


@transaction.atomic
def do_start_new_version(template: Template, *, actor: User | None, note: str = "") -> TemplateVersion:
    """The version to edit: the latest one while no campaign uses it, else a new copy of it."""
    _check_editable(template, actor)
    # Lock the template row: two editors must not both create version N+1.
    Template.objects.select_for_update().filter(pk=template.pk).first()
    latest = latest_version(template)
    if latest is not None and not latest.is_locked:
        return latest
    number = (template.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    if latest is None:
        version = TemplateVersion.objects.create(
            template=template, number=number, created_by=actor, note=note
        )
    else:
        version = _copy_version(
            latest,
            template,
            number,
            actor=actor,
            note=note or _("Edited after v%(n)d was used") % {"n": latest.number},
        )
    audit.record(
        actor,
        "assessment.template.version_created",
        version,
        after=audit.snapshot(version),
        consortium_id=template.consortium_id,
    )
    return version


def _editable_counterpart(obj: Section | Question, *, actor: User | None) -> tuple[TemplateVersion, Any]:
    """The version to edit and the copy of `obj` in it (a new version when obj's is locked)."""
    version = obj.version
    template = version.template
    latest = latest_version(template)
    if latest is None or version.pk != latest.pk:
        raise ValidationError(_("Only the latest version of a template can be edited."))
    if not version.is_locked:
        _check_editable(template, actor)
        return version, obj
    new_version = do_start_new_version(template, actor=actor)
    if isinstance(obj, Question):
        return new_version, Question.objects.get(version=new_version, code=obj.code)
    return new_version, Section.objects.get(version=new_version, order=obj.order, title=obj.title)


@transaction.atomic
def do_save_section(
    version: TemplateVersion,
    *,
    actor: User | None,
    section: Section | None = None,
    title: str,
    description: str = "",
    area: Any = None,
    order: int | None = None,
) -> Section:
    """Add a section to a template version or change one; a locked version is copied first."""
    if section is not None:
        version, section = _editable_counterpart(section, actor=actor)
    else:
        version = do_start_new_version(version.template, actor=actor)
    if order is None:
        order = (
            (version.sections.aggregate(n=Max("order"))["n"] or 0) + 10 if section is None else section.order
        )
    before = audit.snapshot(section) if section is not None else None
    target = section or Section(version=version)
    target.title = title.strip()
    target.description = description
    target.area = area
    target.order = order
    target.full_clean()
    target.save()
    audit.record(
        actor,
        "assessment.section.updated" if before else "assessment.section.created",
        target,
        before=before,
        after=audit.snapshot(target),
        consortium_id=version.template.consortium_id,
    )
    return target


@transaction.atomic
def do_delete_section(section: Section, *, actor: User | None) -> TemplateVersion:
    """Remove a section and its questions from the (new, when locked) version; returns that version."""
    version, section = _editable_counterpart(section, actor=actor)
    before = audit.snapshot(section)
    audit.record(
        actor,
        "assessment.section.deleted",
        section,
        before=before,
        consortium_id=version.template.consortium_id,
    )
    section.delete()
    return version


_CODE_RE = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")


def _check_question(q: Question) -> None:
    problems: dict[str, list[str]] = {}
    if not _CODE_RE.match(q.code or ""):
        problems["code"] = [
            _("Use lower-case letters, digits, dots, dashes and underscores, e.g. “edms.pressing”.")
        ]
    elif Question.objects.filter(version_id=q.version_id, code=q.code).exclude(pk=q.pk).exists():
        problems["code"] = [_("Another question of this version already uses this code.")]
    if q.kind == Question.Kind.SCALED:
        if not q.dimension:
            problems["dimension"] = [_("A scaled question needs a dimension.")]
        if len(q.scale_labels) != 5 or any(not str(x).strip() for x in q.scale_labels):
            problems["scale_labels"] = [_("Give five labels, one per point of the scale.")]
    elif q.dimension:
        problems["dimension"] = [_("Only scaled questions have a dimension.")]
    if q.kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE):
        cleaned = [str(c).strip() for c in q.choices if str(c).strip()]
        if len(cleaned) < 2:
            problems["choices"] = [_("Give at least two options.")]
        elif len(set(cleaned)) != len(cleaned):
            problems["choices"] = [_("Each option may appear once.")]
        q.choices = cleaned
    elif q.choices:
        q.choices = []
    if q.kind == Question.Kind.NUMBER:
        if q.min_value is not None and q.max_value is not None and q.min_value > q.max_value:
            problems["max_value"] = [_("The maximum is below the minimum.")]
    else:
        q.min_value = q.max_value = None
        if q.kind != Question.Kind.NUMBER:
            q.unit = ""
    if problems:
        raise ValidationError(problems)


@transaction.atomic
def do_save_question(
    section: Section,
    *,
    actor: User | None,
    question: Question | None = None,
    **fields: Any,
) -> Question:
    """Add a question to a section or change one; a locked version is copied first."""
    if question is not None:
        version, question = _editable_counterpart(question, actor=actor)
        new_section_id = fields.pop("section_id", None)
        if new_section_id is not None and new_section_id != question.section_id:
            # The chosen section is from the edited version; follow it into the copy.
            old = Section.objects.get(pk=new_section_id)
            fields["section"] = Section.objects.get(version=version, order=old.order, title=old.title)
    else:
        version, section = _editable_counterpart(section, actor=actor)
    before = audit.snapshot(question) if question is not None else None
    target = question or Question(section=section, version=version)
    if target.pk is None and fields.get("order") is None:
        fields["order"] = (section.questions.aggregate(n=Max("order"))["n"] or 0) + 10
    for name, value in fields.items():
        if value is None and name == "order":
            continue
        setattr(target, name, value)
    target.version = version
    _check_question(target)
    target.full_clean(exclude=["code"])
    target.save()
    audit.record(
        actor,
        "assessment.question.updated" if before else "assessment.question.created",
        target,
        before=before,
        after=audit.snapshot(target),
        consortium_id=version.template.consortium_id,
    )
    return target


@transaction.atomic
def do_delete_question(question: Question, *, actor: User | None) -> TemplateVersion:
    """Remove a question from the (new, when locked) version; returns that version."""
    version, question = _editable_counterpart(question, actor=actor)
    audit.record(
        actor,
        "assessment.question.deleted",
        question,
        before=audit.snapshot(question),
        consortium_id=version.template.consortium_id,
    )
    question.delete()
    return version
