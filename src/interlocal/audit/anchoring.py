"""Anchors: the chain head copied outside the database, so a rewrite before it is caught.

`interlocal audit anchor` (cron, or `interlocal maintenance`) writes the head's seq, hash, key id
and the time to the log and appends it as one JSON line to INTERLOCAL_AUDIT_ANCHOR_PATH (or the
file given). `interlocal audit verify --anchor FILE` checks the recomputed chain against every
line. The file belongs on storage the database's users cannot write (another host, a WORM bucket
synced from it, the log pipeline).
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

from interlocal.audit.chain import Anchor

__all__ = ["AnchorError", "append_anchor", "log_anchor", "read_anchors"]

logger = logging.getLogger("interlocal.audit.anchor")


class AnchorError(ValueError):
    """An anchor file cannot be read."""


def read_anchors(path: str | Path) -> list[Anchor]:
    """Every anchor in a JSON Lines file; a line that is not an anchor is an error naming it."""
    anchors = []
    try:
        with open(path, encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    data = json.loads(line)
                    anchors.append(
                        Anchor(
                            seq=int(data["seq"]),
                            hash=str(data["hash"]),
                            key_id=str(data.get("key_id", "")),
                            time=str(data.get("time", "")),
                        )
                    )
                except (ValueError, KeyError, TypeError):
                    raise AnchorError(f"{path} line {number} is not an audit anchor") from None
    except OSError as exc:
        raise AnchorError(f"{path} cannot be read: {exc.strerror}") from None
    return anchors


def append_anchor(path: str | Path, anchor: Anchor) -> None:
    """Append one anchor line and flush it to disk before returning."""
    line = json.dumps(anchor.as_dict(), sort_keys=True) + "\n"
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(line)
        handle.flush()
        os.fsync(handle.fileno())


def log_anchor(anchor: Anchor) -> None:
    """Write the anchor to the log too (a JSON log line with INTERLOCAL_LOG_FORMAT=json)."""
    logger.info(
        "audit chain anchored at event %s",
        anchor.seq,
        extra={
            "audit_seq": anchor.seq,
            "audit_hash": anchor.hash,
            "audit_key_id": anchor.key_id,
            "audit_time": anchor.time,
        },
    )
