"""Opening."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _g

from interlocal import audit
from interlocal.core.moments import legal_text
from interlocal.procurement import crypto
from interlocal.procurement.models import (
    Bid,
    BidLine,
    BidScore,
    EvaluationCriterion,
    Solicitation,
    SolicitationItem,
    SolicitationKey,
    currency_decimals,
)
from interlocal.procurement.tabulation import tabulate_decimal, weighted_scores

if TYPE_CHECKING:
    from interlocal.accounts.models import User
from interlocal.procurement.actions.bids import _Late, _now, _refuse
from interlocal.tenancy.scoping import is_council

__all__ = [
    "do_mark_responsiveness",
    "do_open_bids",
    "do_score_bid",
    "due_for_opening",
    "opening_blocker",
    "ready_to_open",
    "retabulate",
    "suggested_winners",
]


# --- Opening --------------------------------------------------------------------------------------
def do_open_bids(solicitation: Solicitation, *, acting_user: User, witness: User | None) -> Solicitation:
    """Open the sealed bids at (or after) the opening time, by two people: decrypt, store lines, tabulate.

    `acting_user` opens and `witness` attests it: both admins or staff of the consortium, two
    different people; both are kept on the solicitation and in the audit event. Nothing opens
    alone (the scheduler only reports what is due: `due_for_opening`). Before the opening time,
    while questions are still open or an addendum's notice is still running, this refuses and
    records the attempt.
    """
    if not is_council(acting_user, solicitation.consortium_id):
        _refuse(acting_user, "procurement.bids.open_refused", solicitation, reason="not_council")
        raise PermissionDenied(_g("Only the consortium's admins and staff may open bids."))
    witness = _check_witness(solicitation, acting_user, witness)
    try:
        return _open(solicitation, acting_user, witness)
    except _Late as exc:
        _refuse(
            acting_user,
            "procurement.bids.open_refused",
            solicitation,
            reason=exc.reason,
            details={"server_time": _now().isoformat()},
        )
        raise PermissionDenied(exc.message) from None


def _check_witness(solicitation: Solicitation, opener: User, witness: User | None) -> User:
    if witness is None:
        raise ValidationError(
            {
                "witness": [
                    _g("Name the witness: a second admin or staff of the consortium watches the opening.")
                ]
            }
        )
    if witness.pk == opener.pk:
        raise ValidationError({"witness": [_g("The witness must be someone other than the person opening.")]})
    if not witness.is_active or not is_council(witness, solicitation.consortium_id):
        raise ValidationError({"witness": [_g("The witness must be an admin or staff of this consortium.")]})
    return witness


@transaction.atomic
def _open(solicitation: Solicitation, user: User, witness: User) -> Solicitation:
    locked = Solicitation.objects.select_for_update().get(pk=solicitation.pk)
    now = _now()
    if locked.status not in (Solicitation.Status.PUBLISHED, Solicitation.Status.CLOSED):
        raise _Late(
            "not_openable",
            _g("These bids cannot be opened: the solicitation is %(status)s.")
            % {"status": locked.get_status_display()},
        )
    blocker = opening_blocker(locked, now)
    if blocker is not None:
        raise blocker
    locked.status = Solicitation.Status.OPENED
    locked.updated_at = now
    locked.opened_by, locked.opening_witness = user, witness
    locked.save(update_fields=["status", "updated_at", "opened_by", "opening_witness"])
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
            "opened_by_id": user.pk,
            "witness_id": witness.pk,
            "witness": witness.email,
            "bids": [{"receipt": b.receipt, "vendor_id": b.vendor_id} for b in bids],
        },
        consortium_id=locked.consortium_id,
    )
    return locked


def opening_blocker(solicitation: Solicitation, now: dt.datetime) -> _Late | None:
    """Why a published (or closed) solicitation's bids may not open at `now`, or None.

    The rule `do_open_bids` enforces (opening time reached, question period over, no addendum
    notice running), also used by the inbox's "bids ready to open". Reads `addenda.all()`, so a
    caller with many solicitations prefetches them.
    """
    if now < solicitation.opening_at:
        return _Late(
            "too_early",
            _g("Bids open at %(at)s; it is now %(now)s.")
            % {"at": _local(solicitation.opening_at, solicitation), "now": _local(now, solicitation)},
        )
    if solicitation.questions_deadline is not None and now < solicitation.questions_deadline:
        return _Late(
            "questions_open",
            _g("Questions are open until %(at)s; the bids open after that.")
            % {"at": _local(solicitation.questions_deadline, solicitation)},
        )
    running = [a for a in solicitation.addenda.all() if a.notice_until is not None and a.notice_until > now]
    if running:
        notice = max(running, key=lambda a: a.notice_until)  # type: ignore[arg-type,return-value]
        return _Late(
            "addendum_notice",
            _g("The notice of addendum %(n)s runs until %(at)s; the bids open after that.")
            % {"n": notice.number, "at": _local(notice.notice_until, solicitation)},  # type: ignore[arg-type]
        )
    return None


def ready_to_open(user: Any, now: dt.datetime | None = None) -> list[Solicitation]:
    """Sealed solicitations `user` may open now (the council of their consortium, see
    `do_open_bids`): opening time reached and nothing blocking it."""
    moment = now or _now()
    candidates = (
        Solicitation.objects.writable_by(user)
        .filter(
            status__in=[Solicitation.Status.PUBLISHED, Solicitation.Status.CLOSED], opening_at__lte=moment
        )
        .select_related("consortium")  # the messages name the consortium's time zone
        .prefetch_related("addenda")  # opening_blocker reads every addendum's notice
        .order_by("opening_at", "pk")
    )
    return [s for s in candidates if is_council(user, s.consortium_id) and opening_blocker(s, moment) is None]


def _local(moment: dt.datetime, sol: Solicitation) -> str:
    return legal_text(moment, sol.consortium)


def due_for_opening(now: dt.datetime | None = None) -> list[Solicitation]:
    """The still sealed solicitations whose opening time has come (the scheduled task and the
    command report them). Nothing is opened here: opening takes an opener and a witness."""
    moment = now or _now()
    return list(
        Solicitation.objects.filter(
            status__in=[Solicitation.Status.PUBLISHED, Solicitation.Status.CLOSED], opening_at__lte=moment
        ).order_by("opening_at", "pk")
    )


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
