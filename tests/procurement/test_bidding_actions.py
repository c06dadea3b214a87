"""Sealed bids with a frozen clock: submission, refusals (each audited, nothing stored), opening,
evaluation, award, contracts, piggybacking and savings."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.http import Http404

from interlocal.audit.models import AuditEvent
from interlocal.procurement import crypto
from interlocal.procurement.actions import (
    DocumentUpload,
    do_award,
    do_mark_responsiveness,
    do_open_bids,
    do_piggyback,
    do_submit_bid,
    do_withdraw_bid,
    read_bid_document,
)
from interlocal.procurement.models import Bid, BidDocument, BidLine, Contract, Solicitation, SolicitationKey
from interlocal.procurement.queries import get_bid_for_user, savings_summary
from tests.procurement.factories import DEADLINE, OPENING, make_joint_purchase, make_vendor

PDF = b"%PDF-1.4\n% test document\n"


@pytest.fixture
def setup(world, clock, django_user_model):
    jp = make_joint_purchase(world)
    acme = make_vendor("Acme Salt Co", world.vince, world.capitol)
    wendy = django_user_model.objects.create_user(
        email="wendy@brine.example", password="x", full_name="Wendy"
    )
    brine = make_vendor("Brine Brothers", wendy, world.capitol)
    return jp, acme, brine, wendy


def _prices(jp, a="61.50", b="0.25"):
    return {jp.items[0].pk: a, jp.items[1].pk: b}


def _events(action):
    return list(AuditEvent.objects.filter(action=action).order_by("seq"))


def _submit(jp, user, key="k1", **kw):
    kw.setdefault("prices", _prices(jp))
    return do_submit_bid(jp.solicitation, acting_user=user, idempotency_key=key, **kw)


def test_submitted_bid_is_sealed_and_audited_without_amounts(setup, world):
    jp, acme, _brine, _wendy = setup
    bid, created = _submit(jp, world.vince, documents=[DocumentUpload("tech.pdf", PDF, "technical")])
    assert created and bid.status == Bid.Status.SUBMITTED
    assert b"61.50" not in bytes(bid.sealed_prices) and bid.line_count == 2
    doc = BidDocument.objects.get(bid=bid)
    assert b"test document" not in bytes(doc.sealed_content) and b"tech.pdf" not in bytes(doc.sealed_name)
    assert not BidLine.objects.exists()
    [event] = _events("procurement.bid.submitted")
    text = json.dumps(event.after)
    assert "61.5" not in text and "tech.pdf" not in text and event.after["sealed_sha256"] == bid.sealed_sha256
    assert SolicitationKey.objects.get().public_key


def test_bid_one_second_after_the_deadline_is_refused_and_audited(setup, world, clock):
    jp, *_ = setup
    clock.set(DEADLINE + dt.timedelta(seconds=1))
    with pytest.raises(PermissionDenied, match=r"deadline, .* \(America/New_York\), has passed"):
        _submit(jp, world.vince)
    assert not Bid.objects.exists()
    [event] = _events("procurement.bid.submit_refused")
    assert event.after["reason"] == "deadline_passed" and event.actor_id == world.vince.pk


def test_bid_at_the_deadline_itself_is_late_and_one_second_before_is_in_time(setup, world, clock):
    jp, *_ = setup
    clock.set(DEADLINE)
    with pytest.raises(PermissionDenied):
        _submit(jp, world.vince)
    clock.set(DEADLINE - dt.timedelta(seconds=1))
    bid, created = _submit(jp, world.vince, key="k2")
    assert created and bid.pk


def test_bid_on_another_vendors_behalf_is_refused(setup, world):
    jp, _acme, brine, _wendy = setup
    with pytest.raises(PermissionDenied, match="do not act for"):
        _submit(jp, world.vince, vendor=brine)
    assert not Bid.objects.exists()
    [event] = _events("procurement.bid.submit_refused")
    assert event.after == {"reason": "not_your_vendor", "vendor_id": brine.pk}


def test_a_vendor_cannot_read_or_withdraw_another_vendors_bid(setup, world):
    jp, _acme, _brine, wendy = setup
    bid, _ = _submit(jp, world.vince)
    with pytest.raises(Http404):
        get_bid_for_user(wendy, bid.pk)
    assert AuditEvent.objects.filter(action="access.denied", actor_id=wendy.pk).exists()
    with pytest.raises(PermissionDenied):
        do_withdraw_bid(bid, acting_user=wendy)
    bid.refresh_from_db()
    assert bid.status == Bid.Status.SUBMITTED
    assert _events("procurement.bid.withdraw_refused")[0].after["reason"] == "not_your_vendor"


def test_duplicate_submit_with_the_same_key_returns_the_same_bid(setup, world):
    jp, *_ = setup
    first, created = _submit(jp, world.vince)
    again, created_again = _submit(jp, world.vince)
    assert created and not created_again and again.pk == first.pk
    assert Bid.objects.count() == 1 and len(_events("procurement.bid.submitted")) == 1
    with pytest.raises(ValidationError, match="different bid"):
        _submit(jp, world.vince, prices=_prices(jp, a="60.00"))
    assert Bid.objects.count() == 1
    assert _events("procurement.bid.submit_refused")[0].after["reason"] == "idempotency_key_reused"


@pytest.mark.parametrize(
    ("price", "message"),
    [
        ("61.505", "at most 2 decimal places"),
        ("-1.00", "cannot be negative"),
        ("abc", "not a number"),
        ("NaN", "finite"),
    ],
)
def test_bad_prices_are_refused_with_the_line_named(setup, world, price, message):
    jp, *_ = setup
    with pytest.raises(ValidationError) as exc:
        _submit(jp, world.vince, prices=_prices(jp, a=price))
    assert message in str(exc.value) and "Line 1" in str(exc.value)
    assert not Bid.objects.exists() and not SolicitationKey.objects.exists()
    assert _events("procurement.bid.submit_refused")[0].after == {
        "reason": "invalid",
        "fields": [f"prices.{jp.items[0].pk}"],
    }


def test_zero_decimal_currency(world, clock):
    jp = make_joint_purchase(world, currency="JPY", reference="IFB-JPY")
    make_vendor("Acme", world.vince, world.capitol)
    with pytest.raises(ValidationError, match="JPY amounts have at most 0 decimal places"):
        do_submit_bid(
            jp.solicitation, acting_user=world.vince, idempotency_key="j", prices={jp.items[0].pk: "100.5"}
        )


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        (DocumentUpload("setup.exe", b"MZ\x90\x00", "other"), "not accepted"),
        (DocumentUpload("fake.pdf", b"MZ not a pdf", "other"), "not really a PDF"),
        (DocumentUpload("empty.pdf", b"", "other"), "is empty"),
        (DocumentUpload("big.pdf", PDF + b"x" * 3000, "other"), "larger than"),
        (DocumentUpload("prices.csv", b"\xff\xfe\x00bin", "price"), "not a text file"),
    ],
)
def test_wrong_document_type_or_size_is_refused(setup, world, settings, doc, message):
    jp, *_ = setup
    settings.UPLOAD_MAX_BYTES = 2048
    with pytest.raises(ValidationError, match=message):
        _submit(jp, world.vince, documents=[doc])
    assert not Bid.objects.exists() and not BidDocument.objects.exists()
    assert _events("procurement.bid.submit_refused")[0].after["fields"] == ["documents.0"]


def test_withdraw_and_resubmit_until_the_deadline_then_no_change(setup, world, clock):
    jp, *_ = setup
    first, _ = _submit(jp, world.vince, key="a")
    second, _ = _submit(jp, world.vince, key="b", prices=_prices(jp, a="59.00"))
    first.refresh_from_db()
    assert first.status == Bid.Status.REPLACED and second.status == Bid.Status.SUBMITTED
    do_withdraw_bid(second, acting_user=world.vince)
    assert Bid.objects.get(pk=second.pk).status == Bid.Status.WITHDRAWN
    third, _ = _submit(jp, world.vince, key="c")
    clock.set(DEADLINE + dt.timedelta(seconds=1))
    with pytest.raises(PermissionDenied):
        do_withdraw_bid(third, acting_user=world.vince)
    assert Bid.objects.get(pk=third.pk).status == Bid.Status.SUBMITTED
    assert {e.action for e in AuditEvent.objects.filter(action__startswith="procurement.bid.")} >= {
        "procurement.bid.submitted", "procurement.bid.replaced", "procurement.bid.withdrawn",
        "procurement.bid.withdraw_refused",
    }  # fmt: skip


def test_staff_opening_early_is_refused_and_audited(setup, world, clock):
    jp, *_ = setup
    _submit(jp, world.vince)
    clock.set(OPENING - dt.timedelta(seconds=1))
    with pytest.raises(PermissionDenied, match="Bids open at"):
        do_open_bids(jp.solicitation, acting_user=world.alice, witness=world.sam)
    jp.solicitation.refresh_from_db()
    assert jp.solicitation.status == Solicitation.Status.PUBLISHED and not BidLine.objects.exists()
    [event] = _events("procurement.bids.open_refused")
    assert event.after["reason"] == "too_early" and event.actor_id == world.alice.pk


def test_the_gate_refuses_before_the_opening_time_and_before_the_opening(setup, world, clock):
    jp, *_ = setup
    bid, _ = _submit(jp, world.vince)
    key = SolicitationKey.objects.get()
    blob = [(bytes(bid.sealed_prices), f"bid:{bid.receipt}:prices")]
    sol = jp.solicitation
    sol.status = Solicitation.Status.OPENED  # even a forged status does not beat the clock
    with pytest.raises(crypto.StillSealed):
        crypto.unseal(sol, bytes(key.wrapped_private_key), blob)
    clock.set(OPENING)
    sol.status = Solicitation.Status.PUBLISHED
    with pytest.raises(crypto.StillSealed):
        crypto.unseal(sol, bytes(key.wrapped_private_key), blob)
    sol.status = Solicitation.Status.OPENED
    [plain] = crypto.unseal(sol, bytes(key.wrapped_private_key), blob)
    assert json.loads(plain)["prices"][str(jp.items[0].pk)] == "61.50"
    with pytest.raises(crypto.SealedError):  # a blob moved to another bid does not open
        crypto.unseal(sol, bytes(key.wrapped_private_key), [(blob[0][0], "bid:OTHER:prices")])


def test_documents_stay_sealed_until_opening(setup, world, clock):
    jp, *_ = setup
    bid, _ = _submit(jp, world.vince, documents=[DocumentUpload("tech.pdf", PDF, "technical")])
    doc = bid.documents.get()
    with pytest.raises(PermissionDenied):
        read_bid_document(doc, acting_user=world.alice)
    assert _events("procurement.bid_document.read_refused")
    clock.set(OPENING)
    do_open_bids(jp.solicitation, acting_user=world.alice, witness=world.sam)
    doc.refresh_from_db()
    assert read_bid_document(doc, acting_user=world.alice) == ("tech.pdf", PDF)


def _two_bids_and_open(jp, world, wendy, clock):
    acme_bid, _ = _submit(jp, world.vince, prices=_prices(jp, "61.50", "0.30"))
    brine_bid, _ = _submit(jp, wendy, prices=_prices(jp, "63.00", "0.25"))
    clock.set(OPENING)
    do_open_bids(jp.solicitation, acting_user=world.alice, witness=world.sam)
    acme_bid.refresh_from_db()
    brine_bid.refresh_from_db()
    return acme_bid, brine_bid


def test_opening_tabulates(setup, world, clock):
    jp, _acme, _brine, wendy = setup
    acme_bid, brine_bid = _two_bids_and_open(jp, world, wendy, clock)
    jp.solicitation.refresh_from_db()
    assert jp.solicitation.status == Solicitation.Status.OPENED
    salt = {line.bid_id: line for line in BidLine.objects.filter(item=jp.items[0])}
    assert salt[acme_bid.pk].rank == 1 and salt[brine_bid.pk].rank == 2
    brine_line = BidLine.objects.get(item=jp.items[1], bid=brine_bid)
    assert brine_line.rank == 1 and brine_line.unit_price == Decimal("0.25")
    assert (
        acme_bid.total
        == Decimal("61.50") * jp.items[0].total_quantity + Decimal("0.30") * jp.items[1].total_quantity
    )
    [opened] = _events("procurement.bids.opened")
    assert opened.actor_id == world.alice.pk and opened.after["witness_id"] == world.sam.pk
    # Opening twice is refused; the scheduler's command only reports, and nothing is due any more.
    with pytest.raises(PermissionDenied):
        do_open_bids(jp.solicitation, acting_user=world.sam, witness=world.alice)
    out = io.StringIO()
    call_command("procurement", "open-due", stdout=out)
    assert "0 solicitation(s) due" in out.getvalue()
    assert len(_events("procurement.bids.opened")) == 1


def test_nonresponsive_bid_loses_its_rank_and_the_award_is_split(setup, world, clock):
    jp, acme, brine, wendy = setup
    acme_bid, brine_bid = _two_bids_and_open(jp, world, wendy, clock)
    with pytest.raises(ValidationError, match="Say why"):
        do_mark_responsiveness(acme_bid, responsive=False, reason=" ", acting_user=world.sam)
    award = do_award(
        jp.solicitation, acting_user=world.sam, start_date=dt.date(2027, 4, 1), end_date=dt.date(2028, 3, 31),
        renewals_allowed=2,
    )  # fmt: skip
    winners = {line.item_id: line.bid_id for line in award.lines.all()}
    assert winners == {jp.items[0].pk: acme_bid.pk, jp.items[1].pk: brine_bid.pk}  # split award
    masters = Contract.objects.filter(kind=Contract.Kind.MASTER)
    assert {c.vendor_id for c in masters} == {acme.pk, brine.pk}
    member_contracts = Contract.objects.filter(kind=Contract.Kind.MEMBER)
    assert member_contracts.count() == 6  # 3 members x 2 winning vendors
    avon_salt = member_contracts.get(member=world.avon, vendor=acme).lines.get()
    assert avon_salt.quantity == Decimal(100) and avon_salt.unit_price == Decimal("61.50")
    assert avon_salt.previous_unit_price == Decimal("80.00")
    jp.solicitation.refresh_from_db()
    assert jp.solicitation.status == Solicitation.Status.AWARDED


def test_marking_nonresponsive_changes_the_winner(setup, world, clock):
    jp, _acme, brine, wendy = setup
    acme_bid, brine_bid = _two_bids_and_open(jp, world, wendy, clock)
    do_mark_responsiveness(acme_bid, responsive=False, reason="No bid bond", acting_user=world.sam)
    assert BidLine.objects.get(bid=acme_bid, item=jp.items[0]).rank is None
    award = do_award(
        jp.solicitation, acting_user=world.sam, start_date=dt.date(2027, 4, 1), end_date=dt.date(2028, 3, 31)
    )
    assert {line.bid_id for line in award.lines.all()} == {brine_bid.pk}
    with pytest.raises(ValidationError):  # cannot award twice
        do_award(
            jp.solicitation,
            acting_user=world.sam,
            start_date=dt.date(2027, 4, 1),
            end_date=dt.date(2028, 3, 31),
        )


def test_piggyback_and_savings(world, clock, monkeypatch):
    jp = make_joint_purchase(world, members=("avon", "bolton"))
    make_vendor("Acme", world.vince, world.capitol)
    do_submit_bid(
        jp.solicitation, acting_user=world.vince, idempotency_key="x", prices=_prices(jp, "60.00", "0.20")
    )
    clock.set(OPENING)
    do_open_bids(jp.solicitation, acting_user=world.alice, witness=world.sam)
    do_award(
        jp.solicitation,
        acting_user=world.alice,
        start_date=dt.date(2027, 4, 1),
        end_date=dt.date(2028, 3, 31),
    )
    master = Contract.objects.get(kind=Contract.Kind.MASTER)
    assert set(master.member_contracts.values_list("member__name", flat=True)) == {"Avon", "Bolton"}
    with pytest.raises(PermissionDenied):  # bob is Avon's staff, not Canton's
        do_piggyback(master, member=world.canton, acting_user=world.bob, quantities={jp.items[0].pk: "5"})
    from interlocal.tenancy.models import Membership

    Membership.objects.create(
        user=world.carol, consortium=world.capitol, member=world.canton, role="member_staff"
    )
    with pytest.raises(ValidationError, match="not a number"):
        do_piggyback(
            master, member=world.canton, acting_user=world.carol, quantities={jp.items[0].pk: "lots"}
        )
    contract = do_piggyback(
        master, member=world.canton, acting_user=world.carol, quantities={jp.items[0].pk: "50"},
        previous_prices={jp.items[0].pk: "75.00"},
    )  # fmt: skip
    assert contract.kind == Contract.Kind.PIGGYBACK and contract.value == Decimal("3000.00")
    with pytest.raises(ValidationError, match="already buys"):
        do_piggyback(master, member=world.canton, acting_user=world.carol, quantities={jp.items[0].pk: "1"})

    staff = savings_summary(world.sam, world.capitol)
    # Avon: 100 t x (80 - 60) + 110 gal x (10 - 0.2); Bolton: 200 x (81 - 60) + 210 x (11 - 0.2);
    # Canton (piggyback): 50 x (75 - 60)
    expected = Decimal(2000 + 1078 + 4200 + 2268 + 750)
    assert staff.total is not None and staff.total.savings == expected and staff.total.members == 3
    # Members see consortium aggregates only when at least k members contribute (k = 3 here).
    member_view = savings_summary(world.bob, world.capitol)
    assert member_view.total is not None and member_view.total.published
    monkeypatch.setattr("django.conf.settings.INTERLOCAL_MIN_AGGREGATE_MEMBERS", 4)
    assert not savings_summary(world.bob, world.capitol).total.published
    assert savings_summary(world.sam, world.capitol).total.published
