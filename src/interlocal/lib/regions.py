"""Reading a region list (name, kind, state or province, approximate population) from CSV."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from interlocal.lib.spreadsheets import Limits, SpreadsheetError, read_csv

__all__ = ["RegionError", "RegionRow", "read_region_csv"]

# A region list is a few thousand public bodies at most; it goes through the shared, capped reader.
LIMITS = Limits(max_bytes=20 * 1024 * 1024, max_rows=200_000, max_columns=50, max_cell_chars=1000)

_KINDS = {
    "town": "town",
    "city": "city",
    "county": "county",
    "municipal district": "municipal_district",
    "specialized municipality": "specialized_municipality",
    "school district": "school_district",
}


class RegionError(ValueError):
    """A region file that cannot be used; the message names the line and the problem."""


@dataclass(frozen=True)
class RegionRow:
    """One public body of a region list."""

    name: str
    kind: str
    region: str
    population: int | None


def read_region_csv(source: Path | str) -> list[RegionRow]:
    """Parse a region CSV (columns name, kind, state|province, population_approx); all or nothing."""
    try:
        table = read_csv(Path(source).read_bytes() if isinstance(source, Path) else source, LIMITS)
    except SpreadsheetError as exc:
        raise RegionError(exc.message()) from None
    header = table[0] if table else []
    reader = [dict(zip(header, row, strict=False)) for row in table[1:] if row]
    fields = set(header)
    region_col = "state" if "state" in fields else "province"
    missing = {"name", "kind", region_col, "population_approx"} - fields
    if missing:
        raise RegionError(f"line 1: missing column(s): {', '.join(sorted(missing))}")
    rows: list[RegionRow] = []
    problems: list[str] = []
    seen: set[str] = set()
    for line, raw in enumerate(reader, start=2):
        name = (raw.get("name") or "").strip()
        kind_text = (raw.get("kind") or "").strip().lower()
        population_text = (raw.get("population_approx") or "").strip()
        if not name:
            problems.append(f"line {line}: name is empty")
            continue
        if name in seen:
            problems.append(f"line {line}: {name!r} is listed twice")
        seen.add(name)
        kind = _KINDS.get(kind_text)
        if kind is None:
            problems.append(f"line {line}: unknown kind {kind_text!r} (use one of: {', '.join(_KINDS)})")
            continue
        population: int | None = None
        if population_text:
            if not population_text.isdigit():
                problems.append(f"line {line}: population {population_text!r} is not a whole number")
                continue
            population = int(population_text)
        rows.append(RegionRow(name, kind, (raw.get(region_col) or "").strip().upper(), population))
    if problems:
        raise RegionError("; ".join(problems))
    return rows
