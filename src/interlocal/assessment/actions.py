"""Write paths for the assessment core: templates, campaigns and answers (do_* functions).

`do_save_answers` is the one validated write path for answers: the browser, the API and the
workbook import all call it. It checks every value against its question, reports every problem
keyed by question code, and stores nothing unless all values are valid.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from interlocal import audit
from interlocal.assessment.models import (
    Answer,
    Campaign,
    Question,
    Response,
    Section,
    Template,
    TemplateVersion,
)
from interlocal.tenancy.models import Consortium, Member, Membership
from interlocal.tenancy.roles import CONSORTIUM_WRITE_ROLES, MEMBER_WRITE_ROLES
from interlocal.tenancy.scoping import grants_for

if TYPE_CHECKING:
    from interlocal.accounts.models import User

__all__ = [
    "MAX_TEXT_LENGTH",
    "CleanValue",
    "SaveResult",
    "clean_value",
    "do_close_campaign",
    "do_create_campaign",
    "do_create_template",
    "do_delete_question",
    "do_delete_section",
    "do_launch_campaign",
    "do_reopen_response",
    "do_save_answers",
    "do_save_question",
    "do_save_section",
    "do_set_visibility",
    "do_start_new_version",
    "do_submit_response",
    "do_update_campaign",
    "do_update_template",
    "is_council_of",
    "lock_version",
    "response_people_emails",
]

MAX_TEXT_LENGTH = 5000
# Reasonable dates for contract ends and the like; anything else is a typing mistake.
MIN_YEAR, MAX_YEAR = 1900, 2200
_YES = {"yes", "y", "true", "1", "oui", "x"}
_NO = {"no", "n", "false", "0", "non"}
_NUMBER_RE = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def is_council_of(user: Any, consortium_id: int) -> bool:
    """Whether `user` is an admin or staff of the consortium as a whole."""
    return consortium_id in grants_for(user).consortia_wide(CONSORTIUM_WRITE_ROLES)


# --- Validating one value -----------------------------------------------------------------------


@dataclass(frozen=True)
class CleanValue:
    """A validated answer in storage form; `empty` means "no answer" (the row is removed)."""

    num: float | None = None
    text: str = ""
    date: dt.date | None = None
    choices: tuple[str, ...] = ()
    empty: bool = False


def _is_blank(raw: Any) -> bool:
    if raw is None:
        return True
    if isinstance(raw, str):
        return raw.strip() == ""
    if isinstance(raw, list | tuple):
        return all(_is_blank(v) for v in raw)
    return False


def _as_number(raw: Any) -> float:
    """A finite float from a number or a typed string ("12,500", " 3.5 "); ValueError otherwise."""
    if isinstance(raw, bool):
        raise ValueError
    if isinstance(raw, int | float):
        value = float(raw)
    elif isinstance(raw, str):
        text = raw.strip().replace(",", "").replace("_", "").replace(" ", "").replace("\u00a0", "")
        text = text.removeprefix("$")
        if not _NUMBER_RE.match(text):
            raise ValueError
        value = float(text)
    else:
        raise ValueError
    if not math.isfinite(value):
        raise ValueError
    return value


def _fmt(value: float) -> str:
    return f"{value:g}"


def clean_value(question: Question, raw: Any) -> CleanValue:
    """Check `raw` against `question` and return it in storage form; ValidationError if invalid.

    Accepts what people type and what JSON carries: "4" or 4 for a scale, "yes"/"no", true/false
    or 1/0 for yes/no, "12,500" for numbers, "2027-06-30" or a date for dates, a list (or one
    string) for multiple choice. A blank value clears the answer.
    """
    if _is_blank(raw):
        return CleanValue(empty=True)
    kind = question.kind
    if kind == Question.Kind.SCALED:
        try:
            value = _as_number(raw)
        except ValueError:
            raise ValidationError(_("Choose a whole number from 1 to 5.")) from None
        if value != int(value) or not 1 <= value <= 5:
            raise ValidationError(_("%(value)s is not on the scale: choose 1 to 5.") % {"value": _fmt(value)})
        return CleanValue(num=float(int(value)))
    if kind == Question.Kind.YES_NO:
        if isinstance(raw, bool):
            return CleanValue(num=1.0 if raw else 0.0)
        if isinstance(raw, int | float) and raw in (0, 1):
            return CleanValue(num=float(raw))
        if isinstance(raw, str) and raw.strip().lower() in _YES | _NO:
            return CleanValue(num=1.0 if raw.strip().lower() in _YES else 0.0)
        raise ValidationError(_("Answer yes or no."))
    if kind == Question.Kind.NUMBER:
        try:
            value = _as_number(raw)
        except ValueError:
            raise ValidationError(_("Enter a number, e.g. 12500 or 2.5.")) from None
        if question.min_value is not None and value < question.min_value:
            raise ValidationError(
                _("%(value)s is below the minimum of %(min)s.")
                % {"value": _fmt(value), "min": _fmt(question.min_value)}
            )
        if question.max_value is not None and value > question.max_value:
            raise ValidationError(
                _("%(value)s is above the maximum of %(max)s.")
                % {"value": _fmt(value), "max": _fmt(question.max_value)}
            )
        return CleanValue(num=value)
    if kind == Question.Kind.SINGLE:
        if not isinstance(raw, str | int | float) or isinstance(raw, bool):
            raise ValidationError(_("Choose one of the listed options."))
        return CleanValue(choices=(_match_choice(question, str(raw)),))
    if kind == Question.Kind.MULTIPLE:
        items = raw if isinstance(raw, list | tuple) else [raw]
        picked: list[str] = []
        for item in items:
            if _is_blank(item):
                continue
            if not isinstance(item, str | int | float) or isinstance(item, bool):
                raise ValidationError(_("Choose from the listed options."))
            choice = _match_choice(question, str(item))
            if choice not in picked:
                picked.append(choice)
        # Stored in the template's order, so that equal answers compare equal.
        order = {c: i for i, c in enumerate(question.choices)}
        return CleanValue(choices=tuple(sorted(picked, key=order.__getitem__)))
    if kind == Question.Kind.DATE:
        return CleanValue(date=_as_date(raw))
    if kind == Question.Kind.TEXT:
        if not isinstance(raw, str):
            raw = str(raw)
        text = raw.strip()
        if "\x00" in text:
            raise ValidationError(_("The text contains a NUL character."))
        if len(text) > MAX_TEXT_LENGTH:
            raise ValidationError(
                _("Keep it to %(max)d characters (this is %(n)d).") % {"max": MAX_TEXT_LENGTH, "n": len(text)}
            )
        return CleanValue(text=text)
    raise ValidationError(_("This question has an unknown kind."))  # pragma: no cover - model choices


def _match_choice(question: Question, raw: str) -> str:
    wanted = raw.strip()
    for choice in question.choices:
        if choice == wanted:
            return str(choice)
    lowered = wanted.casefold()
    for choice in question.choices:
        if str(choice).casefold() == lowered:
            return str(choice)
    raise ValidationError(
        _("“%(value)s” is not one of the options: %(options)s.")
        % {"value": wanted[:80], "options": ", ".join(str(c) for c in question.choices)}
    )


def _as_date(raw: Any) -> dt.date:
    if isinstance(raw, dt.datetime):
        value = raw.date()
    elif isinstance(raw, dt.date):
        value = raw
    elif isinstance(raw, str):
        try:
            value = dt.date.fromisoformat(raw.strip())
        except ValueError:
            raise ValidationError(_("Enter a date as YYYY-MM-DD, e.g. 2027-06-30.")) from None
    else:
        raise ValidationError(_("Enter a date as YYYY-MM-DD, e.g. 2027-06-30."))
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise ValidationError(
            _("%(date)s is not a plausible date (years %(min)d to %(max)d).")
            % {"date": value.isoformat(), "min": MIN_YEAR, "max": MAX_YEAR}
        )
    return value


# --- Answers --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SaveResult:
    """What a save changed: answers written and cleared, and how many questions are now answered."""

    saved: int
    cleared: int
    answered: int


def _check_answerable(response: Response, *, late_ok: bool = False) -> None:
    campaign = response.campaign
    if campaign.status != Campaign.Status.OPEN:
        raise ValidationError(_("The campaign “%(name)s” is not open.") % {"name": campaign.name})
    if response.status == Response.Status.SUBMITTED:
        raise ValidationError(
            _(
                "These answers were submitted on %(when)s; ask the consortium staff to reopen them to change anything."
            )
            % {
                "when": timezone.localtime(response.submitted_at).strftime("%Y-%m-%d %H:%M")
                if response.submitted_at
                else "?"
            }
        )
    if campaign.is_past_deadline and response.reopened_at is None and not late_ok:
        raise ValidationError(
            _("The deadline (%(deadline)s) has passed; ask the consortium staff to reopen your response.")
            % {"deadline": timezone.localtime(campaign.deadline).strftime("%Y-%m-%d %H:%M")}
        )


def _stored(answer: Answer) -> Any:
    if answer.date is not None:
        return answer.date.isoformat()
    if answer.choices:
        return list(answer.choices)
    if answer.num is not None:
        return answer.num
    return answer.text


def _clean_value_out(value: CleanValue) -> Any:
    if value.empty:
        return None
    if value.date is not None:
        return value.date.isoformat()
    if value.choices:
        return list(value.choices)
    if value.num is not None:
        return value.num
    return value.text


@transaction.atomic
def do_save_answers(
    response: Response,
    values: Mapping[str, Any],
    *,
    actor: User | None,
    source: str = Response.Source.BROWSER,
    late_ok: bool = False,
) -> SaveResult:
    """Validate and store answers `{question code: raw value}`; all or nothing.

    Raises ValidationError whose `error_dict` maps each bad question code to its problems
    (unknown codes included); a problem with the response itself (submitted, closed, late) is a
    ValidationError without codes. A blank value removes the answer.
    """
    # Lock the response so two saves of the same member (two tabs, browser and upload) serialise.
    response = Response.objects.select_for_update().select_related("campaign").get(pk=response.pk)
    _check_answerable(response, late_ok=late_ok)
    if source not in Response.Source.values:
        raise ValueError(f"unknown source {source!r}")
    codes = [str(code) for code in values]
    questions = {
        q.code: q
        for q in Question.objects.filter(version_id=response.campaign.template_version_id, code__in=codes)
    }
    cleaned: dict[int, tuple[Question, CleanValue]] = {}
    problems: dict[str, list[str]] = {}
    for code, raw in values.items():
        question = questions.get(str(code))
        if question is None:
            problems[str(code)] = [_("There is no question with this code in the campaign's template.")]
            continue
        try:
            cleaned[question.pk] = (question, clean_value(question, raw))
        except ValidationError as exc:
            problems[question.code] = list(exc.messages)
    if problems:
        raise ValidationError(problems)

    existing = {a.question_id: a for a in Answer.objects.filter(response=response, question_id__in=cleaned)}
    to_write: list[Answer] = []
    to_clear: list[int] = []
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for qid, (question, value) in cleaned.items():
        old = existing.get(qid)
        if value.empty:
            if old is not None:
                to_clear.append(old.pk)
                before[question.code] = _stored(old)
                after[question.code] = None
            continue
        new = Answer(
            response=response,
            question=question,
            campaign_id=response.campaign_id,
            member_id=response.member_id,
            num=value.num,
            text=value.text,
            date=value.date,
            choices=list(value.choices),
        )
        if old is not None and (old.num, old.text, old.date, list(old.choices)) == (
            new.num,
            new.text,
            new.date,
            new.choices,
        ):
            continue  # unchanged: no write, no audit noise
        to_write.append(new)
        before[question.code] = _stored(old) if old is not None else None
        after[question.code] = _clean_value_out(value)

    if to_clear:
        Answer.objects.filter(pk__in=to_clear).delete()
    if to_write:
        Answer.objects.bulk_create(
            to_write,
            update_conflicts=True,
            unique_fields=["response", "question"],
            update_fields=["num", "text", "date", "choices", "updated_at"],
            batch_size=500,
        )
    if to_write or to_clear:
        response.answered_count = Answer.objects.filter(response=response).count()
        if response.status == Response.Status.NOT_STARTED:
            response.status = Response.Status.IN_PROGRESS
        response.source = source
        response.save(update_fields=["answered_count", "status", "source", "updated_at"])
        audit.record(
            actor,
            "assessment.answers.saved",
            response,
            before=before,
            after={**after, "_source": source},
            consortium_id=response.campaign.consortium_id,
            member_id=response.member_id,
        )
    return SaveResult(saved=len(to_write), cleared=len(to_clear), answered=response.answered_count)


@transaction.atomic
def do_set_visibility(response: Response, visibility: str, *, actor: User | None) -> Response:
    """Record the member's choice: answers visible by name, or only in aggregates."""
    response = Response.objects.select_for_update().select_related("campaign").get(pk=response.pk)
    if visibility not in Response.Visibility.values:
        raise ValidationError({"visibility": [_("Choose “by name” or “only in aggregates”.")]})
    if response.visibility == visibility:
        return response
    _check_answerable(response)
    before = audit.snapshot(response, ["visibility"])
    response.visibility = visibility
    response.save(update_fields=["visibility", "updated_at"])
    audit.record(
        actor,
        "assessment.response.visibility",
        response,
        before=before,
        after=audit.snapshot(response, ["visibility"]),
        consortium_id=response.campaign.consortium_id,
    )
    return response


def missing_required(response: Response) -> list[Question]:
    """Required questions of the response's template version that have no answer yet."""
    answered = Answer.objects.filter(response=response).values("question_id")
    return list(
        Question.objects.filter(version_id=response.campaign.template_version_id, required=True)
        .exclude(pk__in=answered)
        .select_related("section")  # the submit page groups them by section
        .order_by("section__order", "section_id", "order", "pk")
    )


@transaction.atomic
def do_submit_response(
    response: Response, *, actor: User | None, source: str = Response.Source.BROWSER
) -> Response:
    """Submit a member's answers: they are locked until consortium staff reopen them."""
    response = Response.objects.select_for_update().select_related("campaign").get(pk=response.pk)
    if response.status == Response.Status.SUBMITTED:
        raise ValidationError(_("These answers have already been submitted."))
    _check_answerable(response)
    missing = missing_required(response)
    if missing:
        raise ValidationError(
            {q.code: [_("This question is required: answer it before submitting.")] for q in missing}
        )
    before = audit.snapshot(response, ["status", "submitted_at"])
    response.status = Response.Status.SUBMITTED
    response.submitted_at = timezone.now()
    response.submitted_by = actor if actor is not None and actor.is_authenticated else None
    if source in Response.Source.values and response.answered_count == 0:
        response.source = source
    response.save(update_fields=["status", "submitted_at", "submitted_by", "source", "updated_at"])
    audit.record(
        actor,
        "assessment.response.submitted",
        response,
        before=before,
        after=audit.snapshot(response, ["status", "submitted_at"]),
        consortium_id=response.campaign.consortium_id,
    )
    return response


@transaction.atomic
def do_reopen_response(response: Response, *, actor: User, reason: str = "") -> Response:
    """Unlock a submitted response so the member can change it (consortium admins and staff only)."""
    response = Response.objects.select_for_update().select_related("campaign", "member").get(pk=response.pk)
    campaign = response.campaign
    if not is_council_of(actor, campaign.consortium_id):
        raise PermissionDenied(_("Only the consortium's admins and staff may reopen a response."))
    if response.status != Response.Status.SUBMITTED:
        raise ValidationError(_("Only submitted answers can be reopened; these are still being worked on."))
    if campaign.status != Campaign.Status.OPEN:
        raise ValidationError(_("The campaign is closed; reopen answers only while it is open."))
    before = audit.snapshot(response, ["status", "submitted_at", "reopened_at"])
    response.status = Response.Status.IN_PROGRESS
    response.reopened_at = timezone.now()
    response.reopened_by = actor
    response.save(update_fields=["status", "reopened_at", "reopened_by", "updated_at"])
    audit.record(
        actor,
        "assessment.response.reopened",
        response,
        before=before,
        after={**audit.snapshot(response, ["status", "submitted_at", "reopened_at"]), "reason": reason[:500]},
        consortium_id=campaign.consortium_id,
    )
    emails = response_people_emails([response.member_id], campaign.consortium_id).get(response.member_id, [])
    if emails:
        from interlocal.core.mail import queue_templated_mail

        context = {
            "campaign": campaign,
            "member": response.member,
            "reason": reason,
            "url": _answer_url(response),
        }
        transaction.on_commit(
            lambda: queue_templated_mail(emails, "assessment/email/response_reopened", context)
        )
    return response


# --- Templates ------------------------------------------------------------------------------------


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


# --- Campaigns ------------------------------------------------------------------------------------


def response_people_emails(member_ids: Iterable[int], consortium_id: int) -> dict[int, list[str]]:
    """E-mail addresses of each member's admins and staff in the consortium (one query)."""
    rows = (
        Membership.objects.filter(
            consortium_id=consortium_id,
            member_id__in=list(member_ids),
            role__in=MEMBER_WRITE_ROLES,
            user__is_active=True,
        )
        .values_list("member_id", "user__email")
        .order_by("member_id", "user__email")
    )
    out: dict[int, list[str]] = {}
    for member_id, email in rows:
        if email and email not in out.setdefault(member_id, []):
            out[member_id].append(email)
    return out


def _answer_url(response: Response) -> str:
    from django.conf import settings

    base = str(getattr(settings, "INTERLOCAL_BASE_URL", "") or "").rstrip("/")
    return base + reverse("assessment:response", args=[response.pk])


def _check_campaign_fields(
    consortium: Consortium,
    *,
    name: str,
    deadline: dt.datetime,
    reminder_days: Sequence[int],
    priority_threshold: float,
    readiness_threshold: float,
) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}
    if not name.strip():
        problems["name"] = [_("Give the campaign a name.")]
    if deadline is None or timezone.is_naive(deadline):
        problems["deadline"] = [_("Give the deadline as a date and time.")]
    if any(not isinstance(d, int) or isinstance(d, bool) or not 0 < d <= 90 for d in reminder_days):
        problems["reminder_days"] = [_("Reminder days are whole numbers from 1 to 90.")]
    for field, value in (
        ("priority_threshold", priority_threshold),
        ("readiness_threshold", readiness_threshold),
    ):
        if not 1 <= value <= 5:
            problems[field] = [_("A threshold lies on the 1–5 scale.")]
    return problems


@transaction.atomic
def do_create_campaign(
    consortium: Consortium,
    *,
    actor: User | None,
    name: str,
    template_version: TemplateVersion,
    members: Iterable[Member],
    deadline: dt.datetime,
    description: str = "",
    reminder_days: Sequence[int] = (7, 2),
    priority_threshold: float = 3.0,
    readiness_threshold: float = 3.0,
    launch: bool = True,
) -> Campaign:
    """Create a campaign with one response per participating member; launch it unless a draft."""
    if actor is not None and not is_council_of(actor, consortium.pk):
        raise PermissionDenied(_("Only the consortium's admins and staff may run campaigns."))
    problems = _check_campaign_fields(
        consortium,
        name=name,
        deadline=deadline,
        reminder_days=reminder_days,
        priority_threshold=priority_threshold,
        readiness_threshold=readiness_threshold,
    )
    version_owner = template_version.template.consortium_id
    if version_owner not in (None, consortium.pk):
        problems["template_version"] = [_("Choose the standard template or one of your consortium's.")]
    elif not template_version.questions.exists():
        problems["template_version"] = [_("This template version has no questions yet.")]
    member_list = list({m.pk: m for m in members}.values())
    participating = set(
        consortium.participations.filter(
            is_active=True, member_id__in=[m.pk for m in member_list]
        ).values_list("member_id", flat=True)
    )
    if not member_list:
        problems["members"] = [_("Choose at least one participating member.")]
    elif outsiders := [m.name for m in member_list if m.pk not in participating]:
        problems["members"] = [
            _("Not members of %(consortium)s: %(names)s.")
            % {"consortium": consortium.name, "names": ", ".join(outsiders)}
        ]
    if launch and deadline is not None and not timezone.is_naive(deadline) and deadline <= timezone.now():
        problems.setdefault("deadline", []).append(_("The deadline must be in the future."))
    if problems:
        raise ValidationError(problems)
    campaign = Campaign(
        consortium=consortium,
        name=name.strip(),
        description=description,
        template_version=template_version,
        deadline=deadline,
        created_by=actor,
        reminder_days=sorted({int(d) for d in reminder_days}, reverse=True),
        priority_threshold=float(priority_threshold),
        readiness_threshold=float(readiness_threshold),
        status=Campaign.Status.DRAFT,
    )
    campaign.full_clean()
    campaign.save()
    Response.objects.bulk_create(
        [Response(campaign=campaign, member=m) for m in member_list], batch_size=1000
    )
    audit.record(
        actor,
        "assessment.campaign.created",
        campaign,
        after={**audit.snapshot(campaign), "members": sorted(participating)},
    )
    if launch:
        campaign = do_launch_campaign(campaign, actor=actor)
    return campaign


@transaction.atomic
def do_launch_campaign(campaign: Campaign, *, actor: User | None) -> Campaign:
    """Open a draft campaign: lock its template version and invite the members' people by e-mail."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if actor is not None and not is_council_of(actor, campaign.consortium_id):
        raise PermissionDenied(_("Only the consortium's admins and staff may launch campaigns."))
    if campaign.status != Campaign.Status.DRAFT:
        raise ValidationError(
            _("Only a draft campaign can be launched; this one is %(status)s.")
            % {"status": campaign.get_status_display()}
        )
    if campaign.deadline <= timezone.now():
        raise ValidationError({"deadline": [_("The deadline has passed; set a later one before launching.")]})
    if not campaign.responses.exists():
        raise ValidationError({"members": [_("The campaign has no participating members.")]})
    lock_version(campaign.template_version)
    campaign.status = Campaign.Status.OPEN
    campaign.opens_at = timezone.now()
    campaign.save(update_fields=["status", "opens_at"])
    audit.record(
        actor,
        "assessment.campaign.launched",
        campaign,
        after=audit.snapshot(campaign, ["status", "opens_at", "deadline"]),
    )
    responses = list(campaign.responses.select_related("member"))
    emails = response_people_emails([r.member_id for r in responses], campaign.consortium_id)
    invitations = [
        (emails[r.member_id], {"campaign": campaign, "member": r.member, "url": _answer_url(r)})
        for r in responses
        if emails.get(r.member_id)
    ]

    def send() -> None:
        from interlocal.core.mail import queue_templated_mail

        for to, context in invitations:
            queue_templated_mail(to, "assessment/email/campaign_launched", context)

    transaction.on_commit(send)
    return campaign


@transaction.atomic
def do_update_campaign(campaign: Campaign, *, actor: User | None, **changes: Any) -> Campaign:
    """Change a campaign's name, description, deadline, reminders or matrix thresholds."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if actor is not None and not is_council_of(actor, campaign.consortium_id):
        raise PermissionDenied(_("Only the consortium's admins and staff may change campaigns."))
    allowed = {
        "name",
        "description",
        "deadline",
        "reminder_days",
        "priority_threshold",
        "readiness_threshold",
    }
    unknown = set(changes) - allowed
    if unknown:
        raise ValueError(f"cannot change {sorted(unknown)}")
    if campaign.status == Campaign.Status.CLOSED and changes.keys() & {"deadline", "reminder_days"}:
        raise ValidationError(_("The campaign is closed: its deadline and reminders no longer apply."))
    merged = {
        "name": campaign.name,
        "deadline": campaign.deadline,
        "reminder_days": campaign.reminder_days,
        "priority_threshold": campaign.priority_threshold,
        "readiness_threshold": campaign.readiness_threshold,
    }
    merged.update({k: v for k, v in changes.items() if k in merged})
    problems = _check_campaign_fields(campaign.consortium, **merged)
    if (
        "deadline" in changes
        and changes["deadline"] != campaign.deadline
        and campaign.status == Campaign.Status.OPEN
        and not timezone.is_naive(changes["deadline"])
        and changes["deadline"] <= timezone.now()
    ):
        problems.setdefault("deadline", []).append(_("The deadline must be in the future."))
    if problems:
        raise ValidationError(problems)
    before = audit.snapshot(campaign, sorted(allowed))
    deadline_moved = "deadline" in changes and changes["deadline"] != campaign.deadline
    for name, value in changes.items():
        if name == "reminder_days":
            value = sorted({int(d) for d in value}, reverse=True)
        setattr(campaign, name, value)
    campaign.full_clean()
    campaign.save(update_fields=sorted(changes))
    if deadline_moved:
        # Reminders count back from the deadline: a new deadline starts their count again.
        campaign.responses.exclude(status=Response.Status.SUBMITTED).update(reminders_sent=[])
    audit.record(
        actor,
        "assessment.campaign.updated",
        campaign,
        before=before,
        after=audit.snapshot(campaign, sorted(allowed)),
    )
    return campaign


@transaction.atomic
def do_close_campaign(campaign: Campaign, *, actor: User | None) -> Campaign:
    """Close a campaign: no more answers; unsubmitted responses stay as they are."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if actor is not None and not is_council_of(actor, campaign.consortium_id):
        raise PermissionDenied(_("Only the consortium's admins and staff may close campaigns."))
    if campaign.status == Campaign.Status.CLOSED:
        raise ValidationError(_("The campaign is already closed."))
    before = audit.snapshot(campaign, ["status", "closed_at"])
    campaign.status = Campaign.Status.CLOSED
    campaign.closed_at = timezone.now()
    campaign.save(update_fields=["status", "closed_at"])
    audit.record(
        actor,
        "assessment.campaign.closed",
        campaign,
        before=before,
        after=audit.snapshot(campaign, ["status", "closed_at"]),
    )
    return campaign
