"""Background work of bidding: opening bids whose opening time has come.

Run it from a scheduler (cron: `interlocal procurement open-due` every minute), or enqueue
`open_due_bids` from anything that already runs periodically; it is idempotent.
"""

from __future__ import annotations

from django_tasks import task

__all__ = ["open_due_bids"]


@task()
def open_due_bids() -> list[int]:
    """Open every solicitation whose opening time has passed (server time); returns their ids."""
    from interlocal.procurement.actions_bidding import open_due

    return [s.pk for s in open_due()]
