"""The official OCDS 1.1.5 schemas and codelists, loaded from the copies in schema/1.1.5/.

Validation resolves every `$ref` from the local files (no network), so tests and the
`interlocal ocds validate` command give the same answer anywhere.
"""

from __future__ import annotations

import csv
import json
from functools import cache
from pathlib import Path
from typing import Any, Literal

from jsonschema import Draft4Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

__all__ = ["SCHEMA_DIR", "codelist", "country_name", "validation_errors"]

SCHEMA_DIR = Path(__file__).parent / "schema" / "1.1.5"

Kind = Literal["release-package", "record-package", "release"]


@cache
def _document(name: str) -> dict[str, Any]:
    with (SCHEMA_DIR / name).open(encoding="utf-8") as f:
        data: dict[str, Any] = json.load(f)
    return data


@cache
def _validator(kind: Kind) -> Draft4Validator:
    docs = [
        _document(n) for n in ("release-schema.json", "record-schema.json", "release-package-schema.json")
    ]
    registry: Registry = Registry().with_resources(
        (doc["id"], Resource.from_contents(doc, default_specification=DRAFT4)) for doc in docs
    )
    schema = _document(f"{kind}-schema.json")
    return Draft4Validator(schema, registry=registry, format_checker=Draft4Validator.FORMAT_CHECKER)


def validation_errors(data: Any, kind: Kind = "release-package", *, limit: int = 50) -> list[str]:
    """Problems of `data` against the official schema, each as 'path: message' (empty when valid)."""
    problems = []
    for error in _validator(kind).iter_errors(data):
        where = "/".join(str(p) for p in error.absolute_path) or "(top)"
        problems.append(f"{where}: {error.message[:300]}")
        if len(problems) >= limit:
            break
    return problems


@cache
def codelist(name: str) -> frozenset[str]:
    """The codes of an official codelist, e.g. codelist("partyRole")."""
    with (SCHEMA_DIR / "codelists" / f"{name}.csv").open(encoding="utf-8", newline="") as f:
        return frozenset(row["Code"] for row in csv.DictReader(f))


@cache
def _countries() -> dict[str, str]:
    with (SCHEMA_DIR / "codelists" / "country.csv").open(encoding="utf-8", newline="") as f:
        return {row["Code"]: row["Title"] for row in csv.DictReader(f)}


def country_name(code: str) -> str:
    """The English name of an ISO 3166-1 alpha-2 code of the country codelist ("" if unknown)."""
    return _countries().get((code or "").upper(), "")
