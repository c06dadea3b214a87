"""Reading a region list (name, kind, state or province, approximate population) from CSV."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

__all__ = ["RegionError", "RegionRow", "read_region_csv"]

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
    text = Path(source).read_text(encoding="utf-8") if isinstance(source, Path) else source
    reader = csv.DictReader(io.StringIO(text))
    fields = set(reader.fieldnames or [])
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
