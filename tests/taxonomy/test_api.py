"""The taxonomy API: catalogue, matching, review queue; who gets what."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.cache import cache
from django.test import Client

from interlocal.taxonomy.actions import do_resolve_term
from interlocal.taxonomy.models import Synonym, UnmatchedTerm
from tests.api.helpers import assert_error, make_token
from tests.taxonomy.conftest import area

API = "/api/v1/taxonomy"


@pytest.fixture
def api_for(world) -> Callable[[str | None], Client]:
    cache.clear()  # throttle counters

    def make(name: str | None) -> Client:
        if name is None:
            return Client()
        return Client(headers={"Authorization": f"Bearer {make_token(getattr(world, name))}"})

    return make


# --- Catalogue -----------------------------------------------------------------------------------
def test_list_areas_with_synonyms(world, api_for, service_area_factory):
    service_area_factory(consortium=world.capitol, name="Snow removal", sort_order=5)
    body = api_for("bob").get(f"{API}/areas", {"limit": 100}).json()
    assert body["count"] == 22
    first, second = body["items"][:2]
    assert (first["name"], first["consortium_id"]) == ("Snow removal", world.capitol.pk)
    assert second["code"] == "council-agenda" and second["consortium_id"] is None
    assert "Granicus" in {s["text"] for s in second["synonyms"]}


@pytest.mark.parametrize(
    ("query", "codes"),
    [
        ({"q": "laserfiche"}, ["edms-records"]),
        ({"q": "ransomware"}, ["dr-backup"]),
        ({"kind": "capability", "q": "desk"}, ["it-helpdesk"]),
        ({"origin": "own"}, ["snow"]),
        ({"active": "false"}, []),
    ],
)
def test_area_filters(world, api_for, query, codes, service_area_factory):
    service_area_factory(consortium=world.capitol, code="snow", name="Snow removal")
    body = api_for("bob").get(f"{API}/areas", {**query, "limit": 100}).json()
    assert [a["code"] for a in body["items"]] == codes


def test_consortium_synonyms_are_shown_only_to_that_consortiums_people(world, api_for, synonym_factory):
    synonym_factory(area=area("fleet"), consortium=world.capitol, text="DPW garage")
    fleet = area("fleet")
    mine = api_for("bob").get(f"{API}/areas/{fleet.pk}", {"consortium": world.capitol.pk}).json()
    assert "DPW garage" in {s["text"] for s in mine["synonyms"]}
    # pat asks for Capitol Region's synonyms and gets only the standard ones.
    theirs = api_for("pat").get(f"{API}/areas/{fleet.pk}", {"consortium": world.capitol.pk}).json()
    assert "DPW garage" not in {s["text"] for s in theirs["synonyms"]}
    found = api_for("pat").get(f"{API}/areas", {"q": "DPW garage", "consortium": world.capitol.pk}).json()
    assert found["count"] == 0


def test_vendors_read_the_standard_catalogue_only(world, api_for, service_area_factory):
    own = service_area_factory(consortium=world.capitol)
    body = api_for("vince").get(f"{API}/areas", {"limit": 100}).json()
    assert body["count"] == 21
    assert_error(api_for("vince").get(f"{API}/areas/{own.pk}"), 404)
    assert api_for("vince").get(f"{API}/areas/{area('fleet').pk}").status_code == 200


def test_anonymous_get_nothing(world, api_for):
    assert_error(api_for(None).get(f"{API}/areas"), 401)
    assert_error(_match(api_for(None), world.capitol.pk, text="x"), 401)


def test_other_consortiums_area_is_404(world, api_for, service_area_factory):
    theirs = service_area_factory(consortium=world.prairies)
    assert_error(api_for("alice").get(f"{API}/areas/{theirs.pk}"), 404)


# --- Matching ------------------------------------------------------------------------------------
def _match(client: Client, consortium: int = 0, **body):
    return client.post(f"{API}/consortia/{consortium or 1}/match", body, content_type="application/json")


def test_match(world, api_for):
    body = _match(api_for("bob"), consortium=world.capitol.pk, text="Laserfische").json()
    assert body["area"]["code"] == "edms-records"
    assert body["method"] == "fuzzy" and 86 <= body["score"] < 100
    assert body["matched_text"] == "Laserfiche" and body["queued"] is False


def test_match_without_record_queues_nothing(world, api_for):
    body = _match(api_for("bob"), consortium=world.capitol.pk, text="Snow plowing").json()
    assert (body["area"], body["method"], body["queued"]) == (None, "unmatched", False)
    assert not UnmatchedTerm.objects.exists()


def test_match_with_record_queues_unmatched_terms(world, api_for):
    body = _match(
        api_for("bob"), consortium=world.capitol.pk, text="Snow plowing", record=True, source="costing.upload"
    ).json()
    assert body["queued"] is True
    term = UnmatchedTerm.objects.get()
    assert (term.consortium, term.sources) == (world.capitol, {"costing.upload": 1})


def test_observers_may_match_but_not_record(world, api_for):
    assert _match(api_for("olga"), consortium=world.capitol.pk, text="Munis").status_code == 200
    assert_error(_match(api_for("olga"), consortium=world.capitol.pk, text="Snow", record=True), 403)
    assert not UnmatchedTerm.objects.exists()


@pytest.mark.parametrize("name", ["vince", "pat"])
def test_match_in_a_consortium_one_has_no_role_in_is_404(world, api_for, name):
    assert_error(_match(api_for(name), consortium=world.capitol.pk, text="Munis"), 404)


@pytest.mark.parametrize(
    ("body", "where"),
    [
        ({}, "text"),
        ({"text": ""}, "text"),
        ({"text": "x" * 201}, "text"),
        ({"text": "x", "source": "Bad Source!"}, "source"),
        ({"text": "x", "extra": 1}, "extra"),
    ],
)
def test_bad_match_input_names_the_field(world, api_for, body, where):
    error = assert_error(_match(api_for("bob"), world.capitol.pk, **body), 422)
    assert any(where in item["loc"] for item in error["errors"]), error


# --- Review queue --------------------------------------------------------------------------------
def test_queue_list(world, api_for, unmatched_term_factory):
    do_resolve_term(world.capitol, "Snow plowing", source="assessment.import")
    do_resolve_term(world.capitol, "Snow plowing", source="assessment.import")
    unmatched_term_factory(consortium=world.capitol, text="Old", status="ignored")
    unmatched_term_factory(consortium=world.prairies, text="Prairie term")
    body = api_for("olga").get(f"{API}/terms", {"status": "pending"}).json()
    assert [t["text"] for t in body["items"]] == ["Snow plowing"]
    assert body["items"][0]["occurrences"] == 2
    assert body["items"][0]["sources"] == {"assessment.import": 2}
    assert api_for("bob").get(f"{API}/terms").json()["count"] == 0  # member people do not read the queue
    assert api_for("vince").get(f"{API}/terms").json()["count"] == 0
    assert [t["text"] for t in api_for("pat").get(f"{API}/terms").json()["items"]] == ["Prairie term"]


def test_resolve_map_remembers_the_term(world, api_for, unmatched_term_factory):
    term = unmatched_term_factory(consortium=world.capitol, text="Snow plowing")
    response = api_for("sam").post(
        f"{API}/terms/{term.pk}/resolve",
        {"action": "map", "area": area("fleet").pk},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "mapped" and response.json()["area"]["code"] == "fleet"
    assert Synonym.objects.get(consortium=world.capitol).text == "Snow plowing"
    again = _match(api_for("bob"), consortium=world.capitol.pk, text="snow plowing").json()
    assert (again["area"]["code"], again["method"]) == ("fleet", "exact")


def test_resolve_new_area_ignore_reopen(world, api_for, unmatched_term_factory):
    term = unmatched_term_factory(consortium=world.capitol, text="Cemetery plots")
    client = api_for("alice")
    url = f"{API}/terms/{term.pk}/resolve"
    assert (
        client.post(url, {"action": "ignore"}, content_type="application/json").json()["status"] == "ignored"
    )
    assert (
        client.post(url, {"action": "reopen"}, content_type="application/json").json()["status"] == "pending"
    )
    body = client.post(
        url,
        {"action": "new_area", "name": "Cemeteries", "definition": "Plots and burials.", "kind": "service"},
        content_type="application/json",
    ).json()
    assert body["area"]["name"] == "Cemeteries"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"action": "map"}, "area"),
        ({"action": "map", "area": 999999}, "area"),
        ({"action": "new_area", "name": "X"}, "definition"),
        ({"action": "destroy"}, "action"),
    ],
)
def test_bad_resolve_input_changes_nothing(world, api_for, payload, field, unmatched_term_factory):
    term = unmatched_term_factory(consortium=world.capitol)
    error = assert_error(
        api_for("sam").post(f"{API}/terms/{term.pk}/resolve", payload, content_type="application/json"), 422
    )
    assert any(field in item["loc"] for item in error["errors"]), error
    term.refresh_from_db()
    assert term.status == "pending"


def test_resolve_refusals(world, api_for, unmatched_term_factory):
    term = unmatched_term_factory(consortium=world.capitol)
    url = f"{API}/terms/{term.pk}/resolve"
    assert_error(api_for("olga").post(url, {"action": "ignore"}, content_type="application/json"), 403)
    for name in ("bob", "vince", "pat"):
        assert_error(api_for(name).post(url, {"action": "ignore"}, content_type="application/json"), 404)
    term.refresh_from_db()
    assert term.status == "pending"
