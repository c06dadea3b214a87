"""The hidden identification of a workbook and its signature (HMAC-SHA256).

The signature covers the campaign, template version and member ids and the position of every
answer cell, so a workbook of another campaign, version or member is recognised, and an edited
identification sheet is refused rather than trusted.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Sequence

from interlocal.assessment.xlsx.spec import Identity

__all__ = ["FORMAT_VERSION", "META_SHEET", "sign", "verify"]

FORMAT_VERSION = 1
META_SHEET = "_interlocal"
LIST_SHEET = "_lists"

Layout = Sequence[tuple[str, str, str]]  # (question code, sheet, cell)


def _payload(identity: Identity, layout: Layout) -> bytes:
    data = {
        "format": FORMAT_VERSION,
        "campaign": identity.campaign_id,
        "template_version": identity.template_version_id,
        "member": identity.member_id,
        "layout": [list(entry) for entry in layout],
    }
    return json.dumps(data, separators=(",", ":"), sort_keys=True, ensure_ascii=False).encode()


def sign(identity: Identity, layout: Layout, secret: bytes) -> str:
    """The hex signature of a workbook's identity and layout."""
    return hmac.new(secret, b"interlocal.workbook\0" + _payload(identity, layout), hashlib.sha256).hexdigest()


def verify(identity: Identity, layout: Layout, signature: str, secret: bytes) -> bool:
    """Whether `signature` was made by `sign` with the same secret for this identity and layout."""
    return hmac.compare_digest(sign(identity, layout, secret), signature or "")
