"""Agreement pages: happy path, read-only 403, other member / consortium 404."""

from __future__ import annotations

import pytest
from django.urls import reverse

from interlocal.agreements.models import Agreement, AgreementStatus, Signature
from tests.agreements.helpers import circulated, draft, in_force, party

pytestmark = pytest.mark.django_db


def test_list_search_and_filter(world, client_for):
    in_force(world, "Backup sharing")
    draft(world, "Payroll draft")
    alice = client_for("alice")
    page = alice.get(reverse("agreements:list"), {"status": "in_force"}).content.decode()
    assert "Backup sharing" in page and "Payroll draft" not in page
    page = alice.get(reverse("agreements:list"), {"q": "payroll"}).content.decode()
    assert "Payroll draft" in page
    # drafts are the council's
    page = client_for("bob").get(reverse("agreements:list")).content.decode()
    assert "Backup sharing" in page and "Payroll draft" not in page


def test_create_happy_path_and_readonly_403(world, client_for):
    data = {
        "title": "New one",
        "term_months": 24,
        "renewal": "vote",
        "notice_days": 60,
        "effective_date": "2027-02-01",
    }
    response = client_for("alice").post(reverse("agreements:create"), data)
    assert response.status_code == 302
    assert Agreement.objects.filter(title="New one").exists()
    assert (
        client_for("olga").post(reverse("agreements:create"), {**data, "title": "Olga's"}).status_code == 403
    )
    assert client_for("bob").get(reverse("agreements:create")).status_code == 403
    assert not Agreement.objects.filter(title="Olga's").exists()


def test_detail_and_other_consortium_404(world, client_for):
    agreement = in_force(world)
    url = reverse("agreements:detail", args=[agreement.pk])
    assert "Ada Avon-Admin" in client_for("olga").get(url).content.decode()
    assert client_for("pat").get(url).status_code == 404
    draft_ = draft(world, "Draft")
    assert client_for("bob").get(reverse("agreements:detail", args=[draft_.pk])).status_code == 404


def test_sign_page_only_for_that_partys_signatory(world, client_for):
    agreement = circulated(world)
    avon = party(agreement, world.avon)
    url = reverse("agreements:party_sign", args=[avon.pk])
    assert client_for("carol").post(url, {"typed_name": "Carol"}).status_code == 403
    assert client_for("bob").post(url, {"typed_name": "Bob"}).status_code == 403
    assert client_for("pat").post(url, {"typed_name": "Pat"}).status_code == 404
    assert not Signature.objects.exists()
    response = client_for("ada").post(url, {"typed_name": "Ada Avon-Admin"}, HTTP_USER_AGENT="TestBrowser")
    assert response.status_code == 302
    sig = Signature.objects.get()
    assert sig.user_agent == "TestBrowser" and sig.ip_address == "127.0.0.1"


def test_transitions_and_amend_pages(world, client_for):
    agreement = draft(world)
    url = reverse("agreements:transition", args=[agreement.pk, "circulate"])
    assert client_for("olga").post(url).status_code == 404  # a draft is the council's
    assert client_for("alice").post(url).status_code == 302
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.CIRCULATED
    assert client_for("olga").post(url).status_code == 403  # read-only
    amend = reverse("agreements:amend", args=[agreement.pk])
    assert client_for("bob").get(amend).status_code == 403
    data = {
        "title": agreement.title,
        "reference": "",
        "effective_date": "2027-01-01",
        "term_months": 12,
        "renewal": "automatic",
        "notice_days": 45,
        "reason": "Shorter notice",
    }
    response = client_for("alice").post(amend, data)
    assert response.status_code == 302
    diff = client_for("bob").get(response["Location"]).content.decode()
    assert "notice_days" in diff and "45" in diff


def test_withdraw_page(world, client_for):
    agreement = in_force(world)
    bolton = party(agreement, world.bolton)
    url = reverse("agreements:party_withdraw", args=[bolton.pk])
    assert client_for("carol").post(url, {"withdrawn_on": "2027-05-01"}).status_code == 403
    assert client_for("alice").post(url, {"withdrawn_on": "2027-05-01"}).status_code == 302
    bolton.refresh_from_db()
    assert str(bolton.withdrawn_on) == "2027-05-01"
    assert (
        "withdrew 2027-05-01"
        in client_for("bob").get(reverse("agreements:detail", args=[agreement.pk])).content.decode()
    )


def test_signed_pdf_isolation(world, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    agreement = circulated(world)
    response = client_for("ada").post(
        reverse("agreements:party_sign", args=[party(agreement, world.avon).pk]),
        {"signed_pdf": SimpleUploadedFile("s.pdf", b"%PDF-1.4 x", content_type="application/pdf")},
    )
    assert response.status_code == 302
    sig = Signature.objects.get()
    url = reverse("agreements:signature_pdf", args=[sig.pk])
    assert client_for("bob").get(url).status_code == 200
    assert client_for("pat").get(url).status_code == 404


def test_api(world, client_for):
    from tests.api.helpers import make_token

    agreement = in_force(world)
    draft(world, "Secret draft")
    token = make_token(world.bob)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    body = client_for(None).get("/api/v1/agreements", **headers).json()
    assert [a["title"] for a in body["items"]] == ["Shared IT agreement"]
    parties = client_for(None).get(f"/api/v1/agreements/{agreement.pk}/parties", **headers).json()
    assert len(parties) == 2
    sigs = client_for(None).get(f"/api/v1/agreements/{agreement.pk}/signatures", **headers).json()
    assert len(sigs) == 2
    versions = client_for(None).get(f"/api/v1/agreements/{agreement.pk}/versions", **headers).json()
    assert versions[0]["number"] == 1
    pat = {"HTTP_AUTHORIZATION": f"Bearer {make_token(world.pat)}"}
    assert client_for(None).get(f"/api/v1/agreements/{agreement.pk}", **pat).status_code == 404
