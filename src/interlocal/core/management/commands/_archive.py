"""The backup archive shared by `interlocal backup` and `interlocal restore`.

A backup is a gzipped tar with, in this order:

- ``manifest.json``: format version, creation time (UTC), database vendor, the applied migrations
  of every app, the row count of every table, and the SHA-256 of the data file;
- ``data.jsonl``: every row of every model of every installed app, one JSON object per line in
  the dependency order of Django's serializers (``{"model": ..., "pk": ..., "fields": {...}}``);
- ``media/<name>``: every file of the default (private) storage.

Rows are written and read in chunks, so memory use does not grow with the database. Datetimes
keep their microseconds (Django's JSON encoder drops them, which would break the audit chain).
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import uuid
from collections.abc import Iterator
from typing import Any

from django.apps import apps
from django.core import serializers
from django.core.files.storage import Storage
from django.db import connections
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import Model
from django.utils.duration import duration_iso_string

FORMAT_NAME = "interlocal-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATA = "data.jsonl"
MEDIA_PREFIX = "media/"
CHUNK = 1000

# Rows that `interlocal migrate` itself creates: a database holding only these counts as empty.
MIGRATION_FILLED = {"contenttypes.contenttype", "auth.permission", "sites.site", "audit.audithead"}


class BackupError(Exception):
    """The archive cannot be written or restored; the message says why in the operator's terms."""


class ExactEncoder(json.JSONEncoder):
    """JSON for serializer output that loses nothing: full-precision times, exact decimals."""

    def default(self, o: Any) -> Any:
        if isinstance(o, dt.datetime | dt.date | dt.time):
            return o.isoformat()
        if isinstance(o, dt.timedelta):
            return duration_iso_string(o)
        if isinstance(o, decimal.Decimal | uuid.UUID):
            return str(o)
        if isinstance(o, bytes | memoryview):
            return bytes(o).hex()
        return super().default(o)


def models_in_order() -> list[type[Model]]:
    """Every concrete, managed model of every installed app, dependencies first."""
    app_list = [(config, None) for config in apps.get_app_configs() if config.models_module is not None]
    ordered = serializers.sort_dependencies(app_list, allow_cycles=True)
    return [m for m in ordered if m is not None and m._meta.managed and not m._meta.proxy]


def m2m_through_models(model: type[Model]) -> list[type[Model]]:
    """The auto-created join tables of `model`'s many-to-many fields (dumped as part of its rows)."""
    throughs = (f.remote_field.through for f in model._meta.local_many_to_many)
    return [t for t in throughs if t is not None and t._meta.auto_created]


def all_tables_models() -> list[type[Model]]:
    """Every model with a table of its own: the ordered models and their join tables."""
    out: list[type[Model]] = []
    for model in models_in_order():
        out.append(model)
        out.extend(m2m_through_models(model))
    return out


def row_counts(using: str) -> dict[str, int]:
    """Rows per table (model label), join tables included."""
    return {m._meta.label_lower: m._base_manager.using(using).count() for m in all_tables_models()}


def applied_migrations(using: str) -> dict[str, list[str]]:
    """The applied migrations of each app, by name."""
    recorder = MigrationRecorder(connections[using])
    if not recorder.has_table():
        return {}
    out: dict[str, list[str]] = {}
    for app_label, name in sorted(recorder.applied_migrations()):
        out.setdefault(app_label, []).append(name)
    return out


def serialized_rows(using: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """(model label, serializer dict) for every row, model by model in dependency order, in pk order."""
    serializer_class = serializers.get_serializer("python")
    for model in models_in_order():
        label = model._meta.label_lower
        queryset = model._base_manager.using(using).order_by(model._meta.pk.name)
        batch: list[Model] = []
        for obj in queryset.iterator(chunk_size=CHUNK):
            batch.append(obj)
            if len(batch) >= CHUNK:
                yield from ((label, row) for row in serializer_class().serialize(batch))
                batch = []
        if batch:
            yield from ((label, row) for row in serializer_class().serialize(batch))


def storage_files(storage: Storage, path: str = "") -> Iterator[str]:
    """Every file name in `storage` below `path`, folders walked recursively."""
    try:
        folders, files = storage.listdir(path)
    except (FileNotFoundError, NotADirectoryError):
        return
    for name in sorted(files):
        yield f"{path}/{name}" if path else name
    for folder in sorted(folders):
        yield from storage_files(storage, f"{path}/{folder}" if path else folder)


def safe_member_name(name: str) -> str | None:
    """The storage name of an archive member under media/, or None if it could escape the folder."""
    if not name.startswith(MEDIA_PREFIX):
        return None
    rel = name[len(MEDIA_PREFIX) :]
    parts = rel.split("/")
    if not rel or rel.startswith("/") or any(p in {"", ".", ".."} for p in parts) or "\\" in rel:
        return None
    return rel
