"""Writes of bidding: sealed submission and withdrawal, opening, evaluation, award, contracts,
piggybacking. Every write goes through a `do_*` function here and is audited.

Refused attempts (late bids, another vendor's bid, bad prices or documents, early opening) are
recorded in the audit trail in a transaction of their own and then raised, so the record
survives while nothing else is stored. Before the opening the audit trail receives sizes and
hashes of ciphertext only, never amounts or document names.

Time: the server's clock (`timezone.now()`) is authoritative for the deadline and the opening. A
client's clock is never consulted; a bid that reaches the server one second after the deadline
is late whatever the vendor's computer showed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import partial
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _g

from interlocal import audit
from interlocal.procurement import crypto
from interlocal.procurement.models import (
    Award,
    AwardLine,
    Bid,
    BidDocument,
    BidLine,
    BidScore,
    Contract,
    ContractAmendment,
    ContractDocument,
    ContractLine,
    DemandEntry,
    EvaluationCriterion,
    Solicitation,
    SolicitationItem,
    SolicitationKey,
    Vendor,
    VendorUser,
    currency_decimals,
    vendor_ids_of,
)
from interlocal.procurement.tabulation import tabulate_decimal, weighted_scores

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from interlocal.accounts.models import User
    from interlocal.tenancy.models import Member

__all__ = [
    "ALLOWED_DOCUMENT_TYPES",
    "MAX_DOCUMENTS",
    "DocumentUpload",
    "do_add_contract_document",
    "do_amend_contract",
    "do_award",
    "do_mark_responsiveness",
    "do_open_bids",
    "do_piggyback",
    "do_score_bid",
    "do_submit_bid",
    "do_withdraw_bid",
    "max_document_bytes",
    "open_due",
    "read_bid_document",
    "retabulate",
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
            _g("The submission deadline (%(deadline)s, server time) has passed; bids can no longer change.")
            % {
                "deadline": timezone.localtime(solicitation.submission_deadline).strftime(
                    "%Y-%m-%d %H:%M:%S %Z"
                )
            },
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

    context = {
        "receipt": bid.receipt,
        "solicitation": str(bid.solicitation),
        "submitted_at": bid.submitted_at,
        "site_url": settings.SITE_URL,
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


# --- Opening --------------------------------------------------------------------------------------
def do_open_bids(solicitation: Solicitation, *, acting_user: User | None) -> Solicitation:
    """Open the sealed bids at (or after) the opening time: decrypt, store lines, tabulate.

    `acting_user` is None when the scheduled task or `interlocal procurement open-due` opens it.
    Before the opening time this refuses and records the attempt.
    """
    try:
        return _open(solicitation, acting_user)
    except _Late as exc:
        _refuse(
            acting_user,
            "procurement.bids.open_refused",
            solicitation,
            reason=exc.reason,
            details={"server_time": _now().isoformat()},
        )
        raise PermissionDenied(exc.message) from None


@transaction.atomic
def _open(solicitation: Solicitation, user: User | None) -> Solicitation:
    locked = Solicitation.objects.select_for_update().get(pk=solicitation.pk)
    now = _now()
    if locked.status not in (Solicitation.Status.PUBLISHED, Solicitation.Status.CLOSED):
        raise _Late(
            "not_openable",
            _g("These bids cannot be opened: the solicitation is %(status)s.")
            % {"status": locked.get_status_display()},
        )
    if now < locked.opening_at:
        raise _Late(
            "too_early",
            _g("Bids open at %(at)s (server time); it is now %(now)s.")
            % {
                "at": timezone.localtime(locked.opening_at).strftime("%Y-%m-%d %H:%M:%S %Z"),
                "now": timezone.localtime(now).strftime("%Y-%m-%d %H:%M:%S %Z"),
            },
        )
    locked.status = Solicitation.Status.OPENED
    locked.updated_at = now
    locked.save(update_fields=["status", "updated_at"])
    bids = list(locked.bids.filter(status=Bid.Status.SUBMITTED).order_by("submitted_at", "pk"))
    items = {i.pk: i for i in locked.items.all()}
    sealing = SolicitationKey.objects.filter(solicitation=locked).first()
    if bids and sealing is not None:
        plain = crypto.unseal(
            locked,
            bytes(sealing.wrapped_private_key),
            [(bytes(b.sealed_prices), f"bid:{b.receipt}:prices") for b in bids],
        )
        lines = []
        for bid, blob in zip(bids, plain, strict=True):
            for item_id, price in json.loads(blob)["prices"].items():
                item = items.get(int(item_id))
                if item is not None:
                    lines.append(
                        BidLine(
                            bid=bid,
                            item=item,
                            unit_price=Decimal(price),
                            extended_price=Decimal(price) * item.total_quantity,
                        )
                    )
            bid.opened_at = now
        Bid.objects.bulk_update(bids, ["opened_at"], batch_size=_UPDATE_BATCH)
        # Ranked before they are stored, so each line is written once.
        _rank_lines(locked, bids, sorted(items.values(), key=lambda i: i.line_number), lines)
        BidLine.objects.bulk_create(lines, batch_size=2000)
        Bid.objects.bulk_update(bids, ["total", "rank"], batch_size=_UPDATE_BATCH)
    audit.record(
        user,
        "procurement.bids.opened",
        locked,
        after={
            "opened_at": now.isoformat(),
            "bids": [{"receipt": b.receipt, "vendor_id": b.vendor_id} for b in bids],
        },
        consortium_id=locked.consortium_id,
        actor_label="" if user is not None else "scheduler",
    )
    return locked


def open_due(now: dt.datetime | None = None) -> list[Solicitation]:
    """Open every solicitation whose opening time has come (the scheduled task and the command)."""
    moment = now or _now()
    due = Solicitation.objects.filter(
        status__in=[Solicitation.Status.PUBLISHED, Solicitation.Status.CLOSED], opening_at__lte=moment
    ).order_by("opening_at", "pk")
    opened = []
    for solicitation in due:
        try:
            opened.append(do_open_bids(solicitation, acting_user=None))
        except PermissionDenied:  # opened meanwhile by someone else, or not yet due on this clock
            continue
    return opened


def retabulate(solicitation: Solicitation) -> None:
    """Recompute ranks and totals of an opened solicitation from its bid lines (pure engine)."""
    bids = list(
        solicitation.bids.filter(status=Bid.Status.SUBMITTED, opened_at__isnull=False).order_by(
            "submitted_at", "pk"
        )
    )
    items = list(solicitation.items.order_by("line_number"))
    if not bids or not items:
        return
    lines = list(BidLine.objects.filter(bid__in=bids))
    changed = _rank_lines(solicitation, bids, items, lines)
    # Only the lines whose rank or amount moved, in batches: one UPDATE … CASE WHEN over all the
    # lines of a large solicitation (25,000 at 500 items × 50 bids) makes the database compare every
    # row with every WHEN, and took minutes; batches of 500 keep each statement short.
    BidLine.objects.bulk_update(changed, ["rank", "extended_price"], batch_size=_UPDATE_BATCH)
    Bid.objects.bulk_update(bids, ["total", "rank"], batch_size=_UPDATE_BATCH)


def _rank_lines(
    solicitation: Solicitation, bids: list[Bid], items: list[SolicitationItem], lines: list[BidLine]
) -> list[BidLine]:
    """Set rank and extended price on `lines` and total and rank on `bids` (in memory, from the
    pure engine); the lines whose rank or extended price changed."""
    index = {item.pk: i for i, item in enumerate(items)}
    by_bid: dict[int, list[BidLine]] = defaultdict(list)
    for line in lines:
        by_bid[line.bid_id].append(line)
    prices: list[list[Decimal | None]] = []
    line_ok: list[list[bool]] = []
    for bid in bids:
        row: list[Decimal | None] = [None] * len(items)
        ok = [True] * len(items)
        for line in by_bid[bid.pk]:
            row[index[line.item_id]] = line.unit_price
            ok[index[line.item_id]] = line.responsive
        prices.append(row)
        line_ok.append(ok)
    places = max(currency_decimals(solicitation.currency), 4)  # BidLine keeps 4 places
    result = tabulate_decimal(
        prices,
        [item.total_quantity for item in items],
        [b.responsive for b in bids],
        decimals=places,
        line_responsive=line_ok,
    )
    changed: list[BidLine] = []
    for b, bid in enumerate(bids):
        for line in by_bid[bid.pk]:
            rank = int(result.ranks[b, index[line.item_id]]) or None
            extended = result.extended(b, index[line.item_id]) or Decimal(0)
            if line.rank != rank or line.extended_price != extended:
                line.rank, line.extended_price = rank, extended
                changed.append(line)
        bid.total = result.total(b)
        bid.rank = int(result.total_ranks[b]) or None
    return changed


_UPDATE_BATCH = 500


# --- Evaluation -----------------------------------------------------------------------------------
def _require_opened(solicitation: Solicitation) -> None:
    if solicitation.status not in (Solicitation.Status.OPENED, Solicitation.Status.EVALUATED):
        raise ValidationError(_g("This can only be done after the bids are opened and before the award."))


@transaction.atomic
def do_mark_responsiveness(
    bid: Bid, *, responsive: bool, reason: str, acting_user: User, item: SolicitationItem | None = None
) -> Bid:
    """Mark an opened bid (or one of its lines) responsive or not, with a reason; re-ranks."""
    _require_opened(bid.solicitation)
    reason = (reason or "").strip()
    if not responsive and not reason:
        raise ValidationError({"reason": [_g("Say why the bid is not responsive.")]})
    if item is None:
        before = audit.snapshot(bid, ["responsive", "nonresponsive_reason"])
        bid.responsive = responsive
        bid.nonresponsive_reason = "" if responsive else reason
        bid.save(update_fields=["responsive", "nonresponsive_reason"])
        audit.record(
            acting_user,
            "procurement.bid.responsiveness",
            bid,
            before=before,
            after=audit.snapshot(bid, ["responsive", "nonresponsive_reason"]),
        )
    else:
        line = BidLine.objects.filter(bid=bid, item=item).first()
        if line is None:
            raise ValidationError({"item": [_g("This bid has no price for that item.")]})
        before = audit.snapshot(line, ["responsive", "nonresponsive_reason"])
        line.responsive = responsive
        line.nonresponsive_reason = "" if responsive else reason
        line.save(update_fields=["responsive", "nonresponsive_reason"])
        audit.record(
            acting_user, "procurement.bid_line.responsiveness", line, before=before,
            after=audit.snapshot(line, ["responsive", "nonresponsive_reason"]), consortium_id=bid.solicitation.consortium_id,
        )  # fmt: skip
    retabulate(bid.solicitation)
    bid.refresh_from_db()
    return bid


@transaction.atomic
def do_score_bid(
    bid: Bid, *, criterion: EvaluationCriterion, score: Decimal, comment: str = "", evaluator: User
) -> BidScore:
    """Record an evaluator's score (0–100) of an opened RFP bid against one criterion."""
    solicitation = bid.solicitation
    _require_opened(solicitation)
    if criterion.solicitation_id != solicitation.pk:
        raise ValidationError({"criterion": [_g("That criterion belongs to another solicitation.")]})
    try:
        value = Decimal(str(score))
    except (InvalidOperation, ValueError):
        raise ValidationError({"score": [_g("Enter a score from 0 to 100.")]}) from None
    if not value.is_finite() or value < 0 or value > 100 or value != value.quantize(Decimal("0.01")):
        raise ValidationError({"score": [_g("Enter a score from 0 to 100 with at most two decimals.")]})
    row, _created = BidScore.objects.update_or_create(
        bid=bid,
        criterion=criterion,
        evaluator=evaluator,
        defaults={"score": value, "comment": comment, "scored_at": _now()},
    )
    _recompute_score(bid)
    if solicitation.status == Solicitation.Status.OPENED:
        solicitation.status = Solicitation.Status.EVALUATED
        solicitation.save(update_fields=["status"])
    audit.record(
        evaluator,
        "procurement.bid.scored",
        row,
        after=audit.snapshot(row),
        consortium_id=solicitation.consortium_id,
    )
    return row


def _recompute_score(bid: Bid) -> None:
    criteria = list(bid.solicitation.criteria.order_by("position", "pk"))
    if not criteria:
        return
    sums: dict[int, list[Decimal]] = defaultdict(list)
    for s in bid.scores.all():
        sums[s.criterion_id].append(s.score)
    row = [[float(sum(sums[c.pk]) / len(sums[c.pk])) if sums[c.pk] else float("nan") for c in criteria]]
    value = weighted_scores(row, [c.weight for c in criteria])[0]  # type: ignore[arg-type]
    bid.score = Decimal(f"{value:.3f}")
    bid.save(update_fields=["score"])


def suggested_winners(solicitation: Solicitation) -> dict[int, int]:
    """Item id -> bid id: the lowest responsive bid per item, or the best-scored responsive bid
    offering the item (weighted criteria)."""
    lines = (
        BidLine.objects.filter(
            bid__solicitation=solicitation,
            bid__status=Bid.Status.SUBMITTED,
            bid__responsive=True,
            responsive=True,
        )
        .select_related("bid")
        .order_by("item_id", "unit_price", "bid__submitted_at", "bid_id")
    )
    winners: dict[int, int] = {}
    if solicitation.award_basis == Solicitation.AwardBasis.WEIGHTED_CRITERIA:
        best: dict[int, tuple[Decimal, int]] = {}
        for line in lines:
            score = line.bid.score if line.bid.score is not None else Decimal(-1)
            if line.item_id not in best or score > best[line.item_id][0]:
                best[line.item_id] = (score, line.bid_id)
        return {item: bid for item, (_s, bid) in best.items()}
    for line in lines:
        winners.setdefault(line.item_id, line.bid_id)
    return winners


# --- Award and contracts ------------------------------------------------------------------------------
def _next_reference(consortium_id: int, base: str) -> str:
    reference, n = base, 1
    while Contract.objects.filter(consortium_id=consortium_id, reference=reference).exists():
        n += 1
        reference = f"{base}-{n}"
    return reference[:80]


@transaction.atomic
def do_award(
    solicitation: Solicitation,
    *,
    acting_user: User,
    choices: Mapping[int, int] | None = None,
    start_date: dt.date,
    end_date: dt.date,
    renewals_allowed: int = 0,
    notes: str = "",
) -> Award:
    """Award the items (to one vendor or split by item); creates one master contract per winning
    vendor and one contract per participating member under it; notifies winners and the others."""
    locked = Solicitation.objects.select_for_update().get(pk=solicitation.pk)
    _require_opened(locked)
    if end_date < start_date:
        raise ValidationError({"end_date": [_g("The contract cannot end before it starts.")]})
    suggested = suggested_winners(locked)
    chosen = dict(suggested)
    if choices:
        chosen.update({int(k): int(v) for k, v in choices.items() if v})
    items = {i.pk: i for i in locked.items.select_related("demand_item")}
    if not chosen:
        raise ValidationError(_g("No responsive bid offers any item: nothing can be awarded."))
    valid = {
        (line.item_id, line.bid_id): line
        for line in BidLine.objects.filter(
            bid__solicitation=locked, bid__status=Bid.Status.SUBMITTED, bid__responsive=True, responsive=True
        ).select_related("bid__vendor")
    }
    errors: dict[str, list[str]] = {}
    for item_id, bid_id in chosen.items():
        if item_id not in items:
            errors[f"choices.{item_id}"] = [
                _g("Item %(i)s is not part of this solicitation.") % {"i": item_id}
            ]
        elif (item_id, bid_id) not in valid:
            errors[f"choices.{item_id}"] = [
                _g("Line %(n)s: that bid is not a responsive offer for this item.")
                % {"n": items[item_id].line_number}
            ]
    if errors:
        raise ValidationError(errors)
    award = Award.objects.create(solicitation=locked, decided_by=acting_user, notes=notes, decided_at=_now())
    award_lines = [
        AwardLine(award=award, item=items[i], bid_id=b, unit_price=valid[(i, b)].unit_price)
        for i, b in chosen.items()
    ]
    AwardLine.objects.bulk_create(award_lines)

    by_vendor: dict[int, list[AwardLine]] = defaultdict(list)
    for line in award_lines:
        by_vendor[valid[(line.item_id, line.bid_id)].bid.vendor_id].append(line)
    demand = defaultdict(list)
    demand_item_ids = [i.demand_item_id for i in items.values() if i.demand_item_id]
    for entry in DemandEntry.objects.filter(item_id__in=demand_item_ids, quantity__gt=0).select_related(
        "member"
    ):
        demand[entry.item_id].append(entry)
    for _vendor_id, lines in by_vendor.items():
        vendor = valid[(lines[0].item_id, lines[0].bid_id)].bid.vendor
        master = Contract.objects.create(
            consortium_id=locked.consortium_id,
            solicitation=locked,
            award=award,
            vendor=vendor,
            kind=Contract.Kind.MASTER,
            reference=_next_reference(locked.consortium_id, f"{locked.reference_number}-{vendor.pk}"),
            title=f"{locked.title} — {vendor.name}"[:250],
            currency=locked.currency,
            start_date=start_date,
            end_date=end_date,
            renewals_allowed=renewals_allowed,
            created_by=acting_user,
            created_at=_now(),
        )
        master_lines = []
        per_member: dict[int, list[ContractLine]] = defaultdict(list)
        members: dict[int, Member] = {}
        for line in lines:
            item = items[line.item_id]
            master_lines.append(
                ContractLine(
                    contract=master, item=item, quantity=item.total_quantity, unit_price=line.unit_price
                )
            )
            for entry in demand.get(item.demand_item_id or 0, []):
                members[entry.member_id] = entry.member
                per_member[entry.member_id].append(
                    ContractLine(
                        item=item,
                        quantity=entry.quantity,
                        unit_price=line.unit_price,
                        previous_unit_price=entry.current_unit_price,
                    )
                )
        ContractLine.objects.bulk_create(master_lines)
        master.value = sum((cl.quantity * cl.unit_price for cl in master_lines), Decimal(0))
        master.save(update_fields=["value"])
        audit.record(acting_user, "procurement.contract.created", master, after=audit.snapshot(master))
        for member_id, member_lines in sorted(per_member.items(), key=lambda kv: members[kv[0]].name):
            _member_contract(master, members[member_id], member_lines, Contract.Kind.MEMBER, acting_user)
    locked.status = Solicitation.Status.AWARDED
    locked.updated_at = _now()
    locked.save(update_fields=["status", "updated_at"])
    audit.record(
        acting_user,
        "procurement.award.made",
        award,
        after={
            "lines": [
                {"item_id": al.item_id, "bid_id": al.bid_id, "unit_price": str(al.unit_price)}
                for al in award_lines
            ]
        },
        consortium_id=locked.consortium_id,
    )
    _notify_award(locked, set(by_vendor))
    return award


def _member_contract(
    master: Contract,
    member: Member,
    lines: list[ContractLine],
    kind: str,
    user: User,
    *,
    outside: bool = False,
) -> Contract:
    contract = Contract.objects.create(
        consortium_id=master.consortium_id,
        member=member,
        master=master,
        solicitation_id=master.solicitation_id,
        award=master.award,
        vendor_id=master.vendor_id,
        kind=kind,
        reference=_next_reference(master.consortium_id, f"{master.reference}-{member.slug}"[:70]),
        title=f"{master.title} — {member.name}"[:250],
        currency=master.currency,
        start_date=max(master.start_date, timezone.localdate())
        if kind == Contract.Kind.PIGGYBACK
        else master.start_date,
        end_date=master.end_date,
        renewals_allowed=master.renewals_allowed,
        created_by=user,
        created_at=_now(),
    )
    for line in lines:
        line.contract = contract
    ContractLine.objects.bulk_create(lines)
    contract.value = sum((cl.quantity * cl.unit_price for cl in lines), Decimal(0))
    contract.save(update_fields=["value"])
    # The member's previous prices are confidential: the trail keeps the contract, not them.
    after = audit.snapshot(contract)
    if outside:
        after["outside_public_body"] = True
    audit.record(user, f"procurement.contract.{kind}_created", contract, after=after)
    return contract


def _notify_award(solicitation: Solicitation, winners: set[int]) -> None:
    from interlocal.core.mail import queue_templated_mail

    bidders = set(solicitation.bids.filter(status=Bid.Status.SUBMITTED).values_list("vendor_id", flat=True))
    people = VendorUser.objects.filter(vendor_id__in=bidders, is_active=True).select_related("user", "vendor")
    for vu in people:
        won = vu.vendor_id in winners
        context = {
            "solicitation": str(solicitation),
            "vendor": vu.vendor.name,
            "won": won,
            "site_url": settings.SITE_URL,
        }
        email = vu.user.email
        transaction.on_commit(
            partial(queue_templated_mail, [email], "procurement/bidding/email/award", context)
        )


def _piggyback_refusal(master: Contract, member: Member, user: User) -> tuple[str, Exception] | None:
    """Why `user` may not join `master` for `member` (reason for the trail, error), or None."""
    from interlocal.tenancy.roles import MEMBER_WRITE_ROLES
    from interlocal.tenancy.scoping import grants_for

    if (
        not master.is_master
        or master.status != Contract.Status.ACTIVE
        or master.end_date < timezone.localdate()
    ):
        return "not_active", ValidationError(_g("Only an active master contract can be joined."))
    pairs = grants_for(user).pairs(MEMBER_WRITE_ROLES)
    if (master.consortium_id, member.pk) in pairs:
        return None
    if member.pk not in {m for _c, m in pairs}:
        return "not_member_writer", PermissionDenied(_g("You cannot sign contracts for that member."))
    if not master.allow_other_public_bodies:
        # Acting for this body through another consortium: only a master offered to other public
        # bodies may be joined that way.
        return "closed_to_other_public_bodies", PermissionDenied(
            _g("This contract is open to members of its consortium only.")
        )
    return None


def do_piggyback(
    master: Contract,
    *,
    member: Member,
    acting_user: User,
    quantities: Mapping[int, Any],
    previous_prices: Mapping[int, Any] | None = None,
) -> Contract:
    """A member, or another public body where the master allows it, joins an active cooperative
    contract: its own contract under the master, at the master's prices, for the quantities it
    needs. A refusal is audited (`procurement.contract.piggyback_refused`)."""
    refusal = _piggyback_refusal(master, member, acting_user)
    if refusal is not None:
        reason, error = refusal
        _refuse(
            acting_user,
            "procurement.contract.piggyback_refused",
            master,
            reason=reason,
            details={"member_id": member.pk},
        )
        raise error
    return _piggyback(master, member, acting_user, quantities, previous_prices or {})


@transaction.atomic
def _piggyback(
    master: Contract,
    member: Member,
    acting_user: User,
    quantities: Mapping[int, Any],
    previous_prices: Mapping[int, Any],
) -> Contract:
    from interlocal.procurement.queries_bidding import is_outside_body

    master = Contract.objects.select_for_update().get(pk=master.pk)
    refusal = _piggyback_refusal(master, member, acting_user)  # again, under the lock
    if refusal is not None:
        raise refusal[1]
    outside = is_outside_body(master.consortium_id, member.pk)
    if master.member_contracts.filter(member=member, status=Contract.Status.ACTIVE).exists():
        raise ValidationError(_g("%(member)s already buys under this contract.") % {"member": member.name})
    master_lines = {cl.item_id: cl for cl in master.lines.select_related("item")}
    lines: list[ContractLine] = []
    errors: dict[str, list[str]] = {}
    for raw_item, raw_qty in quantities.items():
        if raw_qty in (None, ""):
            continue
        item_id = int(raw_item)
        ml = master_lines.get(item_id)
        if ml is None:
            errors[f"quantities.{raw_item}"] = [_g("That item is not part of this contract.")]
            continue
        qty = _decimal_or_error(raw_qty, f"quantities.{raw_item}", errors, places=4, label=str(ml.item))
        prev_raw = previous_prices.get(item_id)
        prev = None
        if prev_raw not in (None, ""):
            prev = _decimal_or_error(
                prev_raw, f"previous_prices.{raw_item}", errors, places=4, label=str(ml.item)
            )
        if qty is not None and qty > 0:
            lines.append(
                ContractLine(item=ml.item, quantity=qty, unit_price=ml.unit_price, previous_unit_price=prev)
            )
    if errors:
        raise ValidationError(errors)
    if not lines:
        raise ValidationError({"quantities": [_g("Enter a quantity for at least one item.")]})
    return _member_contract(master, member, lines, Contract.Kind.PIGGYBACK, acting_user, outside=outside)


@transaction.atomic
def do_set_contract_openness(contract: Contract, *, allow: bool, acting_user: User) -> Contract:
    """Open a master contract to piggybacking by public bodies outside the consortium, or close it
    (contracts already signed under it stay)."""
    locked = Contract.objects.select_for_update().get(pk=contract.pk)
    if not locked.is_master:
        raise ValidationError(_g("Only a master contract can be offered to other public bodies."))
    if locked.allow_other_public_bodies == allow:
        return locked
    before = audit.snapshot(locked, ["allow_other_public_bodies"])
    locked.allow_other_public_bodies = allow
    locked.save(update_fields=["allow_other_public_bodies"])
    audit.record(
        acting_user,
        "procurement.contract.openness_changed",
        locked,
        before=before,
        after=audit.snapshot(locked, ["allow_other_public_bodies"]),
    )
    return locked


def _decimal_or_error(
    raw: Any, where: str, errors: dict[str, list[str]], *, places: int, label: str
) -> Decimal | None:
    try:
        value = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        errors[where] = [_g("%(label)s: “%(v)s” is not a number.") % {"label": label, "v": raw}]
        return None
    if not value.is_finite() or value < 0:
        errors[where] = [_g("%(label)s: enter a number of zero or more.") % {"label": label}]
        return None
    if value != value.quantize(Decimal(1).scaleb(-places)) or value >= Decimal(10) ** 14:
        errors[where] = [
            _g("%(label)s: at most %(n)s decimal places and 14 digits.") % {"label": label, "n": places}
        ]
        return None
    return value


@transaction.atomic
def do_amend_contract(
    contract: Contract,
    *,
    acting_user: User,
    kind: str,
    description: str,
    effective_date: dt.date,
    new_end_date: dt.date | None = None,
    value_change: Decimal = Decimal(0),
) -> ContractAmendment:
    """Record an amendment or a renewal (which extends the end date, within the renewals allowed)."""
    locked = Contract.objects.select_for_update().get(pk=contract.pk)
    before = audit.snapshot(locked, ["end_date", "value", "renewals_used"])
    if kind not in ContractAmendment.Kind.values:
        raise ValidationError({"kind": [_g("Choose amendment or renewal.")]})
    if not (description or "").strip():
        raise ValidationError({"description": [_g("Describe the change.")]})
    if kind == ContractAmendment.Kind.RENEWAL:
        if locked.renewals_used >= locked.renewals_allowed:
            raise ValidationError(
                _g("This contract has no renewals left (%(n)s allowed).") % {"n": locked.renewals_allowed}
            )
        if new_end_date is None or new_end_date <= locked.end_date:
            raise ValidationError(
                {
                    "new_end_date": [
                        _g("A renewal moves the end date later than %(end)s.") % {"end": locked.end_date}
                    ]
                }
            )
        locked.renewals_used += 1
    if new_end_date is not None and new_end_date < locked.start_date:
        raise ValidationError({"new_end_date": [_g("The contract cannot end before it starts.")]})
    if locked.value + value_change < 0:
        raise ValidationError({"value_change": [_g("The contract's value cannot become negative.")]})
    number = (locked.amendments.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    amendment = ContractAmendment.objects.create(
        contract=locked,
        kind=kind,
        number=number,
        description=description.strip(),
        effective_date=effective_date,
        new_end_date=new_end_date,
        value_change=value_change,
        created_by=acting_user,
    )
    if new_end_date is not None:
        locked.end_date = new_end_date
    locked.value += value_change
    if locked.status == Contract.Status.EXPIRED and locked.end_date >= timezone.localdate():
        locked.status = Contract.Status.ACTIVE
    locked.save(update_fields=["end_date", "value", "renewals_used", "status"])
    audit.record(
        acting_user,
        f"procurement.contract.{kind}",
        locked,
        before=before,
        after=audit.snapshot(locked, ["end_date", "value", "renewals_used"]),
    )
    return amendment


@transaction.atomic
def do_add_contract_document(
    contract: Contract, *, uploaded: UploadedFile, title: str, acting_user: User
) -> ContractDocument:
    """File a document (signed contract, certificate…) with a contract, in private storage."""
    from interlocal.core.files import do_store_file

    if not (title or "").strip():
        raise ValidationError({"title": [_g("Give the document a title.")]})
    stored = do_store_file(
        uploaded,
        consortium=contract.consortium,
        member=contract.member,
        acting_user=acting_user,
        # An outside public body's piggyback contract: the body owns its documents too.
        member_outside_consortium=contract.kind == Contract.Kind.PIGGYBACK,
    )
    doc = ContractDocument.objects.create(contract=contract, title=title.strip()[:200], file=stored)
    audit.record(
        acting_user,
        "procurement.contract.document_added",
        doc,
        consortium_id=contract.consortium_id,
        member_id=contract.member_id,
    )
    return doc


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
