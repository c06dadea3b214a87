"""The one HTTP API, mounted at /api/v1. Each app contributes a router.

Authentication, pagination, the error shape and input types live in core.api.
The OpenAPI document is committed as docs/openapi.json: after changing an operation, run
`interlocal openapi --write` (a test fails while the two differ).
"""

from __future__ import annotations

from interlocal.accounts.api import router as accounts_router
from interlocal.agreements.api import router as agreements_router
from interlocal.assessment.api import router as assessment_router
from interlocal.audit.api import router as audit_router
from interlocal.billing.api import router as billing_router
from interlocal.core.api import API_AUTH, InterlocalAPI, UserThrottle
from interlocal.core.inbox.api import router as inbox_router
from interlocal.core.notifications.api import router as notifications_router
from interlocal.core.search.api import router as search_router
from interlocal.costing.api import router as costing_router
from interlocal.procurement.api import router as procurement_router
from interlocal.services.api import router as services_router
from interlocal.taxonomy.api import router as taxonomy_router
from interlocal.tenancy.api import router as tenancy_router

__all__ = ["api"]

api = InterlocalAPI(
    title="Interlocal API",
    version="1",
    description=(
        "Shared municipal services. Authenticate with a personal API token: "
        "`Authorization: Bearer il_...` (create one under Account → API tokens), or use the "
        "browser session (unsafe methods then need the CSRF token). Every 4xx answer has the body "
        '`{"detail": "...", "errors": [{"loc": [...], "msg": "..."}]}`. Lists take `limit` and '
        '`offset` and answer `{"items": [...], "count": N}`.'
    ),
    urls_namespace="api",
    auth=API_AUTH,
    throttle=[UserThrottle()],
)

api.add_router("", accounts_router)
api.add_router("", tenancy_router)
api.add_router("", audit_router)
api.add_router("", inbox_router)
api.add_router("", notifications_router)
api.add_router("", taxonomy_router)
api.add_router("", assessment_router)
api.add_router("", costing_router)
api.add_router("", procurement_router)
api.add_router("", agreements_router)
api.add_router("", billing_router)
api.add_router("", search_router)
api.add_router("", services_router)
