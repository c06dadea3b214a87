"""Analytics pages: benchmarks, matrix, coalitions, report (page, PDF), exports, peer groups."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from interlocal.assessment.analytics import campaign_analytics
from interlocal.assessment.models import Campaign, PeerGroup
from interlocal.audit.models import AuditEvent
from tests.assessment.test_analytics_fixtures import NAMED, CampaignWorld, build_campaign

PRIVATE = ("Bolton", "Canton", "Dover", "Essex")


@pytest.fixture
def cw(world: Any) -> CampaignWorld:
    return build_campaign(world)


PAGES = [
    "assessment:analytics_benchmarks",
    "assessment:analytics_matrix",
    "assessment:analytics_coalitions",
    "assessment:analytics_report",
]


def _get(client: Any, name: str, campaign: Campaign, **query: Any) -> Any:
    return client.get(reverse(name, args=[campaign.pk]), query)


@pytest.mark.parametrize("name", PAGES)
def test_pages_answer_members_observers_and_refuse_others(
    cw: CampaignWorld, client_for: Any, name: str
) -> None:
    for person in ("alice", "bob", "olga"):
        assert _get(client_for(person), name, cw.campaign).status_code == 200, person
    assert _get(client_for("vince"), name, cw.campaign).status_code == 403
    assert _get(client_for("pat"), name, cw.campaign).status_code == 404
    assert _get(client_for(None), name, cw.campaign).status_code == 302


def test_benchmarks_show_the_members_values_against_the_group(cw: CampaignWorld, client_for: Any) -> None:
    page = _get(client_for("bob"), "assessment:analytics_benchmarks", cw.campaign, dimension="pressing")
    text = page.content.decode()
    assert "Avon at a glance" in text
    assert "Electronic document management" in text
    # All seven: pressing for document management = 32 / 7; Avon answered 5.
    assert "4.57" in text
    assert "5.00" in text
    ca = campaign_analytics(cw.campaign)
    bench = ca.member_benchmark(cw.members["Avon"].pk, [0])
    row = next(r for r in bench["rows"] if r["area_id"] == cw.edms.pk and r["dimension"] == "pressing")
    comparison = row["groups"][0]["comparison"]
    assert comparison.difference == round(5 - 32 / 7, 4)
    # Four of seven answered 5: mid-rank percentile (3 + 4 / 2) / 7.
    assert comparison.percentile == round(100 * 5 / 7, 1)
    assert {h["area"] for h in bench["profile"]["pressing"]} == {cw.edms.name}


def test_benchmark_questions_view_and_peer_group_choice(cw: CampaignWorld, client_for: Any) -> None:
    page = _get(
        client_for("alice"),
        "assessment:analytics_benchmarks",
        cw.campaign,
        view="questions",
        group="kind-town",
    )
    assert page.status_code == 200
    assert "edms.cost" in page.content.decode()


def test_members_see_only_their_own_values(cw: CampaignWorld, client_for: Any) -> None:
    bolton = cw.members["Bolton"]
    assert (
        _get(client_for("bob"), "assessment:analytics_benchmarks", cw.campaign, member=bolton.pk).status_code
        == 404
    )
    page = _get(client_for("alice"), "assessment:analytics_benchmarks", cw.campaign, member=bolton.pk)
    assert "Bolton at a glance" in page.content.decode()


@pytest.mark.parametrize("name", PAGES)
def test_members_who_chose_aggregates_are_never_named_to_other_members(
    cw: CampaignWorld, client_for: Any, name: str
) -> None:
    text = _get(client_for("bob"), name, cw.campaign).content.decode()
    for private in PRIVATE:
        assert private not in text, f"{private} named on {name}"


def test_coalitions_name_everybody_to_the_council_and_named_members_to_members(
    cw: CampaignWorld, client_for: Any
) -> None:
    council = _get(
        client_for("alice"), "assessment:analytics_coalitions", cw.campaign, window=12
    ).content.decode()
    assert "Canton" in council and "contracts end within" in council
    member = _get(client_for("bob"), "assessment:analytics_coalitions", cw.campaign).content.decode()
    assert "Avon" in member and "Granby" in member
    assert "rate Electronic document management" in member


def test_matrix_ranks_areas_and_explains_the_scoring(cw: CampaignWorld, client_for: Any) -> None:
    text = _get(client_for("bob"), "assessment:analytics_matrix", cw.campaign).content.decode()
    assert "Pursue" in text and "How the scores are made" in text
    assert 'id="matrix-spec"' in text and 'id="own-matrix-spec"' in text
    assert "Save thresholds" not in text
    assert (
        "Save thresholds"
        in _get(client_for("sam"), "assessment:analytics_matrix", cw.campaign).content.decode()
    )


def test_thresholds_are_changed_by_the_council_only(cw: CampaignWorld, client_for: Any) -> None:
    url = reverse("assessment:analytics_thresholds", args=[cw.campaign.pk])
    payload = {"priority_threshold": "4.5", "readiness_threshold": "3.5"}
    assert client_for("olga").post(url, payload).status_code == 403
    assert client_for("bob").post(url, payload).status_code == 403
    assert client_for("pat").post(url, payload).status_code == 404
    cw.campaign.refresh_from_db()
    assert cw.campaign.priority_threshold == 3.0
    bad = client_for("sam").post(url, {"priority_threshold": "7", "readiness_threshold": "3"}, follow=True)
    assert "Priority threshold" in bad.content.decode()
    cw.campaign.refresh_from_db()
    assert cw.campaign.priority_threshold == 3.0
    assert client_for("sam").post(url, payload).status_code == 302
    cw.campaign.refresh_from_db()
    assert (cw.campaign.priority_threshold, cw.campaign.readiness_threshold) == (4.5, 3.5)
    # The analysis follows: document management (priority 4.57, readiness 4.07) stays "pursue",
    # maps (priority about 1.9) is no longer near the line.
    rows = campaign_analytics(cw.campaign).opportunity_rows(campaign_analytics(cw.campaign).matrix_points(0))
    assert rows[0]["quadrant"] == "pursue" and rows[0]["area_id"] == cw.edms.pk


def test_report_pdf_and_exports(cw: CampaignWorld, client_for: Any) -> None:
    client = client_for("olga")
    report = _get(client, "assessment:analytics_report", cw.campaign)
    assert "Suggested coalitions" in report.content.decode()
    pdf = _get(client, "assessment:analytics_report_pdf", cw.campaign)
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    csv_response = _get(client, "assessment:analytics_aggregates_csv", cw.campaign)
    rows = list(csv.DictReader(io.StringIO(csv_response.content.decode())))
    assert rows and all(r["n"] for r in rows)
    everything = campaign_analytics(cw.campaign).export_rows()
    assert len(rows) == sum(1 for r in everything if r["published"])
    xlsx = _get(client, "assessment:analytics_aggregates_xlsx", cw.campaign)
    book = load_workbook(io.BytesIO(xlsx.content))
    assert book["aggregates"].max_row == len(rows) + 1
    assert "method" in book.sheetnames


# --- Peer groups ---------------------------------------------------------------------------------


def test_peer_group_list_create_edit_delete(cw: CampaignWorld, client_for: Any) -> None:
    sam = client_for("sam")
    members = [cw.members["Avon"].pk, cw.members["Canton"].pk, cw.members["Granby"].pk]
    response = sam.post(
        reverse("assessment:peer_group_create"),
        {"name": "Farmington Valley", "description": "River towns", "members": members},
    )
    assert response.status_code == 302
    group = PeerGroup.objects.get(name="Farmington Valley")
    assert sorted(group.members.values_list("pk", flat=True)) == sorted(members)
    assert AuditEvent.objects.filter(action="assessment.peer_group.saved").exists()
    listing = client_for("bob").get(reverse("assessment:peer_groups"))
    assert "Farmington Valley" in listing.content.decode()
    # The benchmark offers it.
    assert "Farmington Valley" in _get(sam, "assessment:analytics_benchmarks", cw.campaign).content.decode()
    edit = reverse("assessment:peer_group_edit", args=[group.pk])
    assert sam.post(edit, {"name": "Valley", "members": members[:2]}).status_code == 302
    group.refresh_from_db()
    assert group.name == "Valley" and group.members.count() == 2
    delete = reverse("assessment:peer_group_delete", args=[group.pk])
    assert client_for("olga").post(delete).status_code == 403
    assert client_for("pat").post(delete).status_code == 404
    assert sam.post(delete).status_code == 302
    assert not PeerGroup.objects.filter(pk=group.pk).exists()


def test_peer_group_bad_input_changes_nothing(cw: CampaignWorld, client_for: Any) -> None:
    sam = client_for("sam")
    response = sam.post(reverse("assessment:peer_group_create"), {"name": "", "members": []})
    assert response.status_code == 200
    assert PeerGroup.objects.count() == 0
    outsider = client_for("pat")  # MISA Prairies' admin cannot add Capitol members
    assert outsider.get(reverse("assessment:peer_group_create")).status_code == 200
    response = outsider.post(
        reverse("assessment:peer_group_create"), {"name": "X", "members": [cw.members["Avon"].pk]}
    )
    assert response.status_code == 200 and PeerGroup.objects.count() == 0


def test_everyone_who_sees_a_peer_group_reads_it_and_only_the_council_is_offered_edit(
    cw: CampaignWorld, client_for: Any, world: Any
) -> None:
    """Member staff, member admins and observers used to reach a 403 edit page from the list."""
    sam = client_for("sam")
    members = [cw.members["Avon"].pk, cw.members["Canton"].pk, cw.members["Granby"].pk]
    sam.post(reverse("assessment:peer_group_create"), {"name": "Farmington Valley", "members": members})
    group = PeerGroup.objects.get(name="Farmington Valley")
    detail = reverse("assessment:peer_group_detail", args=[group.pk])
    edit = reverse("assessment:peer_group_edit", args=[group.pk])
    for name in ("bob", "ada", "olga"):
        listing = client_for(name).get(reverse("assessment:peer_groups")).content.decode()
        assert f'href="{detail}"' in listing and f'href="{edit}"' not in listing, name
        page = client_for(name).get(detail)
        assert page.status_code == 200, name
        html = page.content.decode()
        assert "Canton" in html and "Granby" in html
        assert f"?group=custom-{group.pk}" in html
        assert f'href="{edit}"' not in html, name
    html = sam.get(detail).content.decode()
    assert f'href="{edit}"' in html
    assert client_for("vince").get(detail).status_code == 403
    assert client_for("pat").get(detail).status_code == 404


def test_peer_group_pages_refuse_members_and_vendors(cw: CampaignWorld, client_for: Any) -> None:
    assert client_for("bob").get(reverse("assessment:peer_group_create")).status_code == 403
    assert client_for("olga").get(reverse("assessment:peer_group_create")).status_code == 403
    assert client_for("vince").get(reverse("assessment:peer_groups")).status_code == 403


def test_named_set_is_what_the_fixture_says(cw: CampaignWorld) -> None:
    ca = campaign_analytics(cw.campaign)
    assert {m.name for m in ca.members if m.named} == NAMED
