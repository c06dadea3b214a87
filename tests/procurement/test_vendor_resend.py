"""A new verification link on request: the same answer whether or not the address is registered,
at most one link per address per ten minutes, and a few requests per client per hour."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from interlocal.audit.models import AuditEvent
from interlocal.procurement import actions
from interlocal.procurement.models import Vendor
from interlocal.procurement.views.vendors import RESEND_PER_CLIENT
from tests.procurement.test_planning_vendors import _register

pytestmark = pytest.mark.django_db

URL = "procurement:vendor_verify_resend"
SENT = "If a vendor registration with this address is waiting"


@pytest.fixture(autouse=True)
def _fresh_limits() -> Any:
    cache.clear()
    yield
    cache.clear()


def _ask(client: Any, email: str, **extra: Any) -> Any:
    return client.post(reverse(URL), {"email": email}, **extra)


def test_a_pending_registration_gets_a_new_working_link(world: Any, client_for: Any) -> None:
    anon = client_for(None)
    assert anon.get(reverse(URL)).status_code == 200
    _register(anon, world)
    mail.outbox.clear()
    answer = _ask(anon, "Chris@CharterOak.example")
    assert answer.status_code == 200 and SENT in answer.content.decode()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["chris@charteroak.example"]
    assert AuditEvent.objects.filter(action="procurement.vendor.verification_resent").count() == 1
    link = re.search(r"https?://\S+/vendors/verify/\S+/", mail.outbox[0].body).group(0)
    assert anon.post("/" + link.split("://", 1)[1].split("/", 1)[1]).status_code == 302
    vendor = Vendor.objects.get(name="Charter Oak Energy")
    assert vendor.status == Vendor.Status.ACTIVE
    cache.clear()
    mail.outbox.clear()
    _ask(anon, "chris@charteroak.example")  # verified now: nothing more to send
    assert mail.outbox == []


def test_the_answer_does_not_reveal_whether_an_address_is_registered(world: Any, client_for: Any) -> None:
    anon = client_for(None)
    _register(anon, world)
    mail.outbox.clear()
    known = _ask(anon, "chris@charteroak.example")
    unknown = _ask(anon, "nobody@nowhere.example")
    member = _ask(anon, world.bob.email)  # an account, but no pending registration
    bodies = {r.content.decode().replace("csrfmiddlewaretoken", "") for r in (known, unknown, member)}
    assert {r.status_code for r in (known, unknown, member)} == {200}
    assert all(SENT in b for b in bodies)
    assert [m.to for m in mail.outbox] == [["chris@charteroak.example"]]


def test_one_link_per_address_per_ten_minutes(world: Any, client_for: Any) -> None:
    anon = client_for(None)
    _register(anon, world)
    mail.outbox.clear()
    for _ in range(3):
        assert SENT in _ask(anon, "chris@charteroak.example").content.decode()
    assert len(mail.outbox) == 1
    assert not actions.do_resend_vendor_verification("chris@charteroak.example")


def test_too_many_requests_from_one_client(world: Any, client_for: Any) -> None:
    anon = client_for(None)
    for i in range(RESEND_PER_CLIENT):
        assert _ask(anon, f"someone{i}@nowhere.example").status_code == 200
    assert _ask(anon, "another@nowhere.example").status_code == 429
    # Another client is not affected.
    assert _ask(anon, "x@nowhere.example", REMOTE_ADDR="10.9.8.7").status_code == 200


def test_a_bad_address_is_shown_on_the_form(world: Any, client_for: Any) -> None:
    answer = _ask(client_for(None), "not an address")
    assert answer.status_code == 400 and "usa-error-message" in answer.content.decode()
