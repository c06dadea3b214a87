"""Reminders (sent once), the iCalendar feed, generated documents and file isolation."""

from __future__ import annotations

import datetime as dt
import io

import icalendar
import pytest
from django.core import mail
from django.urls import reverse

from interlocal.agreements.actions import (
    calendar_ics,
    do_generate_document,
    do_rotate_calendar_token,
    do_save_document_template,
    do_send_deadline_reminders,
    render_document_html,
)
from interlocal.agreements.models import DeadlineReminder, DocumentKind, GeneratedDocument
from tests.agreements.helpers import in_force

pytestmark = pytest.mark.django_db


def _run_tasks(django_capture_on_commit_callbacks, today):
    with django_capture_on_commit_callbacks(execute=True):
        return do_send_deadline_reminders(today)


def test_reminders_are_sent_once(world, django_capture_on_commit_callbacks, settings):
    agreement = in_force(world)  # renewal 2028-01-01, notice 2027-10-03
    mail.outbox.clear()
    assert _run_tasks(django_capture_on_commit_callbacks, dt.date(2027, 6, 1)) == 0
    assert _run_tasks(django_capture_on_commit_callbacks, dt.date(2027, 7, 5)) == 1  # 90 days before notice
    assert _run_tasks(django_capture_on_commit_callbacks, dt.date(2027, 7, 5)) == 0
    assert _run_tasks(django_capture_on_commit_callbacks, dt.date(2027, 7, 6)) == 0
    assert DeadlineReminder.objects.filter(agreement=agreement).count() == 1
    sent = [m for m in mail.outbox if "notice deadline" in m.subject]
    assert sent
    recipients = set(sent[0].to)
    assert {"alice@capitol.example", "ada@avon.example", "carol@bolton.example"} <= recipients
    # Late by a long way: 30 and 7 both due, one e-mail, both recorded.
    assert _run_tasks(django_capture_on_commit_callbacks, dt.date(2027, 9, 30)) == 1
    assert set(DeadlineReminder.objects.filter(kind="notice").values_list("days_before", flat=True)) == {
        90,
        30,
        7,
    }


def test_ical_feed_parses(world):
    agreement = in_force(world)
    body = calendar_ics([agreement], name="Capitol", today=dt.date(2027, 1, 2))
    cal = icalendar.Calendar.from_ical(body)
    events = {str(e["summary"]): e.decoded("dtstart") for e in cal.walk("VEVENT")}
    assert events == {
        "Notice deadline: Shared IT agreement": dt.date(2027, 10, 3),
        "Renewal date: Shared IT agreement": dt.date(2028, 1, 1),
    }


def test_ical_views_session_and_token(world, client_for):
    agreement = in_force(world)
    url = reverse("agreements:calendar_consortium", args=[world.capitol.pk])
    response = client_for("bob").get(url)
    assert response.status_code == 200
    assert icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    token = do_rotate_calendar_token(acting_user=world.bob).token
    anon = client_for(None)
    assert anon.get(url + "?token=" + token).status_code == 200
    assert anon.get(url + "?token=wrong").status_code == 404
    assert anon.get(url).status_code == 302
    pat_token = do_rotate_calendar_token(acting_user=world.pat).token
    assert anon.get(url + "?token=" + pat_token).status_code == 404
    member_url = reverse("agreements:calendar_member", args=[world.avon.pk])
    assert agreement.title in client_for("ada").get(member_url).content.decode()


def test_documents_generated_and_versioned(world):
    agreement = in_force(world)
    first = do_generate_document(agreement, DocumentKind.INTERLOCAL_AGREEMENT, acting_user=world.alice)
    second = do_generate_document(agreement, DocumentKind.INTERLOCAL_AGREEMENT, acting_user=world.alice)
    assert [d.number for d in first] == [1, 1]
    assert [d.number for d in second] == [2, 2]
    assert GeneratedDocument.objects.filter(agreement=agreement).count() == 4
    pdf = next(d for d in second if d.format == "pdf")
    assert pdf.file.file.open("rb").read(5) == b"%PDF-"
    import docx

    docx_row = next(d for d in second if d.format == "docx")
    text = "\n".join(
        p.text for p in docx.Document(io.BytesIO(docx_row.file.file.open("rb").read())).paragraphs
    )
    assert "Shared IT agreement" in text
    assert "Avon" in text


def test_template_sandbox_sees_only_its_context(world):
    agreement = in_force(world)
    do_save_document_template(
        world.capitol,
        "sla",
        "<p>{{ agreement.title }}|{{ settings.SECRET_KEY }}|{{ request }}</p>",
        acting_user=world.alice,
    )
    assert render_document_html(agreement, "sla") == "<p>Shared IT agreement||</p>"
    with pytest.raises(Exception):  # noqa: B017 - loading files is not possible
        do_save_document_template(
            world.capitol, "sla", "{% include '/etc/passwd' %}", acting_user=world.alice
        )
        render_document_html(agreement, "sla")


def test_document_download_isolation(world, client_for):
    agreement = in_force(world)
    rows = do_generate_document(agreement, DocumentKind.SLA, acting_user=world.alice)
    url = reverse("agreements:document_download", args=[rows[0].pk])
    assert client_for("carol").get(url).status_code == 200
    assert client_for("pat").get(url).status_code == 404
    assert client_for(None).get(url).status_code == 302
