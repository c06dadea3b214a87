"""Compiled releases and records: the OCDS merge of a process's releases (no Django).

The rules are those of the OCDS merging specification, for the fields Interlocal publishes:
releases are applied oldest first; an object is merged field by field; an array of objects that
all have an `id` is merged by id (a later release updates or adds entries, never deletes them);
any other value, including other arrays, is replaced by the later release's value; a `null`
removes the field. The compiled release gets the tag `compiled`, the newest date and an id made
of the ocid and that date.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

__all__ = ["compile_release", "record"]

_NOT_MERGED = ("id", "date", "tag")


def _is_identified_list(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) and "id" in v for v in value)


def _merge(target: dict[str, Any], source: dict[str, Any]) -> None:
    for key, value in source.items():
        if value is None:
            target.pop(key, None)
        elif isinstance(value, dict):
            current = target.get(key)
            if not isinstance(current, dict):
                current = target[key] = {}
            _merge(current, value)
        elif _is_identified_list(value) and _is_identified_list(target.get(key)):
            by_id = {str(entry["id"]): entry for entry in target[key]}
            for entry in value:
                existing = by_id.get(str(entry["id"]))
                if existing is None:
                    fresh = copy.deepcopy(entry)
                    target[key].append(fresh)
                    by_id[str(entry["id"])] = fresh
                else:
                    _merge(existing, entry)
        else:
            target[key] = copy.deepcopy(value)


def compile_release(releases: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The compiled release: the latest state of every field over `releases` (same ocid)."""
    if not releases:
        raise ValueError("a compiled release needs at least one release")
    ordered = sorted(releases, key=lambda r: r["date"])
    ocids = {r["ocid"] for r in ordered}
    if len(ocids) != 1:
        raise ValueError(f"releases of several processes cannot be compiled together: {sorted(ocids)}")
    compiled: dict[str, Any] = {}
    for release in ordered:
        _merge(compiled, {k: v for k, v in release.items() if k not in _NOT_MERGED})
    newest = ordered[-1]["date"]
    ocid = ordered[0]["ocid"]
    head = {"ocid": ocid, "id": f"{ocid}-{newest}", "date": newest, "tag": ["compiled"]}
    return {**head, **{k: v for k, v in compiled.items() if k != "ocid"}}


def record(releases: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The OCDS record of one process: its releases (embedded, oldest first) and the compiled release."""
    ordered = sorted(releases, key=lambda r: r["date"])
    return {
        "ocid": ordered[0]["ocid"],
        "releases": list(ordered),
        "compiledRelease": compile_release(ordered),
    }
