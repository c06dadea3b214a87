"""Assessment workbooks as Excel files, with no Django: build a member's pre-filled workbook from
plain descriptions (spec.py) and read one back, checking the whole file (read.py).

The Django glue (templates and answers from the database, storing through do_save_answers) is
`interlocal.assessment.workbooks`.
"""

from interlocal.assessment.xlsx.build import ANSWER_COLUMN, FIRST_ROW, build_workbook, sheet_names
from interlocal.assessment.xlsx.read import (
    MAX_EXPANDED_BYTES,
    OpenedWorkbook,
    WorkbookError,
    check_file,
    open_workbook,
    read_answers,
)
from interlocal.assessment.xlsx.signing import LIST_SHEET, META_SHEET
from interlocal.assessment.xlsx.spec import (
    KINDS,
    Identity,
    Problem,
    QuestionSpec,
    SectionSpec,
    Translate,
    WorkbookSpec,
    noop,
)
from interlocal.assessment.xlsx.values import (
    MULTIPLE_SEPARATOR,
    ParseError,
    display_value,
    parse_value,
    scale_options,
    yes_no_options,
)

__all__ = [
    "ANSWER_COLUMN",
    "FIRST_ROW",
    "KINDS",
    "LIST_SHEET",
    "MAX_EXPANDED_BYTES",
    "META_SHEET",
    "MULTIPLE_SEPARATOR",
    "Identity",
    "OpenedWorkbook",
    "ParseError",
    "Problem",
    "QuestionSpec",
    "SectionSpec",
    "Translate",
    "WorkbookError",
    "WorkbookSpec",
    "build_workbook",
    "check_file",
    "display_value",
    "noop",
    "open_workbook",
    "parse_value",
    "read_answers",
    "scale_options",
    "sheet_names",
    "yes_no_options",
]
