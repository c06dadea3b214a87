"""Plain descriptions of a workbook: the template's questions, the answers, the identity of the
workbook and the problems found when reading one back. No Django here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

__all__ = [
    "KINDS",
    "Identity",
    "Problem",
    "QuestionSpec",
    "SectionSpec",
    "Translate",
    "WorkbookSpec",
    "noop",
]

# Question kinds (the same words as the template's Question.kind).
SCALED, YES_NO, NUMBER, SINGLE, MULTIPLE, DATE, TEXT = (
    "scaled",
    "yes_no",
    "number",
    "single",
    "multiple",
    "date",
    "text",
)
KINDS = (SCALED, YES_NO, NUMBER, SINGLE, MULTIPLE, DATE, TEXT)

# A translation function (Django's gettext in the glue; the identity in plain use).
Translate = Callable[[str], str]


def noop(text: str) -> str:
    """Marks a message for translation: modules import it as `_` so makemessages extracts the
    text; the caller's `translate` (Django's gettext) translates it when it is shown."""
    return text


@dataclass(frozen=True)
class QuestionSpec:
    """One question as the workbook shows and checks it."""

    code: str
    text: str
    kind: str
    help: str = ""
    unit: str = ""
    choices: Sequence[str] = ()
    scale_labels: Sequence[str] = ()
    required: bool = False
    min_value: Decimal | None = None
    max_value: Decimal | None = None
    whole_number: bool = False
    max_length: int = 4000


@dataclass(frozen=True)
class SectionSpec:
    """A section of the template: one sheet of the workbook."""

    title: str
    questions: Sequence[QuestionSpec]
    area: str = ""
    description: str = ""


@dataclass(frozen=True)
class Identity:
    """What a workbook belongs to: kept on its hidden sheet and signed."""

    campaign_id: int
    template_version_id: int
    member_id: int


@dataclass(frozen=True)
class WorkbookSpec:
    """Everything needed to build one member's workbook for one campaign."""

    identity: Identity
    campaign_name: str
    consortium_name: str
    member_name: str
    template_name: str
    sections: Sequence[SectionSpec]
    answers: Mapping[str, Any] = field(default_factory=dict)
    deadline: dt.datetime | dt.date | None = None
    instructions: Sequence[str] = ()
    generated_at: dt.datetime | None = None
    upload_url: str = ""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an uploaded workbook, located as precisely as possible."""

    reason: str
    sheet: str = ""
    cell: str = ""
    code: str = ""

    @property
    def location(self) -> str:
        """`Sheet!D7`, `Sheet` or empty for a problem with the whole file."""
        if self.sheet and self.cell:
            return f"{self.sheet}!{self.cell}"
        return self.sheet

    def __str__(self) -> str:
        return f"{self.location}: {self.reason}" if self.location else self.reason
