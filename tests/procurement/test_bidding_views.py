"""Bidding pages and API: happy paths, read-only people get 403, other consortia 404, and bad
input gets a clear error with nothing stored."""

from __future__ import annotations

import base64
import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from interlocal.audit.models import AuditEvent
from interlocal.procurement.actions import do_award, do_open_bids, do_submit_bid
from interlocal.procurement.models import Bid, Contract, ContractAmendment, Solicitation
from interlocal.tenancy.models import Membership
from tests.api.helpers import assert_error, make_token
from tests.procurement.factories import DEADLINE, OPENING, make_joint_purchase, make_vendor


@pytest.fixture
def scene(world, clock, django_user_model):
    jp = make_joint_purchase(world)
    acme = make_vendor("Acme Salt Co", world.vince, world.capitol)
    wendy = django_user_model.objects.create_user(
        email="wendy@brine.example", password="x", full_name="Wendy"
    )
    brine = make_vendor("Brine Brothers", wendy, world.capitol)
    return jp, acme, brine, wendy


def _post_bid(client, jp, key="form-key-1", a="61.50", b="0.30", **extra):
    data = {
        "idempotency_key": key,
        f"price_{jp.items[0].pk}": a,
        f"price_{jp.items[1].pk}": b,
        "document_kind": "technical",
    }
    data.update(extra)
    return client.post(reverse("procurement:bid_submit", args=[jp.solicitation.pk]), data)


def test_vendor_submits_through_the_page_and_a_double_click_stores_one_bid(scene, client_for):
    jp, *_ = scene
    client = client_for("vince")
    page = client.get(reverse("procurement:bid_submit", args=[jp.solicitation.pk]))
    assert page.status_code == 200 and b"Seal and submit bid" in page.content
    first = _post_bid(client, jp)
    second = _post_bid(client, jp)
    assert first.status_code == 302 and second.status_code == 302 and first.url == second.url
    assert Bid.objects.count() == 1
    detail = client.get(first.url)
    assert b"Sealed until the opening" in detail.content and b"61.50" not in detail.content


def test_too_many_decimals_on_the_page_names_the_line_and_stores_nothing(scene, client_for):
    jp, *_ = scene
    response = _post_bid(client_for("vince"), jp, a="61.505")
    assert response.status_code == 400
    assert "Line 1: USD amounts have at most 2 decimal places" in response.content.decode()
    assert not Bid.objects.exists()
    assert AuditEvent.objects.filter(action="procurement.bid.submit_refused").count() == 1


def test_non_vendors_cannot_open_the_bid_form(scene, client_for):
    jp, *_ = scene
    assert (
        client_for("bob").get(reverse("procurement:bid_submit", args=[jp.solicitation.pk])).status_code == 403
    )


def test_bid_register_before_opening_and_the_early_open_button(scene, client_for, clock, world):
    jp, *_ = scene
    _post_bid(client_for("vince"), jp, a="61.37")
    alice = client_for("alice")
    url = reverse("procurement:bids", args=[jp.solicitation.pk])
    page = alice.get(url)
    assert page.status_code == 200 and b"Acme Salt Co" in page.content and b"61.37" not in page.content
    response = alice.post(
        reverse("procurement:bids_open", args=[jp.solicitation.pk]), {"witness": world.sam.pk}, follow=True
    )
    assert b"Bids open at" in response.content
    jp.solicitation.refresh_from_db()
    assert jp.solicitation.status == Solicitation.Status.PUBLISHED
    assert client_for("olga").get(url).status_code == 403  # observer: read-only, not procurement staff
    assert client_for("bob").get(url).status_code == 403
    assert client_for("pat").get(url).status_code == 404  # another consortium


def test_open_evaluate_award_join_and_savings_through_pages(scene, client_for, clock, world):
    jp, acme, brine, wendy = scene
    _post_bid(client_for("vince"), jp, a="61.37", b="0.30")
    do_submit_bid(
        jp.solicitation,
        acting_user=wendy,
        idempotency_key="w",
        prices={jp.items[0].pk: "63", jp.items[1].pk: "0.25"},
    )
    clock.set(OPENING)
    alice = client_for("alice")
    alice.post(reverse("procurement:bids_open", args=[jp.solicitation.pk]), {"witness": world.sam.pk})
    page = alice.get(reverse("procurement:bids", args=[jp.solicitation.pk]))
    assert b"61.37" in page.content and b"Tabulation" in page.content
    tab_csv = client_for("bob").get(
        reverse("procurement:tabulation", args=[jp.solicitation.pk]) + "?format=csv"
    )
    assert tab_csv.status_code == 200 and b"61.37" in tab_csv.content
    brine_bid = Bid.objects.get(vendor=brine)
    refused = alice.post(
        reverse("procurement:bid_responsiveness", args=[brine_bid.pk]),
        {"responsive": "0", "reason": ""},
        follow=True,
    )
    assert b"Say why" in refused.content
    form = alice.get(reverse("procurement:award", args=[jp.solicitation.pk]))
    assert form.status_code == 200
    acme_bid = Bid.objects.get(vendor=acme)
    response = alice.post(
        reverse("procurement:award", args=[jp.solicitation.pk]),
        {f"item_{jp.items[0].pk}": acme_bid.pk, f"item_{jp.items[1].pk}": acme_bid.pk, "start_date": "2027-04-01",
         "end_date": "2028-03-31", "renewals_allowed": "2", "notes": ""},
    )  # fmt: skip
    assert response.status_code == 302
    assert (
        Contract.objects.filter(kind="member").count() == 3
        and Contract.objects.filter(kind="master").count() == 1
    )
    master = Contract.objects.get(kind="master")
    # Bob (Avon) sees the master and Avon's contract, not Bolton's.
    bob = client_for("bob")
    listing = bob.get(reverse("procurement:contracts"))
    assert master.reference.encode() in listing.content
    bolton = Contract.objects.get(member=world.bolton)
    assert bob.get(reverse("procurement:contract_detail", args=[bolton.pk])).status_code == 404
    assert bob.get(reverse("procurement:contract_detail", args=[master.pk])).status_code == 200
    # Canton already buys; a fourth member joins: give carol a role at a new member.
    from interlocal.tenancy.models import ConsortiumMember, Member

    dover = Member.objects.create(name="Dover", slug="dover-ct", region="CT")
    ConsortiumMember.objects.create(consortium=world.capitol, member=dover)
    Membership.objects.create(user=world.carol, consortium=world.capitol, member=dover, role="member_staff")
    carol = client_for("carol")
    join_url = reverse("procurement:contract_join", args=[master.pk])
    bad = carol.post(join_url, {"member": dover.pk, f"qty_{jp.items[0].pk}": "-4"})
    assert bad.status_code == 400 and b"zero or more" in bad.content
    ok = carol.post(
        join_url, {"member": dover.pk, f"qty_{jp.items[0].pk}": "40", f"prev_{jp.items[0].pk}": "70"}
    )
    assert ok.status_code == 302
    detail = alice.get(reverse("procurement:contract_detail", args=[master.pk]))
    assert b"Dover" in detail.content and b"Member contract (piggyback)" in detail.content
    assert client_for("olga").get(join_url).status_code == 403
    # Amend (renewal) as the council.
    amend = alice.post(
        reverse("procurement:contract_amend", args=[master.pk]),
        {"kind": "renewal", "description": "Year two", "effective_date": "2028-03-01", "new_end_date": "2029-03-31", "value_change": "0"},
    )  # fmt: skip
    assert amend.status_code == 302 and ContractAmendment.objects.filter(contract=master).count() == 1
    assert bob.post(reverse("procurement:contract_amend", args=[master.pk]), {}).status_code == 404
    savings = alice.get(reverse("procurement:savings"))
    assert savings.status_code == 200 and b"savings-spec" in savings.content and b"Dover" in savings.content
    assert client_for("vince").get(reverse("procurement:savings")).status_code == 403
    # Bob sees Avon's lines only.
    bob_savings = bob.get(reverse("procurement:savings"))
    assert b"Avon" in bob_savings.content and b"Bolton" not in bob_savings.content


# --- API ------------------------------------------------------------------------------------------
WITNESS = {"witness_email": "sam@capitol.example"}


def _api(client, token, method, path, **kw):
    return getattr(client, method)(
        f"/api/v1{path}", HTTP_AUTHORIZATION=f"Bearer {token}", content_type="application/json", **kw
    )


def test_api_bid_lifecycle_with_vendor_token(scene, client, clock, world):
    jp, _acme, brine, wendy = scene
    token = make_token(world.vince)
    body = {
        "idempotency_key": "api-1",
        "prices": {str(jp.items[0].pk): "61.50"},
        "documents": [
            {"name": "t.pdf", "kind": "technical", "content_base64": base64.b64encode(b"%PDF-1.4 x").decode()}
        ],
    }
    created = _api(client, token, "post", f"/procurement/solicitations/{jp.solicitation.pk}/bids", data=body)
    assert created.status_code == 201, created.content
    bid = created.json()
    assert bid["total"] is None and bid["lines"] == [] and bid["documents"][0]["size"] == 10
    again = _api(client, token, "post", f"/procurement/solicitations/{jp.solicitation.pk}/bids", data=body)
    assert again.status_code == 200 and again.json()["id"] == bid["id"] and Bid.objects.count() == 1
    # Bad input: one error body naming the field; nothing stored.
    bad = dict(body, idempotency_key="api-2", prices={str(jp.items[0].pk): "-1"})
    err = assert_error(
        _api(client, token, "post", f"/procurement/solicitations/{jp.solicitation.pk}/bids", data=bad), 422
    )
    assert err["errors"][0]["loc"] == ["body", f"prices.{jp.items[0].pk}"]
    wrong_vendor = dict(body, idempotency_key="api-3", vendor_id=brine.pk)
    assert_error(
        _api(
            client, token, "post", f"/procurement/solicitations/{jp.solicitation.pk}/bids", data=wrong_vendor
        ),
        403,
    )
    # Wendy cannot read Vince's bid; staff cannot open early.
    assert_error(_api(client, make_token(wendy), "get", f"/procurement/bids/{bid['id']}"), 404)
    staff = make_token(world.alice)
    assert_error(
        _api(client, staff, "post", f"/procurement/solicitations/{jp.solicitation.pk}/open", data=WITNESS),
        403,
    )
    sealed = _api(client, staff, "get", f"/procurement/solicitations/{jp.solicitation.pk}/tabulation").json()
    assert sealed["opened"] is False and sealed["items"] == []
    clock.set(DEADLINE + dt.timedelta(seconds=1))
    late = dict(body, idempotency_key="api-4")
    assert (
        "deadline"
        in assert_error(
            _api(client, token, "post", f"/procurement/solicitations/{jp.solicitation.pk}/bids", data=late),
            403,
        )["detail"]
    )
    clock.set(OPENING)
    opened = _api(
        client, staff, "post", f"/procurement/solicitations/{jp.solicitation.pk}/open", data=WITNESS
    )
    assert opened.status_code == 200 and opened.json()["items"][0]["cells"][0]["unit_price"] == "61.50"
    award = _api(
        client,
        staff,
        "post",
        f"/procurement/solicitations/{jp.solicitation.pk}/award",
        data={"start_date": "2027-04-01", "end_date": "2028-03-31"},
    )
    assert award.status_code == 201 and {c["kind"] for c in award.json()} == {"master", "member"}
    listing = _api(client, make_token(world.bob), "get", "/procurement/contracts")
    assert {c["member_name"] for c in listing.json()["items"]} == {None, "Avon"}
    savings = _api(client, staff, "get", f"/procurement/consortia/{world.capitol.pk}/savings").json()
    assert Decimal(savings["total"]["savings"]) > 0
    assert_error(_api(client, token, "get", f"/procurement/consortia/{world.capitol.pk}/savings"), 403)


def test_award_and_open_are_for_the_council(scene, client, clock, world):
    jp, *_ = scene
    do_submit_bid(
        jp.solicitation, acting_user=world.vince, idempotency_key="a", prices={jp.items[0].pk: "60"}
    )
    clock.set(OPENING)
    assert_error(
        _api(
            client,
            make_token(world.bob),
            "post",
            f"/procurement/solicitations/{jp.solicitation.pk}/open",
            data=WITNESS,
        ),
        403,
    )
    do_open_bids(jp.solicitation, acting_user=world.alice, witness=world.sam)
    assert_error(
        _api(
            client,
            make_token(world.pat),
            "post",
            f"/procurement/solicitations/{jp.solicitation.pk}/award",
            data={"start_date": "2027-04-01", "end_date": "2028-03-31"},
        ),
        404,
    )
    do_award(
        jp.solicitation,
        acting_user=world.alice,
        start_date=dt.date(2027, 4, 1),
        end_date=dt.date(2028, 3, 31),
    )


def test_bid_list_api_query_count_does_not_grow(scene, client, world, vendor_factory):
    """GET …/solicitations/{id}/bids has a path parameter, which tests/test_query_budgets.py cannot
    template yet; the same check here: 5 and 50 bids cost the same number of queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.procurement.budgets.bidding import _bid

    jp, *_ = scene
    token = make_token(world.alice)
    url = f"/api/v1/procurement/solicitations/{jp.solicitation.pk}/bids?limit=100"

    def add(start, count):
        for i in range(start, start + count):
            _bid(jp.solicitation, vendor_factory(name=f"V{i} Supply"), f"q{i}")

    def count():
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url, HTTP_AUTHORIZATION=f"Bearer {token}")
        assert response.status_code == 200
        return len(ctx.captured_queries), response.json()["count"]

    add(0, 5)
    client.get(url, HTTP_AUTHORIZATION=f"Bearer {token}")  # warm-up (token last-used stamp)
    small = count()
    add(5, 45)
    large = count()
    assert (small[1], large[1]) == (5, 50) and small[0] == large[0]
