"""The pure matcher: normalisation, exact and fuzzy matches, product names, typos and ambiguity."""

from __future__ import annotations

import pytest

from interlocal.taxonomy.catalogue import CATALOGUE
from interlocal.taxonomy.matching import (
    AMBIGUITY_MARGIN,
    FUZZY_THRESHOLD,
    Candidate,
    Matcher,
    Method,
    normalize,
)


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    candidates = []
    for area in CATALOGUE:
        candidates.append(Candidate(area.name, area.code, "name"))
        candidates.append(Candidate(area.code, area.code, "code"))
        candidates.extend(Candidate(s, area.code) for s in area.synonyms)
    return Matcher(candidates)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Permits & Inspections", "permit inspection"),
        ("permits and inspections", "permit inspection"),
        ("E-mail Archiving", "email archiving"),
        ("Café licences", "cafe license"),
        ("  HR / Payroll  ", "hr payroll"),
        ("Facilities", "facility"),
        ("The Laserfiche software", "laserfiche"),
        ("GIS", "gis"),
        ("Munis", "munis"),
        ("Town’s website", "town website"),
        ("Ñandú—Records", "nandu record"),
        ("!!!", ""),
    ],
)
def test_normalize(text, expected):
    assert normalize(text) == expected


def test_the_standard_synonyms_are_unique_across_areas():
    seen: dict[str, str] = {}
    for area in CATALOGUE:
        for synonym in area.synonyms:
            key = normalize(synonym)
            assert key, f"{synonym!r} of {area.code} normalises to nothing"
            assert seen.setdefault(key, area.code) == area.code, (
                f"{synonym!r} is in {seen[key]} and {area.code}"
            )


def test_every_area_has_a_definition_and_several_synonyms():
    assert len(CATALOGUE) >= 21
    for area in CATALOGUE:
        assert len(area.definition) > 120, area.code
        assert len(area.synonyms) >= 8, area.code


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Laserfiche", "edms-records"),
        ("EDMS", "edms-records"),
        ("Munis", "financial-erp"),
        ("ERP system", "financial-erp"),
        ("SeeClickFix", "crm-citizen-requests"),
        ("311", "crm-citizen-requests"),
        ("Vision Appraisal", "property-assessment"),
        ("CAMA", "property-assessment"),
        ("ArcGIS Online", "gis-signs"),
        ("CivicPlus", "website"),
        ("Granicus", "council-agenda"),
        ("Dog licences", "licensing"),
        ("Fishing & Hunting Licenses", "licensing"),
        ("Help-Desk", "it-helpdesk"),
        ("backups", "dr-backup"),
        ("Disaster Recovery", "dr-backup"),
        ("hosting", "hosting"),  # the code
        ("Procurement", "procurement"),  # the name
    ],
)
def test_exact_matches(matcher, text, code):
    result = matcher.match(text)
    assert (result.area, result.method, result.score) == (code, Method.EXACT, 100.0)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Laserfische", "edms-records"),
        ("Vision Apraisal", "property-assessment"),
        ("See Click Fix", "crm-citizen-requests"),
        ("Permiting and Inspection", "permitting-inspections"),
        ("Payrol", "hr-payroll"),
        ("fleat management", "fleet"),
        ("Munis ERP", "financial-erp"),
        ("Tyler Munis financials", "financial-erp"),  # "Tyler Munis" is more than half of it
        ("Cafe permits", "permitting-inspections"),
        ("Recreation program registration", "recreation-registration"),
        ("Assessor's office", "property-assessment"),
    ],
)
def test_fuzzy_matches_typos_and_longer_phrasings(matcher, text, code):
    result = matcher.match(text)
    assert result.area == code, result
    assert result.method == Method.FUZZY
    assert FUZZY_THRESHOLD <= result.score < 100
    assert result.matched_text


@pytest.mark.parametrize(
    "text",
    [
        "Munis payroll",  # a product of one area and a word of another
        "GIS server backup",  # names two areas outright
        "management",  # part of many areas' names
    ],
)
def test_near_ties_are_not_guessed(matcher, text):
    result = matcher.match(text)
    assert result.area is None
    assert result.method in (Method.AMBIGUOUS, Method.UNMATCHED)


def test_a_tie_is_reported_as_ambiguous_with_the_other_area(matcher):
    result = matcher.match("Munis payroll")
    assert result.method == Method.AMBIGUOUS
    assert {result.runner_up} <= {"financial-erp", "hr-payroll"}
    assert result.score - result.runner_up_score <= AMBIGUITY_MARGIN


@pytest.mark.parametrize(
    "text",
    [
        "Snow plowing",
        "Tyler Technologies",
        "Office 365",
        "Office 365 licences",  # contains "licence", but is not Licensing
        "911 dispatch",
        "Records",
        "xq",
        "N/A",
    ],
)
def test_unrelated_or_vague_terms_stay_unmatched(matcher, text):
    assert matcher.match(text).area is None


def test_empty_text(matcher):
    result = matcher.match("  -- ")
    assert (result.area, result.method) == (None, Method.EMPTY)


def test_short_texts_match_only_exactly():
    m = Matcher([Candidate("HR", "hr"), Candidate("DR", "dr")])
    assert m.match("hr").area == "hr"
    assert m.match("HRs").area is None  # not "hr" by a typo
    assert m.match("DX").area is None


def test_the_same_text_for_two_areas_is_ambiguous_not_first_come():
    m = Matcher([Candidate("Citywide", "assets"), Candidate("Citywide", "finance")])
    result = m.match("citywide")
    assert (result.area, result.method) == (None, Method.AMBIGUOUS)


def test_threshold_and_margin_are_parameters():
    candidates = [Candidate("document management", "edms"), Candidate("asset management", "assets")]
    strict = Matcher(candidates, threshold=99)
    assert strict.match("documnet management").area is None
    lenient = Matcher(candidates, threshold=80, margin=0)
    assert lenient.match("documnet management").area == "edms"


def test_suggestions_rank_areas_even_below_the_threshold(matcher):
    found = matcher.suggestions("Laserfish imaging", limit=3)
    assert found[0][0] == "edms-records"
    assert len({area for area, _score, _text in found}) == len(found)


def test_suggestions_of_nothing():
    assert Matcher([]).suggestions("anything") == []
    assert Matcher([]).match("anything").area is None
