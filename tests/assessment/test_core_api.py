"""API of the assessment core: templates, campaigns, own responses (answers through do_save_answers)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from interlocal.assessment.actions import do_save_answers, do_submit_response
from interlocal.assessment.models import Answer, Campaign, Response, Template
from interlocal.tenancy.models import Membership
from tests.api.helpers import assert_error, make_token
from tests.assessment.factories import FULL_ANSWERS, make_campaign, make_version, response_of

pytestmark = pytest.mark.django_db

API = "/api/v1/assessment"


@pytest.fixture
def api_for(world: Any) -> Any:
    def make(name: str) -> Client:
        return Client(headers={"Authorization": f"Bearer {make_token(getattr(world, name))}"})

    return make


def _put(client: Client, url: str, body: Any) -> Any:
    return client.put(url, data=json.dumps(body), content_type="application/json")


def _post(client: Client, url: str, body: Any = None) -> Any:
    return client.post(url, data=json.dumps(body or {}), content_type="application/json")


# --- Templates ---------------------------------------------------------------------------------------


def test_templates_list_get_and_version(world: Any, api_for: Any) -> None:
    own = make_version(world.capitol, name="Capitol API template")
    client = api_for("bob")
    listed = client.get(f"{API}/templates").json()
    names = {t["name"]: t for t in listed["items"]}
    assert listed["count"] == 2
    assert names["Interlocal standard needs assessment"]["is_standard"] is True
    assert names["Capitol API template"]["consortium_id"] == world.capitol.pk
    assert client.get(f"{API}/templates", {"standard": "true"}).json()["count"] == 1
    one = client.get(f"{API}/templates/{own.template_id}").json()
    assert one["versions"] == [
        {
            "id": own.pk,
            "number": 1,
            "is_locked": False,
            "note": "",
            "created_at": one["versions"][0]["created_at"],
        }
    ]
    version = client.get(f"{API}/template-versions/{own.pk}").json()
    assert [s["title"] for s in version["sections"]] == ["Financial management", "About your organization"]
    first = version["sections"][0]
    assert first["area"]["code"] == "financial-erp"
    cost = next(q for q in first["questions"] if q["code"] == "erp.annual-cost")
    assert (cost["kind"], cost["unit"], cost["min_value"]) == ("number", "USD/year", 0.0)
    standard = Template.objects.get(key="standard", consortium__isnull=True).versions.get()
    full = client.get(f"{API}/template-versions/{standard.pk}").json()
    assert len(full["sections"]) == standard.sections.count()
    assert_error(api_for("pat").get(f"{API}/templates/{own.template_id}"), 404)
    assert api_for("vince").get(f"{API}/templates").json()["count"] == 0


# --- Campaigns ---------------------------------------------------------------------------------------


def _campaign_body(world: Any, version: Any, **changes: Any) -> dict[str, Any]:
    body = {
        "consortium": world.capitol.pk,
        "name": "API campaign",
        "template_version": version.pk,
        "members": [world.avon.pk, world.bolton.pk],
        "deadline": (timezone.now() + dt.timedelta(days=9)).isoformat(),
    }
    body.update(changes)
    return body


def test_create_list_and_get_campaigns(world: Any, api_for: Any) -> None:
    version = make_version(world.capitol)
    created = _post(api_for("sam"), f"{API}/campaigns", _campaign_body(world, version, reminder_days=[5]))
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "open" and body["responses_total"] == 2 and body["reminder_days"] == [5]
    campaign = Campaign.objects.get(pk=body["id"])
    assert campaign.template_version.is_locked
    draft = _post(
        api_for("sam"), f"{API}/campaigns", _campaign_body(world, version, name="Draft", launch=False)
    )
    assert draft.json()["status"] == "draft"
    member_view = api_for("bob").get(f"{API}/campaigns").json()
    assert [c["name"] for c in member_view["items"]] == ["API campaign"]  # drafts are the council's
    assert api_for("sam").get(f"{API}/campaigns", {"status": "draft"}).json()["count"] == 1
    assert api_for("bob").get(f"{API}/campaigns/{campaign.pk}").json()["name"] == "API campaign"
    assert_error(api_for("bob").get(f"{API}/campaigns/{draft.json()['id']}"), 404)
    assert_error(api_for("pat").get(f"{API}/campaigns/{campaign.pk}"), 404)


def test_campaign_creation_is_for_the_council(world: Any, api_for: Any) -> None:
    version = make_version(world.capitol)
    for name in ("bob", "ada", "olga"):
        assert_error(_post(api_for(name), f"{API}/campaigns", _campaign_body(world, version)), 403)
    assert_error(_post(api_for("pat"), f"{API}/campaigns", _campaign_body(world, version)), 404)
    assert not Campaign.objects.exists()


@pytest.mark.parametrize(
    ("changes", "loc"),
    [
        ({"deadline": "2020-01-01T00:00:00Z"}, ["body", "deadline"]),
        ({"deadline": "2031-01-01T00:00:00"}, ["body", "deadline"]),
        ({"members": []}, ["body", "members"]),
        ({"members": [999999]}, ["body", "members"]),
        ({"reminder_days": [0]}, ["body", "reminder_days"]),
        ({"name": ""}, ["body", "payload", "name"]),
        ({"priority_threshold": 7}, ["body", "payload", "priority_threshold"]),
        ({"colour": "blue"}, ["body", "payload", "colour"]),
    ],
)
def test_campaign_bad_input(world: Any, api_for: Any, changes: dict[str, Any], loc: list[str]) -> None:
    version = make_version(world.capitol)
    body = assert_error(
        _post(api_for("sam"), f"{API}/campaigns", _campaign_body(world, version, **changes)), 422
    )
    assert any(e["loc"][: len(loc)] == loc or e["loc"][-1] == loc[-1] for e in body["errors"]), body
    assert not Campaign.objects.exists()


def test_airdrie_cannot_be_added_to_a_capitol_campaign(world: Any, api_for: Any) -> None:
    version = make_version(world.capitol)
    body = assert_error(
        _post(api_for("sam"), f"{API}/campaigns", _campaign_body(world, version, members=[world.airdrie.pk])),
        422,
    )
    assert body["errors"][0]["loc"] == ["body", "members"]


# --- Responses ---------------------------------------------------------------------------------------


def test_own_responses(world: Any, api_for: Any) -> None:
    campaign = make_campaign(world)
    do_save_answers(response_of(campaign, world.avon), FULL_ANSWERS, actor=world.bob)
    listed = api_for("bob").get(f"{API}/responses").json()
    assert [r["member"]["name"] for r in listed["items"]] == ["Avon"]
    assert api_for("sam").get(f"{API}/responses", {"campaign": campaign.pk}).json()["count"] == 2
    one = api_for("bob").get(f"{API}/responses/{response_of(campaign, world.avon).pk}").json()
    assert one["answers"]["erp.annual-cost"] == 125000.0
    assert one["answers"]["erp.channels"] == ["Online", "Counter"]
    assert one["answers"]["erp.contract-end"] == "2027-06-30"
    assert one["answers"]["erp.system"] == "Munis"
    assert one["status"] == "in_progress" and one["visibility"] == "aggregate"
    assert_error(api_for("carol").get(f"{API}/responses/{response_of(campaign, world.avon).pk}"), 404)


def test_put_answers_then_submit(world: Any, api_for: Any) -> None:
    campaign = make_campaign(world)
    response = response_of(campaign, world.avon)
    url = f"{API}/responses/{response.pk}"
    saved = _put(api_for("bob"), f"{url}/answers", {"answers": FULL_ANSWERS, "visibility": "named"})
    assert saved.status_code == 200, saved.content
    body = saved.json()
    assert (
        body["answered_count"] == len(FULL_ANSWERS)
        and body["source"] == "api"
        and body["visibility"] == "named"
    )
    cleared = _put(api_for("bob"), f"{url}/answers", {"answers": {"general.notes": None}}).json()
    assert "general.notes" not in cleared["answers"]
    submitted = _post(api_for("bob"), f"{url}/submit")
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    late = assert_error(_put(api_for("bob"), f"{url}/answers", {"answers": {"erp.system": "SAP"}}), 409)
    assert "submitted" in late["detail"]
    assert_error(_post(api_for("bob"), f"{url}/submit"), 409)


def test_put_reports_every_bad_value_at_its_code_and_stores_nothing(world: Any, api_for: Any) -> None:
    campaign = make_campaign(world)
    response = response_of(campaign, world.avon)
    body = assert_error(
        _put(
            api_for("bob"),
            f"{API}/responses/{response.pk}/answers",
            {
                "answers": {
                    "erp.satisfaction": 8,
                    "erp.annual-cost": "twelve",
                    "erp.hosting": "Mainframe",
                    "nope": 1,
                    "erp.system": "fine",
                }
            },
        ),
        422,
    )
    located = {tuple(e["loc"]): e["msg"] for e in body["errors"]}
    assert set(located) == {
        ("body", "answers", "erp.satisfaction"),
        ("body", "answers", "erp.annual-cost"),
        ("body", "answers", "erp.hosting"),
        ("body", "answers", "nope"),
    }
    assert "not on the scale" in located[("body", "answers", "erp.satisfaction")]
    assert not Answer.objects.filter(response=response).exists()


@pytest.mark.parametrize(
    "body",
    [
        {"answers": "all of them"},
        {"answers": {"erp.system": {"nested": 1}}},
        {"answers": {"erp.system": "x" * 6000}},
        {"answers": {}, "extra": 1},
        ["not", "an", "object"],
    ],
)
def test_put_refuses_malformed_bodies(world: Any, api_for: Any, body: Any) -> None:
    campaign = make_campaign(world)
    response = response_of(campaign, world.avon)
    assert_error(_put(api_for("bob"), f"{API}/responses/{response.pk}/answers", body), 422)
    assert not Answer.objects.filter(response=response).exists()


def test_read_only_people_get_403_and_others_404(world: Any, api_for: Any) -> None:
    campaign = make_campaign(world)
    response = response_of(campaign, world.avon)
    from interlocal.accounts.models import User

    otto = User.objects.create_user(email="otto@avon.example")
    Membership.objects.create(user=otto, consortium=world.capitol, member=world.avon, role="observer")
    observer = Client(headers={"Authorization": f"Bearer {make_token(otto)}"})
    assert observer.get(f"{API}/responses/{response.pk}").status_code == 200
    for client in (observer, api_for("sam")):
        assert_error(
            _put(client, f"{API}/responses/{response.pk}/answers", {"answers": {"erp.system": "x"}}), 403
        )
        assert_error(_post(client, f"{API}/responses/{response.pk}/submit"), 403)
    for name in ("carol", "olga", "pat"):
        assert_error(
            _put(api_for(name), f"{API}/responses/{response.pk}/answers", {"answers": {"erp.system": "x"}}),
            404,
        )
    assert not Answer.objects.filter(response=response).exists()


def test_submit_lists_missing_required_questions(world: Any, api_for: Any) -> None:
    campaign = make_campaign(world)
    response = response_of(campaign, world.avon)
    body = assert_error(_post(api_for("bob"), f"{API}/responses/{response.pk}/submit"), 422)
    assert body["errors"] == [
        {"loc": ["body", "answers", "erp.satisfaction"], "msg": "Required: answer it before submitting."}
    ]
    assert response_of(campaign, world.avon).status == Response.Status.NOT_STARTED


def test_submit_after_the_deadline_is_a_conflict(world: Any, api_for: Any) -> None:
    campaign = make_campaign(world)
    response = response_of(campaign, world.avon)
    do_save_answers(response, FULL_ANSWERS, actor=world.bob)
    Campaign.objects.filter(pk=campaign.pk).update(deadline=timezone.now() - dt.timedelta(minutes=5))
    body = assert_error(_post(api_for("bob"), f"{API}/responses/{response.pk}/submit"), 409)
    assert "deadline" in body["detail"]


def test_submitted_then_reopened_shows_in_the_api(world: Any, api_for: Any) -> None:
    from interlocal.assessment.actions import do_reopen_response

    campaign = make_campaign(world)
    response = response_of(campaign, world.avon)
    do_save_answers(response, FULL_ANSWERS, actor=world.bob)
    do_submit_response(response, actor=world.bob)
    do_reopen_response(response, actor=world.sam)
    one = api_for("bob").get(f"{API}/responses/{response.pk}").json()
    assert (
        one["status"] == "in_progress" and one["reopened_at"] is not None and one["submitted_at"] is not None
    )
