"""Background tasks of billing (django-tasks; `interlocal worker` runs them)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django_tasks import task

from interlocal.billing.actions import do_issue_run
from interlocal.billing.models import BillingRun

__all__ = ["issue_run"]


@task()
def issue_run(run_id: int, user_id: int) -> int:
    """Issue a large billing run's invoices; the run page shows its progress. Returns how many."""
    run = BillingRun.objects.get(pk=run_id)
    try:
        return len(do_issue_run(run, acting_user=get_user_model().objects.get(pk=user_id)))
    except ValidationError:
        return 0  # the run is marked failed, with the reasons, by do_issue_run
