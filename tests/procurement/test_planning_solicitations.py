"""Solicitations: drafts, publication checks, documents, Q&A (anonymised), addenda and acknowledgements,
public pages and the Atom feed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from interlocal.audit.models import AuditEvent
from interlocal.procurement import actions
from interlocal.procurement.models import Addendum, Solicitation, VendorQuestion
from interlocal.procurement.queries import unacknowledged_addenda
from tests.clock import Clock
from tests.procurement.factories import make_solicitation, make_vendor

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 2, 15, 0, tzinfo=dt.UTC)


def _form(**over: Any) -> dict[str, Any]:
    deadline = timezone.localtime() + dt.timedelta(days=10)
    data = {
        "reference_number": "IFB-2027-001",
        "title": "Laptops 2027",
        "category": "goods",
        "method": "ifb",
        "award_basis": "lowest_price",
        "submission_deadline": deadline.strftime("%Y-%m-%dT%H:%M"),
        "opening_at": (deadline + dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "currency": "USD",
    }
    data.update(over)
    return data


def test_create_add_items_and_publish(world: Any, client_for: Any) -> None:
    sam = client_for("sam")
    assert sam.post(reverse("procurement:solicitation_create"), _form()).status_code == 302
    sol = Solicitation.objects.get(reference_number="IFB-2027-001")
    response = sam.post(reverse("procurement:solicitation_publish", args=[sol.pk]), follow=True)
    assert "Add at least one item" in response.content.decode()
    sam.post(
        reverse("procurement:solicitation_item_add", args=[sol.pk]),
        {"description": "Laptop, 14 inch", "unit": "each", "total_quantity": "120"},
    )
    sam.post(reverse("procurement:solicitation_publish", args=[sol.pk]))
    sol.refresh_from_db()
    assert sol.status == "published" and sol.published_at is not None
    public = client_for(None).get(reverse("procurement:public_list")).content.decode()
    assert "Laptops 2027" in public
    # A published solicitation changes only through addenda.
    with pytest.raises(ValidationError, match="addendum"):
        actions.do_update_solicitation(sol, acting_user=world.sam, title="Other")


def test_opening_before_deadline_is_refused(world: Any, client_for: Any) -> None:
    deadline = timezone.localtime() + dt.timedelta(days=10)
    response = client_for("sam").post(
        reverse("procurement:solicitation_create"),
        _form(opening_at=(deadline - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")),
    )
    assert response.status_code == 200
    assert "The opening must be at or after the submission deadline" in response.content.decode()
    assert not Solicitation.objects.exists()


def test_publication_checks_deadline_and_weights(world: Any, clock: Clock) -> None:
    clock.set(NOW)
    sol = make_solicitation(
        world.capitol, status="draft", submission_deadline=NOW - dt.timedelta(minutes=1), method="rfp"
    )
    problems = actions.publication_problems(sol)
    assert "submission_deadline" in problems
    assert "award_basis" in problems  # an RFP is awarded on weighted criteria
    sol = make_solicitation(
        world.capitol, reference_number="RFP-2", status="draft", method="rfp", award_basis="weighted_criteria"
    )
    actions.do_add_criterion(sol, acting_user=world.sam, name="Quality", weight="60")
    assert "add up to 60" in actions.publication_problems(sol)["criteria"]
    actions.do_add_criterion(sol, acting_user=world.sam, name="Support", weight="40")
    assert "price" in actions.publication_problems(sol)["criteria"]
    with pytest.raises(ValidationError):
        actions.do_add_criterion(sol, acting_user=world.sam, name="Bad", weight="0")


def test_negative_total_quantity_is_refused(world: Any) -> None:
    sol = make_solicitation(world.capitol, status="draft")
    with pytest.raises(ValidationError, match="negative"):
        actions.do_add_solicitation_item(
            sol, acting_user=world.sam, description="X", unit="each", total_quantity="-1"
        )
    assert sol.items.count() == 1


def test_questions_are_answered_and_published_without_the_vendor(world: Any, client_for: Any) -> None:
    vendor = make_vendor("Varga Supply", user=world.vince, consortium=world.capitol)
    other = make_vendor("Other Co", legal_id="EIN-OTHER")
    sol = make_solicitation(world.capitol)
    vince = client_for("vince")
    vince.post(reverse("procurement:vendor_ask", args=[sol.pk]), {"text": "May we offer 15-inch models?"})
    question = VendorQuestion.objects.get()
    assert question.vendor == vendor
    response = client_for("sam").post(
        reverse("procurement:question_answer", args=[question.pk]),
        {"answer": "Yes, as an alternate.", "publish": "on"},
    )
    assert response.status_code == 302
    page = client_for(None).get(reverse("procurement:public_solicitation", args=[sol.pk])).content.decode()
    assert "May we offer 15-inch models?" in page and "Yes, as an alternate." in page
    assert "Varga Supply" not in page
    assert other.name not in page
    # Staff see who asked.
    staff = client_for("sam").get(reverse("procurement:solicitation_detail", args=[sol.pk])).content.decode()
    assert "Varga Supply" in staff


def test_questions_after_the_deadline_are_refused(world: Any, clock: Clock) -> None:
    vendor = make_vendor("Varga Supply", user=world.vince, consortium=world.capitol)
    clock.set(NOW)
    sol = make_solicitation(
        world.capitol,
        submission_deadline=NOW + dt.timedelta(days=5),
        questions_deadline=NOW + dt.timedelta(days=1),
    )
    clock.set(NOW + dt.timedelta(days=1))
    with pytest.raises(ValidationError, match="closed"):
        actions.do_ask_question(sol, vendor, acting_user=world.vince, text="Late?")
    assert not VendorQuestion.objects.exists()


def test_a_vendor_cannot_act_for_another_vendor(world: Any) -> None:
    make_vendor("Varga Supply", user=world.vince, consortium=world.capitol)
    other = make_vendor("Other Co", legal_id="EIN-OTHER")
    sol = make_solicitation(world.capitol)
    with pytest.raises(PermissionDenied):
        actions.do_ask_question(sol, other, acting_user=world.vince, text="As someone else")
    with pytest.raises(PermissionDenied):
        actions.do_register_interest(sol, other, acting_user=world.vince)


def test_addenda_notify_followers_and_need_acknowledgement(
    world: Any, client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    vendor = make_vendor("Varga Supply", user=world.vince, consortium=world.capitol)
    sol = make_solicitation(world.capitol)
    vince = client_for("vince")
    vince.post(reverse("procurement:vendor_follow", args=[sol.pk]))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for("sam").post(
            reverse("procurement:addendum_create", args=[sol.pk]), {"title": "Delivery", "body": "Two drops."}
        )
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [[world.vince.email]]
    assert "Addendum 1" in mail.outbox[0].subject
    addendum = Addendum.objects.get()
    assert list(unacknowledged_addenda(sol, vendor)) == [addendum]
    page = vince.get(reverse("procurement:vendor_solicitation", args=[sol.pk])).content.decode()
    assert "Acknowledge addendum 1" in page
    vince.post(reverse("procurement:vendor_acknowledge", args=[addendum.pk]))
    vince.post(reverse("procurement:vendor_acknowledge", args=[addendum.pk]))  # idempotent
    assert not unacknowledged_addenda(sol, vendor).exists()
    assert addendum.acknowledgements.count() == 1
    assert AuditEvent.objects.filter(action="procurement.addendum.acknowledged").count() == 1


def test_addendum_can_move_the_deadline_but_not_before_now(world: Any) -> None:
    sol = make_solicitation(world.capitol)
    later = sol.submission_deadline + dt.timedelta(days=3)
    actions.do_issue_addendum(
        sol,
        acting_user=world.sam,
        title="Extension",
        body="Three more days.",
        submission_deadline=later,
        opening_at=later + dt.timedelta(hours=1),
    )
    sol.refresh_from_db()
    assert sol.submission_deadline == later
    with pytest.raises(ValidationError, match="opening"):
        actions.do_issue_addendum(
            sol, acting_user=world.sam, title="Bad", body="x", opening_at=later - dt.timedelta(days=1)
        )
    assert sol.addenda.count() == 1


def test_public_pages_and_feed_show_no_drafts(world: Any, client_for: Any) -> None:
    open_ = make_solicitation(world.capitol, title="Laptops 2027")
    make_solicitation(world.capitol, reference_number="DRAFT-1", title="Secret draft", status="draft")
    anon = client_for(None)
    listing = anon.get(reverse("procurement:public_list")).content.decode()
    assert "Laptops 2027" in listing and "Secret draft" not in listing
    feed = anon.get(reverse("procurement:public_feed"))
    assert feed["Content-Type"].startswith("application/atom+xml")
    body = feed.content.decode()
    assert "Laptops 2027" in body and "Secret draft" not in body and open_.ocid in body
    assert anon.get(reverse("procurement:public_solicitation", args=[open_.pk + 1])).status_code == 404


def test_public_documents_download_and_internal_ones_do_not(world: Any, client_for: Any) -> None:
    sol = make_solicitation(world.capitol)
    public = actions.do_add_solicitation_document(
        sol, SimpleUploadedFile("spec.txt", b"Specification"), acting_user=world.sam, title="Specification"
    )
    internal = actions.do_add_solicitation_document(
        sol, SimpleUploadedFile("notes.txt", b"Internal"), acting_user=world.sam, title="Notes", public=False
    )
    anon = client_for(None)
    response = anon.get(reverse("procurement:public_document", args=[sol.pk, public.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"Specification"
    assert anon.get(reverse("procurement:public_document", args=[sol.pk, internal.pk])).status_code == 404


def test_staff_pages_read_only_403_and_other_consortium_404(world: Any, client_for: Any) -> None:
    sol = make_solicitation(world.capitol, status="draft")
    assert (
        client_for("olga").get(reverse("procurement:solicitation_detail", args=[sol.pk])).status_code == 404
    )  # a draft
    Solicitation.objects.filter(pk=sol.pk).update(status="published", published_at=timezone.now())
    assert (
        client_for("olga").get(reverse("procurement:solicitation_detail", args=[sol.pk])).status_code == 200
    )
    assert (
        client_for("olga").post(reverse("procurement:solicitation_publish", args=[sol.pk])).status_code == 403
    )
    assert client_for("bob").get(reverse("procurement:addendum_create", args=[sol.pk])).status_code == 403
    assert client_for("pat").get(reverse("procurement:solicitation_detail", args=[sol.pk])).status_code == 404


def test_cancel_needs_a_reason_and_is_public(world: Any, client_for: Any) -> None:
    sol = make_solicitation(world.capitol)
    with pytest.raises(ValidationError):
        actions.do_cancel_solicitation(sol, acting_user=world.sam, reason="  ")
    actions.do_cancel_solicitation(sol, acting_user=world.sam, reason="Budget withdrawn")
    page = client_for(None).get(reverse("procurement:public_solicitation", args=[sol.pk])).content.decode()
    assert "Budget withdrawn" in page
    assert Decimal(sol.items.get().total_quantity) == Decimal(120)
