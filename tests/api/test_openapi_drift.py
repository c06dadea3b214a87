"""The committed OpenAPI document (docs/openapi.json) matches the code, so API changes show in review."""

from __future__ import annotations

import difflib
import json

import pytest
from django.core.management import CommandError, call_command

from interlocal.core.management.commands.openapi import COMMITTED_SCHEMA, render_schema

REGENERATE = "Regenerate it with `interlocal openapi --write` (or `interlocal openapi > docs/openapi.json`) and commit it."


def test_committed_openapi_matches_the_code():
    assert COMMITTED_SCHEMA.exists(), f"{COMMITTED_SCHEMA} is missing. {REGENERATE}"
    committed = COMMITTED_SCHEMA.read_text(encoding="utf-8")
    current = render_schema()
    if committed != current:
        diff = "".join(
            difflib.unified_diff(
                committed.splitlines(keepends=True),
                current.splitlines(keepends=True),
                "committed",
                "code",
                n=2,
            )
        )
        pytest.fail(f"docs/openapi.json differs from the API in the code. {REGENERATE}\n\n{diff[:8000]}")


def test_rendering_is_stable_and_sorted():
    text = render_schema()
    assert text == render_schema()
    assert text.endswith("}\n")
    schema = json.loads(text)
    assert list(schema) == sorted(schema)
    assert text == json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def test_check_mode_fails_on_drift(tmp_path, monkeypatch):
    from interlocal.core.management.commands import openapi

    stale = tmp_path / "openapi.json"
    stale.write_text("{}\n", encoding="utf-8")
    monkeypatch.setattr(openapi, "COMMITTED_SCHEMA", stale)
    with pytest.raises(CommandError, match="interlocal openapi --write"):
        call_command("openapi", "--check")
    call_command("openapi", "--write")
    assert stale.read_text(encoding="utf-8") == render_schema()
    call_command("openapi", "--check")


def test_every_operation_with_a_body_documents_400():
    """A body that is not JSON at all answers 400 ("Cannot parse request body"); schemathesis sends
    such bodies now and then, and an operation that does not list 400 fails it by chance."""
    document = json.loads(render_schema())
    missing = [
        f"{method.upper()} {path}"
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        if "requestBody" in operation and "400" not in operation["responses"]
    ]
    assert not missing, f"add 400 to error_responses(...) of: {missing}"
