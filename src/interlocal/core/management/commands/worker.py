"""`interlocal worker`: runs background tasks (e-mail, imports, reports) from the database queue.

A thin wrapper around django-tasks-db's `db_worker`: every option passes through, and it works
every queue the project declares (settings.TASKS["default"]["QUEUES"]: default and email) unless
--queue-name says otherwise. Run one or more under a process supervisor (see docs/operations.md).
"""

from __future__ import annotations

from argparse import ArgumentParser

from django.conf import settings
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

__all__ = ["Command", "default_queues"]


def default_queues() -> str:
    """The project's queues, comma-separated, as db_worker's --queue-name expects."""
    queues = settings.TASKS.get("default", {}).get("QUEUES") or ["default", "email"]
    return ",".join(queues)


class Command(DbWorkerCommand):
    help = (
        "Run the background task worker (all of Interlocal's queues by default; db_worker's options apply)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.set_defaults(queue_name=default_queues())
