"""`interlocal backup FILE`: the whole database and the private files in one .tar.gz."""

from __future__ import annotations

import hashlib
import io
import json
import os
import tarfile
import tempfile
import time
from argparse import ArgumentParser
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import django
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone

from interlocal.core.management.commands._archive import (
    DATA,
    FORMAT_NAME,
    FORMAT_VERSION,
    MANIFEST,
    MEDIA_PREFIX,
    ExactEncoder,
    applied_migrations,
    row_counts,
    serialized_rows,
    storage_files,
)


class Command(BaseCommand):
    help = (
        "Write a backup (.tar.gz) of every table and every private file. Restore with `interlocal restore`."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", help="The archive to write, e.g. interlocal-2026-01-31.tar.gz")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)
        parser.add_argument("--no-media", action="store_true", help="Leave the uploaded files out.")

    def handle(self, *args: Any, **options: Any) -> None:
        target = Path(options["file"])
        if target.is_dir():
            raise CommandError(f"{target} is a folder; give a file name.")
        using = options["database"]
        partial = target.with_name(target.name + ".partial")
        started = time.monotonic()
        with tempfile.TemporaryDirectory(prefix="interlocal-backup-") as tmp:
            data_path = Path(tmp) / DATA
            with self._snapshot(using):
                digest = self._write_data(data_path, using)
                counts = row_counts(using)
                migrations = applied_migrations(using)
            media = [] if options["no_media"] else list(storage_files(default_storage))
            manifest = {
                "format": FORMAT_NAME,
                "version": FORMAT_VERSION,
                "created_at": timezone.now().isoformat(),
                "database_vendor": connections[using].vendor,
                "django_version": django.get_version(),
                "migrations": migrations,
                "row_counts": counts,
                "data": {"name": DATA, "sha256": digest, "size": data_path.stat().st_size},
                "media": {"files": len(media)},
            }
            try:
                with tarfile.open(partial, "w:gz") as tar:
                    self._add_bytes(tar, MANIFEST, json.dumps(manifest, indent=2, sort_keys=True).encode())
                    tar.add(data_path, arcname=DATA, recursive=False)
                    for name in media:
                        info = tarfile.TarInfo(MEDIA_PREFIX + name)
                        info.size = default_storage.size(name)
                        info.mtime = int(time.time())
                        with default_storage.open(name, "rb") as fh:
                            tar.addfile(info, fh)
                os.replace(partial, target)
            finally:
                partial.unlink(missing_ok=True)
        total = sum(counts.values())
        self.stdout.write(
            f"Backup written to {target}: {total} rows in {len(counts)} tables, {len(media)} files "
            f"({target.stat().st_size} bytes, {time.monotonic() - started:.1f}s)."
        )

    @staticmethod
    @contextmanager
    def _snapshot(using: str) -> Iterator[None]:
        """One transaction for the whole dump: a consistent snapshot (repeatable read on PostgreSQL)."""
        connection = connections[using]
        outermost = not connection.in_atomic_block
        with transaction.atomic(using=using):
            if connection.vendor == "postgresql" and outermost:
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield

    @staticmethod
    def _write_data(path: Path, using: str) -> str:
        """Write data.jsonl; return its SHA-256."""
        digest = hashlib.sha256()
        with path.open("wb") as out:
            for _label, row in serialized_rows(using):
                line = json.dumps(row, cls=ExactEncoder, ensure_ascii=False, separators=(",", ":")) + "\n"
                encoded = line.encode()
                out.write(encoded)
                digest.update(encoded)
        return digest.hexdigest()

    @staticmethod
    def _add_bytes(tar: tarfile.TarFile, name: str, payload: bytes) -> None:
        info = tarfile.TarInfo(name)
        info.size = len(payload)
        info.mtime = int(time.time())
        tar.addfile(info, io.BytesIO(payload))
