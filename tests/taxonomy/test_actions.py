"""Resolving terms, the review queue, and a consortium's own areas and synonyms (the do_* layer)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from interlocal.audit.models import AuditEvent
from interlocal.taxonomy.actions import (
    do_add_synonym,
    do_create_area,
    do_delete_synonym,
    do_ignore_term,
    do_map_term,
    do_map_term_to_new_area,
    do_reopen_term,
    do_resolve_term,
    do_resolve_terms,
    do_update_area,
)
from interlocal.taxonomy.models import ServiceArea, Synonym, UnmatchedTerm
from interlocal.taxonomy.queries import match_term, matcher_for, queue_count
from tests.taxonomy.conftest import area


def test_the_standard_catalogue_is_seeded():
    codes = set(ServiceArea.objects.standard().values_list("code", flat=True))
    assert {
        "council-agenda", "financial-erp", "hr-payroll", "asset-management", "facilities", "fleet",
        "permitting-inspections", "licensing", "edms-records", "email-archiving", "crm-citizen-requests",
        "it-helpdesk", "online-payments", "property-assessment", "gis-signs", "recreation-registration",
        "hosting", "dr-backup", "business-intelligence", "procurement", "website",
    } <= codes  # fmt: skip
    assert str(area("edms-records")) == "Electronic document management and records"
    assert Synonym.objects.filter(
        consortium__isnull=True, area=area("edms-records"), text="Laserfiche"
    ).exists()


def test_for_consortium_gives_standard_and_own_active_areas_in_order(world, service_area_factory):
    own = service_area_factory(consortium=world.capitol, name="Snow removal", sort_order=5)
    service_area_factory(consortium=world.capitol, name="Retired thing", is_active=False)
    service_area_factory(consortium=world.prairies, name="Prairie thing")
    areas = list(ServiceArea.objects.for_consortium(world.capitol))
    assert areas[0] == own
    assert {a.name for a in areas} == {own.name} | set(
        ServiceArea.objects.standard().values_list("name", flat=True)
    )
    assert [a.sort_order for a in areas] == sorted(a.sort_order for a in areas)


def test_resolve_returns_the_area_and_queues_nothing(world):
    assert do_resolve_term(world.capitol, "Laserfische", source="assessment.import") == area("edms-records")
    assert not UnmatchedTerm.objects.exists()


def test_unmatched_terms_are_queued_once_and_counted_per_source(world):
    assert do_resolve_term(world.capitol, "Snow plowing", source="assessment.import") is None
    assert do_resolve_term(world.capitol, "snow-plowing!", source="assessment.import") is None
    assert do_resolve_term(world.capitol, "SNOW PLOWING", source="costing.upload", actor=world.bob) is None
    term = UnmatchedTerm.objects.get()
    assert (term.text, term.normalized, term.occurrences) == ("Snow plowing", "snow plowing", 3)
    assert term.sources == {"assessment.import": 2, "costing.upload": 1}
    assert term.status == UnmatchedTerm.Status.PENDING
    assert queue_count(world.capitol) == 1
    assert queue_count(world.prairies) == 0
    # Queued once in the trail, not once per occurrence.
    assert AuditEvent.objects.filter(action="taxonomy.term.queued").count() == 1


def test_blank_terms_are_neither_matched_nor_queued(world):
    assert do_resolve_term(world.capitol, "  ", source="x") is None
    assert do_resolve_term(world.capitol, "--", source="x") is None
    assert not UnmatchedTerm.objects.exists()


def test_ambiguous_terms_go_to_the_queue(world):
    assert do_resolve_term(world.capitol, "Munis payroll", source="assessment.form") is None
    assert UnmatchedTerm.objects.get().normalized == "munis payroll"


def test_mapping_is_remembered_for_the_consortium_only(world):
    do_resolve_term(world.capitol, "Snow plowing", source="assessment.import")
    term = UnmatchedTerm.objects.get()
    fleet = area("fleet")
    do_map_term(term, area=fleet, actor=world.sam)
    term.refresh_from_db()
    assert (term.status, term.area, term.resolved_by) == (UnmatchedTerm.Status.MAPPED, fleet, world.sam)
    synonym = Synonym.objects.get(consortium=world.capitol, normalized="snow plowing")
    assert synonym.area == fleet
    # Next time it matches, exactly, for Capitol Region; not for another consortium.
    result = match_term(world.capitol, "snow-plowing")
    assert (result.area, result.method, result.score) == (fleet, "exact", 100.0)
    assert do_resolve_term(world.capitol, "Snow Plowing", source="assessment.import") == fleet
    assert match_term(world.prairies, "Snow plowing").area is None
    assert queue_count(world.capitol) == 0
    assert AuditEvent.objects.filter(action="taxonomy.term.mapped").exists()
    assert AuditEvent.objects.filter(
        action="taxonomy.synonym.created", consortium_id=world.capitol.pk
    ).exists()


def test_a_consortium_mapping_overrides_a_later_standard_synonym(world, service_area_factory):
    own = service_area_factory(consortium=world.capitol, name="Winter operations")
    do_resolve_term(world.capitol, "Snow plowing", source="x")
    do_map_term(UnmatchedTerm.objects.get(), area=own, actor=world.alice)
    # The standard catalogue later gains the same phrase for another area: the consortium's
    # deliberate mapping still wins for it; other consortia get the standard meaning.
    Synonym.objects.create(area=area("fleet"), text="Snow plowing", normalized="snow plowing")
    assert match_term(world.capitol, "Snow plowing").area == own
    assert match_term(world.prairies, "Snow plowing").area == area("fleet")


def test_mapping_to_another_consortiums_area_is_refused(world, service_area_factory):
    do_resolve_term(world.capitol, "Snow plowing", source="x")
    term = UnmatchedTerm.objects.get()
    theirs = service_area_factory(consortium=world.prairies)
    with pytest.raises(ValidationError) as exc:
        do_map_term(term, area=theirs, actor=world.alice)
    assert "area" in exc.value.message_dict
    term.refresh_from_db()
    assert term.status == UnmatchedTerm.Status.PENDING
    assert not Synonym.objects.filter(consortium__isnull=False).exists()


def test_map_to_a_new_area(world):
    do_resolve_term(world.capitol, "Cemetery plots", source="assessment.import")
    term = UnmatchedTerm.objects.get()
    do_map_term_to_new_area(
        term,
        actor=world.sam,
        name="Cemetery management",
        definition="Plots, burials and deeds.",
        kind="service",
    )
    new = ServiceArea.objects.get(consortium=world.capitol)
    assert (new.name, new.code) == ("Cemetery management", "cemetery-management")
    assert match_term(world.capitol, "cemetery plots").area == new
    assert match_term(world.capitol, "Cemetery management").area == new


def test_map_to_a_new_area_with_a_taken_name_changes_nothing(world):
    do_resolve_term(world.capitol, "Cemetery plots", source="x")
    term = UnmatchedTerm.objects.get()
    with pytest.raises(ValidationError) as exc:
        do_map_term_to_new_area(term, actor=world.sam, name="fleet", definition="x", kind="service")
    assert "name" in exc.value.message_dict
    assert not ServiceArea.objects.filter(consortium=world.capitol).exists()
    term.refresh_from_db()
    assert term.status == UnmatchedTerm.Status.PENDING


def test_ignore_and_reopen(world):
    do_resolve_term(world.capitol, "N/A see notes", source="x")
    term = UnmatchedTerm.objects.get()
    do_ignore_term(term, actor=world.sam)
    assert queue_count(world.capitol) == 0
    # Seen again: counted, but it stays ignored.
    do_resolve_term(world.capitol, "N/A see notes", source="x")
    term.refresh_from_db()
    assert (term.status, term.occurrences) == (UnmatchedTerm.Status.IGNORED, 2)
    do_reopen_term(term, actor=world.sam)
    assert queue_count(world.capitol) == 1


def test_a_mapped_term_that_stops_matching_comes_back(world):
    do_resolve_term(world.capitol, "Snow plowing", source="x")
    term = UnmatchedTerm.objects.get()
    do_map_term(term, area=area("fleet"), actor=world.sam)
    do_delete_synonym(Synonym.objects.get(consortium=world.capitol), actor=world.sam)
    assert do_resolve_term(world.capitol, "Snow plowing", source="x") is None
    term.refresh_from_db()
    assert (term.status, term.area) == (UnmatchedTerm.Status.PENDING, None)


def test_resolve_terms_in_bulk(world):
    out = do_resolve_terms(
        world.capitol, ["Munis", "Laserfiche", "Snow plowing", "Munis"], source="costing.upload"
    )
    assert out == {"Munis": area("financial-erp"), "Laserfiche": area("edms-records"), "Snow plowing": None}
    assert UnmatchedTerm.objects.get().sources == {"costing.upload": 1}


def test_resolving_many_terms_uses_one_matcher(world, django_assert_max_num_queries):
    matcher = matcher_for(world.capitol)
    erp, bi = area("financial-erp"), area("business-intelligence")
    with django_assert_max_num_queries(2):  # one per area returned; the matcher is not rebuilt
        assert do_resolve_term(world.capitol, "Munis", source="x", matcher=matcher) == erp
        assert do_resolve_term(world.capitol, "Tableau", source="x", matcher=matcher) == bi


def test_long_terms_are_kept_trimmed(world):
    do_resolve_term(world.capitol, "zq " * 150, source="s" * 100)
    term = UnmatchedTerm.objects.get()
    assert len(term.text) <= 200 and len(term.normalized) <= 200
    assert list(term.sources) == ["s" * 60]


# --- Own areas and synonyms ----------------------------------------------------------------------
def test_create_and_update_an_own_area(world):
    own = do_create_area(
        world.capitol, actor=world.alice, name="Snow removal", definition="Plowing.", kind="service"
    )
    assert own.code == "snow-removal" and own.consortium == world.capitol
    do_update_area(own, actor=world.alice, name="Snow and ice control", is_active=False)
    own.refresh_from_db()
    assert (own.name, own.is_active) == ("Snow and ice control", False)
    assert AuditEvent.objects.filter(action="taxonomy.area.updated").exists()
    assert own not in ServiceArea.objects.for_consortium(world.capitol)


def test_own_area_codes_may_not_shadow_standard_codes(world):
    with pytest.raises(ValidationError) as exc:
        do_create_area(world.capitol, actor=world.alice, name="Our fleet", definition="x", code="fleet")
    assert "code" in exc.value.message_dict
    # The same own code in two consortia is fine.
    do_create_area(world.capitol, actor=world.alice, name="Snow", definition="x", code="snow")
    do_create_area(world.prairies, actor=world.pat, name="Snow", definition="x", code="snow")


def test_bad_area_input_names_the_field(world):
    with pytest.raises(ValidationError) as exc:
        do_create_area(world.capitol, actor=world.alice, name="", definition="", kind="nonsense")
    assert {"name", "definition", "kind"} <= set(exc.value.message_dict)
    assert not ServiceArea.objects.filter(consortium=world.capitol).exists()


def test_standard_areas_and_synonyms_are_read_only(world):
    with pytest.raises(PermissionDenied):
        do_update_area(area("fleet"), actor=world.alice, name="Cars")
    with pytest.raises(PermissionDenied):
        do_delete_synonym(Synonym.objects.filter(consortium__isnull=True).first(), actor=world.alice)


def test_add_synonym_to_a_standard_area(world):
    synonym = do_add_synonym(area("fleet"), consortium=world.capitol, text="DPW garage", actor=world.sam)
    assert synonym.normalized == "dpw garage"
    assert match_term(world.capitol, "DPW Garage").area == area("fleet")
    assert match_term(world.prairies, "DPW Garage").area is None


@pytest.mark.parametrize("text", ["", "  ", "!!!", "Laserfiche", "LASERFICHE software"])
def test_add_synonym_refuses_blank_and_taken(world, text):
    with pytest.raises(ValidationError) as exc:
        do_add_synonym(area("fleet"), consortium=world.capitol, text=text, actor=world.sam)
    assert "text" in exc.value.message_dict
    assert not Synonym.objects.filter(consortium__isnull=False).exists()
