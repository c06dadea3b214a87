"""Absolute links: the one place that turns a path into an address people can open from an e-mail.

Every link the site sends out (e-mails, the workbook's cover, feeds, OCDS) is built here from the
configured INTERLOCAL_SITE_URL, never from the host of the request that happened to trigger it (a
worker has no request; a request may arrive through a proxy on another host and port).
"""

from __future__ import annotations

import os

from django.conf import settings
from django.urls import reverse

__all__ = ["absolute_reverse", "absolute_url", "set_demo_site_url", "site_url", "site_url_for_addrport"]


def site_url() -> str:
    """The configured public address, e.g. https://interlocal.example.org (no trailing slash)."""
    return str(settings.SITE_URL).rstrip("/")


def absolute_url(path: str) -> str:
    """`path` (starting with "/") as an absolute address on the configured site."""
    if not path.startswith("/") or path.startswith("//"):
        raise ValueError(f"absolute_url needs a path starting with one '/', not {path!r}")
    return site_url() + path


def absolute_reverse(viewname: str, *args: object, **kwargs: object) -> str:
    """`reverse(viewname, args=…, kwargs=…)` as an absolute address."""
    return absolute_url(reverse(viewname, args=args or None, kwargs=kwargs or None))


def site_url_for_addrport(addrport: str) -> str:
    """The address a development server on `addrport` ("8001", "0.0.0.0:8000", "[::1]:8000",
    "127.0.0.1:8000") is reached at from the same machine."""
    host, sep, port = addrport.rpartition(":")
    if not sep:
        host, port = "", addrport
    host = host.strip("[]")
    if host in {"", "0.0.0.0", "::"}:  # noqa: S104 - listening everywhere: the browser uses loopback
        host = "127.0.0.1"
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"


def set_demo_site_url(addrport: str) -> None:
    """`interlocal demo`: unless INTERLOCAL_SITE_URL was given, links in e-mails point to the
    address the demo serves on (the development server runs in the same process)."""
    if not os.environ.get("INTERLOCAL_SITE_URL"):
        settings.SITE_URL = site_url_for_addrport(addrport)
