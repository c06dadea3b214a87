"""The agreement lifecycle through the do_* actions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from interlocal.agreements.actions import (
    agreement_rights,
    diff_terms,
    do_amend_agreement,
    do_expire_agreement,
    do_renew_agreement,
    do_sign_agreement,
    do_terminate_agreement,
    do_update_agreement,
    do_withdraw_party,
)
from interlocal.agreements.models import AgreementStatus, AgreementVersion, Signature
from interlocal.agreements.queries import (
    add_months,
    deadlines_of,
    signature_requests_for,
    versions_of,
)
from interlocal.audit.models import AuditEvent
from tests.agreements.helpers import circulated, draft, in_force, party

pytestmark = pytest.mark.django_db


def test_lifecycle_draft_to_in_force(world):
    agreement = draft(world)
    assert agreement.status == AgreementStatus.DRAFT
    agreement = circulated(world, "Second")
    assert agreement.status == AgreementStatus.CIRCULATED
    assert versions_of(agreement).count() == 1
    assert [p.member for p in signature_requests_for(world.ada)] == [world.avon]
    do_sign_agreement(
        party(agreement, world.avon),
        acting_user=world.ada,
        typed_name="Ada",
        ip_address="10.0.0.1",
        user_agent="UA",
    )
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.CIRCULATED
    assert signature_requests_for(world.ada) == []
    do_sign_agreement(party(agreement, world.bolton), acting_user=world.carol, typed_name="Carol")
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.IN_FORCE
    sig = Signature.objects.get(party__member=world.avon, party__agreement=agreement)
    assert (sig.signed_by, sig.ip_address, sig.user_agent, sig.typed_name) == (
        world.ada,
        "10.0.0.1",
        "UA",
        "Ada",
    )
    event = AuditEvent.objects.filter(action="agreements.agreement.signed").order_by("seq").first()
    assert event.after["typed_name"] == "Ada"
    assert AuditEvent.objects.filter(action="agreements.agreement.in_force").exists()


def test_circulated_terms_are_frozen(world):
    agreement = circulated(world)
    with pytest.raises(ValidationError):
        do_update_agreement(agreement, acting_user=world.alice, title="Changed")


def test_non_signatory_cannot_sign_and_nothing_changes(world):
    agreement = circulated(world)
    avon = party(agreement, world.avon)
    events = AuditEvent.objects.count()
    for person in (world.carol, world.bob, world.alice, world.olga):
        with pytest.raises(PermissionDenied, match="signatory of this party"):
            do_sign_agreement(avon, acting_user=person, typed_name="Someone")
    assert not Signature.objects.exists()
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.CIRCULATED
    assert AuditEvent.objects.count() == events


def test_sign_with_pdf(world):
    agreement = circulated(world)
    pdf = SimpleUploadedFile("signed.pdf", b"%PDF-1.4 signed", content_type="application/pdf")
    sig = do_sign_agreement(party(agreement, world.avon), acting_user=world.ada, signed_pdf=pdf)
    assert sig.method == Signature.Method.PDF
    assert sig.file.member == world.avon
    with pytest.raises(ValidationError):
        do_sign_agreement(party(agreement, world.avon), acting_user=world.ada, typed_name="again")


def test_withdrawal_keeps_history(world):
    agreement = in_force(world)
    bolton = party(agreement, world.bolton)
    do_withdraw_party(bolton, acting_user=world.alice, on=dt.date(2027, 6, 30))
    bolton.refresh_from_db()
    assert bolton.withdrawn_on == dt.date(2027, 6, 30)
    assert Signature.objects.filter(party=bolton).count() == 1
    assert agreement.parties.count() == 2
    with pytest.raises(PermissionDenied):
        do_withdraw_party(party(agreement, world.avon), acting_user=world.ada)


def test_amendment_makes_a_version_with_a_diff_and_recirculates(world):
    agreement = in_force(world)
    version = do_amend_agreement(agreement, acting_user=world.alice, reason="Longer notice", notice_days=120)
    agreement.refresh_from_db()
    assert agreement.version == 2
    assert agreement.status == AgreementStatus.CIRCULATED
    first = AgreementVersion.objects.get(agreement=agreement, number=1)
    assert diff_terms(first.terms, version.terms) == [("notice_days", 90, 120)]
    assert agreement_rights(world.ada, agreement).can_sign
    with pytest.raises(ValidationError):
        do_amend_agreement(agreement, acting_user=world.alice, notice_days=120)


def test_renew_expire_terminate(world):
    agreement = in_force(world)
    renewed = do_renew_agreement(agreement, acting_user=world.alice)
    assert renewed.effective_date == dt.date(2028, 1, 1)
    with pytest.raises(PermissionDenied):
        do_expire_agreement(agreement, acting_user=world.bob)
    assert do_expire_agreement(agreement, acting_user=world.alice).status == AgreementStatus.EXPIRED
    other = in_force(world, "Other")
    assert do_terminate_agreement(other, acting_user=world.sam).status == AgreementStatus.TERMINATED


def test_deadlines():
    assert add_months(dt.date(2027, 1, 31), 1) == dt.date(2027, 2, 28)


def test_deadlines_of(world):
    agreement = draft(world, effective_date=dt.date(2027, 1, 1), term_months=36, notice_days=90)
    d = deadlines_of(agreement)
    assert d.renewal == dt.date(2030, 1, 1)
    assert d.notice == dt.date(2029, 10, 3)
