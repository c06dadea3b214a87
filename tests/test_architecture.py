"""The shape every app keeps (docs/architecture.md): checked on the source, not by review.

- Views and API modules never decide visibility themselves: no `grants_for(...)` and no
  `<Model>.objects` of a model that declares a `Tenancy` other than `.visible_to(user)` /
  `.writable_by(user)` (they call `queries` accessors or those, which apply the one rule).
- No source file over 800 lines (migrations aside): a module that grows becomes a package split
  by topic.
- No suffixed siblings (`views_bidding.py` beside `views/`): topics are modules of a package.
- Spreadsheets are read and written only through `lib/spreadsheets` (capped reading, formulas
  neutralised on export): no csv reader or writer, no openpyxl load or save elsewhere.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.apps import apps

SRC = Path(__file__).resolve().parents[1] / "src" / "interlocal"
MAX_LINES = 800
# The scoped reads a QuerySet offers (tenancy.scoping, and the public and vendor scopes procurement
# declares on its QuerySets); `get_for_user(qs, user, ...)` scopes the queryset it is given.
SCOPED_PATHS = ("visible_to", "writable_by", "public", "for_vendor_user")
# Hand scoping that predates this check, as "file what" (line numbers left out so edits elsewhere in
# a file don't move them). Each is a read that should go through a `queries` accessor; the list may
# only shrink: a new hit anywhere fails, and so does an entry that no longer occurs.
KNOWN_HAND_SCOPING = frozenset(
    {
        "interlocal/procurement/api/bidding.py Contract.objects",
        "interlocal/procurement/api/bidding.py EvaluationCriterion.objects",
        "interlocal/procurement/api/bidding.py Solicitation.objects",
        "interlocal/procurement/api/bidding.py grants_for()",
        "interlocal/procurement/api/schemas/bidding.py Bid.objects",
        "interlocal/procurement/api/schemas/bidding.py Contract.objects",
        "interlocal/procurement/views/bidding.py BidLine.objects",
        "interlocal/procurement/views/bidding.py EvaluationCriterion.objects",
        "interlocal/procurement/views/bidding.py grants_for()",
    }
)

LAYER_NAMES = ("views", "api", "actions", "queries", "querysets", "models", "urls", "forms", "tasks", "demo")


def _sources() -> list[Path]:
    return sorted(p for p in SRC.rglob("*.py") if "migrations" not in p.parts)


# Search providers (each app's search.py, and core/search) hand rows to every person: the same rule.
_READ_PATHS = ("views", "api", "search")


def _is_view_or_api(path: Path) -> bool:
    rel = path.relative_to(SRC).parts
    return any(part in _READ_PATHS for part in rel[:-1]) or path.stem in _READ_PATHS


def _scoped_model_names() -> set[str]:
    return {m.__name__ for m in apps.get_models() if hasattr(m, "tenancy")}


def _hand_scoping(path: Path, scoped: set[str]) -> list[str]:
    """`grants_for(...)` calls and `<ScopedModel>.objects` in one module, as `file:line what`."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    imported: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            imported |= {alias.asname or alias.name for alias in node.names}
    found = []
    rel = path.relative_to(SRC.parent)
    # `Model.objects.visible_to(user)` / `.writable_by(user)` is the one scoped path; any other use
    # of a scoped model's manager (filter, get, all, select_related ...) reads unscoped.
    scoped_calls = {
        id(inner)
        for node in ast.walk(tree)
        if (isinstance(node, ast.Attribute) and node.attr in SCOPED_PATHS)
        or (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "get_for_user")
        for inner in ast.walk(node.value if isinstance(node, ast.Attribute) else node)
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "grants_for":
            found.append(f"{rel}:{node.lineno} grants_for()")
        if (
            isinstance(node, ast.Attribute)
            and node.attr in ("objects", "_default_manager", "_base_manager")
            and isinstance(node.value, ast.Name)
            and node.value.id in scoped
            and node.value.id in imported
            and id(node) not in scoped_calls
        ):
            found.append(f"{rel}:{node.lineno} {node.value.id}.{node.attr}")
    return found


def test_views_and_api_never_scope_by_hand() -> None:
    scoped = _scoped_model_names()
    assert "Solicitation" in scoped and "Response" in scoped  # the scan knows the scoped models
    found = [hit for path in _sources() if _is_view_or_api(path) for hit in _hand_scoping(path, scoped)]
    kinds = {_without_line(hit) for hit in found}
    new = [hit for hit in found if _without_line(hit) not in KNOWN_HAND_SCOPING]
    assert not new, "Views and API code must read through queries / visible_to:\n" + "\n".join(new)
    gone = sorted(KNOWN_HAND_SCOPING - kinds)
    assert not gone, f"Fixed, so take them off KNOWN_HAND_SCOPING: {gone}"


def _without_line(hit: str) -> str:
    where, what = hit.split(" ", 1)
    return f"{where.rsplit(':', 1)[0]} {what}"


def test_the_scan_finds_hand_scoping(tmp_path: Path) -> None:
    """The check above can fail: a view that filters a scoped model itself is caught."""
    module = SRC / "procurement" / "views" / "_probe_for_test.py"
    module.write_text(
        "from interlocal.procurement.models import Solicitation\n"
        "from interlocal.tenancy.scoping import grants_for\n\n"
        "def leak(request):\n"
        "    grants_for(request.user)\n"
        "    return Solicitation.objects.all()\n"
    )
    try:
        hits = _hand_scoping(module, _scoped_model_names())
    finally:
        module.unlink()
    assert [h.split(" ", 1)[1] for h in hits] == ["grants_for()", "Solicitation.objects"]


def test_no_source_file_over_800_lines() -> None:
    long = {
        str(p.relative_to(SRC.parent)): n
        for p in _sources()
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert not long, f"Split these into packages by topic (over {MAX_LINES} lines): {long}"


@pytest.mark.parametrize("layer", LAYER_NAMES)
def test_no_suffixed_siblings(layer: str) -> None:
    siblings = [str(p.relative_to(SRC.parent)) for p in _sources() if p.stem.startswith(f"{layer}_")]
    assert not siblings, f"Make these modules of a `{layer}/` package instead: {siblings}"


# Reading and writing spreadsheets anywhere but lib/spreadsheets, by the calls that do it.
SPREADSHEET_CALLS = (
    "csv.reader(",
    "csv.writer(",
    "csv.DictReader(",
    "csv.DictWriter(",
    "load_workbook(",
    "xlsxwriter",
    "pandas",
    ".save(out)",
    "wb.save(",
    "book.save(",
    "zipfile.ZipFile(",
)
# "file call" pairs allowed, with why. The list may only shrink: an entry that no longer occurs fails.
KNOWN_SPREADSHEET_CALLS = frozenset(
    {
        # The official OCDS codelists shipped with the code (not uploads, never exported).
        "interlocal/procurement/ocds/schema.py csv.DictReader(",
        # check_file looks for macros and OpenDocument inside the package, then calls the
        # shared check_package; the cells are read by lib.spreadsheets.XlsxReader.
        "interlocal/assessment/xlsx/read.py zipfile.ZipFile(",
    }
)


def _spreadsheet_calls() -> set[str]:
    found: set[str] = set()
    for path in _sources():
        rel = str(path.relative_to(SRC.parent))
        if rel.startswith("interlocal/lib/spreadsheets/"):
            continue
        text = path.read_text(encoding="utf-8")
        found |= {f"{rel} {call}" for call in SPREADSHEET_CALLS if call in text}
        if re.search(r"\bWorkbook\(", text) and "workbook_bytes(" not in text:
            found.add(f"{rel} Workbook() without workbook_bytes()")
    return found


def test_spreadsheets_go_through_the_shared_reader_and_writers() -> None:
    found = _spreadsheet_calls()
    assert found <= KNOWN_SPREADSHEET_CALLS, (
        "Read uploads with lib.spreadsheets (read_table, read_csv, XlsxReader) and write exports with "
        f"its CsvWriter / csv_lines / workbook_bytes: {sorted(found - KNOWN_SPREADSHEET_CALLS)}"
    )
    assert found >= KNOWN_SPREADSHEET_CALLS, (
        f"Remove from the list: {sorted(KNOWN_SPREADSHEET_CALLS - found)}"
    )
