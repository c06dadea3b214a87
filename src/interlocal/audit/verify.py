"""Checking the whole stored trail against its hash chain, the chain head and the anchors."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import DEFAULT_DB_ALIAS

from interlocal.audit.chain import GENESIS, Anchor, ChainBreak, verify_chain
from interlocal.audit.keys import keyring
from interlocal.audit.models import AuditEvent, AuditHead

__all__ = ["TrailReport", "verify_trail"]


@dataclass(frozen=True)
class TrailReport:
    """The outcome of a verification: how many events were checked and the first problem, if any."""

    checked: int
    head_seq: int
    head_hash: str
    head_key_id: str
    problem: ChainBreak | None

    @property
    def ok(self) -> bool:
        return self.problem is None


def verify_trail(
    *, using: str = DEFAULT_DB_ALIAS, chunk_size: int = 2000, anchors: Iterable[Anchor] = ()
) -> TrailReport:
    """Walk every event in seq order (streamed, constant memory) and compare the end with AuditHead.

    Hashes are recomputed with the configured keys (audit.keys.keyring); every anchor given must
    agree with the recomputed chain.
    """
    head = AuditHead.objects.using(using).filter(pk=1).first()
    head_seq = head.last_seq if head else 0
    head_hash = head.last_hash if head else GENESIS
    last: dict[str, Any] = {"seq": 0, "hash": GENESIS, "key_id": ""}

    def rows() -> Iterator[tuple[int, str, str, str, Mapping[str, Any]]]:
        # iterator() streams (server-side cursor on PostgreSQL) instead of caching every row.
        for event in AuditEvent.objects.using(using).order_by("seq").iterator(chunk_size=chunk_size):
            yield event.seq, event.prev_hash, event.hash, event.key_id, event.chain_fields()
            last["seq"], last["hash"], last["key_id"] = event.seq, event.hash, event.key_id

    checked, problem = verify_chain(rows(), keyring(), anchors)
    if problem is None:
        problem = _compare_head(checked, last["seq"], last["hash"], head_seq, head_hash)
    return TrailReport(
        checked=checked, head_seq=head_seq, head_hash=head_hash, head_key_id=last["key_id"], problem=problem
    )


def _compare_head(
    checked: int, last_seq: int, last_hash: str, head_seq: int, head_hash: str
) -> ChainBreak | None:
    """Deleting the newest rows leaves an intact but shorter chain: only the head can tell."""
    if last_seq < head_seq:
        first = last_seq + 1
        span = f"{first}" if first == head_seq else f"{first}–{head_seq}"
        return ChainBreak(first, "missing", f"event {span} is missing (the newest events were removed)")
    if last_seq > head_seq:
        return ChainBreak(
            head_seq + 1,
            "unrecorded",
            f"event {head_seq + 1} is not covered by the chain head (added outside the recorder)",
        )
    if last_hash != head_hash:
        return ChainBreak(
            last_seq,
            "edited",
            f"event {last_seq} does not match the chain head (the newest event was replaced)",
        )
    return None
