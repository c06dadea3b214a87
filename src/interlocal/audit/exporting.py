"""Audit events as CSV or JSON Lines, produced line by line so any size streams in constant memory."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from interlocal.audit.models import AuditEvent
from interlocal.lib.spreadsheets import csv_lines

__all__ = ["EXPORT_FIELDS", "FORMATS", "export_lines", "export_row"]

# The chain fields plus both hashes and the key id. A recipient can check that consecutive events
# link (prev_hash); recomputing a hash takes the installation's audit key, which is never exported,
# so the operator re-verifies with `interlocal audit verify`.
EXPORT_FIELDS = [
    "seq",
    "occurred_at",
    "actor_id",
    "actor_label",
    "consortium_id",
    "member_id",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "before",
    "after",
    "ip_address",
    "request_id",
    "prev_hash",
    "hash",
    "key_id",
]
FORMATS = {"csv": "text/csv; charset=utf-8", "jsonl": "application/x-ndjson; charset=utf-8"}


def export_row(event: AuditEvent) -> dict[str, Any]:
    """One event as a flat dict of EXPORT_FIELDS."""
    row = event.chain_fields()
    row["prev_hash"] = event.prev_hash
    row["hash"] = event.hash
    return {name: row[name] for name in EXPORT_FIELDS}


def _csv_cell(value: Any) -> Any:
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    return value


def _csv_lines(events: Iterable[AuditEvent]) -> Iterator[str]:
    # csv_lines quotes people's text that a spreadsheet would run as a formula.
    def rows() -> Iterator[list[Any]]:
        yield EXPORT_FIELDS
        for event in events:
            row = export_row(event)
            yield [_csv_cell(row[name]) for name in EXPORT_FIELDS]

    return csv_lines(rows())


def _jsonl_lines(events: Iterable[AuditEvent]) -> Iterator[str]:
    for event in events:
        yield json.dumps(export_row(event), ensure_ascii=False, default=str) + "\n"


def export_lines(events: Iterable[AuditEvent], fmt: str) -> Iterator[str]:
    """The export of `events` in format `fmt` ("csv" or "jsonl"), one line at a time."""
    if fmt == "csv":
        return _csv_lines(events)
    if fmt == "jsonl":
        return _jsonl_lines(events)
    raise ValueError(f"unknown export format {fmt!r}")
