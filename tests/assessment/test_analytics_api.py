"""Analytics API operations and the `benchmark` / `generate` commands."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from interlocal.assessment.models import Answer, Campaign, Response
from tests.api.helpers import assert_error, make_token
from tests.assessment.test_analytics_fixtures import CampaignWorld, build_campaign


@pytest.fixture
def cw(world: Any) -> CampaignWorld:
    return build_campaign(world)


def _api(world: Any, person: str, path: str, **query: Any) -> Any:
    token = make_token(getattr(world, person))
    return Client().get(f"/api/v1{path}", query, HTTP_AUTHORIZATION=f"Bearer {token}")


def test_aggregates(cw: CampaignWorld, world: Any) -> None:
    body = _api(world, "olga", f"/assessment/campaigns/{cw.campaign.pk}/aggregates", group="all").json()
    assert body["k"] == 3 and body["participants"] == 7
    row = next(
        f
        for f in body["figures"]
        if f["figure"] == "area" and f["area"] == cw.edms.name and f["dimension"] == "pressing"
    )
    assert row["published"] is True and row["n"] == 7 and row["mean"] == round(32 / 7, 4)
    assert {f["group"] for f in body["figures"]} == {"all"}
    only_matrix = _api(
        world, "bob", f"/assessment/campaigns/{cw.campaign.pk}/aggregates", figure="matrix"
    ).json()
    assert {f["figure"] for f in only_matrix["figures"]} == {"matrix"}


def test_suppressed_figures_carry_no_numbers(cw: CampaignWorld, world: Any) -> None:
    body = _api(world, "alice", f"/assessment/campaigns/{cw.campaign.pk}/aggregates").json()
    hidden = [f for f in body["figures"] if not f["published"]]
    assert hidden, "the fixture's population bands hold fewer than 3 private members somewhere"
    assert all(f["mean"] is None and f["n"] is None for f in hidden)


def test_unknown_group_and_other_consortium(cw: CampaignWorld, world: Any) -> None:
    assert_error(_api(world, "bob", f"/assessment/campaigns/{cw.campaign.pk}/aggregates", group="nope"), 422)
    assert_error(_api(world, "pat", f"/assessment/campaigns/{cw.campaign.pk}/aggregates"), 404)
    assert_error(_api(world, "vince", f"/assessment/campaigns/{cw.campaign.pk}/matrix"), 404)


def test_member_benchmark(cw: CampaignWorld, world: Any) -> None:
    path = f"/assessment/campaigns/{cw.campaign.pk}/benchmark"
    body = _api(world, "bob", path).json()
    assert body["member"] == world.avon.pk and body["answered"] is True
    assert [p["area"] for p in body["pressing"]] == [cw.edms.name]
    row = next(r for r in body["rows"] if r["area"] == cw.edms.name and r["dimension"] == "pressing")
    everyone = row["groups"][0]
    assert everyone["group"] == "all" and everyone["difference"] == round(5 - 32 / 7, 4)
    # Bob may not look at Bolton; the council may.
    assert_error(_api(world, "bob", path, member=world.bolton.pk), 404)
    assert _api(world, "sam", path, member=world.bolton.pk).json()["member"] == world.bolton.pk
    assert _api(world, "sam", path).json()["member"] is None


def test_matrix_and_coalitions(cw: CampaignWorld, world: Any) -> None:
    body = _api(world, "carol", f"/assessment/campaigns/{cw.campaign.pk}/matrix").json()
    assert (
        body["opportunities"][0]["area_id"] == cw.edms.pk and body["opportunities"][0]["quadrant"] == "pursue"
    )
    assert body["member"] == world.bolton.pk and body["member_opportunities"]
    council = _api(
        world, "alice", f"/assessment/campaigns/{cw.campaign.pk}/coalitions", area=cw.edms.pk
    ).json()
    names = {m["name"] for c in council for m in c["members"]}
    assert "Canton" in names
    member = _api(world, "bob", f"/assessment/campaigns/{cw.campaign.pk}/coalitions").json()
    names = {m["name"] for c in member for m in c["members"]}
    assert names <= {"Avon", "Fenwick", "Granby"}
    assert_error(_api(world, "bob", f"/assessment/campaigns/{cw.campaign.pk}/coalitions", window=0), 422)


def test_benchmark_command_prints_json(cw: CampaignWorld) -> None:
    out = io.StringIO()
    call_command("benchmark", str(cw.campaign.pk), "--format", "json", stdout=out)
    doc = json.loads(out.getvalue())
    assert doc["campaign"]["id"] == cw.campaign.pk and doc["participants"] == 7
    assert {g["key"] for g in doc["groups"]} >= {"all", "kind-town"}
    pressing = next(
        f
        for f in doc["areas"]
        if f["group"] == "all" and f["area"] == cw.edms.name and f["dimension"] == "pressing"
    )
    assert pressing["mean"] == round(32 / 7, 4) and pressing["published"] is True
    assert any(f["question"] == "edms.cost" for f in doc["questions"])
    assert doc["opportunities"]["all"][0]["quadrant"] == "pursue"
    assert {f["dimension"] for f in doc["matrix"]} == {"priority", "readiness"}


def test_benchmark_command_bad_campaign(db: Any, capsys: Any) -> None:
    with pytest.raises(SystemExit) as exit_info:
        call_command("benchmark", "12345")
    assert exit_info.value.code == 2
    assert "no campaign 12345" in capsys.readouterr().err


def test_generate_command_makes_a_complete_campaign(db: Any) -> None:
    out = io.StringIO()
    call_command(
        "generate",
        "assessment",
        "--members",
        "12",
        "--questions",
        "30",
        "--seed",
        "5",
        stdout=out,
        stderr=io.StringIO(),
    )
    campaign = Campaign.objects.get(pk=int(out.getvalue().strip().splitlines()[-1]))
    assert Response.objects.filter(campaign=campaign, status="submitted").count() == 12
    assert Answer.objects.filter(campaign=campaign).count() == 12 * 30
    assert (
        Answer.objects.filter(campaign=campaign, num__gte=1, num__lte=5, question__kind="scaled").count() > 0
    )
    with pytest.raises(CommandError):
        call_command("generate", "assessment", "--members", "0")
