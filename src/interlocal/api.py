"""The one HTTP API, mounted at /api/v1. Each app contributes a router."""

from __future__ import annotations

from ninja import NinjaAPI

api = NinjaAPI(
    title="Interlocal API",
    version="1",
    description="Shared municipal services. Authenticate with a personal API token: "
    "`Authorization: Bearer il_...` (create one under Account → API tokens).",
    urls_namespace="api",
)
