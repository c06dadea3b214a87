"""Bids."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _g

from interlocal import audit
from interlocal.core.links import absolute_url
from interlocal.core.moments import legal_text
from interlocal.procurement import crypto
from interlocal.procurement.models import (
    Bid,
    BidDocument,
    Solicitation,
    SolicitationKey,
    Vendor,
    currency_decimals,
    vendor_ids_of,
)

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from interlocal.accounts.models import User

__all__ = [
    "ALLOWED_DOCUMENT_TYPES",
    "BidRights",
    "DocumentUpload",
    "MAX_DOCUMENTS",
    "MAX_PRICE",
    "bid_rights",
    "do_submit_bid",
    "do_withdraw_bid",
    "max_document_bytes",
    "read_bid_document",
]


# Extension -> (content type, magic prefix or None for text). Office files are ZIP containers.
ALLOWED_DOCUMENT_TYPES: dict[str, tuple[str, bytes | None]] = {
    ".pdf": ("application/pdf", b"%PDF-"),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", b"PK\x03\x04"),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b"PK\x03\x04"),
    ".csv": ("text/csv", None),
    ".txt": ("text/plain", None),
}


MAX_DOCUMENTS = 10


_DOC_LIMIT = 10 * 1024 * 1024


MAX_PRICE = Decimal("99999999999999")  # what BidLine.unit_price (18 digits, 4 places) can hold


def max_document_bytes() -> int:
    """The largest bid document accepted: 10 MiB, or the site's upload limit if smaller."""
    return min(_DOC_LIMIT, int(settings.UPLOAD_MAX_BYTES))


@dataclass(frozen=True)
class DocumentUpload:
    """A bid document as received (from a form upload or the API's base64)."""

    name: str
    content: bytes
    kind: str = BidDocument.Kind.OTHER

    @classmethod
    def from_uploaded(cls, uploaded: UploadedFile, kind: str = BidDocument.Kind.OTHER) -> DocumentUpload:
        limit = max_document_bytes()
        data = b""
        for chunk in uploaded.chunks():
            data += chunk
            if len(data) > limit:  # stop reading: the size check below names the limit
                break
        return cls(uploaded.name or "", data, kind)


def _now() -> dt.datetime:
    return timezone.now()


def _refuse(
    actor: Any,
    action: str,
    obj: Any,
    *,
    reason: str,
    consortium_id: int | None = None,
    details: Mapping[str, Any] | None = None,
) -> None:
    """Record a refused attempt in a transaction of its own, so it survives the rollback."""
    with transaction.atomic():
        audit.record(
            actor, action, obj, after={"reason": reason, **(details or {})}, consortium_id=consortium_id
        )


# --- Submission -----------------------------------------------------------------------------------
def _sealing_key(solicitation: Solicitation) -> SolicitationKey:
    """The solicitation's key pair, made on first use (the caller holds the solicitation's row lock)."""
    existing = SolicitationKey.objects.filter(solicitation=solicitation).first()
    if existing is not None:
        return existing
    pair = crypto.gen_keypair(f"solicitation:{solicitation.pk}")
    return SolicitationKey.objects.create(
        solicitation=solicitation,
        public_key=pair.public_key,
        wrapped_private_key=pair.wrapped_private_key,
        kek_id=pair.kek_id,
    )


def _parse_prices(solicitation: Solicitation, prices: Mapping[Any, Any]) -> dict[int, Decimal]:
    """Check prices: known items, numbers, not negative, no more decimals than the currency allows."""
    places = currency_decimals(solicitation.currency)
    item_ids = {i.pk: i for i in solicitation.items.all()}
    errors: dict[str, list[str]] = {}
    parsed: dict[int, Decimal] = {}
    if not prices:
        raise ValidationError({"prices": [_g("Enter a unit price for at least one item.")]})
    for raw_key, raw in prices.items():
        try:
            item_id = int(raw_key)
        except (TypeError, ValueError):
            item_id = -1
        item = item_ids.get(item_id)
        where = f"prices.{raw_key}"
        if item is None:
            errors[where] = [_g("Item %(item)s is not part of this solicitation.") % {"item": raw_key}]
            continue
        label = _g("Line %(n)s") % {"n": item.line_number}
        try:
            value = raw if isinstance(raw, Decimal) else Decimal(str(raw).strip())
        except (InvalidOperation, ValueError):
            errors[where] = [_g("%(line)s: “%(v)s” is not a number.") % {"line": label, "v": raw}]
            continue
        if not value.is_finite():
            errors[where] = [_g("%(line)s: enter a finite number.") % {"line": label}]
        elif value < 0:
            errors[where] = [_g("%(line)s: a price cannot be negative.") % {"line": label}]
        elif value > MAX_PRICE:
            errors[where] = [_g("%(line)s: the price is too large.") % {"line": label}]
        elif value != value.quantize(Decimal(1).scaleb(-places)):
            errors[where] = [
                _g("%(line)s: %(currency)s amounts have at most %(n)s decimal places; %(v)s has more.")
                % {"line": label, "currency": solicitation.currency, "n": places, "v": raw}
            ]
        else:
            parsed[item_id] = value
    if errors:
        raise ValidationError(errors)
    return parsed


def _check_documents(documents: Sequence[DocumentUpload]) -> list[tuple[DocumentUpload, str, str]]:
    """Check type and size of each document; returns (document, safe name, content type)."""
    from interlocal.core.files import safe_name

    if len(documents) > MAX_DOCUMENTS:
        raise ValidationError({"documents": [_g("Attach at most %(n)s documents.") % {"n": MAX_DOCUMENTS}]})
    limit = max_document_bytes()
    checked = []
    errors: dict[str, list[str]] = {}
    for index, doc in enumerate(documents):
        where = f"documents.{index}"
        try:
            name = safe_name(doc.name)
        except ValidationError:
            errors[where] = [_g("Document %(n)s needs a file name.") % {"n": index + 1}]
            continue
        suffix = PurePosixPath(name.lower()).suffix
        allowed = ALLOWED_DOCUMENT_TYPES.get(suffix)
        if doc.kind not in BidDocument.Kind.values:
            errors[where] = [
                _g("%(name)s: unknown document kind “%(kind)s”.") % {"name": name, "kind": doc.kind}
            ]
        elif allowed is None:
            errors[where] = [
                _g("%(name)s: this type of file is not accepted; use PDF, DOCX, XLSX, CSV or TXT.")
                % {"name": name}
            ]
        elif not doc.content:
            errors[where] = [_g("%(name)s is empty.") % {"name": name}]
        elif len(doc.content) > limit:
            errors[where] = [
                _g("%(name)s is larger than %(limit)s.") % {"name": name, "limit": filesizeformat(limit)}
            ]
        elif allowed[1] is not None and not doc.content.startswith(allowed[1]):
            errors[where] = [
                _g("%(name)s is not really a %(ext)s file.") % {"name": name, "ext": suffix[1:].upper()}
            ]
        elif allowed[1] is None and (b"\x00" in doc.content[:8192] or not _is_text(doc.content)):
            errors[where] = [_g("%(name)s is not a text file.") % {"name": name}]
        else:
            checked.append((doc, name, allowed[0]))
    if errors:
        raise ValidationError(errors)
    return checked


def _is_text(content: bytes) -> bool:
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _request_digest(prices: Mapping[int, Decimal], documents: Sequence[DocumentUpload]) -> str:
    canonical = json.dumps(
        {
            "prices": {str(k): str(v.normalize()) for k, v in sorted(prices.items())},
            "documents": [[d.kind, d.name, hashlib.sha256(d.content).hexdigest()] for d in documents],
        },
        sort_keys=True,
    ).encode()
    return crypto.keyed_digest(canonical)


def _bid_facts(bid: Bid, documents: Iterable[BidDocument] = ()) -> dict[str, Any]:
    """What the audit trail may know about a sealed bid: sizes and hashes of ciphertext only."""
    return {
        "receipt": bid.receipt,
        "vendor_id": bid.vendor_id,
        "status": bid.status,
        "priced_lines": bid.line_count,
        "sealed_bytes": bid.sealed_bytes,
        "sealed_sha256": bid.sealed_sha256,
        "documents": [{"kind": d.kind, "bytes": d.size, "sealed_sha256": d.sealed_sha256} for d in documents],
    }


def _vendor_for(user: User, vendor: Vendor | None, solicitation: Solicitation, action: str) -> Vendor:
    """The vendor `user` acts for; refuses (audited) a vendor that is not theirs."""
    mine = vendor_ids_of(user)
    if vendor is None:
        if not mine:
            _refuse(user, action, solicitation, reason="not_a_vendor")
            raise PermissionDenied(_g("Only people of an active vendor company can bid."))
        return Vendor.objects.get(pk=min(mine))
    if vendor.pk not in mine:
        _refuse(user, action, solicitation, reason="not_your_vendor", details={"vendor_id": vendor.pk})
        raise PermissionDenied(_g("You do not act for that vendor."))
    return vendor


@dataclass(frozen=True)
class BidRights:
    """What a vendor's person may do about bidding on one solicitation now, and why not.

    The same predicates `do_submit_bid` and `do_withdraw_bid` enforce (an active vendor, the status,
    the deadline by the server's clock, every addendum acknowledged), so the vendor's page offers
    exactly the buttons that would succeed and explains the others. `state` is one of: `open`
    (may bid), `replace` (has a bid; may replace or withdraw it), `addenda` (acknowledge first),
    `closed` (deadline passed, not yet opened), `opened` (bids opened, award pending), `awarded`,
    `cancelled`, `suspended` (the company may not bid), `not_vendor`.
    """

    state: str
    submit: bool
    current: Bid | None = None
    pending_addenda: int = 0


def bid_rights(user: Any, solicitation: Solicitation, vendor: Vendor | None) -> BidRights:
    """What `user`, acting for `vendor` (None: suspended or no vendor), may do about bidding."""
    if vendor is None or vendor.pk not in vendor_ids_of(user):
        state = (
            "suspended" if vendor is not None and vendor.status == Vendor.Status.SUSPENDED else "not_vendor"
        )
        return BidRights(state=state, submit=False)
    current = (
        Bid.objects.for_vendor_user(user)
        .filter(solicitation=solicitation, vendor=vendor, status=Bid.Status.SUBMITTED)
        .first()
    )
    status = solicitation.status
    if status == Solicitation.Status.CANCELLED:
        return BidRights(state="cancelled", submit=False, current=current)
    if status == Solicitation.Status.AWARDED:
        return BidRights(state="awarded", submit=False, current=current)
    if status in (Solicitation.Status.OPENED, Solicitation.Status.EVALUATED):
        return BidRights(state="opened", submit=False, current=current)
    if status != Solicitation.Status.PUBLISHED or _now() >= solicitation.submission_deadline:
        return BidRights(state="closed", submit=False, current=current)
    from interlocal.procurement.queries import unacknowledged_addenda

    pending = unacknowledged_addenda(solicitation, vendor).count()
    if pending:
        return BidRights(state="addenda", submit=False, current=current, pending_addenda=pending)
    return BidRights(state="replace" if current else "open", submit=True, current=current)


def do_submit_bid(
    solicitation: Solicitation,
    *,
    acting_user: User,
    prices: Mapping[Any, Any],
    documents: Sequence[DocumentUpload] = (),
    idempotency_key: str,
    vendor: Vendor | None = None,
) -> tuple[Bid, bool]:
    """Seal and store a vendor's bid; returns (bid, created). A repeated idempotency key returns
    the first bid and stores nothing; a later bid of the same vendor replaces its earlier one."""
    action = "procurement.bid.submit_refused"
    vendor = _vendor_for(acting_user, vendor, solicitation, action)
    key = (idempotency_key or "").strip()
    if not key or len(key) > 80 or "\x00" in key:
        _refuse(acting_user, action, solicitation, reason="idempotency_key")
        raise ValidationError({"idempotency_key": [_g("Send an idempotency key of 1 to 80 characters.")]})
    try:
        parsed = _parse_prices(solicitation, prices)
        checked = _check_documents(documents)
    except ValidationError as exc:
        _refuse(
            acting_user, action, solicitation, reason="invalid", details={"fields": sorted(exc.message_dict)}
        )
        raise
    digest = _request_digest(parsed, documents)

    previous = Bid.objects.filter(vendor=vendor, solicitation=solicitation, idempotency_key=key).first()
    if previous is not None:
        if previous.request_digest != digest:
            _refuse(acting_user, action, solicitation, reason="idempotency_key_reused")
            raise ValidationError(
                {"idempotency_key": [_g("This idempotency key was already used for a different bid.")]}
            )
        return previous, False

    try:
        return _store_bid(solicitation, vendor, acting_user, parsed, checked, key, digest), True
    except _Late as exc:
        _refuse(
            acting_user, action, solicitation, reason=exc.reason, details={"server_time": _now().isoformat()}
        )
        raise PermissionDenied(exc.message) from None
    except IntegrityError:
        # A concurrent submit with the same key won the race: answer with its bid.
        previous = Bid.objects.filter(vendor=vendor, solicitation=solicitation, idempotency_key=key).first()
        if previous is None or previous.request_digest != digest:
            raise
        return previous, False


class _Late(Exception):
    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


def _check_open(solicitation: Solicitation) -> None:
    """Raise _Late unless bids may still change (server time, under the solicitation's row lock)."""
    if solicitation.status != Solicitation.Status.PUBLISHED:
        raise _Late("not_open", _g("This solicitation is not open for bids."))
    if _now() >= solicitation.submission_deadline:
        raise _Late(
            "deadline_passed",
            _g("The submission deadline, %(deadline)s, has passed; bids can no longer change.")
            % {"deadline": legal_text(solicitation.submission_deadline, solicitation.consortium)},
        )


@transaction.atomic
def _store_bid(
    solicitation: Solicitation,
    vendor: Vendor,
    user: User,
    prices: dict[int, Decimal],
    documents: list[tuple[DocumentUpload, str, str]],
    key: str,
    digest: str,
) -> Bid:
    # Lock the solicitation: the deadline check and the insert happen against one state, and the
    # opening (which takes the same lock) cannot interleave.
    locked = Solicitation.objects.select_for_update().get(pk=solicitation.pk)
    _check_open(locked)
    from interlocal.procurement.queries import unacknowledged_addenda

    pending = list(unacknowledged_addenda(locked, vendor).values_list("number", flat=True))
    if pending:
        raise ValidationError(
            {
                "addenda": [
                    _g("Acknowledge addendum no. %(n)s before bidding.") % {"n": ", ".join(map(str, pending))}
                ]
            }
        )
    sealing = _sealing_key(locked)
    bid = Bid(
        solicitation=locked,
        vendor=vendor,
        submitted_by=user,
        idempotency_key=key,
        request_digest=digest,
        submitted_at=_now(),
    )
    payload = json.dumps({"prices": {str(k): str(v) for k, v in prices.items()}}).encode()
    sealed = crypto.seal(bytes(sealing.public_key), payload, f"bid:{bid.receipt}:prices")
    bid.sealed_prices = sealed
    bid.sealed_sha256 = hashlib.sha256(sealed).hexdigest()
    bid.sealed_bytes = len(sealed)
    bid.line_count = len(prices)
    replaced = list(
        Bid.objects.select_for_update().filter(
            solicitation=locked, vendor=vendor, status=Bid.Status.SUBMITTED
        )
    )
    for old in replaced:
        old.status = Bid.Status.REPLACED
        old.withdrawn_at = _now()
        old.save(update_fields=["status", "withdrawn_at"])
        audit.record(
            user, "procurement.bid.replaced", old, after=_bid_facts(old), consortium_id=locked.consortium_id
        )
    bid.save()
    stored = []
    for position, (doc, name, content_type) in enumerate(documents):
        aad = f"bid:{bid.receipt}:document:{position}"
        content = crypto.seal(bytes(sealing.public_key), doc.content, aad)
        stored.append(
            BidDocument.objects.create(
                bid=bid,
                kind=doc.kind,
                content_type=content_type,
                size=len(doc.content),
                sealed_name=crypto.seal(bytes(sealing.public_key), name.encode(), aad + ":name"),
                sealed_content=content,
                sealed_sha256=hashlib.sha256(content).hexdigest(),
                position=position,
            )
        )
    audit.record(
        user,
        "procurement.bid.submitted",
        bid,
        after=_bid_facts(bid, stored),
        consortium_id=locked.consortium_id,
    )
    _mail_receipt(bid, user)
    return bid


def _mail_receipt(bid: Bid, user: User) -> None:
    from interlocal.core.mail import queue_templated_mail

    context: dict[str, object] = {
        "receipt": bid.receipt,
        "solicitation": str(bid.solicitation),
        "submitted_at": legal_text(bid.submitted_at, bid.solicitation.consortium),
        "url": absolute_url(reverse("procurement:bid_detail", args=[bid.pk])),
    }
    transaction.on_commit(
        lambda: queue_templated_mail([user.email], "procurement/bidding/email/receipt", context)
    )


def do_withdraw_bid(bid: Bid, *, acting_user: User) -> Bid:
    """Withdraw a vendor's own bid before the deadline (audited; refusals too)."""
    action = "procurement.bid.withdraw_refused"
    consortium_id = bid.solicitation.consortium_id
    if bid.vendor_id not in vendor_ids_of(acting_user):
        _refuse(acting_user, action, bid, reason="not_your_vendor", consortium_id=consortium_id)
        raise PermissionDenied(_g("You do not act for that vendor."))
    if bid.status != Bid.Status.SUBMITTED:
        _refuse(acting_user, action, bid, reason="not_active", consortium_id=consortium_id)
        raise ValidationError(_g("This bid is no longer active."))
    try:
        return _withdraw(bid, acting_user)
    except _Late as exc:
        _refuse(acting_user, action, bid, reason=exc.reason, consortium_id=consortium_id)
        raise PermissionDenied(exc.message) from None


@transaction.atomic
def _withdraw(bid: Bid, user: User) -> Bid:
    locked = Solicitation.objects.select_for_update().get(pk=bid.solicitation_id)
    _check_open(locked)
    bid.status = Bid.Status.WITHDRAWN
    bid.withdrawn_at = _now()
    bid.save(update_fields=["status", "withdrawn_at"])
    audit.record(
        user, "procurement.bid.withdrawn", bid, after=_bid_facts(bid), consortium_id=locked.consortium_id
    )
    return bid


# --- Reading an opened bid's documents ----------------------------------------------------------------
def read_bid_document(document: BidDocument, *, acting_user: User) -> tuple[str, bytes]:
    """(file name, content) of a bid document, through the sealing gate: refused (and audited)
    before the opening."""
    bid = document.bid
    solicitation = bid.solicitation
    sealing = SolicitationKey.objects.filter(solicitation=solicitation).first()
    aad = f"bid:{bid.receipt}:document:{document.position}"
    try:
        if sealing is None:
            raise crypto.StillSealed("no key")
        name, content = crypto.unseal(
            solicitation,
            bytes(sealing.wrapped_private_key),
            [(bytes(document.sealed_name), aad + ":name"), (bytes(document.sealed_content), aad)],
        )
    except crypto.StillSealed:
        _refuse(
            acting_user,
            "procurement.bid_document.read_refused",
            document,
            reason="sealed",
            consortium_id=solicitation.consortium_id,
        )
        raise PermissionDenied(_g("Bid documents stay sealed until the bids are opened.")) from None
    with transaction.atomic():
        audit.record(
            acting_user, "procurement.bid_document.read", document, consortium_id=solicitation.consortium_id
        )
    return name.decode(), content
