"""Workbook pages: download the pre-filled workbook, upload a filled one and see every problem."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from interlocal.assessment.actions import do_save_answers, do_submit_response
from interlocal.assessment.models import Response
from interlocal.audit.models import AuditEvent
from interlocal.tenancy.models import Membership
from tests.assessment.test_workbook_import import ERP, GOOD, export, fill, make_campaign, stored


@pytest.fixture
def campaign(world: Any) -> Any:
    return make_campaign(world)


@pytest.fixture
def avon(campaign: Any, world: Any) -> Response:
    return Response.objects.get(campaign=campaign, member=world.avon)


def upload(
    client: Any, response: Response, data: bytes, *, name: str = "avon.xlsx", submit: bool = False
) -> Any:
    payload: dict[str, Any] = {"workbook": SimpleUploadedFile(name, data)}
    if submit:
        payload["submit"] = "on"
    return client.post(
        reverse("assessment:workbook_upload", kwargs={"pk": response.pk}), payload, follow=True
    )


def test_member_staff_download_their_workbook(client_for: Any, world: Any, avon: Response) -> None:
    do_save_answers(avon, {"fin.hosting": "Other"}, actor=world.bob)
    res = client_for("bob").get(reverse("assessment:workbook_download", kwargs={"pk": avon.pk}))
    assert res.status_code == 200
    assert res["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert res["Content-Disposition"] == 'attachment; filename="2026-needs-assessment-avon.xlsx"'
    wb = load_workbook(io.BytesIO(res.content))
    assert wb[ERP]["D8"].value == "Other"
    assert wb["_interlocal"]["B4"].value == world.avon.pk
    event = AuditEvent.objects.get(action="assessment.workbook.exported")
    assert (event.actor_id, event.member_id) == (world.bob.pk, world.avon.pk)


def test_consortium_staff_download_and_upload_on_behalf_of_a_member(
    client_for: Any, world: Any, campaign: Any, avon: Response
) -> None:
    client = client_for("sam")
    res = client.get(reverse("assessment:workbook_download", kwargs={"pk": avon.pk}))
    assert res.status_code == 200
    page = upload(client, avon, fill(res.content, GOOD))
    assert page.status_code == 200
    assert "The workbook was stored: 8 answers changed" in page.content.decode()
    assert len(stored(campaign, world.avon)) == 8


def test_upload_page_shows_the_steps(client_for: Any, avon: Response) -> None:
    res = client_for("bob").get(reverse("assessment:workbook_upload", kwargs={"pk": avon.pk}))
    body = res.content.decode()
    assert res.status_code == 200
    assert reverse("assessment:workbook_download", kwargs={"pk": avon.pk}) in body
    assert 'type="file"' in body and 'accept=".xlsx,' in body
    assert "Upload and check" in body
    assert reverse("assessment:response", kwargs={"pk": avon.pk}) in body


def test_upload_stores_and_can_submit(client_for: Any, world: Any, campaign: Any, avon: Response) -> None:
    page = upload(client_for("bob"), avon, fill(export(campaign, world.avon), GOOD), submit=True)
    body = page.content.decode()
    assert "the answers submitted: 8 questions answered" in body
    avon.refresh_from_db()
    assert avon.status == Response.Status.SUBMITTED and avon.source == Response.Source.XLSX
    # Now submitted: the page says why no upload is possible, and offers no form.
    assert "Ask the consortium staff to reopen them" in body
    assert 'type="file"' not in body


def test_upload_lists_every_problem_and_stores_nothing(
    client_for: Any, world: Any, campaign: Any, avon: Response
) -> None:
    data = fill(export(campaign, world.avon), {ERP: {"D5": 8, "D7": "n/a", "D11": "Munis"}})
    page = upload(client_for("bob"), avon, data)
    body = page.content.decode()
    assert page.status_code == 200
    assert "The workbook has 2 problems; nothing was stored." in body
    assert (
        "<td>Financial ERP</td><td>D5</td><td>fin.satisfaction</td><td>8 is outside the scale 1–5.</td>"
        in body
    )
    assert "<td>D7</td><td>fin.annual-cost</td><td>“n/a” is not a number.</td>" in body
    assert stored(campaign, world.avon) == {}


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("avon.xlsm", b"PK\x03\x04...", "Macro-enabled workbooks (.xlsm) are refused"),
        ("avon.xlsx", b"just some text", "This is not an Excel workbook (.xlsx)"),
        ("avon.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64, "old-format Excel file (.xls)"),
    ],
)
def test_upload_of_a_wrong_file(client_for: Any, avon: Response, name: str, data: bytes, reason: str) -> None:
    body = upload(client_for("bob"), avon, data, name=name).content.decode()
    assert "The workbook has 1 problem; nothing was stored." in body
    assert reason in body


def test_upload_over_the_size_limit(
    client_for: Any, world: Any, campaign: Any, avon: Response, settings: Any
) -> None:
    settings.ASSESSMENT_WORKBOOK_MAX_BYTES = 2048
    body = upload(client_for("bob"), avon, fill(export(campaign, world.avon), GOOD)).content.decode()
    assert "the limit for a workbook is 2 KB" in body
    assert "at most 2.0\xa0KB" in body  # the form says the limit up front
    assert stored(campaign, world.avon) == {}


def test_upload_without_a_file(client_for: Any, avon: Response) -> None:
    res = client_for("bob").post(reverse("assessment:workbook_upload", kwargs={"pk": avon.pk}), {})
    assert res.status_code == 200
    assert "This field is required." in res.content.decode()


def test_upload_of_another_members_workbook(
    client_for: Any, world: Any, campaign: Any, avon: Response
) -> None:
    body = upload(client_for("bob"), avon, fill(export(campaign, world.bolton), GOOD)).content.decode()
    assert "This workbook is for another member, not Avon" in body
    assert stored(campaign, world.avon) == {} and stored(campaign, world.bolton) == {}


def test_submitted_response_blocks_uploads(
    client_for: Any, world: Any, campaign: Any, avon: Response
) -> None:
    do_save_answers(avon, {"fin.satisfaction": 3}, actor=world.bob)
    do_submit_response(avon, actor=world.bob)
    page = upload(client_for("bob"), avon, fill(export(campaign, world.avon), GOOD))
    assert "already submitted" in page.content.decode()
    assert stored(campaign, world.avon) == {"fin.satisfaction": "3"}


def test_read_only_member_observer_gets_403(client_for: Any, world: Any, avon: Response) -> None:
    Membership.objects.create(user=world.olga, consortium=world.capitol, member=world.avon, role="observer")
    client = client_for("olga")
    assert client.get(reverse("assessment:workbook_download", kwargs={"pk": avon.pk})).status_code == 403
    assert client.get(reverse("assessment:workbook_upload", kwargs={"pk": avon.pk})).status_code == 403
    res = client.post(reverse("assessment:workbook_upload", kwargs={"pk": avon.pk}), {})
    assert res.status_code == 403


@pytest.mark.parametrize("name", ["carol", "olga", "vince", "pat"])
def test_other_people_get_404(client_for: Any, avon: Response, name: str) -> None:
    client = client_for(name)
    assert client.get(reverse("assessment:workbook_download", kwargs={"pk": avon.pk})).status_code == 404
    assert client.get(reverse("assessment:workbook_upload", kwargs={"pk": avon.pk})).status_code == 404


def test_anonymous_people_are_sent_to_sign_in(client: Any, avon: Response) -> None:
    res = client.get(reverse("assessment:workbook_download", kwargs={"pk": avon.pk}))
    assert res.status_code == 302 and "login" in res["Location"]


def test_answering_page_links_to_the_workbook(client_for: Any, avon: Response) -> None:
    body = client_for("bob").get(reverse("assessment:response", kwargs={"pk": avon.pk})).content.decode()
    assert reverse("assessment:workbook_download", kwargs={"pk": avon.pk}) in body
    assert reverse("assessment:workbook_upload", kwargs={"pk": avon.pk}) in body


def test_answering_page_of_a_submitted_response_offers_only_the_download(
    client_for: Any, world: Any, avon: Response
) -> None:
    do_save_answers(avon, {"fin.satisfaction": 3}, actor=world.bob)
    do_submit_response(avon, actor=world.bob)
    body = client_for("bob").get(reverse("assessment:response", kwargs={"pk": avon.pk})).content.decode()
    assert reverse("assessment:workbook_download", kwargs={"pk": avon.pk}) in body
    assert reverse("assessment:workbook_upload", kwargs={"pk": avon.pk}) not in body


def test_campaign_page_links_members_to_their_workbook(
    client_for: Any, campaign: Any, avon: Response
) -> None:
    body = (
        client_for("bob")
        .get(reverse("assessment:campaign_detail", kwargs={"pk": campaign.pk}))
        .content.decode()
    )
    assert reverse("assessment:workbook_upload", kwargs={"pk": avon.pk}) in body
    assert "Excel workbook for Avon" in body
