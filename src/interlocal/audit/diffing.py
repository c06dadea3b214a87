"""Before/after of an audit event as a field-by-field comparison (pure; no Django imports)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["FieldChange", "field_changes"]


@dataclass(frozen=True)
class FieldChange:
    """One field of an event: its value before and after, and whether it changed."""

    field: str
    before: str | None
    after: str | None
    changed: bool


def _show(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def field_changes(before: Mapping[str, Any] | None, after: Mapping[str, Any] | None) -> list[FieldChange]:
    """Every field named in either snapshot, changed ones first, each group in name order."""
    before, after = before or {}, after or {}
    rows = []
    for name in sorted(set(before) | set(after)):
        had, has = name in before, name in after
        old = _show(before[name]) if had else None
        new = _show(after[name]) if has else None
        rows.append(FieldChange(name, old, new, changed=(had != has) or before.get(name) != after.get(name)))
    return sorted(rows, key=lambda r: not r.changed)
