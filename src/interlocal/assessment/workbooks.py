"""Assessment workbooks in the database: a member's pre-filled Excel workbook for a campaign, and
the import of a filled one (all or nothing, through `do_save_answers`).

The Excel work itself (layout, drop-downs, signature, reading cells) is the pure package
`assessment.xlsx`; this module maps templates and answers to it and stores what comes back.

Settings: ASSESSMENT_WORKBOOK_MAX_BYTES (env INTERLOCAL_WORKBOOK_MAX_BYTES), the largest workbook
accepted, 5 MB unless set. A 300-question workbook is about 60 KB.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.text import slugify
from django.utils.translation import gettext as _

from interlocal import audit
from interlocal.assessment.actions import (
    MAX_TEXT_LENGTH,
    do_save_answers,
    do_submit_response,
    is_council_of,
)
from interlocal.assessment.models import Answer, Campaign, Question, Response, Section
from interlocal.assessment.queries import version_sections
from interlocal.assessment.xlsx import (
    Identity,
    OpenedWorkbook,
    Problem,
    QuestionSpec,
    SectionSpec,
    WorkbookError,
    WorkbookSpec,
    build_workbook,
    check_file,
    open_workbook,
    read_answers,
)
from interlocal.core.links import absolute_url
from interlocal.core.moments import legal_text

if TYPE_CHECKING:
    from interlocal.accounts.models import User
    from interlocal.tenancy.models import Member

__all__ = [
    "DEFAULT_MAX_BYTES",
    "ImportResult",
    "WorkbookError",
    "can_answer_for",
    "do_export_workbook",
    "do_import_workbook",
    "export_workbook",
    "max_bytes",
    "question_spec",
    "workbook_filename",
]

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
# Where terms typed in workbooks come from, in the taxonomy's review queue.
TERM_SOURCE = "assessment.workbook"
# Free-text questions whose answer names a system or product: matched to the service taxonomy.
SYSTEM_SUFFIXES = (".system", ".current-system", ".product")


def max_bytes() -> int:
    """The largest workbook accepted (setting ASSESSMENT_WORKBOOK_MAX_BYTES)."""
    return int(getattr(settings, "ASSESSMENT_WORKBOOK_MAX_BYTES", DEFAULT_MAX_BYTES))


def _secrets() -> list[bytes]:
    """The signing keys: from SECRET_KEY, then each SECRET_KEY_FALLBACKS (rotation)."""
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return [salted_hmac("interlocal.assessment.workbook", "v1", secret=key).digest() for key in keys]


def _decimal(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(repr(float(value)))


def question_spec(question: Question) -> QuestionSpec:
    """The workbook's description of a question."""
    return QuestionSpec(
        code=question.code,
        text=question.text,
        kind=question.kind,
        help=question.help_text,
        unit=question.unit,
        choices=[str(c) for c in question.choices or []],
        scale_labels=[str(label) for label in question.scale_labels or []],
        required=question.required,
        min_value=_decimal(question.min_value),
        max_value=_decimal(question.max_value),
        max_length=MAX_TEXT_LENGTH,
    )


def _section_specs(sections: Iterable[Section]) -> list[SectionSpec]:
    return [
        SectionSpec(
            title=section.title,
            area=section.area.name if section.area_id and section.area else "",
            description=section.description,
            questions=[question_spec(q) for q in section.questions.all()],
        )
        for section in sections
    ]


def _answer_value(question: Question, answer: Answer) -> Any:
    """A stored answer in the form the workbook shows it."""
    if question.kind in (Question.Kind.SCALED, Question.Kind.NUMBER):
        return answer.num
    if question.kind == Question.Kind.YES_NO:
        return None if answer.num is None else bool(answer.num)
    if question.kind == Question.Kind.SINGLE:
        return answer.choices[0] if answer.choices else None
    if question.kind == Question.Kind.MULTIPLE:
        return list(answer.choices)
    if question.kind == Question.Kind.DATE:
        return answer.date
    return answer.text


def _local(value: dt.datetime) -> dt.datetime:
    return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value


def workbook_filename(response: Response) -> str:
    """e.g. `2026-needs-assessment-avon.xlsx`."""
    return f"{slugify(response.campaign.name)[:60]}-{slugify(response.member.name)[:40]}.xlsx"


def export_workbook(response: Response, *, upload_url: str = "") -> bytes:
    """The member's pre-filled workbook for the response's campaign (4 queries)."""
    campaign = response.campaign
    version = campaign.template_version
    sections = version_sections(version)
    by_id = {q.pk: q for s in sections for q in s.questions.all()}
    answers = {
        by_id[a.question_id].code: _answer_value(by_id[a.question_id], a)
        for a in Answer.objects.filter(response=response)
        if a.question_id in by_id
    }
    instructions = []
    if campaign.description:
        instructions.append(campaign.description)
    spec = WorkbookSpec(
        identity=Identity(campaign.pk, version.pk, response.member_id),
        campaign_name=campaign.name,
        consortium_name=campaign.consortium.name,
        member_name=response.member.name,
        template_name=_("%(template)s, version %(number)d")
        % {"template": version.template.name, "number": version.number},
        sections=_section_specs(sections),
        answers=answers,
        deadline=_local(campaign.deadline),
        instructions=instructions,
        generated_at=_local(timezone.now()),
        upload_url=upload_url,
    )
    return build_workbook(spec, secret=_secrets()[0], translate=_)


def do_export_workbook(response: Response, *, actor: User | None, upload_url: str = "") -> bytes:
    """The pre-filled workbook, recording in the audit trail who took the member's answers out."""
    data = export_workbook(response, upload_url=upload_url)
    audit.record(
        actor,
        "assessment.workbook.exported",
        response,
        after={"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()},
        consortium_id=response.campaign.consortium_id,
        member_id=response.member_id,
    )
    return data


def can_answer_for(user: User | None, response: Response) -> bool:
    """Whether `user` may enter the response's answers: the member's admins and staff, or the
    consortium's admins and staff on the member's behalf (e.g. from a workbook sent by e-mail)."""
    if user is None:
        return False
    if Response.objects.writable_by(user).filter(pk=response.pk).exists():
        return True
    return is_council_of(user, response.campaign.consortium_id)


# --- Import ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportResult:
    """What an import stored."""

    response: Response
    saved: int
    cleared: int
    answered: int
    submitted: bool
    unmatched_terms: int = 0


def _read_bytes(file: bytes | str | Path | IO[bytes] | Any, limit: int) -> tuple[bytes, str]:
    """The file's bytes (at most limit + 1, so an oversized file is not read whole) and its name."""
    if isinstance(file, bytes):
        return file, ""
    if isinstance(file, str | Path):
        path = Path(file)
        try:
            with path.open("rb") as handle:
                return handle.read(limit + 1), path.name
        except OSError as exc:
            raise WorkbookError(
                [Problem(_("Cannot read %(path)s: %(error)s") % {"path": path, "error": exc.strerror or exc})]
            ) from None
    name = str(getattr(file, "name", "") or "")
    size = getattr(file, "size", None)
    if isinstance(size, int) and size > limit:
        # Too large: say so from the declared size without reading it.
        return b"\0" * (limit + 1), name
    if hasattr(file, "seek"):
        file.seek(0)
    data = file.read(limit + 1)
    return bytes(data), name


def _check_open_for_upload(response: Response) -> list[Problem]:
    """Problems with uploading to this response now: campaign not open, submitted, late."""
    campaign = response.campaign
    if campaign.status == Campaign.Status.DRAFT:
        return [Problem(_("The campaign “%(name)s” has not been launched yet.") % {"name": campaign.name})]
    if campaign.status == Campaign.Status.CLOSED:
        return [
            Problem(
                _("The campaign “%(name)s” is closed; answers can no longer be uploaded.")
                % {"name": campaign.name}
            )
        ]
    if response.status == Response.Status.SUBMITTED:
        when = legal_text(response.submitted_at, campaign.consortium) if response.submitted_at else ""
        return [
            Problem(
                _(
                    "%(member)s's answers were already submitted on %(when)s; ask the consortium staff to "
                    "reopen them before uploading changes."
                )
                % {"member": response.member.name, "when": when}
            )
        ]
    if campaign.is_past_deadline and response.reopened_at is None:
        return [
            Problem(
                _("The deadline, %(deadline)s, has passed; ask the consortium staff to reopen your answers.")
                % {"deadline": legal_text(campaign.deadline, campaign.consortium)}
            )
        ]
    return []


def _identity_problems(opened: OpenedWorkbook, campaign: Campaign, member: Member | None) -> list[Problem]:
    identity = opened.identity
    if identity.campaign_id != campaign.pk:
        return [
            Problem(
                _(
                    "This workbook belongs to another campaign (no. %(other)d), not to “%(name)s”; "
                    "download this campaign's workbook."
                )
                % {"other": identity.campaign_id, "name": campaign.name}
            )
        ]
    if identity.template_version_id != campaign.template_version_id:
        return [
            Problem(
                _(
                    "This workbook was made for another version of the campaign's template; the "
                    "questions have changed since. Download a new workbook and copy your answers into it."
                )
            )
        ]
    if member is not None and identity.member_id != member.pk:
        return [
            Problem(
                _("This workbook is for another member, not %(member)s; download %(member)s's own workbook.")
                % {"member": member.name}
            )
        ]
    return []


def _problems_from_validation(exc: ValidationError, opened: OpenedWorkbook) -> list[Problem]:
    """do_save_answers' problems (by question code) located at their cells."""
    if not hasattr(exc, "error_dict"):
        return [Problem(str(message)) for message in exc.messages]
    problems = []
    for code, errors in exc.message_dict.items():
        sheet, cell = opened.cell_of(code)
        for message in errors:
            problems.append(Problem(str(message), sheet=sheet, cell=cell, code=code))
    return problems


def _to_raw(value: Any) -> Any:
    """Typed cell values in the forms do_save_answers accepts (it reads floats, not Decimals)."""
    if isinstance(value, Decimal):
        return float(value)
    return value


def _record_terms(response: Response, values: dict[str, Any], *, actor: User | None) -> int:
    """Match typed system names to the taxonomy; unmatched ones go to its review queue."""
    texts = [
        str(value)
        for code, value in values.items()
        if isinstance(value, str) and value.strip() and code.endswith(SYSTEM_SUFFIXES)
    ]
    if not texts:
        return 0
    try:
        from interlocal.taxonomy.actions import do_resolve_terms
    except ImportError:  # the taxonomy app is optional for the import itself
        return 0
    resolved = do_resolve_terms(response.campaign.consortium_id, texts, source=TERM_SOURCE, actor=actor)
    return sum(1 for area in resolved.values() if area is None)


@transaction.atomic
def do_import_workbook(
    campaign: Campaign,
    file: bytes | str | Path | IO[bytes] | Any,
    *,
    actor: User | None,
    member: Member | None = None,
    submit: bool = False,
    filename: str = "",
) -> ImportResult:
    """Check a filled workbook whole and store its answers (source xlsx); all or nothing.

    Raises WorkbookError listing every problem (sheet, cell and reason) and stores nothing when
    anything is wrong. `member`, when given, is the member the upload is for (the web page);
    otherwise the workbook says whose it is (the CLI). With `submit`, the answers are submitted too.
    """
    limit = max_bytes()
    data, name = _read_bytes(file, limit)
    problems = check_file(data, filename=filename or name, max_bytes=limit, translate=_)
    if problems:
        raise WorkbookError(problems)
    opened = open_workbook(data, secret=_secrets(), translate=_)
    try:
        problems = _identity_problems(opened, campaign, member)
        if problems:
            raise WorkbookError(problems)
        response = (
            Response.objects.select_related("campaign", "campaign__consortium", "member")
            .filter(campaign=campaign, member_id=opened.identity.member_id)
            .first()
        )
        if response is None:
            raise WorkbookError(
                [Problem(_("The member of this workbook does not take part in this campaign."))]
            )
        if actor is not None and not can_answer_for(actor, response):
            raise PermissionDenied(
                _("You may not enter answers for %(member)s.") % {"member": response.member.name}
            )
        problems = _check_open_for_upload(response)
        if problems:
            raise WorkbookError(problems)
        questions = Question.objects.filter(version_id=campaign.template_version_id).order_by(
            "section__order", "order", "pk"
        )
        specs = {q.code: question_spec(q) for q in questions}
        values, problems = read_answers(opened, specs, translate=_)
    finally:
        opened.workbook.close()
    if problems:
        raise WorkbookError(problems)
    return _store(response, values, opened, data=data, name=filename or name, actor=actor, submit=submit)


def _store(
    response: Response,
    values: dict[str, Any],
    opened: OpenedWorkbook,
    *,
    data: bytes,
    name: str,
    actor: User | None,
    submit: bool,
) -> ImportResult:
    try:
        with transaction.atomic():
            result = do_save_answers(
                response,
                {code: _to_raw(v) for code, v in values.items()},
                actor=actor,
                source=Response.Source.XLSX,
            )
            submitted = False
            if submit:
                do_submit_response(response, actor=actor, source=Response.Source.XLSX)
                submitted = True
    except ValidationError as exc:
        raise WorkbookError(_problems_from_validation(exc, opened)) from None
    unmatched = _record_terms(response, values, actor=actor)
    audit.record(
        actor,
        "assessment.workbook.imported",
        response,
        after={
            "file": name[:200],
            "bytes": len(data),
            "sha256": hashlib.sha256(data).hexdigest(),
            "saved": result.saved,
            "cleared": result.cleared,
            "submitted": submitted,
            "downloaded_at": opened.generated_at,
        },
        consortium_id=response.campaign.consortium_id,
        member_id=response.member_id,
    )
    return ImportResult(
        response=response,
        saved=result.saved,
        cleared=result.cleared,
        answered=result.answered,
        submitted=submitted,
        unmatched_terms=unmatched,
    )


def upload_url_for(response: Response) -> str:
    """The absolute address of the response's upload page, printed on the workbook's cover."""
    path = reverse("assessment:workbook_upload", kwargs={"pk": response.pk})
    return absolute_url(path)
