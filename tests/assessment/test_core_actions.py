"""The assessment core's write paths: do_save_answers (validation, all or nothing), submit,
reopen, visibility, template versioning and campaign life cycle."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from interlocal.assessment.actions import (
    clean_value,
    do_close_campaign,
    do_create_campaign,
    do_create_template,
    do_delete_question,
    do_launch_campaign,
    do_reopen_response,
    do_save_answers,
    do_save_question,
    do_save_section,
    do_set_visibility,
    do_start_new_version,
    do_submit_response,
    do_update_campaign,
)
from interlocal.assessment.default_template import AREA_QUESTIONS, install_standard_template
from interlocal.assessment.models import Answer, Campaign, Question, Response, Template
from interlocal.audit.models import AuditEvent
from interlocal.taxonomy.models import ServiceArea
from tests.assessment.factories import FULL_ANSWERS, make_campaign, make_version, response_of

pytestmark = pytest.mark.django_db


def _problems(exc: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return exc.value.message_dict


# --- do_save_answers: every kind -----------------------------------------------------------------


def test_save_stores_every_kind_in_compact_form(world: Any) -> None:
    campaign = make_campaign(world)
    response = response_of(campaign, world.avon)
    result = do_save_answers(response, FULL_ANSWERS, actor=world.bob, source="browser")
    assert result.saved == len(FULL_ANSWERS) and result.answered == len(FULL_ANSWERS)
    stored = {a.question.code: a for a in Answer.objects.filter(response=response).select_related("question")}
    assert stored["erp.satisfaction"].num == 2.0
    assert stored["erp.pressing"].num == 5.0
    assert stored["erp.shared"].num == 0.0
    assert stored["erp.annual-cost"].num == 125000.0
    assert stored["erp.hosting"].choices == ["On premises"]
    assert stored["erp.channels"].choices == ["Online", "Counter"]
    assert stored["erp.contract-end"].date == dt.date(2027, 6, 30)
    assert stored["erp.system"].text == "Munis"
    # Denormalised for aggregation.
    assert {(a.campaign_id, a.member_id) for a in stored.values()} == {(campaign.pk, world.avon.pk)}
    response.refresh_from_db()
    assert response.status == Response.Status.IN_PROGRESS
    assert response.answered_count == len(FULL_ANSWERS)
    assert response.source == "browser"
    event = AuditEvent.objects.filter(action="assessment.answers.saved").get()
    assert event.after["erp.annual-cost"] == 125000.0
    assert event.member_id == world.avon.pk


def test_lenient_forms_people_type_are_understood(world: Any) -> None:
    campaign = make_campaign(world)
    response = response_of(campaign, world.avon)
    do_save_answers(
        response,
        {
            "erp.shared": "Yes",
            "erp.annual-cost": " $1,250.50 ",
            "erp.hosting": "on premises",  # case-insensitive match to the option
            "erp.channels": ["phone", "Online", "Phone"],  # duplicates dropped, template order kept
            "erp.satisfaction": 4.0,
        },
        actor=world.bob,
    )
    stored = {a.question.code: a for a in Answer.objects.filter(response=response).select_related("question")}
    assert stored["erp.shared"].num == 1.0
    assert stored["erp.annual-cost"].num == 1250.5
    assert stored["erp.hosting"].choices == ["On premises"]
    assert stored["erp.channels"].choices == ["Online", "Phone"]
    assert stored["erp.satisfaction"].num == 4.0


def test_blank_clears_an_answer_and_unchanged_values_write_nothing(world: Any) -> None:
    campaign = make_campaign(world)
    response = response_of(campaign, world.avon)
    do_save_answers(response, {"erp.system": "Munis", "erp.annual-cost": 10}, actor=world.bob)
    events = AuditEvent.objects.filter(action="assessment.answers.saved").count()
    again = do_save_answers(response, {"erp.system": "Munis", "erp.annual-cost": "10"}, actor=world.bob)
    assert (again.saved, again.cleared) == (0, 0)
    assert AuditEvent.objects.filter(action="assessment.answers.saved").count() == events
    cleared = do_save_answers(response, {"erp.system": "  ", "erp.annual-cost": None}, actor=world.bob)
    assert cleared.cleared == 2 and cleared.answered == 0
    assert not Answer.objects.filter(response=response).exists()


@pytest.mark.parametrize(
    ("code", "raw", "fragment"),
    [
        ("erp.satisfaction", "6", "not on the scale"),
        ("erp.satisfaction", 0, "not on the scale"),
        ("erp.satisfaction", "3.5", "not on the scale"),
        ("erp.satisfaction", "good", "whole number from 1 to 5"),
        ("erp.satisfaction", True, "whole number from 1 to 5"),
        ("erp.shared", "maybe", "yes or no"),
        ("erp.shared", 2, "yes or no"),
        ("erp.annual-cost", "about 12k", "Enter a number"),
        ("erp.annual-cost", "nan", "Enter a number"),
        ("erp.annual-cost", float("inf"), "Enter a number"),
        ("erp.annual-cost", -5, "below the minimum"),
        ("erp.annual-cost", 2e9, "above the maximum"),
        ("erp.annual-cost", ["1"], "Enter a number"),
        ("erp.hosting", "Mainframe", "not one of the options"),
        ("erp.hosting", ["On premises"], "Choose one"),
        ("erp.channels", ["Online", "Carrier pigeon"], "not one of the options"),
        ("erp.contract-end", "30/06/2027", "YYYY-MM-DD"),
        ("erp.contract-end", "2027-02-30", "YYYY-MM-DD"),
        ("erp.contract-end", "0099-01-01", "not a plausible date"),
        ("erp.contract-end", 20270630, "YYYY-MM-DD"),
        ("erp.system", "x" * 5001, "5000 characters"),
        ("erp.system", "nul\x00byte", "NUL"),
    ],
)
def test_bad_values_are_refused_with_a_reason_and_nothing_is_stored(
    world: Any, code: str, raw: Any, fragment: str
) -> None:
    campaign = make_campaign(world)
    response = response_of(campaign, world.avon)
    with pytest.raises(ValidationError) as exc:
        do_save_answers(response, {"erp.system": "Munis", code: raw}, actor=world.bob)
    problems = _problems(exc)
    assert list(problems) == [code]
    assert fragment in " ".join(problems[code])
    assert not Answer.objects.filter(response=response).exists()  # the valid one was not stored either
    response.refresh_from_db()
    assert response.status == Response.Status.NOT_STARTED


def test_every_problem_is_listed_at_once_including_unknown_codes(world: Any) -> None:
    campaign = make_campaign(world)
    response = response_of(campaign, world.avon)
    with pytest.raises(ValidationError) as exc:
        do_save_answers(
            response,
            {"erp.satisfaction": 9, "erp.shared": "perhaps", "no.such.question": 1, "erp.system": "ok"},
            actor=world.bob,
        )
    assert set(_problems(exc)) == {"erp.satisfaction", "erp.shared", "no.such.question"}


def test_questions_of_another_template_version_are_unknown(world: Any) -> None:
    campaign = make_campaign(world)
    other = make_version(world.capitol, name="Other")
    Question.objects.filter(version=other, code="erp.system").update(code="other.only")
    response = response_of(campaign, world.avon)
    with pytest.raises(ValidationError) as exc:
        do_save_answers(response, {"other.only": "x"}, actor=world.bob)
    assert "no question with this code" in _problems(exc)["other.only"][0]


def test_clean_value_is_usable_on_its_own(world: Any) -> None:
    version = make_version(world.capitol)
    question = Question.objects.get(version=version, code="erp.contract-end")
    assert clean_value(question, dt.datetime(2028, 1, 2, 3, 4, tzinfo=dt.UTC)).date == dt.date(2028, 1, 2)
    assert clean_value(question, "").empty


# --- Submitting, deadlines, closing, reopening ----------------------------------------------------


def test_submit_locks_the_response(world: Any) -> None:
    campaign = make_campaign(world)
    response = response_of(campaign, world.avon)
    do_save_answers(response, FULL_ANSWERS, actor=world.bob)
    do_submit_response(response, actor=world.bob)
    response.refresh_from_db()
    assert response.status == Response.Status.SUBMITTED
    assert response.submitted_by == world.bob and response.submitted_at is not None
    with pytest.raises(ValidationError, match="submitted"):
        do_save_answers(response, {"erp.system": "SAP"}, actor=world.bob)
    with pytest.raises(ValidationError, match="already been submitted"):
        do_submit_response(response, actor=world.bob)
    with pytest.raises(ValidationError):
        do_set_visibility(response, "named", actor=world.bob)
    assert Answer.objects.get(response=response, question__code="erp.system").text == "Munis"


def test_submit_needs_the_required_questions(world: Any) -> None:
    campaign = make_campaign(world)
    response = response_of(campaign, world.avon)
    do_save_answers(response, {"erp.system": "Munis"}, actor=world.bob)
    with pytest.raises(ValidationError) as exc:
        do_submit_response(response, actor=world.bob)
    assert list(_problems(exc)) == ["erp.satisfaction"]
    response.refresh_from_db()
    assert response.status == Response.Status.IN_PROGRESS


def test_nothing_is_accepted_after_the_deadline(world: Any) -> None:
    campaign = make_campaign(world)
    response = response_of(campaign, world.avon)
    do_save_answers(response, {"erp.satisfaction": 3}, actor=world.bob)
    Campaign.objects.filter(pk=campaign.pk).update(deadline=timezone.now() - dt.timedelta(minutes=1))
    response = response_of(campaign, world.avon)
    with pytest.raises(ValidationError, match="deadline"):
        do_save_answers(response, {"erp.system": "late"}, actor=world.bob)
    with pytest.raises(ValidationError, match="deadline"):
        do_submit_response(response, actor=world.bob)
    assert response_of(campaign, world.avon).status == Response.Status.IN_PROGRESS


def test_nothing_is_accepted_once_closed(world: Any) -> None:
    campaign = make_campaign(world)
    do_close_campaign(campaign, actor=world.sam)
    response = response_of(campaign, world.avon)
    with pytest.raises(ValidationError, match="not open"):
        do_save_answers(response, {"erp.system": "x"}, actor=world.bob)
    with pytest.raises(ValidationError, match="already closed"):
        do_close_campaign(campaign, actor=world.sam)


def test_draft_campaigns_take_no_answers(world: Any) -> None:
    campaign = make_campaign(world, launch=False)
    assert campaign.status == Campaign.Status.DRAFT
    with pytest.raises(ValidationError, match="not open"):
        do_save_answers(response_of(campaign, world.avon), {"erp.system": "x"}, actor=world.bob)


def test_reopen_is_for_consortium_staff_and_allows_late_changes(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    campaign = make_campaign(world)
    response = response_of(campaign, world.avon)
    do_save_answers(response, FULL_ANSWERS, actor=world.bob)
    do_submit_response(response, actor=world.bob)
    for outsider in (world.bob, world.ada, world.olga, world.carol):
        with pytest.raises(PermissionDenied):
            do_reopen_response(response, actor=outsider)
    Campaign.objects.filter(pk=campaign.pk).update(deadline=timezone.now() - dt.timedelta(hours=1))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        do_reopen_response(response, actor=world.sam, reason="The cost looks off by 10x")
    response.refresh_from_db()
    assert response.status == Response.Status.IN_PROGRESS and response.reopened_by == world.sam
    assert sorted(mail.outbox[0].to) == ["ada@avon.example", "bob@avon.example"]
    assert "10x" in mail.outbox[0].body
    # Reopened by staff: the deadline no longer stops the member.
    do_save_answers(response, {"erp.annual-cost": 12500}, actor=world.bob)
    do_submit_response(response, actor=world.bob)
    assert response_of(campaign, world.avon).status == Response.Status.SUBMITTED


def test_reopen_refuses_unsubmitted_answers(world: Any) -> None:
    campaign = make_campaign(world)
    with pytest.raises(ValidationError, match="Only submitted"):
        do_reopen_response(response_of(campaign, world.avon), actor=world.sam)


def test_visibility_choice(world: Any) -> None:
    campaign = make_campaign(world)
    response = response_of(campaign, world.avon)
    assert response.visibility == Response.Visibility.AGGREGATE  # the safe default
    do_set_visibility(response, "named", actor=world.bob)
    assert response_of(campaign, world.avon).visibility == "named"
    with pytest.raises(ValidationError):
        do_set_visibility(response, "everyone", actor=world.bob)


# --- Campaigns ---------------------------------------------------------------------------------


def test_launch_creates_responses_locks_the_version_and_invites(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    version = make_version(world.capitol)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        campaign = make_campaign(world, version=version, members=[world.avon, world.bolton, world.canton])
    version.refresh_from_db()
    assert version.is_locked
    assert campaign.status == Campaign.Status.OPEN
    assert set(campaign.responses.values_list("member__name", flat=True)) == {"Avon", "Bolton", "Canton"}
    recipients = sorted(tuple(m.to) for m in mail.outbox)
    # Canton has nobody to invite; Avon's admin and staff share one message, Bolton's staff another.
    assert recipients == [("ada@avon.example", "bob@avon.example"), ("carol@bolton.example",)]
    assert (
        f"/assessment/responses/{response_of(campaign, world.avon).pk}/"
        in mail.outbox[0].body + mail.outbox[1].body
    )
    assert campaign.reminder_days == [7, 2]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"members": []}, "members"),
        ({"deadline": -1}, "deadline"),
        ({"name": "  "}, "name"),
        ({"reminder_days": [0]}, "reminder_days"),
        ({"reminder_days": [7, 200]}, "reminder_days"),
        ({"priority_threshold": 6}, "priority_threshold"),
    ],
)
def test_campaign_input_is_checked(world: Any, changes: dict[str, Any], field: str) -> None:
    version = make_version(world.capitol)
    kwargs: dict[str, Any] = {
        "name": "Needs",
        "template_version": version,
        "members": [world.avon],
        "deadline": timezone.now() + dt.timedelta(days=3),
    }
    if changes.get("deadline") == -1:
        changes = {"deadline": timezone.now() - dt.timedelta(days=1)}
    kwargs.update(changes)
    with pytest.raises(ValidationError) as exc:
        do_create_campaign(world.capitol, actor=world.sam, **kwargs)
    assert field in _problems(exc)
    assert not Campaign.objects.exists()


def test_members_of_another_consortium_and_foreign_templates_are_refused(world: Any) -> None:
    version = make_version(world.capitol)
    foreign = make_version(world.prairies, name="Prairie template")
    with pytest.raises(ValidationError) as exc:
        do_create_campaign(
            world.capitol,
            actor=world.sam,
            name="Needs",
            template_version=foreign,
            members=[world.avon, world.airdrie],
            deadline=timezone.now() + dt.timedelta(days=3),
        )
    assert set(_problems(exc)) == {"members", "template_version"}
    assert "City of Airdrie" in _problems(exc)["members"][0]
    with pytest.raises(PermissionDenied):
        do_create_campaign(
            world.capitol,
            actor=world.bob,
            name="Needs",
            template_version=version,
            members=[world.avon],
            deadline=timezone.now() + dt.timedelta(days=3),
        )


def test_draft_then_launch(world: Any) -> None:
    campaign = make_campaign(world, launch=False)
    assert not campaign.template_version.is_locked
    do_launch_campaign(campaign, actor=world.sam)
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.OPEN
    with pytest.raises(ValidationError, match="Only a draft"):
        do_launch_campaign(campaign, actor=world.sam)


def test_moving_the_deadline_restarts_reminders(world: Any) -> None:
    campaign = make_campaign(world)
    Response.objects.filter(campaign=campaign).update(reminders_sent=[7])
    do_update_campaign(campaign, actor=world.sam, deadline=campaign.deadline + dt.timedelta(days=7))
    assert all(
        r == [] for r in Response.objects.filter(campaign=campaign).values_list("reminders_sent", flat=True)
    )
    with pytest.raises(ValidationError) as exc:
        do_update_campaign(campaign, actor=world.sam, deadline=timezone.now() - dt.timedelta(days=1))
    assert "deadline" in _problems(exc)
    with pytest.raises(PermissionDenied):
        do_update_campaign(campaign, actor=world.bob, name="Mine now")


# --- Templates and versions ------------------------------------------------------------------------


def test_copying_the_standard_template(world: Any) -> None:
    standard = Template.objects.get(consortium__isnull=True, key="standard").versions.get()
    template = do_create_template(world.capitol, actor=world.sam, name="Capitol 2027", copy_from=standard)
    copy = template.versions.get()
    assert copy.number == 1 and not copy.is_locked
    assert copy.questions.count() == standard.questions.count()
    assert set(copy.questions.values_list("code", flat=True)) == set(
        standard.questions.values_list("code", flat=True)
    )
    with pytest.raises(PermissionDenied):
        do_create_template(world.capitol, actor=world.bob, name="Not mine")


def test_editing_a_locked_version_makes_a_new_version(world: Any) -> None:
    version = make_version(world.capitol, locked=True)
    question = Question.objects.get(version=version, code="erp.system")
    edited = do_save_question(
        question.section, question=question, actor=world.sam, text="Which ERP product do you use?"
    )
    assert edited.version != version and edited.version.number == 2
    assert edited.version.questions.count() == version.questions.count()
    # The used version is untouched.
    assert Question.objects.get(version=version, code="erp.system").text == "Question erp.system?"
    # Further edits go to the new (unlocked) version, not a third one.
    section = do_save_section(edited.version, actor=world.sam, title="Extra")
    assert section.version == edited.version
    do_delete_question(Question.objects.get(version=edited.version, code="general.notes"), actor=world.sam)
    assert edited.version.template.versions.count() == 2
    # Only the latest version can be edited.
    with pytest.raises(ValidationError, match="latest version"):
        do_save_question(question.section, question=question, actor=world.sam, text="again")


def test_question_rules(world: Any) -> None:
    version = make_version(world.capitol)
    section = version.sections.first()
    with pytest.raises(ValidationError) as exc:
        do_save_question(section, actor=world.sam, code="erp.system", text="Dup", kind="text")
    assert "code" in _problems(exc)
    with pytest.raises(ValidationError) as exc:
        do_save_question(
            section, actor=world.sam, code="erp.new", text="Rate", kind="scaled", scale_labels=["a"]
        )
    assert {"dimension", "scale_labels"} <= set(_problems(exc))
    with pytest.raises(ValidationError) as exc:
        do_save_question(
            section, actor=world.sam, code="erp.pick", text="Pick", kind="single", choices=["only"]
        )
    assert "choices" in _problems(exc)
    with pytest.raises(ValidationError) as exc:
        do_save_question(
            section, actor=world.sam, code="erp.n", text="N", kind="number", min_value=5, max_value=1
        )
    assert "max_value" in _problems(exc)
    with pytest.raises(ValidationError) as exc:
        do_save_question(section, actor=world.sam, code="Bad Code!", text="N", kind="text")
    assert "code" in _problems(exc)


def test_the_standard_template_cannot_be_edited(world: Any) -> None:
    standard = Template.objects.get(consortium__isnull=True, key="standard")
    with pytest.raises(PermissionDenied):
        do_start_new_version(standard, actor=world.sam)


def test_standard_template_covers_every_standard_area(world: Any) -> None:
    version = (
        Template.objects.get(consortium__isnull=True, key="standard").versions.order_by("-number").first()
    )
    areas = set(ServiceArea.objects.standard().filter(is_active=True).values_list("pk", flat=True))
    assert set(version.sections.exclude(area__isnull=True).values_list("area_id", flat=True)) == areas
    assert version.sections.filter(area__isnull=True).count() == 1  # the general section
    for section in version.sections.exclude(area__isnull=True).select_related("area"):
        kinds = {q.code.split(".", 1)[1]: q for q in section.questions.all()}
        assert set(kinds) == {spec.suffix for spec in AREA_QUESTIONS}
        assert {
            kinds[d].dimension for d in ("satisfaction", "pressing", "future", "readiness", "sharing")
        } == {
            "satisfaction",
            "pressing",
            "future",
            "readiness",
            "sharing",
        }
        assert all(len(kinds[d].scale_labels) == 5 for d in ("satisfaction", "pressing", "future"))
        assert kinds["annual-cost"].unit == "USD/year" and kinds["fte"].unit == "FTE"
        assert kinds["hosting"].kind == "single" and kinds["contract-end"].kind == "date"


def test_installer_is_idempotent_and_adds_new_areas_in_a_new_version_when_used(world: Any) -> None:
    first = install_standard_template()
    assert install_standard_template().pk == first.pk
    first.is_locked = True
    first.save(update_fields=["is_locked"])
    ServiceArea.objects.create(code="cemeteries", name="Cemeteries", definition="Plots and records.")
    second = install_standard_template()
    assert second.number == first.number + 1
    assert second.sections.filter(area__code="cemeteries").exists()
    assert second.questions.count() == first.questions.count() + len(AREA_QUESTIONS)
    assert first.sections.filter(area__code="cemeteries").exists() is False
