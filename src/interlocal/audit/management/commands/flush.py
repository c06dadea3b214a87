"""`interlocal flush`: Django's flush, allowed to empty the append-only audit table."""

from __future__ import annotations

from typing import Any

from django.core.management.commands.flush import Command as FlushCommand
from django.db import DEFAULT_DB_ALIAS

from interlocal.audit.guard import append_only_lifted


class Command(FlushCommand):
    help = FlushCommand.help + " The audit trail is emptied too (its triggers are lifted for this)."

    def handle(self, **options: Any) -> None:
        with append_only_lifted(options.get("database") or DEFAULT_DB_ALIAS):
            super().handle(**options)
