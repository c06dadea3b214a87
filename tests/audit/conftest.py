"""Helpers for audit tests: tampering with the trail the way an attacker with SQL access would."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, connections

from interlocal.audit.guard import append_only_lifted


def raw_sql(sql: str, params: list[Any] | None = None) -> None:
    """Run SQL with the append-only triggers lifted, as someone who disabled them would."""
    with append_only_lifted(), connection.cursor() as cursor:
        cursor.execute(sql, params or [])


@pytest.fixture
def file_database(tmp_path: Path) -> Iterator[None]:
    """On SQLite, point the default database at a file copy of the test database for one test.

    The in-memory test database uses SQLite's shared cache, whose table locks fail at once
    ("database table is locked") instead of waiting like file locks do, so threads cannot queue
    on it. A file database behaves like production. On PostgreSQL this fixture does nothing.
    """
    if connection.vendor != "sqlite":
        yield
        return
    settings_dict = connections.settings["default"]
    original = settings_dict["NAME"]
    path = tmp_path / "concurrency.sqlite3"
    connection.ensure_connection()
    target = sqlite3.connect(path)
    connection.connection.backup(target)  # schema, triggers and rows as they are now
    target.close()
    # Closing the last handle on the in-memory database would destroy it: keep it aside.
    memory_handle = connection.connection
    connection.connection = None
    settings_dict["NAME"] = str(path)
    try:
        yield
    finally:
        connection.close()
        settings_dict["NAME"] = original
        connection.connection = memory_handle
        shutil.rmtree(tmp_path, ignore_errors=True)
