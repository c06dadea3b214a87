"""Pure hash-chain arithmetic for audit events: no Django imports.

Each event's hash is SHA-256 over the previous event's hash and a canonical JSON form of the
event's own fields, so editing, inserting or deleting any row breaks every hash after it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["GENESIS", "ChainBreak", "canonical", "event_hash", "verify_chain"]

GENESIS = "0" * 64


def canonical(fields: Mapping[str, Any]) -> str:
    """A byte-stable JSON form: sorted keys, no spaces, non-JSON values as strings."""
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def event_hash(prev_hash: str, fields: Mapping[str, Any]) -> str:
    """The hash of one event given the hash of the event before it."""
    digest = hashlib.sha256()
    digest.update(prev_hash.encode("ascii"))
    digest.update(b"\n")
    digest.update(canonical(fields).encode("utf-8"))
    return digest.hexdigest()


@dataclass(frozen=True)
class ChainBreak:
    """The first place where the stored chain disagrees with a recomputation."""

    seq: int
    kind: str  # "edited", "missing", "reordered"
    detail: str


def verify_chain(rows: Iterable[tuple[int, str, str, Mapping[str, Any]]]) -> tuple[int, ChainBreak | None]:
    """Walk (seq, prev_hash, hash, fields) in seq order; return (rows checked, first break or None)."""
    expected_prev = GENESIS
    expected_seq = 1
    checked = 0
    for seq, prev_hash, stored_hash, fields in rows:
        if seq != expected_seq:
            kind = "missing" if seq > expected_seq else "reordered"
            first = expected_seq if seq > expected_seq else seq
            detail = (
                f"event {expected_seq}" + (f"–{seq - 1}" if seq - 1 > expected_seq else "") + " is missing"
                if kind == "missing"
                else f"event {seq} appears out of order"
            )
            return checked, ChainBreak(first, kind, detail)
        if prev_hash != expected_prev:
            return checked, ChainBreak(
                seq,
                "missing",
                f"event {seq} does not follow event {seq - 1}: a row before it was removed or replaced",
            )
        if event_hash(prev_hash, fields) != stored_hash:
            return checked, ChainBreak(seq, "edited", f"event {seq} was changed after it was written")
        expected_prev = stored_hash
        expected_seq += 1
        checked += 1
    return checked, None
