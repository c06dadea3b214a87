"""Procurement journeys (issue 12): the vendor finds the bid form and its bids, awards and
contracts; staff find the next step of a solicitation; the award notice is public once awarded
and nothing about amounts is public before."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from interlocal.procurement.actions import (
    bid_rights,
    do_award,
    do_cancel_solicitation,
    do_open_bids,
    do_submit_bid,
    do_suspend_vendor,
    solicitation_rights,
)
from interlocal.procurement.models import Bid, Contract
from interlocal.procurement.queries import award_notice, vendor_bids, vendor_contracts
from tests.api.helpers import assert_error, make_token
from tests.procurement.factories import DEADLINE, OPENING, make_joint_purchase, make_vendor

# Acme bids 61.37 and 0.29, Brine 59.91 and 0.35 on 600 tons and 630 gallons:
# totals 37,004.70 and 36,166.50; the split award gives line 1 to Brine (35,946.00), line 2 to Acme (182.70).
SECRETS = ("61.37", "59.91", "37,004.70", "36,166.50", "37004.7", "36166.5", "35,946.00", "182.70")


@pytest.fixture
def scene(world, clock, django_user_model):
    jp = make_joint_purchase(world)
    acme = make_vendor("Acme Salt Co", world.vince, world.capitol)
    wendy = django_user_model.objects.create_user(
        email="wendy@brine.example", password="x", full_name="Wendy"
    )
    brine = make_vendor("Brine Brothers", wendy, world.capitol)
    return jp, acme, brine, wendy


def _bid(jp, user, a, b, key="k"):
    bid, _ = do_submit_bid(
        jp.solicitation, acting_user=user, idempotency_key=key, prices={jp.items[0].pk: a, jp.items[1].pk: b}
    )
    return bid


def _open(jp, world, clock):
    clock.set(OPENING)
    do_open_bids(jp.solicitation, acting_user=world.alice, witness=world.sam)
    jp.solicitation.refresh_from_db()


def _award(jp, world):
    do_award(
        jp.solicitation,
        acting_user=world.alice,
        start_date=dt.date(2027, 4, 1),
        end_date=dt.date(2028, 3, 31),
    )
    jp.solicitation.refresh_from_db()


def _bids_in(scene, world):
    jp, _acme, _brine, wendy = scene
    _bid(jp, world.vince, "61.37", "0.29")
    _bid(jp, wendy, "59.91", "0.35")
    return jp


def _links(html: str, start: str, end: str) -> list[str]:
    section = html[html.index(start) : html.index(end, html.index(start))]
    return re.findall(r'href="([^"#]+)', section)


# --- Vendor: the bid state and the Submit a bid button ----------------------------------------------
def test_bid_rights_follow_the_solicitation_and_the_vendor(scene, world, clock):
    jp, acme, _brine, _wendy = scene
    sol = jp.solicitation
    assert bid_rights(world.vince, sol, acme).state == "open" and bid_rights(world.vince, sol, acme).submit
    assert bid_rights(world.bob, sol, None).state == "not_vendor"
    addendum = sol.addenda.create(number=1, title="Brine spec", body="Changed.")
    pending = bid_rights(world.vince, sol, acme)
    assert pending.state == "addenda" and not pending.submit and pending.pending_addenda == 1
    addendum.acknowledgements.create(vendor=acme, acknowledged_by=world.vince)
    bid = _bid(jp, world.vince, "61.37", "0.29")
    replace = bid_rights(world.vince, sol, acme)
    assert replace.state == "replace" and replace.submit and replace.current == bid
    clock.set(DEADLINE)
    assert bid_rights(world.vince, sol, acme).state == "closed"
    _open(jp, world, clock)
    assert bid_rights(world.vince, sol, acme).state == "opened"
    _award(jp, world)
    assert bid_rights(world.vince, sol, acme).state == "awarded"
    do_suspend_vendor(acme, reason="Unpaid fees", acting_user=world.alice)
    acme.refresh_from_db()
    assert bid_rights(world.vince, sol, acme).state == "suspended"


def test_cancelled_solicitations_take_no_bids(scene, world):
    jp, acme, *_ = scene
    do_cancel_solicitation(jp.solicitation, acting_user=world.alice, reason="Budget cut")
    jp.solicitation.refresh_from_db()
    assert bid_rights(world.vince, jp.solicitation, acme).state == "cancelled"


def test_the_vendor_page_offers_submit_then_replace_and_explains_the_closed_state(
    scene, world, clock, client_for
):
    jp, *_ = scene
    client = client_for("vince")
    url = reverse("procurement:vendor_solicitation", args=[jp.solicitation.pk])
    form = reverse("procurement:bid_submit", args=[jp.solicitation.pk])
    page = client.get(url).content.decode()
    assert "Submit a bid" in page and f'href="{form}"' in page
    bid = _bid(jp, world.vince, "61.37", "0.29")
    page = client.get(url).content.decode()
    assert "Replace your bid" in page and "Submit a bid" not in page and bid.receipt in page
    assert client.get(form).status_code == 200  # the button leads to a working form
    clock.set(DEADLINE)
    page = client_for("vince").get(url).content.decode()  # a new session: the clock moved a week
    assert "Bidding closed at" in page and f'href="{form}"' not in page


def test_a_suspended_vendor_is_told_why_it_cannot_bid(scene, world, client_for):
    jp, acme, *_ = scene
    do_suspend_vendor(acme, reason="Unpaid fees", acting_user=world.alice)
    client = client_for("vince")
    page = client.get(reverse("procurement:vendor_solicitation", args=[jp.solicitation.pk])).content.decode()
    assert "Acme Salt Co is suspended" in page
    assert reverse("procurement:bid_submit", args=[jp.solicitation.pk]) not in page
    assert "Follow this solicitation" not in page and "Send question" not in page


# --- Staff: the next step ---------------------------------------------------------------------------
def test_solicitation_rights_lead_from_bids_to_savings(scene, world, clock):
    jp = _bids_in(scene, world)
    sol = jp.solicitation
    sealed = solicitation_rights(world.alice, sol)
    assert sealed.bids and not sealed.open_bids and not sealed.tabulation and not sealed.award
    clock.set(OPENING)
    assert solicitation_rights(world.alice, sol).open_bids
    assert not solicitation_rights(world.bob, sol).open_bids and not solicitation_rights(world.bob, sol).bids
    _open(jp, world, clock)
    opened = solicitation_rights(world.alice, sol)
    assert opened.tabulation and opened.evaluate and opened.award and not opened.open_bids
    assert solicitation_rights(world.bob, sol).tabulation and not solicitation_rights(world.bob, sol).award
    _award(jp, world)
    awarded = solicitation_rights(world.alice, sol)
    assert awarded.contracts and awarded.savings and awarded.tabulation and not awarded.award


@pytest.mark.parametrize("who", ["alice", "sam", "bob", "olga"])
def test_every_next_step_button_opens_for_the_person_who_sees_it(scene, world, clock, client_for, who):
    jp = _bids_in(scene, world)
    url = reverse("procurement:solicitation_detail", args=[jp.solicitation.pk])
    seen: set[str] = set()
    for step in ("sealed", "due", "opened", "awarded"):
        if step == "due":
            clock.set(OPENING)
        elif step == "opened":
            _open(jp, world, clock)
        elif step == "awarded":
            _award(jp, world)
        client = client_for(who)  # a session per step: the clock jumps by days
        html = client.get(url).content.decode()
        if 'id="bidding-heading"' not in html:
            continue
        for link in _links(html, 'id="bidding-heading"', "</section>"):
            seen.add(link.split("?")[0])
            assert client.get(link.replace("&amp;", "&")).status_code == 200, (who, step, link)
    bids = reverse("procurement:bids", args=[jp.solicitation.pk])
    award = reverse("procurement:award", args=[jp.solicitation.pk])
    tabulation = reverse("procurement:tabulation", args=[jp.solicitation.pk])
    if who in ("alice", "sam"):
        assert {
            bids,
            award,
            tabulation,
            reverse("procurement:contracts"),
            reverse("procurement:savings"),
        } <= seen
    else:
        assert tabulation in seen and bids not in seen and award not in seen


def test_the_council_page_names_the_opening_step(scene, world, clock, client_for):
    jp = _bids_in(scene, world)
    url = reverse("procurement:solicitation_detail", args=[jp.solicitation.pk])
    assert "The bids stay sealed until the opening" in client_for("alice").get(url).content.decode()
    clock.set(OPENING)
    page = client_for("alice").get(url).content.decode()
    assert (
        "Open bids" in page
        and reverse("procurement:bids", args=[jp.solicitation.pk]) + "#open-heading" in page
    )


# --- The public award notice ------------------------------------------------------------------------
def _public(client, jp) -> str:
    return client.get(reverse("procurement:public_solicitation", args=[jp.solicitation.pk])).content.decode()


def _feed(client) -> str:
    return client.get(reverse("procurement:public_feed")).content.decode()


def test_nothing_about_amounts_is_public_before_the_award(scene, world, clock, client):
    jp = _bids_in(scene, world)
    for step in ("sealed", "opened"):
        if step == "opened":
            _open(jp, world, clock)
            assert Bid.objects.filter(total__isnull=False).count() == 2  # the amounts exist by now
        assert award_notice(jp.solicitation) is None
        public, feed = _public(client, jp), _feed(client)
        assert "Award notice" not in public
        for secret in SECRETS:
            assert secret not in public, (step, secret)
            assert secret not in feed, (step, secret)
        assert "Acme Salt Co" not in public and "Brine Brothers" not in feed


def test_the_award_notice_shows_winners_amounts_and_every_opened_bid(scene, world, clock, client):
    jp = _bids_in(scene, world)
    _open(jp, world, clock)
    _award(jp, world)
    notice = award_notice(jp.solicitation)
    assert notice is not None
    assert {w.vendor: w.amount for w in notice.winners} == {
        "Brine Brothers": Decimal("35946.00"),
        "Acme Salt Co": Decimal("182.70"),
    }
    assert [(b.vendor, b.total) for b in notice.bids] == [
        ("Brine Brothers", Decimal("36166.50")),
        ("Acme Salt Co", Decimal("37004.70")),
    ]
    assert notice.decided_at == jp.solicitation.award.decided_at
    public = _public(client, jp)
    assert "Award notice" in public and "Awarded to Brine Brothers: 35,946.00 USD" in public
    assert "Awarded to Acme Salt Co: 182.70 USD" in public
    assert "36,166.50" in public and "37,004.70" in public and "59.91" in public
    assert f"Awarded on {notice.decided_at:%Y-%m-%d}" in public
    feed = _feed(client)
    assert "Awarded: IFB-2027-001" in feed and f"{jp.solicitation.ocid}/award-" in feed
    assert "Brine Brothers 35,946.00 USD" in feed and "Acme Salt Co 37,004.70" in feed


def test_the_award_notice_agrees_with_the_ocds_award(scene, world, clock):
    from interlocal.procurement.publication import process_for_ocid

    jp = _bids_in(scene, world)
    _open(jp, world, clock)
    _award(jp, world)
    process = process_for_ocid(jp.solicitation.ocid)
    assert process is not None
    ocds = {a.supplier.name: a.amount for a in process.awards}
    notice = award_notice(jp.solicitation)
    assert notice is not None and ocds == {w.vendor: w.amount for w in notice.winners}


# --- The vendor area --------------------------------------------------------------------------------
def test_vendor_bids_tell_what_became_of_each_bid(scene, world, clock):
    jp = _bids_in(scene, world)
    other = make_joint_purchase(world, reference="IFB-2027-002", title="Sand", members=("avon",))
    first = _bid(other, world.vince, "5.00", "1.00", key="a")
    _bid(other, world.vince, "4.00", "1.00", key="b")  # replaces the first
    outcomes = {b.pk: b.outcome for b in vendor_bids(world.vince)}
    assert outcomes[first.pk] == "replaced" and sorted(outcomes.values()) == ["replaced", "sealed", "sealed"]
    _open(jp, world, clock)
    assert "opened" in {b.outcome for b in vendor_bids(world.vince)}
    _award(jp, world)
    acme = vendor_bids(world.vince).get(solicitation=jp.solicitation)
    assert acme.outcome == "awarded" and acme.won_items == 1
    assert not vendor_bids(world.bob).exists()


def test_a_vendor_who_wins_nothing_reads_lost(scene, world, clock, django_user_model):
    jp, _acme, _brine, wendy = scene
    _bid(jp, world.vince, "70.00", "0.50")
    _bid(jp, wendy, "59.91", "0.35")
    _open(jp, world, clock)
    _award(jp, world)
    assert vendor_bids(world.vince).get().outcome == "lost"
    assert not vendor_contracts(world.vince).exists()


def test_vendor_area_pages_list_search_filter_and_export(scene, world, clock, client_for):
    jp = _bids_in(scene, world)
    _open(jp, world, clock)
    _award(jp, world)
    client = client_for("vince")
    bids = client.get(reverse("procurement:vendor_bids")).content.decode()
    assert "IFB-2027-001" in bids and "Awarded to you" in bids and "37,004.70" in bids
    assert (
        "IFB-2027-001"
        not in client.get(reverse("procurement:vendor_bids") + "?outcome=lost").content.decode()
    )
    csv = client.get(reverse("procurement:vendor_bids") + "?format=csv")
    assert csv["Content-Type"].startswith("text/csv")
    awards = client.get(reverse("procurement:vendor_awards")).content.decode()
    assert "Liquid brine" in awards and "182.70" in awards and "Road salt, bulk" not in awards
    assert "Liquid brine" in client.get(reverse("procurement:vendor_awards") + "?q=brine").content.decode()
    assert (
        "Liquid brine" not in client.get(reverse("procurement:vendor_awards") + "?q=gravel").content.decode()
    )
    contracts = client.get(reverse("procurement:vendor_contracts")).content.decode()
    masters = Contract.objects.filter(vendor__name="Acme Salt Co")
    assert masters.count() == 4  # the master and the three members' contracts
    for contract in masters:
        assert contract.reference in contracts
    member_only = client.get(reverse("procurement:vendor_contracts") + "?kind=master").content.decode()
    assert sum(c.reference in member_only for c in masters) == 1
    export = b"".join(client.get(reverse("procurement:vendor_contracts") + "?format=csv").streaming_content)
    assert b"Avon" in export


@pytest.mark.parametrize("name", ["vendor_bids", "vendor_awards", "vendor_contracts"])
def test_vendor_area_pages_are_for_vendors(scene, client_for, name):
    assert client_for("bob").get(reverse(f"procurement:{name}")).status_code == 403
    assert client_for(None).get(reverse(f"procurement:{name}")).status_code == 302


def test_the_dashboard_leads_a_vendor_to_its_area(scene, world, client_for):
    _bid(scene[0], world.vince, "61.37", "0.29")
    page = client_for("vince").get(reverse("core:dashboard")).content.decode()
    assert "Your bids and contracts" in page and "1 bid waiting for its opening or award" in page
    for name in ("vendor_dashboard", "vendor_bids", "vendor_awards", "vendor_contracts"):
        assert reverse(f"procurement:{name}") in page
    assert "Your bids and contracts" not in client_for("bob").get(reverse("core:dashboard")).content.decode()


def test_the_vendor_sees_no_document_it_cannot_download(scene, world, clock, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from interlocal.procurement.actions import do_add_contract_document

    jp = _bids_in(scene, world)
    _open(jp, world, clock)
    _award(jp, world)
    avon = Contract.objects.get(vendor__name="Acme Salt Co", member=world.avon)
    do_add_contract_document(
        avon,
        uploaded=SimpleUploadedFile("signed.pdf", b"%PDF-1.4 signed", content_type="application/pdf"),
        title="Signed by Avon",
        acting_user=world.alice,
    )
    url = reverse("procurement:contract_detail", args=[avon.pk])
    assert "Signed by Avon" in client_for("bob").get(url).content.decode()
    vendor_page = client_for("vince").get(url).content.decode()
    assert vendor_page.count("Signed by Avon") == 0 and "No documents filed." in vendor_page


def test_the_award_email_points_winners_to_my_contracts(
    scene, world, clock, django_capture_on_commit_callbacks
):
    jp = _bids_in(scene, world)
    _open(jp, world, clock)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _award(jp, world)
    bodies = {m.to[0]: m.body for m in mail.outbox}
    assert reverse("procurement:vendor_contracts") in bodies["vince@vendor.example"]
    notice = reverse("procurement:public_solicitation", args=[jp.solicitation.pk]) + "#award"
    assert all(notice in body for body in bodies.values())


# --- The vendor area's API --------------------------------------------------------------------------
def _api(client, token, path):
    return client.get(f"/api/v1/procurement/vendor/{path}", headers={"authorization": f"Bearer {token}"})


def test_the_vendor_api_lists_bids_awards_and_contracts(scene, world, clock, client):
    jp = _bids_in(scene, world)
    token = make_token(world.vince)
    sealed = _api(client, token, "bids").json()
    assert sealed["count"] == 1 and sealed["items"][0]["outcome"] == "sealed"
    assert sealed["items"][0]["total"] is None
    _open(jp, world, clock)
    _award(jp, world)
    bids = _api(client, token, "bids?outcome=awarded").json()
    assert bids["count"] == 1 and bids["items"][0]["won_items"] == 1
    assert Decimal(bids["items"][0]["total"]) == Decimal("37004.70")
    assert _api(client, token, "bids?outcome=lost").json()["count"] == 0
    awards = _api(client, token, "awards").json()
    assert [(a["description"], Decimal(a["amount"])) for a in awards["items"]] == [
        ("Liquid brine", Decimal("182.70"))
    ]
    contracts = _api(client, token, "contracts?kind=member").json()
    assert contracts["count"] == 3
    assert all("previous_unit_price" not in line for c in contracts["items"] for line in c["lines"])
    assert {c["member_name"] for c in contracts["items"]} == {"Avon", "Bolton", "Canton"}


def test_the_vendor_api_refuses_non_vendors(scene, world, client):
    for path in ("bids", "awards", "contracts"):
        assert_error(_api(client, make_token(world.bob), path), 403)
        assert_error(client.get(f"/api/v1/procurement/vendor/{path}"), 401)


def test_the_vendor_api_rejects_an_unknown_filter_value_cleanly(scene, world, client):
    assert_error(_api(client, make_token(world.vince), "awards?solicitation=0"), 422)
