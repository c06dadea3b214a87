"""QuerySets of the billing app; who sees what is declared on each model's `Tenancy`.

Imports none of this app's models (models.py imports these).
"""

from __future__ import annotations

from typing import Any

from interlocal.tenancy.scoping import ScopedQuerySet

__all__ = ["BenefitQuerySet", "BillingRunQuerySet", "InvoiceQuerySet", "PayOutQuerySet"]


class BillingRunQuerySet(ScopedQuerySet[Any]):
    """Billing runs (and the number counters): the council's own work; members never see them."""


class InvoiceQuerySet(ScopedQuerySet[Any]):
    """Invoices, their lines, credit notes and payments: the member's, read by it and the council."""


class BenefitQuerySet(ScopedQuerySet[Any]):
    """Projected and realised savings per service and year: consortium-wide or one member's."""


class PayOutQuerySet(ScopedQuerySet[Any]):
    """Surplus returned to a member: read by the member and the council, written by the council."""
