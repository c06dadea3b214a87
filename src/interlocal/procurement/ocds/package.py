"""Release and record packages, written as a stream of JSON text (no Django).

`stream_release_package` never holds more than one release in memory: it writes the package
header, then each release as it comes, then the closing brackets. Exports of 100,000 processes
therefore run in constant memory (see docs/benchmarks.md).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator
from typing import Any

__all__ = ["OCDS_VERSION", "package_header", "record_package", "release_package", "stream_release_package"]

OCDS_VERSION = "1.1"


def package_header(*, uri: str, published: dt.datetime, publisher: str) -> dict[str, Any]:
    """The metadata every package starts with."""
    from .build import iso

    return {
        "uri": uri,
        "version": OCDS_VERSION,
        "publishedDate": iso(published),
        "publisher": {"name": publisher},
    }


def release_package(releases: Iterable[dict[str, Any]], **header: Any) -> dict[str, Any]:
    """A release package as one object (for small answers, e.g. one process in the API)."""
    return {**package_header(**header), "releases": list(releases)}


def record_package(records: Iterable[dict[str, Any]], **header: Any) -> dict[str, Any]:
    """A record package as one object."""
    return {**package_header(**header), "records": list(records)}


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def stream_release_package(releases: Iterable[dict[str, Any]], **header: Any) -> Iterator[str]:
    """The release package as chunks of JSON text, one release per chunk."""
    head = _dumps(package_header(**header))
    yield head[:-1] + ',"releases":['
    first = True
    for release in releases:
        yield ("" if first else ",") + _dumps(release)
        first = False
    yield "]}"
