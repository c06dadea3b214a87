"""Private uploaded files: storing them (do_store_file) and the access-checked download view.

Files live in the default storage (a folder outside the web root, or a private S3 bucket) under
a random name; the only way to read one is `download`, which checks access through the same
scoping as every other row. Callers of do_store_file check that the person may attach a file
to the thing they are working on; do_store_file checks the file itself.
"""

from __future__ import annotations

import hashlib
import logging
import mimetypes
import secrets
import unicodedata
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from interlocal import audit
from interlocal.core.models import StoredFile
from interlocal.tenancy.scoping import get_for_user

if TYPE_CHECKING:
    from interlocal.accounts.models import User
    from interlocal.tenancy.models import Consortium, Member

__all__ = ["do_store_file", "download", "get_file_for_user", "safe_name"]

logger = logging.getLogger(__name__)

_CHUNK = 64 * 1024
_MAX_NAME = 200


def safe_name(name: str) -> str:
    """The uploaded name without folders, control or layout characters, at most 200 characters."""
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    # Cc (control), Cf (format: bidi overrides that disguise extensions), Zl/Zp (line breaks).
    name = "".join(ch for ch in name if unicodedata.category(ch) not in {"Cc", "Cf", "Zl", "Zp"})
    name = " ".join(name.split()).strip(" .")
    if not name:
        raise ValidationError(_("The file needs a name."), code="file_name")
    if len(name) > _MAX_NAME:
        suffix = PurePosixPath(name).suffix[:16]
        name = name[: _MAX_NAME - len(suffix)].rstrip(" .") + suffix
    return name


def _storage_path(consortium_id: int, name: str) -> str:
    """A random path that reveals nothing of the name and cannot be guessed."""
    suffix = PurePosixPath(name).suffix.lower()
    if not (suffix[1:].isascii() and suffix[1:].isalnum() and len(suffix) <= 11):
        suffix = ""
    return f"private/{consortium_id}/{secrets.token_hex(20)}{suffix}"


@transaction.atomic
def do_store_file(
    uploaded_file: UploadedFile,
    *,
    consortium: Consortium,
    member: Member | None,
    acting_user: User | None,
    member_outside_consortium: bool = False,
) -> StoredFile:
    """Check an uploaded file's size and name, keep it in private storage and record it.

    The owning member must take part in the consortium, unless the caller holds a thing a member
    may own in a consortium it does not belong to (`member_outside_consortium`: an outside public
    body's contract under a cooperative contract); its people then read it through a role for
    that member in any consortium (StoredFile's `member_anywhere`).
    """
    name = safe_name(uploaded_file.name or "")
    limit = settings.UPLOAD_MAX_BYTES
    if uploaded_file.size is not None and uploaded_file.size > limit:
        raise ValidationError(
            _("The file is larger than %(limit)s.") % {"limit": filesizeformat(limit)}, code="file_too_large"
        )
    if (
        member is not None
        and not member_outside_consortium
        and not member.participations.filter(consortium=consortium).exists()
    ):
        raise ValidationError(_("That member does not take part in this consortium."), code="file_owner")

    # Measure what was actually received: the declared size comes from the client.
    digest, size = hashlib.sha256(), 0
    uploaded_file.seek(0)
    for chunk in uploaded_file.chunks(_CHUNK):
        digest.update(chunk)
        size += len(chunk)
        if size > limit:
            raise ValidationError(
                _("The file is larger than %(limit)s.") % {"limit": filesizeformat(limit)},
                code="file_too_large",
            )
    if size == 0:
        raise ValidationError(_("The file is empty."), code="file_empty")
    uploaded_file.seek(0)

    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    stored_name = default_storage.save(_storage_path(consortium.pk, name), uploaded_file)
    try:
        stored = StoredFile.objects.create(
            file=stored_name,
            original_name=name,
            content_type=content_type,
            size=size,
            sha256=digest.hexdigest(),
            uploaded_by=acting_user if acting_user is not None and acting_user.is_authenticated else None,
            consortium=consortium,
            member=member,
        )
    except Exception:
        default_storage.delete(stored_name)
        raise
    audit.record(acting_user, "core.file.stored", stored, after=stored.audit_fields())
    return stored


def get_file_for_user(user: Any, pk: int) -> StoredFile:
    """The file if `user` may read it; else 404 (a refusal of an existing file is audited)."""
    return get_for_user(StoredFile.objects.all(), user, pk=pk)


@require_GET
@login_required
def download(request: HttpRequest, pk: int) -> FileResponse:
    """Stream a private file as an attachment to a person who may read it."""
    stored = get_file_for_user(request.user, pk)
    try:
        handle = default_storage.open(stored.file.name, "rb")
    except FileNotFoundError:
        logger.error("stored file %s is missing from storage (%s)", stored.pk, stored.file.name)
        raise Http404(_("The file is no longer available.")) from None
    audit.record(request.user, "core.file.downloaded", stored)
    response = FileResponse(
        handle, as_attachment=True, filename=stored.original_name, content_type=stored.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
