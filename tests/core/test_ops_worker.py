"""`interlocal worker` runs queued tasks from the database queue (here: one e-mail)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django_tasks import task_backends
from django_tasks_db.models import DBTaskResult

from interlocal.core.management.commands.worker import Command, default_queues
from interlocal.core.tasks import send_email

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "email"]}}


@pytest.fixture
def database_queue(settings):
    """The production queue instead of the test settings' immediate backend (django-tasks resets on change)."""
    settings.TASKS = DB_TASKS


@pytest.mark.django_db(transaction=True)
def test_worker_sends_a_queued_email(database_queue):
    assert type(task_backends["default"]).__name__ == "DatabaseBackend"
    result = send_email.enqueue(subject="Agenda", body="Thursday 7pm", to=["clerk@avon.example"])
    assert mail.outbox == []
    assert DBTaskResult.objects.filter(status="READY").count() == 1

    call_command("worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0, stdout=StringIO())

    assert [m.subject for m in mail.outbox] == ["Agenda"]
    assert mail.outbox[0].to == ["clerk@avon.example"]
    assert DBTaskResult.objects.get(pk=result.id).status == "SUCCESSFUL"


def test_worker_works_every_project_queue_by_default(database_queue):
    parser = Command().create_parser("interlocal", "worker")
    assert default_queues() == "default,email"
    assert parser.parse_args([]).queue_name == "default,email"
    assert parser.parse_args(["--queue-name", "email"]).queue_name == "email"
