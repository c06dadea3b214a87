"""The global search: who finds what (every provider, every person), ranking, the page and the API.

Runs on SQLite (the icontains fallback) and on PostgreSQL (full-text search):
DATABASE_URL=postgres://... pytest -p no:xdist tests/core/test_search.py
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from interlocal.core.search import backend, providers
from interlocal.tenancy.models import ConsortiumMember, Member
from tests.api.helpers import make_token
from tests.assessment.factories import CampaignFactory, TemplateFactory, TemplateVersionFactory
from tests.core.search_data import SEES, build_corpus

pytestmark = pytest.mark.django_db


def _found(user: Any, text: str) -> dict[str, set[str]]:
    query = backend.parse(text)
    return {g.kind: {h.title for h in g.hits} for g in backend.overview(user, query, per_kind=50)}


# --- Who finds what ------------------------------------------------------------------------------


@pytest.mark.parametrize("person", sorted(SEES))
def test_each_person_finds_exactly_what_they_may_see(world, person):
    """Drafts stay the council's, a member's contract and its file stay the member's, vendors are
    the council's list, and nobody finds anything of another consortium."""
    build_corpus(world)
    assert _found(getattr(world, person), "zephyr") == SEES[person]


def test_every_registered_kind_is_covered_by_the_cross_tenant_table(world):
    build_corpus(world)
    assert {p.kind for p in providers()} == set(SEES["alice"])


@pytest.mark.parametrize("person", ["bob", "carol", "pat", "vince"])
def test_results_are_a_subset_of_the_models_visible_rows(world, person):
    build_corpus(world)
    user = getattr(world, person)
    query = backend.parse("zephyr")
    for provider in providers():
        hits, _total = backend.page(user, query, provider.kind, offset=0, limit=50)
        visible = set(provider.model._default_manager.visible_to(user).values_list("pk", flat=True))
        assert {h.pk for h in hits} <= visible, provider.kind


def test_prairies_admin_finds_his_own_members_and_not_capitol_ones(world):
    build_corpus(world)
    assert _found(world.pat, "airdrie") == {"members": {"City of Airdrie"}}
    assert _found(world.alice, "airdrie") == {}


def test_a_published_solicitation_shows_to_members_once_the_draft_is_published(world):
    corpus = build_corpus(world)
    assert "Zephyr snow plows" not in _found(world.bob, "plows").get("solicitations", set())
    corpus.draft_solicitation.status = "published"
    corpus.draft_solicitation.save(update_fields=["status"])
    assert _found(world.bob, "plows")["solicitations"] == {"Zephyr snow plows"}


def test_anonymous_and_disabled_people_find_nothing(world):
    from django.contrib.auth.models import AnonymousUser

    build_corpus(world)
    assert _found(AnonymousUser(), "zephyr") == {}
    world.alice.is_active = False
    world.alice.save(update_fields=["is_active"])
    assert _found(world.alice, "zephyr") == {}


# --- Matching and ranking ------------------------------------------------------------------------


def _member(world: Any, name: str, **fields: Any) -> Member:
    member = Member.objects.create(name=name, slug=name.lower().replace(" ", "-"), **fields)
    ConsortiumMember.objects.create(consortium=world.capitol, member=member)
    return member


def test_exact_title_first_then_titles_starting_with_it_then_the_rest(world):
    _member(world, "North Avon")
    _member(world, "Avondale")
    hits, total = backend.page(world.alice, backend.parse("avon"), "members", offset=0, limit=10)
    assert [h.title for h in hits] == ["Avon", "Avondale", "North Avon"]
    assert total == 3


def test_a_match_in_the_title_outranks_one_in_the_description(world):
    template = TemplateFactory(consortium=world.capitol)
    version = TemplateVersionFactory(template=template, is_locked=True)
    CampaignFactory(
        template_version=version, name="Road safety", description="Which towns paint zebra crossings."
    )
    CampaignFactory(template_version=version, name="Crossing zebra survey", description="Paint.")
    hits, _total = backend.page(world.alice, backend.parse("zebra"), "campaigns", offset=0, limit=10)
    assert [h.title for h in hits] == ["Crossing zebra survey", "Road safety"]
    assert "<mark>zebra</mark>" in hits[1].snippet_html


def test_a_word_prefix_finds_the_name_and_every_word_must_match(world):
    build_corpus(world)
    assert _found(world.alice, "zeph")["members"] == {"Zephyrton"}
    assert _found(world.alice, "Zephyr laptops") == {
        "solicitations": {"Zephyr laptops"},
        "solicitation_documents": {"Zephyr laptop terms"},
    }
    assert _found(world.alice, "zephyr nonexistentword") == {}


def test_case_does_not_matter(world):
    build_corpus(world)
    assert _found(world.alice, "ZEPHYRTON") == {"members": {"Zephyrton"}}


def test_fields_across_relations_are_searched(world):
    """A contract is found by its vendor's name, a document by its file name."""
    build_corpus(world)
    assert _found(world.bob, "acme") == {"contracts": {"Zephyr mowing for Avon", "Grounds master agreement"}}
    assert _found(world.carol, "acme") == {"contracts": {"Grounds master agreement"}}
    assert _found(world.bob, "insurance.pdf")["contract_documents"] == {"Zephyr insurance certificate"}


@pytest.mark.postgres  # websearch syntax is PostgreSQL's; deselected on SQLite (tests/conftest.py)
def test_postgres_reads_websearch_syntax(world):
    build_corpus(world)
    assert _found(world.alice, '"zephyr laptops"')["solicitations"] == {"Zephyr laptops"}
    assert "solicitations" not in _found(world.alice, "zephyr -laptops -plows")


def test_punctuation_and_tsquery_syntax_are_harmless(world):
    build_corpus(world)
    for text in ["zephyr & | ! :*", "zephyr')--", "(zephyr", "zephyr:*"]:
        assert "members" in _found(world.alice, text), text


# --- Parsing and highlighting --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ("", "Type what"),
        ("   ", "Type what"),
        ("a", "at least 2"),
        ("!!", "at least 2"),
        ("x" * 201, "at most 200"),
    ],
)
def test_unsearchable_text_is_explained(raw, problem):
    query = backend.parse(raw)
    assert not query.ok
    assert problem in str(query.problem)


def test_parse_tidies_whitespace_and_keeps_distinct_words():
    query = backend.parse("  Snow   snow\tPLOW \x00 ")
    assert query.text == "Snow snow PLOW"
    assert query.words == ("snow", "plow")


def test_highlight_escapes_and_marks():
    html = backend.highlight("<b>Snow</b> & plows", ("snow",))
    assert html == "&lt;b&gt;<mark>Snow</mark>&lt;/b&gt; &amp; plows"


def test_highlight_cuts_a_window_around_the_first_match():
    text = "a" * 300 + " needle " + "b" * 300
    html = backend.highlight(text, ("needle",), length=100)
    assert "<mark>needle</mark>" in html
    assert html.startswith("…") and html.endswith("…")


# --- The page ------------------------------------------------------------------------------------


def test_header_box_on_every_page_for_signed_in_people(world, client_for):
    body = client_for("bob").get(reverse("core:dashboard")).content.decode()
    assert 'role="search"' in body and 'action="/search/"' in body
    anon = client_for(None).get(reverse("account_login")).content.decode()
    assert 'action="/search/"' not in anon


def test_results_page_groups_by_kind_with_counts_and_marks(world, client_for):
    build_corpus(world)
    response = client_for("bob").get(reverse("core:search"), {"q": "zephyr"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "<mark>Zephyr</mark>ton" in body
    assert "Needs assessments" in body and "Solicitation documents" in body
    assert "Zephyr snow plows" not in body and "Zephyr Supply" not in body
    assert (
        f'href="{reverse("tenancy:member_detail", args=[Member.objects.get(name="Zephyrton").pk])}"' in body
    )


def test_kind_filter_and_pages(world, client_for):
    for i in range(25):
        _member(world, f"Quillby {i:02d}")
    client = client_for("alice")
    first = client.get(reverse("core:search"), {"q": "quillby", "kind": "members"}).content.decode()
    assert "25 results in Members" in first
    assert "Page 1 of 2" in first and "Quillby</mark> 19" in first and "Quillby</mark> 20" not in first
    second = client.get(
        reverse("core:search"), {"q": "quillby", "kind": "members", "page": "2"}
    ).content.decode()
    assert (
        "Quillby</mark> 24" in second
        and "Quillby</mark> 19" not in second
        and "Showing 21–25 of 25" in second
    )
    overview = client.get(reverse("core:search"), {"q": "quillby"}).content.decode()
    assert "All 25 results in Members" in overview
    assert overview.count('data-kind="members"') == 5


def test_bad_input_is_explained(world, client_for):
    client = client_for("bob")
    empty = client.get(reverse("core:search"))
    assert empty.status_code == 200 and "Type what you are looking for" in empty.content.decode()
    short = client.get(reverse("core:search"), {"q": "a"})
    assert short.status_code == 400 and "at least 2 letters" in short.content.decode()
    unknown = client.get(reverse("core:search"), {"q": "avon", "kind": "spaceships"})
    assert unknown.status_code == 200 and "no kind of result called" in unknown.content.decode()
    page = client.get(reverse("core:search"), {"q": "avon", "kind": "members", "page": "x"})
    assert "page number is not valid" in page.content.decode()


def test_signed_out_people_are_sent_to_sign_in(client_for):
    response = client_for(None).get(reverse("core:search"), {"q": "avon"})
    assert response.status_code == 302 and "login" in response["Location"]


def test_page_runs_one_query_per_kind(world, client_for, django_assert_max_num_queries):
    build_corpus(world)
    client = client_for("alice")
    client.get(reverse("core:dashboard"))
    # Session, user, grants and the shell's own queries, plus one per registered kind.
    with django_assert_max_num_queries(12 + len(providers())):
        assert client.get(reverse("core:search"), {"q": "zephyr"}).status_code == 200


# --- The API -------------------------------------------------------------------------------------


def _api(world: Any, person: str, **params: Any) -> Any:
    from django.test import Client

    token = make_token(getattr(world, person))
    return Client().get("/api/v1/search", params, HTTP_AUTHORIZATION=f"Bearer {token}")


def test_api_lists_what_the_person_may_see(world):
    build_corpus(world)
    body = _api(world, "carol", q="zephyr").json()
    titles = {(i["kind"], i["title"]) for i in body["items"]}
    assert titles == {(k, t) for k, ts in SEES["carol"].items() for t in ts}
    assert body["count"] == len(titles)
    assert _api(world, "pat", q="zephyr").json() == {"items": [], "count": 0}


def test_api_kind_filter_and_pagination_across_kinds(world):
    build_corpus(world)
    every = _api(world, "alice", q="zephyr", limit=100).json()
    assert every["count"] == len(every["items"]) == 13
    pieces = []
    for offset in range(0, 13, 4):
        page = _api(world, "alice", q="zephyr", limit=4, offset=offset).json()
        assert page["count"] == 13
        pieces.extend(page["items"])
    assert pieces == every["items"]
    only = _api(world, "alice", q="zephyr", kind="solicitations").json()
    assert {i["title"] for i in only["items"]} == {"Zephyr snow plows", "Zephyr laptops"}


def test_api_refuses_bad_input(world):
    unknown = _api(world, "alice", q="zephyr", kind="spaceships")
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["loc"] == ["query", "kind"]
    short = _api(world, "alice", q="!")
    assert short.status_code == 422 and short.json()["errors"][0]["loc"] == ["query", "q"]
    assert _api(world, "alice").status_code == 422
