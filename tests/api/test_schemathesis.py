"""Property-based tests of the API against its own OpenAPI document (schemathesis, in-process WSGI).

Every operation is called with generated input as real people through a bearer token: alice (a
consortium admin, who may call all of them) and bob (member staff, refused some). Checks: never a 5xx, and every answer (status code,
content type, body) conforms to the document. Explicit NUL-byte and size tests are in test_api.py.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from interlocal.wsgi import application
from tests.api.helpers import make_token

# Loaded through the WSGI application itself, as a client would see the document.
pytestmark = pytest.mark.schemathesis

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@pytest.fixture(autouse=True)
def _keep_test_transaction() -> Iterator[None]:
    """Django closes "old" connections at each request's start and end; inside a test's transaction that
    would break it. Django's own test client disconnects these handlers the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture(params=["alice", "bob"])
def token(request, world) -> str:
    """alice (consortium admin) may call every operation; bob (member staff) is refused some (403)."""
    return make_token(getattr(world, request.param), name="schemathesis")


@schema.parametrize()
@settings(
    max_examples=10,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_api_conforms_to_its_schema(case, token):
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)
