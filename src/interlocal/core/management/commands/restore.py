"""`interlocal restore FILE [--yes]`: put a backup made by `interlocal backup` back, all or nothing."""

from __future__ import annotations

import hashlib
import json
import tarfile
import tempfile
import zlib
from argparse import ArgumentParser
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.loader import MigrationLoader
from django.db.models import Model

from interlocal.audit.guard import append_only_lifted
from interlocal.core.management.commands._archive import (
    DATA,
    FORMAT_NAME,
    FORMAT_VERSION,
    MANIFEST,
    MIGRATION_FILLED,
    BackupError,
    all_tables_models,
    applied_migrations,
    row_counts,
    safe_member_name,
)

BATCH = 1000


class Command(BaseCommand):
    help = (
        "Restore a backup made by `interlocal backup` into a migrated database. Refuses a database "
        "that holds data unless --yes is given (then it is emptied first). Everything is loaded in "
        "one transaction: a broken archive changes nothing."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", help="The archive written by `interlocal backup`.")
        parser.add_argument("--yes", action="store_true", help="Replace the data already in the database.")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args: Any, **options: Any) -> None:
        using = options["database"]
        try:
            self._restore(Path(options["file"]), using=using, replace=options["yes"])
        except BackupError as exc:
            raise CommandError(str(exc)) from None

    def _restore(self, path: Path, *, using: str, replace: bool) -> None:
        if not path.is_file():
            raise BackupError(f"{path} does not exist.")
        with tempfile.TemporaryDirectory(prefix="interlocal-restore-") as tmp:
            staging = Path(tmp)
            # 1. Read and check the whole archive before touching anything.
            manifest, data_path, media = self._unpack(path, staging)
            self._check_migrations(manifest, using)
            if not replace:
                self._check_empty(using)
            # 2. One transaction for every row.
            self._load(data_path, manifest, using)
            # 3. Files last: a failed load must not leave restored files behind.
            for name, source in media:
                if default_storage.exists(name):
                    default_storage.delete(name)
                with source.open("rb") as fh:
                    saved = default_storage.save(name, File(fh))
                if saved != name:
                    raise BackupError(f"The storage renamed {name} to {saved}; check the storage settings.")
        total = sum(manifest["row_counts"].values())
        self.stdout.write(
            f"Restored {total} rows and {len(media)} files from {path} "
            f"(backup of {manifest['created_at']}, {manifest['database_vendor']}). "
            "Run `interlocal audit verify` to check the audit trail."
        )

    # --- reading the archive --------------------------------------------------------------------
    def _unpack(self, path: Path, staging: Path) -> tuple[dict[str, Any], Path, list[tuple[str, Path]]]:
        manifest: dict[str, Any] | None = None
        data_path = staging / DATA
        digest = hashlib.sha256()
        media: list[tuple[str, Path]] = []
        try:
            with tarfile.open(path, "r:gz") as tar:
                for member in tar:
                    if member.name == MANIFEST:
                        manifest = self._read_manifest(tar, member)
                    elif member.name == DATA and member.isfile():
                        self._extract(tar, member, data_path, digest)
                    elif member.isfile():
                        name = safe_member_name(member.name)
                        if name is None:
                            raise BackupError(
                                f"The archive holds an unexpected entry {member.name!r}; refusing it."
                            )
                        target = staging / "media" / f"{len(media):08d}"
                        target.parent.mkdir(exist_ok=True)
                        self._extract(tar, member, target)
                        media.append((name, target))
        except (tarfile.TarError, EOFError, zlib.error, OSError) as exc:
            raise BackupError(
                f"{path} is not a complete Interlocal backup (the archive is truncated or corrupt: {exc}). "
                "Nothing was changed."
            ) from None
        if manifest is None:
            raise BackupError(
                f"{path} has no {MANIFEST}: it is not an Interlocal backup. Nothing was changed."
            )
        expected = manifest.get("data", {}).get("sha256")
        if not data_path.exists() or digest.hexdigest() != expected:
            raise BackupError(
                f"The data in {path} does not match its manifest (missing or damaged {DATA}). Nothing was changed."
            )
        if len(media) != manifest.get("media", {}).get("files", 0):
            raise BackupError(
                f"{path} holds {len(media)} files; its manifest lists {manifest['media']['files']}."
            )
        return manifest, data_path, media

    @staticmethod
    def _extract(tar: tarfile.TarFile, member: tarfile.TarInfo, target: Path, digest: Any = None) -> None:
        source = tar.extractfile(member)
        if source is None:
            raise BackupError(f"The archive entry {member.name!r} cannot be read.")
        with target.open("wb") as out:
            while chunk := source.read(1 << 20):
                if digest is not None:
                    digest.update(chunk)
                out.write(chunk)

    @staticmethod
    def _read_manifest(tar: tarfile.TarFile, member: tarfile.TarInfo) -> dict[str, Any]:
        source = tar.extractfile(member)
        try:
            manifest = json.loads(source.read().decode()) if source else None
        except (ValueError, UnicodeDecodeError):
            manifest = None
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT_NAME:
            raise BackupError("The archive's manifest is not an Interlocal backup manifest.")
        if manifest.get("version") != FORMAT_VERSION:
            raise BackupError(
                f"The backup has format version {manifest.get('version')}; this Interlocal reads version "
                f"{FORMAT_VERSION}."
            )
        return manifest

    # --- checks ---------------------------------------------------------------------------------
    @staticmethod
    def _check_migrations(manifest: dict[str, Any], using: str) -> None:
        current = applied_migrations(using)
        if not current:
            raise BackupError("The database has no tables yet: run `interlocal migrate` first, then restore.")
        loader = MigrationLoader(connections[using], ignore_no_migrations=True)
        in_code = {app for app, _name in loader.disk_migrations}
        unapplied = sorted(
            f"{app}.{name}" for app, name in loader.disk_migrations if name not in current.get(app, [])
        )
        if unapplied:
            raise BackupError(
                "The database is not migrated to this version of Interlocal "
                f"({', '.join(unapplied[:5])}{' …' if len(unapplied) > 5 else ''} not applied): "
                "run `interlocal migrate` first."
            )
        backup = manifest.get("migrations", {})
        differences = []
        for app in sorted(set(backup) | in_code):
            theirs, ours = backup.get(app, []), current.get(app, [])
            if theirs != ours:
                differences.append(
                    f"{app}: backup at {theirs[-1] if theirs else '(none)'}, this code at {ours[-1] if ours else '(none)'}"
                )
        if differences:
            raise BackupError(
                "The backup was made by a different version of Interlocal (its migrations differ: "
                + "; ".join(differences)
                + "). Restore it with the version that made it, then upgrade. Nothing was changed."
            )

    @staticmethod
    def _check_empty(using: str) -> None:
        holding = [
            f"{label} ({count})"
            for label, count in row_counts(using).items()
            if count and label not in MIGRATION_FILLED
        ]
        from interlocal.audit.models import AuditHead

        if AuditHead.objects.using(using).filter(last_seq__gt=0).exists():
            holding.append("audit.audithead")
        if holding:
            raise BackupError(
                "The database already holds data ("
                + ", ".join(holding[:8])
                + (" …" if len(holding) > 8 else "")
                + "). Restore into an empty database, or pass --yes to replace everything in it."
            )

    # --- loading --------------------------------------------------------------------------------
    def _load(self, data_path: Path, manifest: dict[str, Any], using: str) -> None:
        connection = connections[using]
        tables = all_tables_models()
        with append_only_lifted(using), transaction.atomic(using=using):
            if connection.vendor == "postgresql":
                # TRUNCATE refuses tables with pending deferred checks (rows written earlier in an
                # enclosing transaction): run those checks now, then defer again for the load.
                with connection.cursor() as cursor:
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                    cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            sql = connection.ops.sql_flush(
                no_style(), [m._meta.db_table for m in tables], reset_sequences=True, allow_cascade=False
            )
            connection.ops.execute_sql_flush(sql)
            for model, batch in self._batches(data_path, using):
                self._insert(model, batch, using)
                # With DEBUG on, Django keeps the SQL of recent queries: huge INSERTs add up.
                connection.queries_log.clear()
            statements = connection.ops.sequence_reset_sql(no_style(), tables)
            if statements:
                with connection.cursor() as cursor:
                    for statement in statements:
                        cursor.execute(statement)
            counts = row_counts(using)
            expected = manifest["row_counts"]
            wrong = [f"{k}: {counts.get(k, 0)} ≠ {v}" for k, v in expected.items() if counts.get(k, 0) != v]
            if wrong:
                raise BackupError(
                    f"Row counts after loading disagree with the manifest ({'; '.join(wrong[:5])})."
                )
            connection.check_constraints()
        ContentType.objects.clear_cache()

    @staticmethod
    def _batches(data_path: Path, using: str) -> Iterator[tuple[type[Model], list[Any]]]:
        """Deserialized objects in batches of one model, in file order."""
        batch: list[dict[str, Any]] = []
        label = None
        with data_path.open("r", encoding="utf-8") as fh:
            for number, line in enumerate(fh, start=1):
                try:
                    row = json.loads(line)
                except ValueError:
                    raise BackupError(f"{DATA} line {number} is not valid JSON.") from None
                if batch and (row.get("model") != label or len(batch) >= BATCH):
                    yield Command._deserialize(label, batch, using)
                    batch = []
                label = row.get("model")
                batch.append(row)
        if batch:
            yield Command._deserialize(label, batch, using)

    @staticmethod
    def _deserialize(
        label: str | None, rows: list[dict[str, Any]], using: str
    ) -> tuple[type[Model], list[Any]]:
        try:
            model = apps.get_model(label or "")
            objects = list(serializers.deserialize("python", rows, using=using))
        except (LookupError, ValueError, serializers.base.DeserializationError) as exc:
            raise BackupError(f"Rows of {label} cannot be read: {exc}") from None
        return model, objects

    @staticmethod
    def _insert(model: type[Model], objects: list[Any], using: str) -> None:
        """Insert rows as they are: no save() overrides, no signals (nothing happens on restore)."""
        if model._meta.parents:
            # Multi-table inheritance cannot be bulk-inserted; save_base(raw=True) writes each table.
            for obj in objects:
                obj.save(using=using)
            return
        model._base_manager.using(using).bulk_create([d.object for d in objects], batch_size=BATCH)
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            if through is None or not through._meta.auto_created:
                continue  # an explicit through model is a model of its own in the dump
            source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
            links = [
                through(**{f"{source}_id": d.object.pk, f"{target}_id": pk})
                for d in objects
                for pk in d.m2m_data.get(field.name, [])
            ]
            through._base_manager.using(using).bulk_create(links, batch_size=BATCH)
