"""Public bulk downloads of open contracting data (OCDS release packages, plain or gzipped)."""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator

from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from interlocal.procurement import publication
from interlocal.procurement.ocds import stream_release_package
from interlocal.procurement.queries import publishing_consortia, publishing_consortium

__all__ = ["ocds_download", "ocds_downloads"]


def _gzip(chunks: Iterable[str]) -> Iterator[bytes]:
    # wbits=31: a gzip stream, written as it goes so memory stays flat.
    compressor = zlib.compressobj(6, zlib.DEFLATED, 31)
    for chunk in chunks:
        data = compressor.compress(chunk.encode("utf-8"))
        if data:
            yield data
    yield compressor.flush()


@require_GET
def ocds_downloads(request: HttpRequest) -> HttpResponse:
    """Anyone: the consortia publishing contracting data, with a download per consortium."""
    return render(request, "procurement/ocds/downloads.html", {"consortia": publishing_consortia()})


@require_GET
def ocds_download(request: HttpRequest, pk: int, fmt: str) -> StreamingHttpResponse:
    """Anyone: one consortium's release package, streamed (json or json.gz)."""
    if fmt not in ("json", "json.gz"):
        raise Http404
    consortium = publishing_consortium(pk)
    chunks = stream_release_package(publication.releases(consortium.pk), **publication.package_header())
    stamp = timezone.now().strftime("%Y%m%d")
    name = f"ocds-{consortium.slug}-{stamp}.{fmt}"
    if fmt == "json.gz":
        response = StreamingHttpResponse(_gzip(chunks), content_type="application/gzip")
    else:
        response = StreamingHttpResponse((c.encode("utf-8") for c in chunks), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
