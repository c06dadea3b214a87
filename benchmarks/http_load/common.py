"""What the harness's processes share: paths, the production-like environment of the server."""

from __future__ import annotations

import base64
import os
import secrets
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
VENV_BIN = ROOT / ".venv" / "bin"
OUT = ROOT / "var" / "http_load"
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/interlocal_bench_http"


def server_env(database_url: str, secret_key: str, bid_key: str) -> dict[str, str]:
    """Production settings (DEBUG off, manifest static files, database task queue) for loopback HTTP.

    The one secret key is shared by the server and the processes that create sessions, which the
    database session store signs. SSL redirect and HSTS are off (plain HTTP on 127.0.0.1); the API
    throttle is raised so that 20 clients sharing one persona's token measure the pages, not 429s.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith("INTERLOCAL_")}
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="interlocal.settings",
        INTERLOCAL_ENV="production",
        INTERLOCAL_DEBUG="false",
        INTERLOCAL_SECRET_KEY=secret_key,
        INTERLOCAL_BID_KEY=bid_key,
        INTERLOCAL_ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        INTERLOCAL_SITE_URL="http://127.0.0.1",
        INTERLOCAL_SSL_REDIRECT="false",
        INTERLOCAL_HSTS_SECONDS="0",
        INTERLOCAL_STATIC_ROOT=str(OUT / "static"),
        INTERLOCAL_MEDIA_ROOT=str(OUT / "media"),
        INTERLOCAL_VAR_DIR=str(OUT),
        INTERLOCAL_EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
        INTERLOCAL_API_THROTTLE_RATE="1000000/m",
        INTERLOCAL_LOG_LEVEL="ERROR",
        PYTHONPATH=str(ROOT / "src"),
    )
    return env


def new_secrets() -> tuple[str, str]:
    """A throwaway secret key and sealed-bid key for one run."""
    return secrets.token_urlsafe(48), base64.b64encode(os.urandom(32)).decode()
