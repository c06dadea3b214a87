"""`interlocal demo` leaves every demo person something to do, with plausible figures, and its
console output ends with the sign-in list (what loading printed is in the log file)."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from interlocal.accounts.models import User
from interlocal.assessment.demo import CAMPAIGN_NAME, STILL_TO_ANSWER
from interlocal.assessment.models import Answer, Campaign, Response
from interlocal.procurement.actions import do_open_bids
from interlocal.procurement.demo.planning import (
    MISA_ROUND_TITLE,
    MISA_SOLICITATION_REFERENCE,
    OPEN_SOLICITATION_REFERENCE,
    READY_TO_OPEN_REFERENCE,
    ROUND_TITLE,
)
from interlocal.procurement.models import Bid, DemandEntry, DemandRound, Solicitation
from interlocal.tenancy.models import Member
from interlocal.tenancy.scoping import is_council


@pytest.mark.django_db
def test_the_demo_leaves_open_tasks_with_plausible_figures(tmp_path):
    out = io.StringIO()
    log = tmp_path / "demo.log"
    call_command("demo", "--load-only", "--no-migrate", "--log", str(log), stdout=out)
    now = timezone.now()

    # The console ends with the sign-in list; what the loaders printed went to the log (and so do
    # e-mails on the console backend; tests keep mail in memory).
    lines = out.getvalue().rstrip().splitlines()
    listing = lines.index(next(x for x in lines if x.startswith("Demo loaded.")))
    assert all(x.startswith("  ") for x in lines[listing + 1 : -1]), lines[listing:]
    assert lines[-1].startswith("Consortium admins, member admins and vendors set up an authenticator")
    assert "assessment: open campaign" not in out.getvalue()
    assert "assessment: open campaign" in log.read_text()
    assert "wes@capitol.example.org" in out.getvalue() and "witness" in out.getvalue()
    assert "to do: Open the sealed bids of IFB-2027-011" in out.getvalue()

    # An open campaign with members still to answer, Avon (bob, ada) and Bolton (carol) among them.
    campaign = Campaign.objects.get(name=CAMPAIGN_NAME)
    assert campaign.status == Campaign.Status.OPEN and campaign.deadline > now
    responses = {
        r.member.slug: r for r in Response.objects.filter(campaign=campaign).select_related("member")
    }
    waiting = {slug for slug, r in responses.items() if r.status != Response.Status.SUBMITTED}
    assert waiting == set(STILL_TO_ANSWER)
    assert {"avon-ct", "bolton-ct"} <= waiting
    assert len(responses) - len(waiting) >= 20
    assert Answer.objects.filter(response=responses["avon-ct"]).exists()  # started, not finished

    # Figures in proportion to population (Avon: 18,900 people).
    checked = 0
    for member in Member.objects.filter(slug__in=[s for s in responses if s not in waiting]):
        figures = dict(
            Answer.objects.filter(
                campaign=campaign, member=member, question__code__in=["general.it-budget", "general.it-fte"]
            ).values_list("question__code", "num")
        )
        if not figures:
            continue
        checked += 1
        per_resident = figures["general.it-budget"] / member.population
        staff_per_thousand = figures["general.it-fte"] * 1000 / member.population
        assert 15 <= per_resident <= 200, (member.name, figures)
        assert 0.05 <= staff_per_thousand <= 1.0, (member.name, figures)
    assert checked >= 20
    avon = Member.objects.get(slug="avon-ct")
    avon_cost = Answer.objects.filter(campaign=campaign, member=avon, question__code__endswith=".annual-cost")
    assert avon_cost.exists() and all(a.num < 500_000 for a in avon_cost)

    # Open demand rounds in both consortia; Airdrie (quinn) has not entered its demand yet.
    salt = DemandRound.objects.get(title=ROUND_TITLE)
    imagery = DemandRound.objects.get(title=MISA_ROUND_TITLE)
    for round_ in (salt, imagery):
        assert round_.status == DemandRound.Status.OPEN and round_.cut_off_at > now
    assert not DemandEntry.objects.filter(item__round=imagery, member__slug="city-of-airdrie-ab").exists()
    assert DemandEntry.objects.filter(item__round=imagery).exists()

    # Solicitations open for bids in both consortia.
    open_now = Solicitation.objects.public().open_for_bids(now)
    assert {OPEN_SOLICITATION_REFERENCE, MISA_SOLICITATION_REFERENCE} <= set(
        open_now.values_list("reference_number", flat=True)
    )

    # A second run adds nothing and prints the same sign-ins and tasks.
    again = io.StringIO()
    call_command("demo", "--load-only", "--no-migrate", "--log", str(log), stdout=again)
    again_lines = again.getvalue().rstrip().splitlines()
    assert again_lines[again_lines.index(lines[listing]) :] == lines[listing:]
    assert Solicitation.objects.get(reference_number=READY_TO_OPEN_REFERENCE).bids.count() == 2

    # One whose bidding closed with bids in: Sam opens it now, with Wes as the second person.
    paper = Solicitation.objects.get(reference_number=READY_TO_OPEN_REFERENCE)
    assert paper.submission_deadline < now and paper.opening_at <= now
    assert paper.bids.filter(status=Bid.Status.SUBMITTED).count() == 2
    sam = User.objects.get(email="sam@capitol.example.org")
    wes = User.objects.get(email="wes@capitol.example.org")
    assert is_council(wes, paper.consortium_id)
    opened = do_open_bids(paper, acting_user=sam, witness=wes)
    assert opened.status == Solicitation.Status.OPENED


def test_loading_output_goes_to_the_log_not_the_console(tmp_path, capsys, settings, monkeypatch):
    """E-mails on the console backend and log lines printed while loading land in the log file."""
    import logging

    # Another test in the same worker may have quietened this logger (a LOGGING reconfiguration).
    tasks_logger = logging.getLogger("django_tasks")
    for attr, value in (("disabled", False), ("propagate", True), ("level", logging.NOTSET)):
        monkeypatch.setattr(tasks_logger, attr, value)

    from django.core.mail import send_mail

    from interlocal.tenancy.management.commands.demo import _quietly

    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    path = tmp_path / "demo.log"
    root = logging.getLogger()
    console = logging.StreamHandler()  # as settings.LOGGING's console handler
    root.addHandler(console)
    try:
        with path.open("w") as log, _quietly(log):
            send_mail("Campaign launched DEMO-MAIL", "Body", "from@example.org", ["to@example.org"])
            logging.getLogger("django_tasks").warning("task ran DEMO-LOG")
        assert console in root.handlers  # given back afterwards
    finally:
        root.removeHandler(console)
    captured = capsys.readouterr()
    assert "DEMO-MAIL" not in captured.out + captured.err
    assert "DEMO-LOG" not in captured.out + captured.err
    text = path.read_text()
    assert "Subject: Campaign launched DEMO-MAIL" in text
    assert "task ran DEMO-LOG" in text


def test_dev_help_and_the_readme_tell_how_to_serve_the_demo_elsewhere():
    import subprocess
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    shown = subprocess.run([str(root / "dev"), "help"], capture_output=True, text=True, check=True)  # noqa: S603
    assert "./dev demo --addrport 0.0.0.0:8080" in shown.stdout
    assert "./dev demo --addrport 0.0.0.0:8080" in (root / "README.md").read_text()
