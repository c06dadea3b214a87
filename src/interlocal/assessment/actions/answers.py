"""Answers."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from interlocal import audit
from interlocal.assessment.models import (
    Answer,
    Campaign,
    Question,
    Response,
)
from interlocal.core.moments import legal_text

if TYPE_CHECKING:
    from interlocal.accounts.models import User
from interlocal.assessment.actions.campaigns import _answer_url, response_people_emails
from interlocal.assessment.actions.common import _NO, _NUMBER_RE, _YES, MAX_TEXT_LENGTH, is_council_of

# Reasonable dates for contract ends and the like; anything else is a typing mistake.
MIN_YEAR, MAX_YEAR = 1900, 2200

__all__ = [
    "CleanValue",
    "SaveResult",
    "clean_value",
    "do_reopen_response",
    "do_save_answers",
    "do_set_visibility",
    "do_submit_response",
    "missing_required",
]


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
                "when": legal_text(response.submitted_at, campaign.consortium)
                if response.submitted_at
                else "?"
            }
        )
    if campaign.is_past_deadline and response.reopened_at is None and not late_ok:
        raise ValidationError(
            _("The deadline, %(deadline)s, has passed; ask the consortium staff to reopen your response.")
            % {"deadline": legal_text(campaign.deadline, campaign.consortium)}
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
