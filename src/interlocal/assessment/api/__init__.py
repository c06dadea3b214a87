"""API for assessment: one router mounting the core operations (templates, campaigns, responses
and answers) and analytics (aggregates, benchmarks, matrix, coalitions, peer groups)."""

# No `from __future__ import annotations`: django-ninja reads these annotations at run time.
from ninja import Router

from interlocal.assessment.api import analytics, core

__all__ = ["router"]

router = Router()
router.add_router("", core.router)
router.add_router("", analytics.router)
