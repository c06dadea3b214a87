"""Services API: catalog, scoped subscriptions and usage, idempotent usage POST (retry, 409)."""

from __future__ import annotations

import json

import pytest

from interlocal.services.models import Subscription, UsageRecord
from tests.services.conftest import make_service, usage

pytestmark = pytest.mark.django_db

URL = "/api/v1/services/usage"


def _body(world, backup, quantity="10"):
    return {
        "service_id": backup.pk,
        "member_id": world.avon.pk,
        "period_start": "2026-02-01",
        "period_end": "2026-02-28",
        "quantity": quantity,
    }


def _post(client, body, key=None):
    headers = {"Idempotency-Key": key} if key else {}
    return client.post(URL, json.dumps(body), content_type="application/json", headers=headers)


def test_catalog(world, api_for, backup):
    items = api_for("bob").get("/api/v1/services").json()["items"]
    assert [s["name"] for s in items] == ["Shared backup"]
    assert api_for("bob").get(f"/api/v1/services/{backup.pk}").json()["status"] == "live"
    assert api_for("pat").get(f"/api/v1/services/{backup.pk}").status_code == 404


def test_subscriptions_scoped(world, api_for, backup):
    items = api_for("carol").get("/api/v1/services/subscriptions").json()["items"]
    assert [s["member"] for s in items] == ["Bolton"]
    avon = Subscription.objects.get(member=world.avon)
    assert api_for("carol").get(f"/api/v1/services/subscriptions/{avon.pk}").status_code == 404
    assert api_for("bob").get(f"/api/v1/services/subscriptions/{avon.pk}").status_code == 200
    assert len(api_for("alice").get("/api/v1/services/subscriptions").json()["items"]) == 2


def test_usage_list_scoped(world, api_for, backup):
    usage(backup, world.avon)
    usage(backup, world.bolton)
    assert len(api_for("carol").get(URL).json()["items"]) == 1
    assert len(api_for("alice").get(URL).json()["items"]) == 2


def test_post_and_retry_counts_once(world, api_for, backup):
    alice = api_for("alice")
    first = _post(alice, _body(world, backup), key="k-1")
    assert first.status_code == 201, first.content
    retry = _post(alice, _body(world, backup), key="k-1")
    assert retry.status_code == 200
    assert retry.json()["id"] == first.json()["id"]
    assert UsageRecord.objects.count() == 1


def test_same_key_other_body_is_409(world, api_for, backup):
    alice = api_for("alice")
    assert _post(alice, _body(world, backup), key="k-2").status_code == 201
    conflict = _post(alice, _body(world, backup, quantity="11"), key="k-2")
    assert conflict.status_code == 409
    assert set(conflict.json()) == {"detail", "errors"}
    assert UsageRecord.objects.count() == 1


def test_post_refuses_bad_input_with_400(world, api_for, backup):
    alice = api_for("alice")
    negative = _post(alice, _body(world, backup, quantity="-1"), key="k-3")
    assert negative.status_code == 400 and "negative" in negative.content.decode()
    backwards = {**_body(world, backup), "period_start": "2026-03-01"}
    assert _post(alice, backwards).status_code == 400
    canton = {**_body(world, backup), "member_id": world.canton.pk}
    refused = _post(alice, canton)
    assert refused.status_code == 400 and "does not subscribe" in refused.content.decode()
    assert not UsageRecord.objects.exists()


def test_post_by_member_staff_403_and_other_consortium_404(world, api_for, backup):
    assert _post(api_for("bob"), _body(world, backup), key="k-4").status_code == 403
    assert _post(api_for("pat"), _body(world, backup)).status_code == 404
    other = make_service(world.prairies, "Prairie backup")
    assert _post(api_for("alice"), {**_body(world, backup), "service_id": other.pk}).status_code == 404
    assert not UsageRecord.objects.exists()
