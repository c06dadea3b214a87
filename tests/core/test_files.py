"""Private files: do_store_file checks and records; the download view streams only to readers."""

from __future__ import annotations

import hashlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from interlocal.audit.models import AuditEvent
from interlocal.core.files import do_store_file, safe_name
from interlocal.core.models import StoredFile

pytestmark = pytest.mark.django_db

CONTENT = b"%PDF-1.7 minutes of the board meeting\n"


def upload(name: str = "Board minutes.pdf", content: bytes = CONTENT) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="text/html")  # the client's claim is ignored


@pytest.fixture
def avon_file(world) -> StoredFile:
    return do_store_file(upload(), consortium=world.capitol, member=world.avon, acting_user=world.bob)


@pytest.fixture
def consortium_file(world) -> StoredFile:
    return do_store_file(upload("Budget.xlsx"), consortium=world.capitol, member=None, acting_user=world.sam)


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_store_keeps_the_file_privately_under_a_random_name(avon_file, world, settings):
    assert avon_file.original_name == "Board minutes.pdf"
    assert avon_file.size == len(CONTENT)
    assert avon_file.sha256 == hashlib.sha256(CONTENT).hexdigest()
    assert avon_file.content_type == "application/pdf"
    assert avon_file.uploaded_by == world.bob
    assert "minutes" not in avon_file.file.name
    assert avon_file.file.name.startswith(f"private/{world.capitol.pk}/")
    assert avon_file.file.name.endswith(".pdf")
    with default_storage.open(avon_file.file.name) as fh:
        assert fh.read() == CONTENT
    assert str(settings.MEDIA_ROOT) in default_storage.path(avon_file.file.name)
    event = AuditEvent.objects.get(action="core.file.stored")
    assert event.after["sha256"] == avon_file.sha256
    assert (event.consortium_id, event.member_id) == (world.capitol.pk, world.avon.pk)


def test_two_uploads_with_the_same_name_do_not_collide(world):
    a = do_store_file(upload(), consortium=world.capitol, member=None, acting_user=world.sam)
    b = do_store_file(upload(content=b"other"), consortium=world.capitol, member=None, acting_user=world.sam)
    assert a.file.name != b.file.name


def test_too_large_is_refused(world, settings):
    settings.UPLOAD_MAX_BYTES = 10
    with pytest.raises(ValidationError) as err:
        do_store_file(upload(), consortium=world.capitol, member=None, acting_user=world.sam)
    assert err.value.code == "file_too_large"
    assert not StoredFile.objects.exists()


def test_too_large_is_refused_even_when_the_declared_size_lies(world, settings):
    settings.UPLOAD_MAX_BYTES = 10
    lying = upload()
    lying.size = 3
    with pytest.raises(ValidationError):
        do_store_file(lying, consortium=world.capitol, member=None, acting_user=world.sam)


def test_empty_file_is_refused(world):
    with pytest.raises(ValidationError):
        do_store_file(upload(content=b""), consortium=world.capitol, member=None, acting_user=world.sam)


def test_member_must_belong_to_the_consortium(world):
    with pytest.raises(ValidationError):
        do_store_file(upload(), consortium=world.capitol, member=world.airdrie, acting_user=world.sam)


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\bob\\report.docx", "report.docx"),
        ("invoice\u202egpj.exe", "invoicegpj.exe"),
        ("  spaced \t out .pdf ", "spaced out .pdf"),
        ("line\nbreak.txt", "linebreak.txt"),
        ("a" * 300 + ".pdf", "a" * 196 + ".pdf"),
    ],
)
def test_safe_name(raw, clean):
    assert safe_name(raw) == clean


@pytest.mark.parametrize("raw", ["", "...", "/", "\x00\x01"])
def test_names_that_are_nothing_are_refused(raw):
    with pytest.raises(ValidationError):
        safe_name(raw)


@pytest.mark.parametrize("name", ["bob", "ada", "alice", "sam"])
def test_member_file_downloads_for_its_member_and_council(client_for, avon_file, name):
    response = client_for(name).get(reverse("file_download", args=[avon_file.pk]))
    assert response.status_code == 200
    assert body(response) == CONTENT
    assert response["Content-Disposition"] == 'attachment; filename="Board minutes.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("name", ["carol", "pat", "vince", "olga"])
def test_outsiders_get_404_and_are_recorded(client_for, avon_file, world, name):
    response = client_for(name).get(reverse("file_download", args=[avon_file.pk]))
    assert response.status_code == 404
    denied = AuditEvent.objects.get(action="access.denied", object_type="core.storedfile")
    assert denied.actor_id == getattr(world, name).pk


def test_missing_file_is_404_without_a_denial(client_for):
    assert client_for("alice").get(reverse("file_download", args=[99999])).status_code == 404
    assert not AuditEvent.objects.filter(action="access.denied").exists()


@pytest.mark.parametrize(("name", "status"), [("olga", 200), ("carol", 200), ("vince", 404), ("pat", 404)])
def test_consortium_file_is_read_by_the_consortium(client_for, consortium_file, name, status):
    assert client_for(name).get(reverse("file_download", args=[consortium_file.pk])).status_code == status


def test_anonymous_is_sent_to_sign_in(client_for, avon_file):
    response = client_for(None).get(reverse("file_download", args=[avon_file.pk]))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_uploader_may_fetch_their_own_file_while_in_the_consortium(client_for, world):
    bid = do_store_file(upload("Bid.pdf"), consortium=world.capitol, member=None, acting_user=world.vince)
    assert client_for("vince").get(reverse("file_download", args=[bid.pk])).status_code == 200
    world.vince.memberships.all().delete()
    assert client_for("vince").get(reverse("file_download", args=[bid.pk])).status_code == 404


def test_download_is_recorded(client_for, avon_file, world):
    client_for("bob").get(reverse("file_download", args=[avon_file.pk]))
    event = AuditEvent.objects.get(action="core.file.downloaded")
    assert event.actor_id == world.bob.pk
    assert event.object_id == str(avon_file.pk)


def test_filename_with_non_ascii_characters(client_for, world):
    stored = do_store_file(
        upload("Procès-verbal été.pdf"), consortium=world.capitol, member=None, acting_user=world.sam
    )
    response = client_for("sam").get(reverse("file_download", args=[stored.pk]))
    assert "filename*=utf-8''Proc%C3%A8s-verbal%20%C3%A9t%C3%A9.pdf" in response["Content-Disposition"]


def test_file_gone_from_storage_is_404(client_for, avon_file):
    default_storage.delete(avon_file.file.name)
    assert client_for("bob").get(reverse("file_download", args=[avon_file.pk])).status_code == 404


def test_only_get(client_for, avon_file):
    assert client_for("bob").post(reverse("file_download", args=[avon_file.pk])).status_code == 405
