"""The public front door (`/` for visitors, `/public/` for everyone): each consortium's open
solicitations, awards and public documents through the public-section registry, and the links to
open data, vendor registration, the API and sign-in."""

from __future__ import annotations

import datetime as dt

import pytest
from django.template import Template
from django.test import Client
from django.urls import reverse

from interlocal.core.registry import PublicSection, front_door_for, register_public_section
from interlocal.procurement.models import Solicitation
from tests.procurement.factories import make_awarded_purchase, make_solicitation

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(world, clock):
    """Open solicitations in both consortia, a draft, a cancelled-before-publishing one and a
    closed one; returns the open ones."""
    capitol = make_solicitation(world.capitol, reference_number="IFB-FD-001", title="Laptops FD-OPEN-CT")
    prairies = make_solicitation(world.prairies, reference_number="RFQ-FD-002", title="Snow plows FD-OPEN-AB")
    make_solicitation(
        world.capitol,
        reference_number="IFB-FD-003",
        title="Copiers FD-DRAFT",
        status=Solicitation.Status.DRAFT,
    )
    make_solicitation(
        world.prairies,
        reference_number="IFB-FD-004",
        title="Radios FD-PAST-DEADLINE",
        submission_deadline=clock.now - dt.timedelta(days=1),
        opening_at=clock.now - dt.timedelta(hours=1),
        published_at=clock.now - dt.timedelta(days=20),
    )
    return capitol, prairies


def _html(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def test_anonymous_visitors_see_every_consortiums_open_solicitations(published):
    html = _html(Client().get("/"))
    capitol, prairies = published
    for sol in (capitol, prairies):
        assert sol.title in html
        assert reverse("procurement:public_solicitation", args=[sol.pk]) in html
        assert sol.consortium.name in html
    assert "FD-DRAFT" not in html
    # Closed for bids: not "open"; and the consortium's name appears only for its open one.
    assert "FD-PAST-DEADLINE" not in html
    assert html.count("<h1") == 1


def test_awards_link_to_the_public_solicitation_page(world, clock):
    jp, _vendor, _master = make_awarded_purchase(world, clock, title="Road salt FD-AWARDED")
    html = _html(Client().get("/"))
    assert "Road salt FD-AWARDED" in html
    assert 'data-section="procurement.awards"' in html
    assert reverse("procurement:public_solicitation", args=[jp.solicitation.pk]) in html
    # Nothing of the bids or members' demand reaches the public page.
    assert "Acme Salt Co" not in html
    assert "60.00" not in html


def test_public_documents_of_open_solicitations_are_listed_private_ones_are_not(
    world, published, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from interlocal.core.files import do_store_file
    from interlocal.procurement.models import SolicitationDocument

    settings.MEDIA_ROOT = tmp_path
    capitol, _prairies = published

    def document(title: str, *, public: bool) -> SolicitationDocument:
        stored = do_store_file(
            SimpleUploadedFile("spec.txt", b"Specification"),
            consortium=world.capitol,
            member=None,
            acting_user=world.sam,
        )
        return SolicitationDocument.objects.create(
            solicitation=capitol, title=title, file=stored, public=public
        )

    shown = document("Specification FD-PUBLIC-DOC", public=True)
    document("Evaluation notes FD-PRIVATE-DOC", public=False)
    html = _html(Client().get("/"))
    assert "FD-PUBLIC-DOC" in html
    assert reverse("procurement:public_document", args=[capitol.pk, shown.pk]) in html
    assert "FD-PRIVATE-DOC" not in html
    assert (
        Client().get(reverse("procurement:public_document", args=[capitol.pk, shown.pk])).status_code == 200
    )


def test_consortia_with_nothing_public_are_not_listed(world, clock):
    make_solicitation(world.capitol, title="FD-ONLY-DRAFT", status=Solicitation.Status.DRAFT)
    html = _html(Client().get("/"))
    assert world.capitol.name not in html
    assert world.prairies.name not in html
    assert "Nothing is published yet" in html


def test_inactive_consortia_are_left_out(published, world):
    type(world.prairies).objects.filter(pk=world.prairies.pk).update(is_active=False)
    html = _html(Client().get("/"))
    assert "FD-OPEN-CT" in html
    assert "FD-OPEN-AB" not in html


def test_links_to_open_data_vendor_registration_api_docs_and_sign_in(db):
    html = _html(Client().get("/"))
    for url in (
        reverse("procurement:public_list"),
        reverse("procurement:ocds_downloads"),
        reverse("procurement:vendor_register"),
        reverse("procurement:public_feed"),
        reverse("api:openapi-view"),
        reverse("api:openapi-json"),
        reverse("account_login"),
    ):
        assert f'href="{url}' in html, url


def test_each_link_of_the_front_door_answers_anonymously(published):
    client = Client()
    context = front_door_for(Client().get("/").wsgi_request)
    urls = [link["url"] for link in context["links"]]
    assert len(urls) >= 6
    for url in urls:
        assert client.get(url).status_code == 200, url


def test_signed_in_people_keep_their_dashboard_and_reach_the_front_door_from_the_footer(
    client_for, published
):
    client = client_for("bob")
    response = client.get("/")
    assert response.status_code == 302 and response.url == reverse("core:dashboard")
    dashboard = _html(client.get(reverse("core:dashboard")))
    assert f'href="{reverse("core:front_door")}"' in dashboard
    front = _html(client.get(reverse("core:front_door")))
    assert "FD-OPEN-CT" in front and "FD-OPEN-AB" in front
    assert "FD-DRAFT" not in front
    assert f'href="{reverse("core:dashboard")}"' in front
    # The council's own drafts stay off the public page, even for the council.
    assert "FD-DRAFT" not in _html(client_for("alice").get(reverse("core:front_door")))


def test_more_than_five_open_solicitations_link_to_the_full_list(world, clock):
    for n in range(7):
        make_solicitation(world.capitol, reference_number=f"IFB-FD-1{n}", title=f"Item FD-MANY-{n}")
    html = _html(Client().get("/"))
    assert html.count("FD-MANY-") == 5
    assert "All 7 open solicitations" in html


def test_a_module_registers_its_own_public_section(world, published, monkeypatch):
    """The spot a catalog (or library) module plugs into: a section per consortium it returns."""
    from interlocal.core import registry

    monkeypatch.setattr(registry, "_PUBLIC_SECTIONS", list(registry._PUBLIC_SECTIONS))
    register_public_section(
        PublicSection(
            "catalog.services",
            "Service catalog",
            # {% include %} takes a template object as well as a name.
            Template("{% for r in data.rows %}<p>{{ r }}</p>{% endfor %}"),
            lambda request: {world.prairies: {"rows": ["FD-CATALOG-ENTRY"]}},
            order=40,
        )
    )
    html = _html(Client().get("/"))
    assert 'data-section="catalog.services"' in html
    assert "FD-CATALOG-ENTRY" in html
    # After procurement's sections of the same consortium.
    assert html.index("FD-OPEN-AB") < html.index("FD-CATALOG-ENTRY")


def test_the_front_door_runs_the_same_queries_for_5_and_50_solicitations(
    world, clock, django_assert_max_num_queries
):
    client = Client()

    def build(n: int, start: int) -> None:
        for i in range(start, start + n):
            consortium = world.capitol if i % 2 else world.prairies
            make_solicitation(consortium, reference_number=f"IFB-Q-{i}", title=f"Q{i}")

    build(5, 0)
    client.get("/")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        client.get("/")
    build(45, 5)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get("/")
