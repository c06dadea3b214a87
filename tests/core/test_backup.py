"""`interlocal backup` / `interlocal restore`: a full round trip, and broken archives change nothing."""

from __future__ import annotations

import gzip
import io
import json
import tarfile
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from interlocal import audit
from interlocal.audit.models import AuditEvent
from interlocal.core.files import do_store_file
from interlocal.core.models import StoredFile

# Transactional: restore runs in a transaction of its own, as it does in production, so a
# broken archive is a real rollback.
pytestmark = pytest.mark.django_db(transaction=True)


def every_table() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every model (join tables included), by primary key."""
    out = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy or not model._meta.managed:
            continue
        fields = [f.attname for f in model._meta.concrete_fields]
        out[model._meta.label_lower] = list(model._base_manager.order_by("pk").values_list(*fields))
    return out


def media_files() -> dict[str, bytes]:
    root = Path(default_storage.location)
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=out)
    return out.getvalue()


@pytest.fixture
def varied(world, client_for):
    """The world, plus audit events with JSON payloads, private files, a session and a queued task."""
    for i in range(25):
        audit.record(
            world.alice,
            "test.varied",
            world.capitol,
            before={"n": i, "text": "naïve café", "nested": {"a": [1, 2.5, None]}},
            after={"n": i + 1, "ok": True},
        )
    do_store_file(
        SimpleUploadedFile("Minutes été.pdf", b"%PDF minutes"),
        consortium=world.capitol,
        member=world.avon,
        acting_user=world.bob,
    )
    do_store_file(
        SimpleUploadedFile("budget.xlsx", b"PK\x03\x04 budget"),
        consortium=world.capitol,
        member=None,
        acting_user=world.sam,
    )
    client_for("bob").get("/")  # a session row
    world.bob.groups.create(name="Board readers")  # a many-to-many row
    return world


def test_round_trip_restores_every_table_and_file(varied, tmp_path):
    archive = tmp_path / "backup.tar.gz"
    output = run("backup", str(archive))
    assert "Backup written to" in output
    before_rows, before_files = every_table(), media_files()
    assert before_rows["audit.auditevent"]
    assert len(before_files) == 2

    run("flush", "--no-input")
    for name in list(before_files):
        default_storage.delete(name)
    assert not StoredFile.objects.exists()
    assert not media_files()

    output = run("restore", str(archive))
    assert "Restored" in output
    assert every_table() == before_rows
    assert media_files() == before_files
    assert run("audit", "verify").startswith(f"OK: {len(before_rows['audit.auditevent'])} events")


def test_manifest_describes_the_backup(varied, tmp_path, django_db_blocker):
    archive = tmp_path / "backup.tar.gz"
    run("backup", str(archive))
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        manifest = json.load(tar.extractfile("manifest.json"))
    assert names[:2] == ["manifest.json", "data.jsonl"]
    assert sum(n.startswith("media/private/") for n in names) == 2
    assert manifest["format"] == "interlocal-backup"
    assert manifest["version"] == 1
    assert manifest["row_counts"]["audit.auditevent"] == AuditEvent.objects.count()
    assert manifest["row_counts"]["accounts.user_groups"] == 1
    assert "0002_append_only_triggers" in manifest["migrations"]["audit"]
    assert manifest["database_vendor"] in {"sqlite", "postgresql"}
    assert manifest["created_at"].endswith("+00:00")


def test_restore_refuses_a_database_with_data_unless_told(varied, tmp_path):
    archive = tmp_path / "backup.tar.gz"
    run("backup", str(archive))
    audit.record(None, "test.after.backup")
    with pytest.raises(CommandError, match="already holds data.*--yes"):
        run("restore", str(archive))
    assert AuditEvent.objects.filter(action="test.after.backup").exists()
    run("restore", str(archive), "--yes")
    assert not AuditEvent.objects.filter(action="test.after.backup").exists()
    assert run("audit", "verify").startswith("OK:")


def _rewrite(archive: Path, target: Path, *, manifest: Any = None, data: Any = None) -> None:
    """Copy an archive, changing its manifest or data with the given functions."""
    with tarfile.open(archive) as src, tarfile.open(target, "w:gz") as dst:
        for member in src:
            payload = src.extractfile(member).read()
            if member.name == "manifest.json" and manifest:
                payload = json.dumps(manifest(json.loads(payload))).encode()
            if member.name == "data.jsonl" and data:
                payload = data(payload)
            member.size = len(payload)
            dst.addfile(member, io.BytesIO(payload))


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        ("truncate", "truncated or corrupt"),
        ("garbage", "truncated or corrupt"),
        ("data", "does not match its manifest"),
        ("migrations", "different version of Interlocal.*audit: backup at 0001_initial"),
        ("version", "format version 99"),
        ("bad-row", "cannot be read|not valid JSON|Row counts"),
    ],
)
def test_broken_archives_are_refused_and_change_nothing(varied, tmp_path, damage, message):
    good = tmp_path / "good.tar.gz"
    run("backup", str(good))
    bad = tmp_path / "bad.tar.gz"
    if damage == "truncate":
        bad.write_bytes(good.read_bytes()[: good.stat().st_size * 2 // 3])
    elif damage == "garbage":
        bad.write_bytes(gzip.compress(b"not a tar at all" * 100))
    elif damage == "data":
        _rewrite(good, bad, data=lambda d: d.replace("naïve".encode(), b"NAIVE"))
    elif damage == "migrations":
        _rewrite(
            good, bad, manifest=lambda m: {**m, "migrations": {**m["migrations"], "audit": ["0001_initial"]}}
        )
    elif damage == "version":
        _rewrite(good, bad, manifest=lambda m: {**m, "version": 99})
    elif damage == "bad-row":
        # A consistent archive (checksum updated) whose last row names a missing user: must roll back.
        import hashlib

        def break_last_row(d: bytes) -> bytes:
            lines = d.splitlines(keepends=True)
            return b"".join(lines[:-1]) + b'{"model": "nope.nothing", "pk": 1, "fields": {}}\n'

        broken = break_last_row(_read(good, "data.jsonl"))
        _rewrite(
            good,
            bad,
            data=lambda d: broken,
            manifest=lambda m: {**m, "data": {**m["data"], "sha256": hashlib.sha256(broken).hexdigest()}},
        )
    before_rows, before_files = every_table(), media_files()

    with pytest.raises(CommandError, match=message):
        run("restore", str(bad), "--yes")

    assert every_table() == before_rows
    assert media_files() == before_files


def _read(archive: Path, name: str) -> bytes:
    with tarfile.open(archive) as tar:
        return tar.extractfile(name).read()


def test_restore_of_a_missing_file_is_a_clear_error(db, tmp_path):
    with pytest.raises(CommandError, match="does not exist"):
        run("restore", str(tmp_path / "nope.tar.gz"))


def test_archive_cannot_write_outside_the_media_folder(varied, tmp_path):
    good = tmp_path / "good.tar.gz"
    run("backup", str(good))
    bad = tmp_path / "evil.tar.gz"
    with tarfile.open(good) as src, tarfile.open(bad, "w:gz") as dst:
        for member in src:
            dst.addfile(member, src.extractfile(member))
        evil = tarfile.TarInfo("media/../../escape.txt")
        evil.size = 4
        dst.addfile(evil, io.BytesIO(b"evil"))
    with pytest.raises(CommandError, match="unexpected entry"):
        run("restore", str(bad), "--yes")
    assert not (Path(default_storage.location).parent / "escape.txt").exists()
