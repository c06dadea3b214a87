"""Every e-mail the project sends, sent through its real code path: every link in it is absolute
and starts with the configured site URL (INTERLOCAL_SITE_URL), whatever host the request came on.

The list of e-mails is found on disk (every `email/<name>_subject.txt` template, and the allauth
messages the project overrides), so a new e-mail without a case here fails the suite.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

SITE = "https://interlocal.example.org:8443"
SRC = Path(__file__).resolve().parents[2] / "src" / "interlocal"
URL = re.compile(r"""https?://[^\s"'<>)]+""")
# A path where an address should be: "/procurement/…" standing alone or in an href.
BARE_PATH = re.compile(r"""(?:^|[\s"'(=])(/[a-z][\w\-./]*)""", re.M)

pytestmark = pytest.mark.django_db


def _templates_on_disk() -> set[str]:
    names = {
        str(p.relative_to(SRC / p.relative_to(SRC).parts[0] / "templates"))[: -len("_subject.txt")]
        for p in SRC.glob("*/templates/*/**/email/*_subject.txt")
    }
    overridden = SRC / "templates" / "account" / "email"
    names |= {
        f"account/email/{p.name.rsplit('_', 1)[0]}"
        for p in overridden.glob("*_*.txt")
        if not p.name.startswith("base_")
    }
    return names


# --- How each e-mail is sent -----------------------------------------------------------------------
def _invitation(world: Any, clock: Any) -> None:
    from interlocal.accounts.actions import do_invite

    do_invite(
        email="newcomer@capitol.example", consortium=world.capitol, role="observer", acting_user=world.alice
    )


def _campaign(world: Any, **kw: Any) -> Any:
    from tests.assessment.factories import make_campaign

    return make_campaign(world, **kw)


def _campaign_launched(world: Any, clock: Any) -> None:
    _campaign(world)


def _reminder(world: Any, clock: Any) -> None:
    from interlocal.assessment.tasks import send_due_reminders

    campaign = _campaign(world, days=10)
    mail.outbox.clear()
    assert send_due_reminders(now=campaign.deadline - dt.timedelta(days=7) + dt.timedelta(hours=1)).emails


def _response_reopened(world: Any, clock: Any) -> None:
    from interlocal.assessment.actions import do_reopen_response
    from tests.assessment.factories import response_of

    campaign = _campaign(world)
    response = response_of(campaign, world.avon)
    type(response).objects.filter(pk=response.pk).update(status="submitted", submitted_at=timezone.now())
    mail.outbox.clear()
    do_reopen_response(response, actor=world.sam, reason="Figures for 2026, please")


def _awarded(world: Any, clock: Any) -> None:
    from tests.procurement.factories.bidding import make_awarded_purchase

    make_awarded_purchase(world, clock)  # a sealed bid (receipt), then the award notice


def _followed_solicitation(world: Any) -> tuple[Any, Any]:
    from interlocal.procurement.actions import do_register_interest
    from tests.procurement.factories import make_solicitation, make_vendor

    vendor = make_vendor("Varga Supply", user=world.vince, consortium=world.capitol)
    sol = make_solicitation(world.capitol)
    do_register_interest(sol, vendor, acting_user=world.vince)
    return sol, vendor


def _addendum(world: Any, clock: Any) -> None:
    from interlocal.procurement.actions import do_issue_addendum

    sol, _vendor = _followed_solicitation(world)
    later = sol.submission_deadline + dt.timedelta(days=14)
    do_issue_addendum(
        sol, acting_user=world.alice, title="Two weeks more", body="Snow.",
        submission_deadline=later, opening_at=later + dt.timedelta(hours=1),
    )  # fmt: skip


def _answer(world: Any, clock: Any) -> None:
    from interlocal.procurement.actions import do_answer_question, do_ask_question

    sol, vendor = _followed_solicitation(world)
    question = do_ask_question(sol, vendor, acting_user=world.vince, text="15-inch models?")
    do_answer_question(question, acting_user=world.sam, answer="Yes.", publish=True)


def _round_invitation(world: Any, clock: Any) -> None:
    from interlocal.procurement.actions import do_invite_members
    from tests.procurement.factories import make_round

    do_invite_members(make_round(world.capitol), [world.avon], acting_user=world.sam)


def _agreement_circulated(world: Any, clock: Any) -> None:
    from tests.agreements.helpers import circulated

    circulated(world)


def _agreement_reminder(world: Any, clock: Any) -> None:
    from interlocal.agreements.actions import do_send_deadline_reminders
    from tests.agreements.helpers import in_force

    in_force(world)  # notice deadline 2027-10-03: 90 days before is 2027-07-05
    mail.outbox.clear()
    assert do_send_deadline_reminders(dt.date(2027, 7, 5)) == 1


def _round_reminder(world: Any, clock: Any) -> None:
    from interlocal.procurement.actions import send_cutoff_reminders
    from tests.procurement.factories import make_round

    make_round(world.capitol, members=(world.avon,), cut_off_at=timezone.now() + dt.timedelta(hours=30))
    assert send_cutoff_reminders() == 1


def _register(world: Any, person_email: str) -> None:
    from interlocal.procurement.actions import do_register_vendor

    do_register_vendor(
        consortium=world.capitol, name="Brine Brothers", legal_id="EIN-BRINE", email="office@brine.example",
        person_name="Wendy", person_email=person_email, password="a long enough password 1",
    )  # fmt: skip


def _vendor_verify(world: Any, clock: Any) -> None:
    _register(world, "wendy@brine.example")


def _vendor_exists(world: Any, clock: Any) -> None:
    _register(world, world.sam.email)


def _vendor_invitation(world: Any, clock: Any) -> None:
    from interlocal.procurement.actions import do_invite_vendor_user
    from tests.procurement.factories import make_vendor

    vendor = make_vendor("Varga Supply", user=world.vince, consortium=world.capitol)
    do_invite_vendor_user(vendor, acting_user=world.vince, email="colleague@varga.example")


def _suspended(world: Any, clock: Any) -> Any:
    from interlocal.procurement.actions import do_suspend_vendor
    from tests.procurement.factories import make_vendor

    vendor = make_vendor("Varga Supply", user=world.vince, consortium=world.capitol)
    return do_suspend_vendor(vendor, reason="Inquiry", acting_user=world.alice)


def _reinstated(world: Any, clock: Any) -> None:
    from interlocal.procurement.actions import do_reinstate_vendor

    vendor = _suspended(world, clock)
    mail.outbox.clear()
    do_reinstate_vendor(vendor, acting_user=world.alice)


def _reset(email: str) -> None:
    # The request arrives on another host and port than the site's: the links must not follow it.
    response = Client(HTTP_HOST="localhost:9999").post(reverse("account_reset_password"), {"email": email})
    assert response.status_code == 302


def _password_reset(world: Any, clock: Any) -> None:
    _reset(world.bob.email)


def _unknown_account(world: Any, clock: Any) -> None:
    _reset("nobody@nowhere.example")


SENDS: dict[str, Callable[[Any, Any], Any]] = {
    "accounts/email/invitation": _invitation,
    "agreements/email/circulated": _agreement_circulated,
    "agreements/email/reminder": _agreement_reminder,
    "assessment/email/campaign_launched": _campaign_launched,
    "assessment/email/reminder": _reminder,
    "assessment/email/response_reopened": _response_reopened,
    "procurement/bidding/email/receipt": _awarded,
    "procurement/bidding/email/award": _awarded,
    "procurement/email/addendum_issued": _addendum,
    "procurement/email/answer_published": _answer,
    "procurement/email/round_invitation": _round_invitation,
    "procurement/email/round_reminder": _round_reminder,
    "procurement/email/vendor_verify": _vendor_verify,
    "procurement/email/vendor_exists": _vendor_exists,
    "procurement/email/vendor_invitation": _vendor_invitation,
    "procurement/email/vendor_suspended": _suspended,
    "procurement/email/vendor_reinstated": _reinstated,
    "account/email/password_reset_key": _password_reset,
    "account/email/unknown_account": _unknown_account,
}


def test_every_email_template_has_a_case_here():
    assert _templates_on_disk() == set(SENDS), "add the new e-mail to SENDS in this file"


@pytest.mark.parametrize("template", sorted(SENDS))
def test_every_link_in_every_email_is_absolute_on_the_site(
    template: str, world: Any, clock: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.SITE_URL = SITE
    settings.ALLOWED_HOSTS = ["*"]
    clock.set(dt.datetime(2026, 11, 2, 15, 0, tzinfo=dt.UTC))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        SENDS[template](world, clock)
    assert mail.outbox, f"{template}: nothing was sent"
    links = 0
    for message in mail.outbox:
        parts = [message.body, *(str(c) for c, _mime in getattr(message, "alternatives", []))]
        for text in parts:
            for url in URL.findall(text):
                links += 1
                assert url.startswith(SITE + "/"), f"{message.subject!r}: {url} is not on {SITE}"
            stray = BARE_PATH.findall(URL.sub("", text))
            assert not stray, f"{message.subject!r}: relative link(s) {stray}"
            assert ".." not in text.replace("...", ""), f"{message.subject!r}: a doubled period"
    assert links, f"{template}: no link at all"


def test_only_core_links_reads_the_site_url():
    readers = sorted(
        str(p.relative_to(SRC))
        for p in SRC.rglob("*.py")
        if re.search(r"(?<![A-Z_])SITE_URL", p.read_text(encoding="utf-8")) and p.name != "settings.py"
    )
    assert readers == ["core/links.py"], "build absolute links with interlocal.core.links.absolute_url"
