"""Taxonomy pages: happy paths, read-only people get 403 on writes, other consortia get 404."""

from __future__ import annotations

import pytest
from django.urls import reverse

from interlocal.taxonomy.actions import do_resolve_term
from interlocal.taxonomy.models import ServiceArea, Synonym, UnmatchedTerm
from tests.taxonomy.conftest import area


def names_in(response) -> list[str]:
    return [row["object"].name for row in response.context["table"].rows]


# --- Catalogue -----------------------------------------------------------------------------------
def test_catalogue_lists_standard_and_own_areas_in_catalogue_order(world, client_for, service_area_factory):
    service_area_factory(consortium=world.capitol, name="Snow removal", sort_order=5)
    service_area_factory(consortium=world.prairies, name="Prairie grain elevators")
    response = client_for("bob").get(reverse("taxonomy:areas"), {"page": 1})
    assert response.status_code == 200
    names = names_in(response)
    assert names[:2] == ["Snow removal", "Council and agenda management"]
    assert "Prairie grain elevators" not in response.content.decode()
    assert response.context["table"].paginator.count == 22


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"q": "Laserfiche"}, ["Electronic document management and records"]),  # a synonym
        ({"q": "ransomware"}, ["Disaster recovery and backup"]),  # the definition
        ({"q": "payroll"}, ["Human resources and payroll"]),
        ({"kind": "capability", "q": "help"}, ["IT help desk"]),
        ({"origin": "own"}, ["Old thing", "Snow removal"]),
        ({"active": "False"}, ["Old thing"]),
    ],
)
def test_catalogue_search_and_filters(world, client_for, query, expected, service_area_factory):
    service_area_factory(consortium=world.capitol, name="Snow removal")
    service_area_factory(consortium=world.capitol, name="Old thing", is_active=False)
    response = client_for("bob").get(reverse("taxonomy:areas"), query)
    assert names_in(response) == expected


def test_catalogue_search_does_not_find_other_consortiums_synonyms(world, client_for, synonym_factory):
    synonym_factory(area=area("fleet"), consortium=world.prairies, text="Zamboni shed")
    assert names_in(client_for("bob").get(reverse("taxonomy:areas"), {"q": "Zamboni"})) == []
    assert names_in(client_for("pat").get(reverse("taxonomy:areas"), {"q": "Zamboni"})) == ["Fleet"]


def test_catalogue_csv_has_definitions_and_synonyms(world, client_for):
    response = client_for("olga").get(reverse("taxonomy:areas"), {"format": "csv", "q": "laserfiche"})
    body = b"".join(response.streaming_content).decode()
    assert "Electronic document management and records" in body
    assert "OnBase" in body and "scanning and imaging" in body


def test_vendors_and_people_without_a_consortium_read_the_standard_catalogue_only(
    world, client_for, service_area_factory
):
    service_area_factory(consortium=world.capitol, name="Snow removal")
    response = client_for("vince").get(reverse("taxonomy:areas"))
    assert response.status_code == 200
    assert "Snow removal" not in names_in(response)
    assert response.context["table"].paginator.count == 21


def test_vendors_neither_see_nor_find_a_consortiums_own_synonyms(world, client_for, synonym_factory):
    synonym_factory(area=area("edms-records"), consortium=world.capitol, text="Town clerk vault")
    client = client_for("vince")
    response = client.get(reverse("taxonomy:areas"), {"q": "clerk vault"})
    assert response.context["table"].paginator.count == 0
    response = client.get(reverse("taxonomy:areas"), {"format": "csv"})
    body = b"".join(response.streaming_content).decode()
    assert "Laserfiche" in body and "Town clerk vault" not in body
    response = client_for("bob").get(reverse("taxonomy:areas"), {"q": "clerk vault"})
    assert response.context["table"].paginator.count == 1


def test_try_a_term(world, client_for):
    response = client_for("bob").get(reverse("taxonomy:areas"), {"term": "Laserfische"})
    assert response.context["tried"].area == area("edms-records")
    assert "Matches" in response.content.decode()
    response = client_for("bob").get(reverse("taxonomy:areas"), {"term": "Snow plowing"})
    assert response.context["tried"].area is None
    assert not UnmatchedTerm.objects.exists()  # trying records nothing


def test_catalogue_needs_sign_in(client):
    response = client.get(reverse("taxonomy:areas"))
    assert response.status_code == 302


# --- Area detail ---------------------------------------------------------------------------------
def test_area_detail_shows_definition_and_synonyms(world, client_for, synonym_factory):
    synonym_factory(area=area("edms-records"), consortium=world.capitol, text="Town clerk vault")
    synonym_factory(area=area("edms-records"), consortium=world.prairies, text="Prairie vault")
    response = client_for("bob").get(reverse("taxonomy:area_detail", args=[area("edms-records").pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Laserfiche" in body and "retention schedules" in body and "Town clerk vault" in body
    assert "Prairie vault" not in body
    assert not response.context["can_manage"]


def test_another_consortiums_area_is_404(world, client_for, service_area_factory):
    theirs = service_area_factory(consortium=world.prairies)
    for name in ("bob", "alice", "vince"):
        assert client_for(name).get(reverse("taxonomy:area_detail", args=[theirs.pk])).status_code == 404


def test_vendors_do_not_see_own_areas(world, client_for, service_area_factory):
    own = service_area_factory(consortium=world.capitol)
    assert client_for("vince").get(reverse("taxonomy:area_detail", args=[own.pk])).status_code == 404
    assert (
        client_for("vince").get(reverse("taxonomy:area_detail", args=[area("fleet").pk])).status_code == 200
    )


# --- Own areas -----------------------------------------------------------------------------------
def test_staff_add_an_area(world, client_for):
    client = client_for("sam")
    assert client.get(reverse("taxonomy:area_create")).status_code == 200
    response = client.post(
        reverse("taxonomy:area_create"),
        {
            "name": "Snow removal",
            "code": "",
            "kind": "service",
            "definition": "Plowing.",
            "sort_order": 5,
            "is_active": "on",
        },
    )
    own = ServiceArea.objects.get(consortium=world.capitol)
    assert response.status_code == 302 and response.url == reverse("taxonomy:area_detail", args=[own.pk])
    assert own.code == "snow-removal"


def test_add_area_with_a_standard_code_shows_the_error(world, client_for):
    response = client_for("sam").post(
        reverse("taxonomy:area_create"),
        {"name": "Our fleet", "code": "fleet", "kind": "service", "definition": "Cars.", "sort_order": 5},
    )
    assert response.status_code == 200
    assert "already used" in response.content.decode()
    assert not ServiceArea.objects.filter(consortium=world.capitol).exists()


@pytest.mark.parametrize("name", ["olga", "bob", "ada", "vince"])
def test_read_only_people_may_not_add_areas(world, client_for, name):
    client = client_for(name)
    assert client.get(reverse("taxonomy:area_create")).status_code == 403
    assert (
        client.post(
            reverse("taxonomy:area_create"),
            {"name": "X", "kind": "service", "definition": "x", "sort_order": 1},
        ).status_code
        == 403
    )
    assert not ServiceArea.objects.filter(consortium__isnull=False).exists()


def test_staff_edit_an_own_area(world, client_for, service_area_factory):
    own = service_area_factory(consortium=world.capitol, name="Snow removal")
    url = reverse("taxonomy:area_edit", args=[own.pk])
    client = client_for("alice")
    assert client.get(url).status_code == 200
    data = {
        "name": "Snow and ice",
        "code": own.code,
        "kind": "service",
        "definition": own.definition,
        "sort_order": 5,
    }
    assert client.post(url, data).status_code == 302
    own.refresh_from_db()
    assert (own.name, own.is_active) == ("Snow and ice", False)


def test_editing_a_standard_area_is_403_and_other_consortiums_404(world, client_for, service_area_factory):
    assert client_for("alice").get(reverse("taxonomy:area_edit", args=[area("fleet").pk])).status_code == 403
    theirs = service_area_factory(consortium=world.prairies)
    assert client_for("alice").get(reverse("taxonomy:area_edit", args=[theirs.pk])).status_code == 404
    own = service_area_factory(consortium=world.capitol, name="Snow removal")
    response = client_for("olga").post(reverse("taxonomy:area_edit", args=[own.pk]), {"name": "Hacked"})
    assert response.status_code == 403
    own.refresh_from_db()
    assert own.name == "Snow removal"


# --- Synonyms ------------------------------------------------------------------------------------
def test_staff_add_and_remove_a_synonym(world, client_for):
    client = client_for("sam")
    fleet = area("fleet")
    response = client.post(reverse("taxonomy:synonym_add", args=[fleet.pk]), {"text": "DPW garage"})
    assert response.status_code == 302
    synonym = Synonym.objects.get(consortium=world.capitol)
    assert synonym.area == fleet
    response = client.post(reverse("taxonomy:synonym_delete", args=[synonym.pk]))
    assert response.status_code == 302
    assert not Synonym.objects.filter(consortium=world.capitol).exists()


def test_a_taken_synonym_is_reported(world, client_for):
    response = client_for("sam").post(
        reverse("taxonomy:synonym_add", args=[area("fleet").pk]), {"text": "laserfiche"}, follow=True
    )
    assert "already a synonym of Electronic document management and records" in response.content.decode()
    assert not Synonym.objects.filter(consortium__isnull=False).exists()


def test_synonym_writes_are_refused_to_read_only_people_and_outsiders(world, client_for, synonym_factory):
    fleet = area("fleet")
    assert (
        client_for("olga").post(reverse("taxonomy:synonym_add", args=[fleet.pk]), {"text": "x1"}).status_code
        == 403
    )
    mine = synonym_factory(area=fleet, consortium=world.capitol, text="DPW garage")
    assert client_for("olga").post(reverse("taxonomy:synonym_delete", args=[mine.pk])).status_code == 403
    assert client_for("pat").post(reverse("taxonomy:synonym_delete", args=[mine.pk])).status_code == 404
    standard = Synonym.objects.filter(consortium__isnull=True).first()
    assert client_for("alice").post(reverse("taxonomy:synonym_delete", args=[standard.pk])).status_code == 403
    assert Synonym.objects.filter(pk__in=[mine.pk, standard.pk]).count() == 2
    assert not Synonym.objects.filter(text="x1").exists()


# --- Review queue --------------------------------------------------------------------------------
def test_queue_lists_waiting_terms_with_a_best_guess(world, client_for, unmatched_term_factory):
    do_resolve_term(world.capitol, "Laserfish imaging vault", source="assessment.import")
    unmatched_term_factory(consortium=world.capitol, text="Old one", status="ignored")
    unmatched_term_factory(consortium=world.prairies, text="Prairie term")
    response = client_for("sam").get(reverse("taxonomy:queue"))
    assert response.status_code == 200
    rows = [row["object"].text for row in response.context["table"].rows]
    assert rows == ["Laserfish imaging vault"]
    body = response.content.decode()
    assert "Electronic document management and records (" in body
    assert "assessment.import (1)" in body
    everything = client_for("sam").get(reverse("taxonomy:queue"), {"status": ""})
    assert {row["object"].text for row in everything.context["table"].rows} == {
        "Laserfish imaging vault",
        "Old one",
    }


def test_queue_csv(world, client_for):
    do_resolve_term(world.capitol, "Snow plowing", source="costing.upload")
    response = client_for("olga").get(reverse("taxonomy:queue"), {"format": "csv"})
    body = b"".join(response.streaming_content).decode()
    assert "Snow plowing" in body and "costing.upload (1)" in body


@pytest.mark.parametrize("name", ["bob", "ada", "carol", "vince"])
def test_member_people_and_vendors_do_not_get_the_queue(world, client_for, name):
    assert client_for(name).get(reverse("taxonomy:queue")).status_code == 403


def test_staff_map_a_term_and_it_matches_next_time(world, client_for):
    do_resolve_term(world.capitol, "Snow plowing", source="assessment.import")
    term = UnmatchedTerm.objects.get()
    url = reverse("taxonomy:term_detail", args=[term.pk])
    client = client_for("sam")
    page = client.get(url)
    assert page.status_code == 200 and page.context["can_manage"]
    response = client.post(url, {"action": "map", "area": area("fleet").pk})
    assert response.status_code == 302 and response.url == reverse("taxonomy:queue")
    term.refresh_from_db()
    assert (term.status, term.area) == ("mapped", area("fleet"))
    assert do_resolve_term(world.capitol, "snow plowing", source="assessment.import") == area("fleet")


def test_map_a_term_to_a_new_area(world, client_for, unmatched_term_factory):
    term = unmatched_term_factory(consortium=world.capitol, text="Cemetery plots")
    response = client_for("alice").post(
        reverse("taxonomy:term_detail", args=[term.pk]),
        {"action": "new", "name": "Cemeteries", "kind": "service", "definition": "Plots and burials."},
    )
    assert response.status_code == 302
    assert ServiceArea.objects.get(consortium=world.capitol).name == "Cemeteries"


def test_map_without_an_area_shows_an_error_and_changes_nothing(
    world, client_for, service_area_factory, unmatched_term_factory
):
    term = unmatched_term_factory(consortium=world.capitol)
    theirs = service_area_factory(consortium=world.prairies)
    for data in ({"action": "map"}, {"action": "map", "area": "abc"}, {"action": "map", "area": theirs.pk}):
        response = client_for("sam").post(reverse("taxonomy:term_detail", args=[term.pk]), data)
        assert response.status_code == 200
        assert response.context["map_form"].errors
    term.refresh_from_db()
    assert term.status == "pending"
    assert not Synonym.objects.filter(consortium__isnull=False).exists()


def test_ignore_and_reopen_from_the_page(world, client_for, unmatched_term_factory):
    term = unmatched_term_factory(consortium=world.capitol, text="N/A")
    url = reverse("taxonomy:term_detail", args=[term.pk])
    assert client_for("sam").post(url, {"action": "ignore"}).status_code == 302
    term.refresh_from_db()
    assert term.status == "ignored"
    assert client_for("sam").post(url, {"action": "reopen"}).status_code == 302
    term.refresh_from_db()
    assert term.status == "pending"


def test_observer_reads_a_term_but_may_not_map_it(world, client_for, unmatched_term_factory):
    term = unmatched_term_factory(consortium=world.capitol)
    url = reverse("taxonomy:term_detail", args=[term.pk])
    page = client_for("olga").get(url)
    assert page.status_code == 200 and not page.context["can_manage"]
    assert "Map term" not in page.content.decode()
    assert client_for("olga").post(url, {"action": "ignore"}).status_code == 403
    term.refresh_from_db()
    assert term.status == "pending"


def test_other_consortiums_and_members_get_404_for_a_term(world, client_for, unmatched_term_factory):
    term = unmatched_term_factory(consortium=world.capitol)
    url = reverse("taxonomy:term_detail", args=[term.pk])
    for name in ("pat", "bob", "vince"):
        assert client_for(name).get(url).status_code == 404, name
        assert client_for(name).post(url, {"action": "ignore"}).status_code == 404, name
    term.refresh_from_db()
    assert term.status == "pending"


# --- Navigation and dashboard --------------------------------------------------------------------
def test_dashboard_card_counts_the_queue_for_staff(world, client_for, unmatched_term_factory):
    unmatched_term_factory(consortium=world.capitol)
    unmatched_term_factory(consortium=world.capitol)
    body = client_for("sam").get(reverse("core:dashboard")).content.decode()
    assert "Terms to review" in body
    assert "terms that members typed match no service area yet" in body
    assert "Terms to review" not in client_for("bob").get(reverse("core:dashboard")).content.decode()


def test_navigation(world, client_for):
    body = client_for("sam").get(reverse("taxonomy:areas")).content.decode()
    assert "Service taxonomy" in body and reverse("taxonomy:queue") in body
    body = client_for("bob").get(reverse("taxonomy:areas")).content.decode()
    assert "Service taxonomy" in body and reverse("taxonomy:queue") not in body
