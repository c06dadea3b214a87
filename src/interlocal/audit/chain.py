"""Pure hash-chain arithmetic for audit events: no Django imports.

Each event's hash is HMAC-SHA256, under a key held outside the database (INTERLOCAL_AUDIT_KEY),
over the previous event's hash and a canonical JSON form of the event's own fields (its key id
among them). Editing, inserting or deleting any row breaks every hash after it, and someone who
can write to the database but does not hold the key cannot compute the hashes of a rewritten
chain. Anchors (the head's seq and hash copied outside the database at intervals) catch a
rewrite by someone who holds the key too, up to the last anchor.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = [
    "GENESIS",
    "Anchor",
    "ChainBreak",
    "canonical",
    "event_hash",
    "key_id",
    "legacy_event_hash",
    "verify_chain",
]

GENESIS = "0" * 64


def canonical(fields: Mapping[str, Any]) -> str:
    """A byte-stable JSON form: sorted keys, no spaces, non-JSON values as strings."""
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def key_id(key: bytes) -> str:
    """The short public name of a chain key, stored with each event hashed under it."""
    return hashlib.sha256(b"interlocal audit key id\n" + key).hexdigest()[:16]


def event_hash(prev_hash: str, fields: Mapping[str, Any], key: bytes) -> str:
    """The keyed hash of one event given the hash of the event before it."""
    mac = hmac.new(key, digestmod=hashlib.sha256)
    mac.update(prev_hash.encode("ascii"))
    mac.update(b"\n")
    mac.update(canonical(fields).encode("utf-8"))
    return mac.hexdigest()


def legacy_event_hash(prev_hash: str, fields: Mapping[str, Any]) -> str:
    """The unkeyed SHA-256 of releases before the keyed chain; only migration audit/0003 reads it."""
    digest = hashlib.sha256()
    digest.update(prev_hash.encode("ascii"))
    digest.update(b"\n")
    digest.update(canonical(fields).encode("utf-8"))
    return digest.hexdigest()


@dataclass(frozen=True)
class ChainBreak:
    """The first place where the stored chain disagrees with a recomputation."""

    seq: int
    kind: str  # "edited", "missing", "reordered", "unknown-key", "unrecorded", "anchor"
    detail: str


@dataclass(frozen=True)
class Anchor:
    """The chain head as copied outside the database at one moment."""

    seq: int
    hash: str
    key_id: str
    time: str

    def as_dict(self) -> dict[str, Any]:
        return {"seq": self.seq, "hash": self.hash, "key_id": self.key_id, "time": self.time}


def verify_chain(
    rows: Iterable[tuple[int, str, str, str, Mapping[str, Any]]],
    keys: Mapping[str, bytes],
    anchors: Iterable[Anchor] = (),
) -> tuple[int, ChainBreak | None]:
    """Walk (seq, prev_hash, hash, key_id, fields) in seq order; return (rows checked, first break).

    `keys` maps key ids to keys (the current key and the old ones). Every anchor is checked: the
    recomputed hash at an anchored seq must be the anchored hash, and the chain must reach the
    newest anchored seq (events removed up to an anchor are reported).
    """
    by_seq: dict[int, list[Anchor]] = {}
    for anchor in anchors:
        by_seq.setdefault(anchor.seq, []).append(anchor)
    expected_prev = GENESIS
    expected_seq = 1
    checked = 0
    for seq, prev_hash, stored_hash, kid, fields in rows:
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
        key = keys.get(kid)
        if key is None:
            return checked, ChainBreak(
                seq,
                "unknown-key",
                f"event {seq} is hashed with key {kid or '(none)'}, which is not configured "
                "(INTERLOCAL_AUDIT_KEY / INTERLOCAL_AUDIT_OLD_KEYS): forged, or an old key is missing",
            )
        if not hmac.compare_digest(event_hash(prev_hash, fields, key), stored_hash):
            return checked, ChainBreak(seq, "edited", f"event {seq} was changed after it was written")
        for anchor in by_seq.get(seq, ()):
            if not hmac.compare_digest(anchor.hash, stored_hash):
                return checked, ChainBreak(
                    seq,
                    "anchor",
                    f"event {seq} does not match the anchor taken {anchor.time}: "
                    f"the chain was rewritten at or before event {seq}",
                )
        expected_prev = stored_hash
        expected_seq += 1
        checked += 1
    beyond = [seq for seq in by_seq if seq >= expected_seq]
    if beyond:
        newest = max(beyond)
        anchor = by_seq[newest][0]
        span = f"{expected_seq}" if expected_seq == newest else f"{expected_seq}–{newest}"
        return checked, ChainBreak(
            expected_seq,
            "missing",
            f"event {span} is missing: the anchor taken {anchor.time} records event {newest}",
        )
    return checked, None
