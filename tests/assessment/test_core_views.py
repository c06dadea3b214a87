"""Pages of the assessment core: templates, campaigns, progress and answering.

For each page: the happy path, the read-only person's 403 and the other member's 404 (the
isolation harness checks every route for every named person as well).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from interlocal.assessment.actions import do_save_answers, do_submit_response
from interlocal.assessment.models import (
    Answer,
    Campaign,
    Question,
    Response,
    Section,
    Template,
    TemplateVersion,
)
from interlocal.tenancy.models import Membership
from tests.assessment.factories import FULL_ANSWERS, make_campaign, make_version, response_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def avon_observer(world: Any) -> Any:
    """An observer of Avon itself (read-only for the member), not of the consortium as a whole."""
    from interlocal.accounts.models import User

    person = User.objects.create_user(email="otto@avon.example", full_name="Otto Observer")
    Membership.objects.create(user=person, consortium=world.capitol, member=world.avon, role="observer")
    return person


# --- Campaign list and detail ---------------------------------------------------------------------


def test_campaign_list_shows_progress_and_own_status(world: Any, client_for: Any) -> None:
    campaign = make_campaign(world, name="Needs 2027")
    do_save_answers(response_of(campaign, world.avon), FULL_ANSWERS, actor=world.bob)
    do_submit_response(response_of(campaign, world.avon), actor=world.bob)
    make_campaign(world, name="Hidden draft", launch=False)
    page = client_for("bob").get(reverse("assessment:campaigns"))
    body = page.content.decode()
    assert page.status_code == 200
    assert "Needs 2027" in body and "1 of 2 submitted" in body and "Submitted" in body
    assert "Hidden draft" not in body  # drafts are the council's
    council = client_for("sam").get(reverse("assessment:campaigns")).content.decode()
    assert "Hidden draft" in council and "Launch a campaign" in council
    csv = client_for("sam").get(reverse("assessment:campaigns"), {"format": "csv"})
    assert b"Needs 2027" in b"".join(csv.streaming_content)


def test_vendors_get_no_assessment_pages(world: Any, client_for: Any) -> None:
    campaign = make_campaign(world)
    assert client_for("vince").get(reverse("assessment:campaigns")).status_code == 403
    assert (
        client_for("vince").get(reverse("assessment:campaign_detail", args=[campaign.pk])).status_code == 403
    )


def test_campaign_detail_for_members_and_council(world: Any, client_for: Any) -> None:
    campaign = make_campaign(world)
    url = reverse("assessment:campaign_detail", args=[campaign.pk])
    member_page = client_for("bob").get(url).content.decode()
    assert "Answer the questions" in member_page
    assert reverse("assessment:response", args=[response_of(campaign, world.avon).pk]) in member_page
    assert "Who has answered what" not in member_page
    council_page = client_for("sam").get(url).content.decode()
    assert "Who has answered what" in council_page and "0 of 2 members have submitted" in council_page
    assert client_for("pat").get(url).status_code == 404


def test_drafts_are_403_for_members(world: Any, client_for: Any) -> None:
    campaign = make_campaign(world, launch=False)
    assert client_for("bob").get(reverse("assessment:campaign_detail", args=[campaign.pk])).status_code == 403


# --- Launching, editing, closing ---------------------------------------------------------------------


def _launch_form(world: Any, version: TemplateVersion, **changes: Any) -> dict[str, Any]:
    day = (timezone.localdate() + dt.timedelta(days=10)).isoformat()
    data = {
        "name": "Shared services 2027",
        "description": "Please answer by the end of the month.",
        "template_version": version.pk,
        "members": [world.avon.pk, world.bolton.pk],
        "deadline_date": day,
        "deadline_time": "17:00",
        "reminder_days": "7, 2",
        "launch": "on",
    }
    data.update(changes)
    return data


def test_launching_a_campaign(world: Any, client_for: Any, django_capture_on_commit_callbacks: Any) -> None:
    version = make_version(world.capitol)
    client = client_for("sam")
    form = client.get(reverse("assessment:campaign_create"))
    assert form.status_code == 200 and "Core test template" in form.content.decode()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("assessment:campaign_create"), _launch_form(world, version))
    campaign = Campaign.objects.get(name="Shared services 2027")
    assert response.status_code == 302 and response["Location"] == reverse(
        "assessment:campaign_detail", args=[campaign.pk]
    )
    assert campaign.status == "open" and campaign.responses.count() == 2
    assert campaign.reminder_days == [7, 2]
    assert len(mail.outbox) == 2


def test_launch_form_reports_bad_input(world: Any, client_for: Any) -> None:
    version = make_version(world.capitol)
    client = client_for("sam")
    past = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    page = client.post(
        reverse("assessment:campaign_create"),
        _launch_form(world, version, deadline_date=past, reminder_days="7, soon", members=[]),
    )
    body = page.content.decode()
    assert page.status_code == 200
    assert "is not a number of days" in body and "This field is required" in body
    assert not Campaign.objects.exists()
    page = client.post(
        reverse("assessment:campaign_create"), _launch_form(world, version, deadline_date=past)
    )
    assert "The deadline must be in the future" in page.content.decode()
    assert not Campaign.objects.exists()


def test_launch_is_for_the_council(world: Any, client_for: Any) -> None:
    version = make_version(world.capitol)
    for name in ("bob", "ada", "olga"):
        assert client_for(name).get(reverse("assessment:campaign_create")).status_code == 403
        assert (
            client_for(name)
            .post(reverse("assessment:campaign_create"), _launch_form(world, version))
            .status_code
            == 403
        )
    assert not Campaign.objects.exists()


def test_draft_launch_edit_and_close(world: Any, client_for: Any) -> None:
    campaign = make_campaign(world, launch=False)
    client = client_for("sam")
    assert "Launch" in client.get(reverse("assessment:campaign_launch", args=[campaign.pk])).content.decode()
    client.post(reverse("assessment:campaign_launch", args=[campaign.pk]))
    campaign.refresh_from_db()
    assert campaign.status == "open"
    new_day = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    edit = client.post(
        reverse("assessment:campaign_edit", args=[campaign.pk]),
        {
            "name": "Renamed",
            "description": "",
            "deadline_date": new_day,
            "deadline_time": "12:00",
            "reminder_days": "3",
            "priority_threshold": "3.5",
            "readiness_threshold": "2.5",
        },
    )
    assert edit.status_code == 302
    campaign.refresh_from_db()
    assert (campaign.name, campaign.reminder_days, campaign.priority_threshold) == ("Renamed", [3], 3.5)
    assert timezone.localtime(campaign.deadline).date().isoformat() == new_day
    bad = client.post(
        reverse("assessment:campaign_edit", args=[campaign.pk]),
        {
            "name": "x",
            "deadline_date": new_day,
            "deadline_time": "12:00",
            "priority_threshold": "9",
            "readiness_threshold": "1",
        },
    )
    assert bad.status_code == 200 and "less than or equal to 5" in bad.content.decode()
    assert (
        "members can no longer"
        in client.get(reverse("assessment:campaign_close", args=[campaign.pk])).content.decode()
    )
    client.post(reverse("assessment:campaign_close", args=[campaign.pk]))
    campaign.refresh_from_db()
    assert campaign.status == "closed"
    assert client_for("bob").post(reverse("assessment:campaign_close", args=[campaign.pk])).status_code == 403


# --- Progress ---------------------------------------------------------------------------------------


def test_progress_page_per_member_and_section(world: Any, client_for: Any) -> None:
    campaign = make_campaign(world, members=[world.avon, world.bolton, world.canton])
    do_save_answers(response_of(campaign, world.avon), FULL_ANSWERS, actor=world.bob)
    do_save_answers(response_of(campaign, world.bolton), {"erp.system": "Tyler"}, actor=world.carol)
    do_submit_response(response_of(campaign, world.avon), actor=world.bob)
    url = reverse("assessment:campaign_progress", args=[campaign.pk])
    page = client_for("sam").get(url)
    body = page.content.decode()
    assert page.status_code == 200
    assert "Financial management" in body and "About your organization" in body  # one column per section
    assert "10/10 (100%)" in body and "1/10 (10%)" in body and "0/10 (0%)" in body
    assert "8/8" in body and "2/2" in body  # Avon's per-section counts
    filtered = client_for("sam").get(url, {"status": "not_started"}).content.decode()
    assert "Canton" in filtered and "Bolton" not in filtered
    csv = b"".join(client_for("sam").get(url, {"format": "csv"}).streaming_content).decode()
    assert "Avon,Submitted" in csv and "8/8" in csv
    assert client_for("bob").get(url).status_code == 403
    assert client_for("olga").get(url).status_code == 403
    assert client_for("pat").get(url).status_code == 404


# --- Answering ---------------------------------------------------------------------------------------


def test_answering_page_for_member_staff(world: Any, client_for: Any) -> None:
    campaign = make_campaign(world)
    response = response_of(campaign, world.avon)
    do_save_answers(response, {"erp.system": "Munis", "erp.satisfaction": 4}, actor=world.bob)
    page = client_for("bob").get(reverse("assessment:response", args=[response.pk]))
    body = page.content.decode()
    assert page.status_code == 200
    assert "2 of 10 questions answered (20%)" in body
    assert 'value="Munis"' in body or ">Munis</textarea>" in body
    assert 'hx-post="' + reverse("assessment:response_save", args=[response.pk]) in body
    assert "Only in totals and averages" in body and "Review and submit" in body
    assert 'id="section-count-' in body


def test_read_only_people_see_answers_without_fields(world: Any, client_for: Any, avon_observer: Any) -> None:
    campaign = make_campaign(world)
    response = response_of(campaign, world.avon)
    do_save_answers(
        response, {"erp.system": "Munis", "erp.satisfaction": 4, "erp.annual-cost": 1234567}, actor=world.bob
    )
    from django.test import Client

    observer = Client()
    observer.force_login(avon_observer)
    for client in (observer, client_for("sam")):
        page = client.get(reverse("assessment:response", args=[response.pk]))
        body = page.content.decode()
        assert page.status_code == 200
        assert "You can read these answers but not change them" in body
        assert "4 — Good" in body and "1,234,567 USD/year" in body and "Munis" in body
        assert "hx-post" not in body.split('id="visibility"')[1]
        saved = client.post(
            reverse("assessment:response_save", args=[response.pk]),
            {"present": "erp.system", "q-erp.system": "x"},
        )
        assert saved.status_code == 403
    assert Answer.objects.get(response=response, question__code="erp.system").text == "Munis"


def test_other_members_and_consortia_get_404(world: Any, client_for: Any) -> None:
    campaign = make_campaign(world)
    response = response_of(campaign, world.avon)
    for name in ("carol", "olga", "pat"):
        assert client_for(name).get(reverse("assessment:response", args=[response.pk])).status_code == 404
        assert (
            client_for(name)
            .post(
                reverse("assessment:response_save", args=[response.pk]),
                {"only": "erp.system", "q-erp.system": "x"},
            )
            .status_code
            == 404
        )
    assert not Answer.objects.filter(response=response).exists()


def test_autosave_one_question_with_htmx(world: Any, client_for: Any) -> None:
    campaign = make_campaign(world)
    response = response_of(campaign, world.avon)
    url = reverse("assessment:response_save", args=[response.pk])
    client = client_for("bob")
    saved = client.post(
        url, {"only": "erp.annual-cost", "q-erp.annual-cost": "12,500"}, HTTP_HX_REQUEST="true"
    )
    body = saved.content.decode()
    assert saved.status_code == 200
    assert "Saved at" in body
    assert 'id="il-progress" hx-swap-oob="true"' in body and "1 of 10 questions answered" in body
    section = Section.objects.get(version=campaign.template_version, title="Financial management")
    assert f'id="section-count-{section.pk}"' in body and "1/8" in body
    assert Answer.objects.get(response=response).num == 12500.0
    # A bad value: the reason, and nothing stored.
    bad = client.post(url, {"only": "erp.annual-cost", "q-erp.annual-cost": "lots"}, HTTP_HX_REQUEST="true")
    assert (
        bad.status_code == 200
        and "Not saved:" in bad.content.decode()
        and "Enter a number" in bad.content.decode()
    )
    assert Answer.objects.get(response=response).num == 12500.0
    # Unchecking every option of a multiple-choice question clears it.
    client.post(url, {"only": "erp.channels", "q-erp.channels": ["Online", "Phone"]}, HTTP_HX_REQUEST="true")
    assert Answer.objects.get(response=response, question__code="erp.channels").choices == ["Online", "Phone"]
    client.post(url, {"only": "erp.channels"}, HTTP_HX_REQUEST="true")
    assert not Answer.objects.filter(response=response, question__code="erp.channels").exists()


def test_saving_the_whole_form_without_javascript(world: Any, client_for: Any) -> None:
    campaign = make_campaign(world)
    response = response_of(campaign, world.avon)
    url = reverse("assessment:response_save", args=[response.pk])
    post: dict[str, Any] = {"present": list(FULL_ANSWERS), "section": "1"}
    for code, value in FULL_ANSWERS.items():
        post[f"q-{code}"] = value
    done = client_for("bob").post(url, post)
    assert done.status_code == 302 and done["Location"].endswith("#section-1")
    assert Answer.objects.filter(response=response).count() == len(FULL_ANSWERS)
    # Two bad values: the page again (422) with both marked, and nothing changed.
    post["q-erp.satisfaction"] = "9"
    post["q-erp.contract-end"] = "soon"
    post["q-erp.system"] = "Changed"
    page = client_for("bob").post(url, post)
    body = page.content.decode()
    assert page.status_code == 422
    assert "2 answers need correcting" in body
    assert "9 is not on the scale" in body and "YYYY-MM-DD" in body
    assert ">Changed</textarea>" in body  # what the person typed is kept on the page
    assert Answer.objects.get(response=response, question__code="erp.system").text == "Munis"


def test_visibility_choice(world: Any, client_for: Any) -> None:
    campaign = make_campaign(world)
    response = response_of(campaign, world.avon)
    url = reverse("assessment:response_visibility", args=[response.pk])
    ok = client_for("bob").post(url, {"visibility": "named"}, HTTP_HX_REQUEST="true")
    assert ok.status_code == 200 and "Saved at" in ok.content.decode()
    assert response_of(campaign, world.avon).visibility == "named"
    bad = client_for("bob").post(url, {"visibility": "public"}, HTTP_HX_REQUEST="true")
    assert "Not saved" in bad.content.decode()
    assert response_of(campaign, world.avon).visibility == "named"
    plain = client_for("bob").post(url, {"visibility": "aggregate"})
    assert plain.status_code == 302 and response_of(campaign, world.avon).visibility == "aggregate"


def test_submit_confirms_then_locks(world: Any, client_for: Any) -> None:
    campaign = make_campaign(world)
    response = response_of(campaign, world.avon)
    url = reverse("assessment:response_submit", args=[response.pk])
    client = client_for("bob")
    page = client.get(url).content.decode()
    assert "Required questions without an answer" in page and "Financial management</a>:" in page
    assert "current satisfaction" in page
    refused = client.post(url)
    assert (
        refused.status_code == 200 and "Answer the required question listed below" in refused.content.decode()
    )
    do_save_answers(response, FULL_ANSWERS, actor=world.bob)
    assert "Submit answers" in client.get(url).content.decode()
    done = client.post(url)
    assert done.status_code == 302
    response.refresh_from_db()
    assert response.status == Response.Status.SUBMITTED
    after = client.get(reverse("assessment:response", args=[response.pk])).content.decode()
    assert "The answers are locked" in after and "hx-post" not in after.split('id="visibility"')[1]
    # A second submission and a late save are refused with a reason.
    again = client.post(url, follow=True)
    assert "already been submitted" in again.content.decode()
    late = client.post(
        reverse("assessment:response_save", args=[response.pk]),
        {"only": "erp.system", "q-erp.system": "late"},
        HTTP_HX_REQUEST="true",
    )
    assert "submitted on" in late.content.decode()
    assert Answer.objects.get(response=response, question__code="erp.system").text == "Munis"


def test_after_the_deadline_the_page_is_read_only(world: Any, client_for: Any) -> None:
    campaign = make_campaign(world)
    response = response_of(campaign, world.avon)
    Campaign.objects.filter(pk=campaign.pk).update(deadline=timezone.now() - dt.timedelta(hours=1))
    body = client_for("bob").get(reverse("assessment:response", args=[response.pk])).content.decode()
    assert "The deadline has passed" in body


def test_reopen_by_staff(world: Any, client_for: Any) -> None:
    campaign = make_campaign(world)
    response = response_of(campaign, world.avon)
    do_save_answers(response, FULL_ANSWERS, actor=world.bob)
    do_submit_response(response, actor=world.bob)
    url = reverse("assessment:response_reopen", args=[response.pk])
    assert client_for("bob").get(url).status_code == 403
    assert client_for("carol").get(url).status_code == 404
    assert (
        "Reopen for changes"
        in client_for("sam").get(reverse("assessment:response", args=[response.pk])).content.decode()
    )
    client_for("sam").post(url, {"reason": "Check the cost"})
    assert response_of(campaign, world.avon).status == Response.Status.IN_PROGRESS


# --- Templates --------------------------------------------------------------------------------------


def test_template_list_and_detail(world: Any, client_for: Any) -> None:
    own = make_version(world.capitol, name="Capitol own template")
    page = client_for("bob").get(reverse("assessment:templates")).content.decode()
    assert "Interlocal standard needs assessment" in page and "Capitol own template" in page
    assert "Create a template" not in page
    standard = Template.objects.get(key="standard", consortium__isnull=True)
    detail = client_for("bob").get(reverse("assessment:template_detail", args=[standard.pk])).content.decode()
    assert "council-agenda.pressing" in detail and "cannot be changed" in detail
    own_detail = (
        client_for("sam").get(reverse("assessment:template_detail", args=[own.template_id])).content.decode()
    )
    assert "erp.annual-cost" in own_detail and "Edit" in own_detail
    assert (
        client_for("pat").get(reverse("assessment:template_detail", args=[own.template_id])).status_code
        == 404
    )
    filtered = client_for("sam").get(reverse("assessment:templates"), {"origin": "own"}).content.decode()
    assert "Capitol own template" in filtered and "Interlocal standard needs assessment" not in filtered


def test_create_a_template_from_the_standard_one_and_edit_it(world: Any, client_for: Any) -> None:
    client = client_for("sam")
    standard = Template.objects.get(key="standard", consortium__isnull=True).versions.get()
    created = client.post(
        reverse("assessment:template_create"),
        {"name": "Capitol 2027", "description": "Our questions", "source": standard.pk},
    )
    template = Template.objects.get(name="Capitol 2027")
    assert created["Location"] == reverse("assessment:template_edit", args=[template.pk])
    version = template.versions.get()
    assert version.questions.count() == standard.questions.count()
    edit_page = client.get(reverse("assessment:template_edit", args=[template.pk])).content.decode()
    assert "Add a section" in edit_page
    section = version.sections.get(area__code="financial-erp")
    added = client.post(
        reverse("assessment:question_create", args=[section.pk]),
        {
            "section": section.pk,
            "code": "financial-erp.modules",
            "text": "Which modules do you use?",
            "kind": "multiple",
            "choices": "General ledger\nPayroll\nUtility billing",
        },
    )
    assert added.status_code == 302
    assert Question.objects.get(version=version, code="financial-erp.modules").choices == [
        "General ledger",
        "Payroll",
        "Utility billing",
    ]
    bad = client.post(
        reverse("assessment:question_create", args=[section.pk]),
        {"section": section.pk, "code": "financial-erp.modules", "text": "Dup", "kind": "scaled"},
    )
    body = bad.content.decode()
    assert bad.status_code == 200 and "already uses this code" in body and "needs a dimension" in body
    # Once a campaign uses the version, an edit makes version 2.
    make_campaign(world, version=version)
    question = Question.objects.get(version=version, code="financial-erp.modules")
    changed = client.post(
        reverse("assessment:question_edit", args=[question.pk]),
        {
            "section": section.pk,
            "code": "financial-erp.modules",
            "text": "Which ERP modules?",
            "kind": "multiple",
            "choices": "GL\nPayroll",
        },
        follow=True,
    )
    assert "your change was made in a new version 2" in changed.content.decode()
    assert template.versions.count() == 2
    assert (
        Question.objects.get(version=version, code="financial-erp.modules").text
        == "Which modules do you use?"
    )
    assert (
        Question.objects.get(version__number=2, version__template=template, code="financial-erp.modules").text
        == "Which ERP modules?"
    )


def test_sections_can_be_added_edited_and_removed(world: Any, client_for: Any) -> None:
    version = make_version(world.capitol)
    client = client_for("sam")
    client.post(
        reverse("assessment:section_create", args=[version.template_id]),
        {"title": "Fleet", "area": "", "description": "Vehicles", "order": "30"},
    )
    fleet = Section.objects.get(version=version, title="Fleet")
    client.post(
        reverse("assessment:section_edit", args=[fleet.pk]), {"title": "Fleet and equipment", "order": "5"}
    )
    fleet.refresh_from_db()
    assert (fleet.title, fleet.order) == ("Fleet and equipment", 5)
    client.post(reverse("assessment:section_delete", args=[fleet.pk]))
    assert not Section.objects.filter(pk=fleet.pk).exists()


def test_template_editing_is_for_the_council(world: Any, client_for: Any) -> None:
    version = make_version(world.capitol)
    question = Question.objects.filter(version=version).first()
    for name in ("bob", "olga"):
        assert (
            client_for(name).get(reverse("assessment:template_edit", args=[version.template_id])).status_code
            == 403
        )
        assert (
            client_for(name).post(reverse("assessment:question_delete", args=[question.pk])).status_code
            == 403
        )
    assert client_for("pat").get(reverse("assessment:question_edit", args=[question.pk])).status_code == 404
    standard = Template.objects.get(key="standard", consortium__isnull=True)
    assert client_for("sam").get(reverse("assessment:template_edit", args=[standard.pk])).status_code == 403
    assert Question.objects.filter(pk=question.pk).exists()


def test_dashboard_card_lists_what_to_answer(world: Any, client_for: Any) -> None:
    campaign = make_campaign(world, name="Answer me")
    page = client_for("bob").get(reverse("core:dashboard")).content.decode()
    assert (
        "Answer me" in page
        and reverse("assessment:response", args=[response_of(campaign, world.avon).pk]) in page
    )
