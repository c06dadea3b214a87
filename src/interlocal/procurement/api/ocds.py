"""API: open contracting data (OCDS 1.1) — public, no token needed.

Release packages stream (constant memory, however many processes); one process's releases and
its record come as one object. Only published processes appear; see procurement/publication.py
for what is never published.
"""

# No `from __future__ import annotations`: django-ninja reads these annotations at run time.
from typing import Annotated, Any

from django.http import Http404, HttpRequest, StreamingHttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema

from interlocal.core.api import error_responses
from interlocal.procurement import publication
from interlocal.procurement.ocds import (
    build_releases,
    record,
    record_package,
    release_package,
    stream_release_package,
)

__all__ = ["router"]

router = Router(tags=["ocds"])

Ocid = Annotated[
    str, Path(min_length=3, max_length=120, pattern=r"^[A-Za-z0-9._-]+$", description="The ocid.")
]


class PackageFilter(Schema):
    consortium: int | None = Field(None, ge=1, le=2**31 - 1, description="Only this consortium's processes.")


def _process(ocid: str) -> Any:
    process = publication.process_for_ocid(ocid)
    if process is None:
        raise Http404(_("No published contracting process has this ocid."))
    return process


@router.get(
    "/ocds/releases",
    response={200: dict[str, Any], **error_responses(422)},
    auth=None,
    url_name="ocds_release_package",
    operation_id="ocds_release_package",
    summary="Release package of every published process (streamed)",
)
def release_package_all(request: HttpRequest, filters: Query[PackageFilter]) -> StreamingHttpResponse:
    """All releases of all published processes (or one consortium's), as one OCDS release package."""
    header = publication.package_header()
    chunks = stream_release_package(publication.releases(filters.consortium), **header)
    return StreamingHttpResponse(chunks, content_type="application/json; charset=utf-8")


@router.get(
    "/ocds/releases/{ocid}",
    response={200: dict[str, Any], **error_responses(404, 422)},
    auth=None,
    url_name="ocds_process_releases",
    operation_id="ocds_process_releases",
    summary="Release package of one process",
)
def process_releases(request: HttpRequest, ocid: Ocid) -> dict[str, Any]:
    """Every release of one published process, oldest first."""
    return release_package(build_releases(_process(ocid)), **publication.package_header())


@router.get(
    "/ocds/records/{ocid}",
    response={200: dict[str, Any], **error_responses(404, 422)},
    auth=None,
    url_name="ocds_process_record",
    operation_id="ocds_process_record",
    summary="Record package of one process (releases and compiled release)",
)
def process_record(request: HttpRequest, ocid: Ocid) -> dict[str, Any]:
    """The OCDS record of one published process: its releases and the compiled release."""
    releases = build_releases(_process(ocid))
    return record_package([record(releases)], **publication.package_header())
