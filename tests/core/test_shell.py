"""The site shell: home, dashboard cards, navigation, the USWDS form renderer, tables and error pages."""

from __future__ import annotations

import csv
import io

import pytest
from django import forms
from django.template import engines
from django.test import RequestFactory
from django.urls import reverse

from interlocal.core.tables import ChoiceFilter, Column, Table
from interlocal.tenancy.models import Member


def test_home_is_public_and_offers_sign_in(client, db):
    response = client.get(reverse("core:home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert reverse("account_login") in html
    assert html.count("<h1") == 1
    assert 'class="usa-skipnav"' in html


def test_home_sends_signed_in_people_to_their_dashboard(client_for):
    response = client_for("bob").get(reverse("core:home"))
    assert response.status_code == 302 and response.url == reverse("core:dashboard")


def test_dashboard_needs_sign_in(client):
    response = client.get(reverse("core:dashboard"))
    assert response.status_code == 302
    assert reverse("account_login") in response.url


def _cards(response) -> set[str]:
    return {card["key"] for card in response.context["cards"]}


def test_dashboard_cards_follow_the_role(client_for):
    alice = client_for("alice").get(reverse("core:dashboard"))
    assert alice.status_code == 200
    assert {"tenancy.consortium", "tenancy.people", "core.getting_started"} <= _cards(alice)
    assert "tenancy.member" not in _cards(alice)  # a consortium admin acts for no member
    html = alice.content.decode()
    assert "Capitol Region IT Service Sharing" in html
    assert "33,900" in html  # Avon + Bolton + Canton

    bob = client_for("bob").get(reverse("core:dashboard"))
    assert "tenancy.member" in _cards(bob) and "tenancy.people" not in _cards(bob)

    vince = client_for("vince").get(reverse("core:dashboard"))
    assert "tenancy.consortium" not in _cards(vince)


def test_dashboard_without_a_role_says_what_to_do(db):
    from django.test import Client

    from tests.factories import UserFactory

    client = Client()
    client.force_login(UserFactory())
    response = client.get(reverse("core:dashboard"))
    assert response.status_code == 200
    assert "You have no role yet" in response.content.decode()
    assert {c["key"] for c in response.context["cards"]} == {"core.getting_started"}


def test_header_shows_acting_for_and_account_menu(client_for):
    html = client_for("bob").get(reverse("core:dashboard")).content.decode()
    assert "Acting for" in html and "Avon" in html
    assert reverse("account_logout") in html
    assert 'hx-headers=\'{"X-CSRFToken": "' in html
    # One role only: no switcher.
    assert 'name="acting_for"' not in html


def test_navigation_hides_member_pages_from_vendors(client_for):
    alice_nav = {
        str(i["label"]) for i in client_for("alice").get(reverse("core:dashboard")).context["nav_items"]
    }
    assert {"Dashboard", "Members", "People and roles", "Consortium"} <= alice_nav
    vince_nav = {
        str(i["label"]) for i in client_for("vince").get(reverse("core:dashboard")).context["nav_items"]
    }
    assert "Members" not in vince_nav


def test_flash_messages_render_as_alerts(client_for, world):
    client = client_for("alice")
    response = client.post(reverse("tenancy:switch"), {"acting_for": str(world.capitol.pk)})
    assert response.status_code == 302
    html = client.get(response.url).content.decode()
    assert "usa-alert--success" in html and "You are now acting for" in html


# --- Form renderer ------------------------------------------------------------------------------
class _DemoForm(forms.Form):
    name = forms.CharField(label="Name", help_text="As on the charter.")
    kind = forms.ChoiceField(label="Kind", choices=[("a", "A"), ("b", "B")])
    notes = forms.CharField(label="Notes", widget=forms.Textarea, required=False)
    agree = forms.BooleanField(label="I agree", help_text="Required to continue.")
    colour = forms.ChoiceField(
        label="Colour", choices=[("r", "Red"), ("g", "Green")], widget=forms.RadioSelect
    )

    def clean(self):
        raise forms.ValidationError("Something is off with the whole form.")


def test_form_renderer_produces_uswds_markup_with_tied_errors():
    html = str(_DemoForm(data={"kind": "a", "colour": "x"}))
    assert 'class="usa-form-group usa-form-group--error"' in html
    assert '<label class="usa-label usa-label--error" for="id_name">' in html
    assert 'class="usa-input usa-input--error"' in html
    assert 'class="usa-error-message" id="id_name_error"' in html
    assert 'aria-describedby="id_name_helptext id_name_error"' in html
    assert 'aria-invalid="true"' in html
    assert 'class="usa-select"' in html and 'class="usa-textarea"' in html
    assert 'class="usa-checkbox__input"' in html and 'class="usa-checkbox__label' in html
    assert '<fieldset class="usa-fieldset"' in html and 'class="usa-radio__input"' in html
    assert "usa-alert--error" in html and "Something is off" in html


def test_form_renderer_without_errors_has_no_error_markup():
    html = str(_DemoForm())
    assert "usa-form-group--error" not in html and "usa-error-message" not in html
    assert 'class="usa-hint" id="id_name_helptext"' in html


# --- Table component ----------------------------------------------------------------------------
class _Members(Table):
    columns = [
        Column("name", "Name", sort="name"),
        Column("kind", "Kind", accessor="get_kind_display", sort="kind"),
        Column("population", "Population", sort="population", numeric=True),
    ]
    search_fields = ("name",)
    filters = [ChoiceFilter("kind", "Kind", Member.Kind.choices)]
    default_sort = "name"
    per_page = 2
    export_name = "demo"
    caption = "Demo"


def _table(path: str) -> _Members:
    request = RequestFactory().get(path)
    return _Members(request, Member.objects.all())


@pytest.mark.django_db
def test_table_sorts_filters_and_pages(world):
    table = _table("/x/?sort=-population")
    assert [r["object"].name for r in table.rows] == ["City of Airdrie", "Avon"]
    assert table.paginator.num_pages == 2
    assert table.headers[2]["aria_sort"] == "descending"
    assert "sort=population" in table.headers[2]["url"]  # next click sorts ascending

    assert [r["object"].name for r in _table("/x/?q=bolt").rows] == ["Bolton"]
    assert [r["object"].name for r in _table("/x/?kind=city").rows] == ["City of Airdrie"]
    # Unknown sort keys and filter values are ignored rather than passed to the ORM.
    assert _table("/x/?sort=password&kind=nope").sort == "name"
    assert not _table("/x/?kind=nope").is_filtered
    assert _table("/x/?page=99").page.number == 2


@pytest.mark.django_db
def test_table_csv_has_every_filtered_row_and_defuses_formulas(world):
    Member.objects.create(name="=HYPERLINK(1)", slug="evil", region="CT")
    response = _table("/x/?format=csv&kind=town").response("unused.html")
    assert response["Content-Disposition"] == 'attachment; filename="demo.csv"'
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == ["Name", "Kind", "Population"]
    names = [r[0] for r in rows[1:]]
    assert names == ["'=HYPERLINK(1)", "Avon", "Bolton", "Canton"]


def test_table_template_renders_sortable_headers_and_pagination(client_for, world):
    html = client_for("alice").get(reverse("tenancy:members") + "?sort=-population").content.decode()
    assert 'aria-sort="descending"' in html
    assert "Download CSV" in html and "format=csv" in html


def test_htmx_request_for_the_table_gets_only_the_results(client_for, world):
    client = client_for("alice")
    response = client.get(
        reverse("tenancy:members") + "?q=avon", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="members-table"
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and 'id="members-table"' in html
    assert "Avon" in html and "Bolton" not in html
    assert "HX-Request" in response["Vary"]


# --- Error pages --------------------------------------------------------------------------------
def test_404_page_is_helpful(client_for):
    response = client_for("bob").get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


@pytest.mark.parametrize(
    ("template", "heading"),
    [
        ("500.html", "Something went wrong"),
        ("400.html", "We could not understand this request"),
        ("403_csrf.html", "This form has expired"),
    ],
)
def test_static_error_pages_render_without_context(template, heading):
    # Django renders these without a request or context processors, possibly with the database down.
    html = engines["django"].get_template(template).render({})
    assert heading in html and "<main" in html and html.count("<h1") == 1


def test_csrf_failure_uses_the_styled_page(world):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(world.bob)
    response = client.post(reverse("tenancy:switch"), {"acting_for": str(world.capitol.pk)})
    assert response.status_code == 403
    assert "This form has expired" in response.content.decode()
