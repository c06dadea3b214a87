"""API: demand rounds and entries, solicitations (public and staff), questions, addenda, vendor info."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from interlocal.procurement.models import DemandEntry, DemandRound, Solicitation
from tests.api.helpers import assert_error, make_token
from tests.clock import Clock
from tests.procurement.factories import make_entry, make_round, make_solicitation, make_vendor

pytestmark = pytest.mark.django_db
P = "/api/v1/procurement"
NOW = dt.datetime(2026, 11, 2, 15, 0, tzinfo=dt.UTC)


def api(world: Any, name: str | None) -> Client:
    if name is None:
        return Client()
    return Client(headers={"Authorization": f"Bearer {make_token(getattr(world, name))}"})


def _json(client: Client, method: str, url: str, body: Any = None) -> Any:
    return client.generic(
        method, url, data=json.dumps(body) if body is not None else "", content_type="application/json"
    )


def test_staff_create_round_add_item_open(world: Any) -> None:
    sam = api(world, "sam")
    cut_off = (timezone.now() + dt.timedelta(days=10)).isoformat()
    response = _json(
        sam,
        "POST",
        f"{P}/rounds",
        {"consortium": world.capitol.pk, "title": "2027 road salt", "cut_off_at": cut_off},
    )
    assert response.status_code == 201, response.content
    round_id = response.json()["id"]
    assert response.json()["ocid"].endswith(f"-round-{round_id}")
    bad = _json(
        sam,
        "POST",
        f"{P}/rounds/{round_id}/items",
        {
            "description": "Salt",
            "unit": "ton",
            "classification_scheme": "UNSPSC",
            "classification_code": "12",
        },
    )
    body = assert_error(bad, 422)
    assert body["errors"][0]["loc"][-1] == "classification_code"
    assert (
        _json(sam, "POST", f"{P}/rounds/{round_id}/items", {"description": "Salt", "unit": "ton"}).status_code
        == 201
    )
    assert _json(sam, "POST", f"{P}/rounds/{round_id}/open").json()["status"] == "open"
    assert_error(_json(api(world, "bob"), "POST", f"{P}/rounds/{round_id}/close"), 403)
    assert_error(_json(api(world, "pat"), "GET", f"{P}/rounds/{round_id}"), 404)


def test_member_enters_demand_with_clear_errors(world: Any) -> None:
    round_ = make_round(world.capitol, members=(world.avon,))
    item = round_.items.get(line_number=1)
    bob = api(world, "bob")
    url = f"{P}/rounds/{round_.pk}/items/{item.pk}/entry"
    ok = _json(bob, "PUT", url, {"member": world.avon.pk, "quantity": "1200", "current_unit_price": "82.50"})
    assert ok.status_code == 200, ok.content
    assert Decimal(ok.json()["quantity"]) == Decimal(1200)
    body = assert_error(_json(bob, "PUT", url, {"member": world.avon.pk, "quantity": "-1"}), 422)
    assert "negative" in json.dumps(body)
    body = assert_error(
        _json(bob, "PUT", url, {"member": world.avon.pk, "quantity": "1", "current_unit_price": "1.005"}), 422
    )
    assert body["errors"][0]["loc"][-1] == "current_unit_price" and "USD" in body["errors"][0]["msg"]
    assert_error(
        _json(bob, "PUT", url, {"member": world.bolton.pk, "quantity": "1"}), 403
    )  # not bob's member
    assert_error(_json(api(world, "olga"), "PUT", url, {"member": world.avon.pk, "quantity": "1"}), 403)
    assert DemandEntry.objects.get().quantity == Decimal(1200)


def test_entries_after_the_cut_off_are_refused(world: Any, clock: Clock) -> None:
    clock.set(NOW)
    round_ = make_round(world.capitol, members=(world.avon,), cut_off_at=NOW + dt.timedelta(seconds=1))
    item = round_.items.get(line_number=1)
    clock.set(NOW + dt.timedelta(seconds=1))
    response = _json(
        api(world, "bob"),
        "PUT",
        f"{P}/rounds/{round_.pk}/items/{item.pk}/entry",
        {"member": world.avon.pk, "quantity": "5"},
    )
    assert "cut-off" in json.dumps(assert_error(response, 422))
    assert not DemandEntry.objects.exists()


def test_demand_aggregates_respect_disclosure(world: Any) -> None:
    round_ = make_round(world.capitol, members=(world.avon, world.bolton))
    item = round_.items.get(line_number=1)
    make_entry(item, world.avon, "1200", "82.50")
    make_entry(item, world.bolton, "800", "90.00")
    council = _json(api(world, "alice"), "GET", f"{P}/rounds/{round_.pk}/demand").json()
    assert Decimal(council[0]["total_quantity"]) == Decimal(2000)
    assert Decimal(council[0]["weighted_average_current_price"]) == Decimal("85.5")
    member = _json(api(world, "bob"), "GET", f"{P}/rounds/{round_.pk}/demand").json()
    assert member[0]["total_quantity"] is None and member[0]["weighted_average_current_price"] is None
    entries = _json(api(world, "bob"), "GET", f"{P}/rounds/{round_.pk}/entries").json()
    assert [e["member_id"] for e in entries["items"]] == [world.avon.pk]


def test_public_solicitations_need_no_token_and_hide_drafts(world: Any) -> None:
    sol = make_solicitation(world.capitol, title="Laptops 2027")
    make_solicitation(world.capitol, reference_number="D-1", title="Draft", status="draft")
    anon = api(world, None)
    listing = anon.get(f"{P}/public/solicitations").json()
    assert [s["title"] for s in listing["items"]] == ["Laptops 2027"]
    assert listing["items"][0]["items"][0]["description"] == "Laptop, 14 inch"
    assert anon.get(f"{P}/public/solicitations/{sol.pk}").status_code == 200
    draft = Solicitation.objects.get(reference_number="D-1")
    assert_error(anon.get(f"{P}/public/solicitations/{draft.pk}"), 404)
    assert_error(anon.get(f"{P}/solicitations"), 401)


def test_staff_create_from_round_and_publish(world: Any) -> None:
    round_ = make_round(world.capitol, members=(world.avon,))
    make_entry(round_.items.get(line_number=1), world.avon, "300")
    deadline = timezone.now() + dt.timedelta(days=7)
    body = {
        "consortium": world.capitol.pk,
        "demand_round": round_.pk,
        "reference_number": "IFB-SALT",
        "submission_deadline": deadline.isoformat(),
        "opening_at": (deadline - dt.timedelta(hours=1)).isoformat(),
    }
    sam = api(world, "sam")
    response = _json(sam, "POST", f"{P}/solicitations", body)
    assert assert_error(response, 422)["errors"][0]["loc"][-1] == "opening_at"
    body["opening_at"] = (deadline + dt.timedelta(hours=1)).isoformat()
    created = _json(sam, "POST", f"{P}/solicitations", body)
    assert created.status_code == 201, created.content
    data = created.json()
    assert data["ocid"] == round_.ocid and data["title"] == round_.title
    assert [Decimal(i["total_quantity"]) for i in data["items"]] == [Decimal(300)]
    published = _json(sam, "POST", f"{P}/solicitations/{data['id']}/publish")
    assert published.json()["status"] == "published"
    assert DemandRound.objects.get(pk=round_.pk).solicitations.count() == 1


def test_vendor_questions_addenda_and_acknowledgement(world: Any) -> None:
    vendor = make_vendor("Varga Supply", user=world.vince, consortium=world.capitol)
    sol = make_solicitation(world.capitol)
    vince = api(world, "vince")
    asked = _json(vince, "POST", f"{P}/solicitations/{sol.pk}/questions", {"text": "15-inch?"})
    assert asked.status_code == 201
    assert_error(
        _json(api(world, "bob"), "POST", f"{P}/solicitations/{sol.pk}/questions", {"text": "x"}), 403
    )
    sam = api(world, "sam")
    answered = _json(sam, "POST", f"{P}/questions/{asked.json()['id']}/answer", {"answer": "Yes."})
    assert answered.json()["published"] is True
    issued = _json(sam, "POST", f"{P}/solicitations/{sol.pk}/addenda", {"title": "Dates", "body": "Moved."})
    assert issued.status_code == 201
    pending = _json(vince, "GET", f"{P}/solicitations/{sol.pk}/addenda/unacknowledged").json()
    assert [a["number"] for a in pending["items"]] == [1]
    ack = _json(vince, "POST", f"{P}/addenda/{issued.json()['id']}/acknowledge")
    assert ack.json()["vendor_id"] == vendor.pk
    assert _json(vince, "GET", f"{P}/solicitations/{sol.pk}/addenda/unacknowledged").json()["count"] == 0
    me = _json(vince, "GET", f"{P}/vendor").json()
    assert me["name"] == "Varga Supply" and me["consortia"] == [world.capitol.pk]
    assert_error(_json(api(world, "alice"), "GET", f"{P}/vendor"), 403)


def test_unknown_fields_are_refused(world: Any) -> None:
    response = _json(
        api(world, "sam"),
        "POST",
        f"{P}/rounds",
        {"consortium": world.capitol.pk, "title": "x", "cut_off_at": NOW.isoformat(), "colour": "red"},
    )
    assert_error(response, 422)
    assert not DemandRound.objects.exists()
