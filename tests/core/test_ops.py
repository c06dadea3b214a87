"""Operations: the health check, JSON logs with request ids, and the production deploy check."""

from __future__ import annotations

import base64
import io
import json
import logging
import os
import secrets
import subprocess
import sys
from logging.config import DictConfigurator
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.db import OperationalError, connection

from interlocal.core.middleware import RequestIdLogFilter, current_request_id

ROOT = Path(__file__).resolve().parents[2]
CLI = Path(sys.executable).with_name("interlocal")


@pytest.mark.django_db
def test_healthz_is_200_with_the_database_up(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_is_503_when_the_database_fails(client):
    with mock.patch.object(connection, "cursor", side_effect=OperationalError("connection refused")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "error"
    assert "refused" not in response.content.decode()  # no internals to the outside


def test_json_log_format_has_request_id():
    config = settings.LOGGING["formatters"]["json"]
    formatter = DictConfigurator({}).configure_formatter(dict(config))
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter)
    handler.addFilter(RequestIdLogFilter())
    logger = logging.getLogger("interlocal.tests.json")
    logger.propagate = False
    logger.addHandler(handler)
    token = current_request_id.set("req-abc12345")
    try:
        logger.warning("backup finished in %ss", 3)
    finally:
        current_request_id.reset(token)
        logger.removeHandler(handler)
    line = json.loads(stream.getvalue())
    assert line["request_id"] == "req-abc12345"
    assert line["message"] == "backup finished in 3s"
    assert line["level"] == "WARNING"
    assert line["logger"] == "interlocal.tests.json"
    assert "time" in line


def _env(**extra: str) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("INTERLOCAL_", "DATABASE_URL", "DJANGO_"))
    }
    env.update(extra)
    return env


def test_interlocal_log_format_json_switches_the_console_handler(tmp_path):
    result = subprocess.run(  # noqa: S603 - our own CLI with fixed arguments
        [str(CLI), "shell", "-c", "import logging; logging.getLogger('interlocal.x').warning('hello')"],
        env=_env(INTERLOCAL_LOG_FORMAT="json", INTERLOCAL_VAR_DIR=str(tmp_path)),
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    assert {"message": "hello", "request_id": "-", "level": "WARNING"}.items() <= lines[-1].items()


def test_deploy_check_passes_under_production_settings(tmp_path):
    result = subprocess.run(  # noqa: S603 - our own CLI with fixed arguments
        [str(CLI), "check", "--deploy", "--fail-level", "WARNING"],
        env=_env(
            INTERLOCAL_ENV="production",
            INTERLOCAL_SECRET_KEY=secrets.token_urlsafe(60),
            INTERLOCAL_ALLOWED_HOSTS="interlocal.example.org",
            INTERLOCAL_SITE_URL="https://interlocal.example.org",
            INTERLOCAL_VAR_DIR=str(tmp_path),
            INTERLOCAL_BID_KEY=base64.b64encode(secrets.token_bytes(32)).decode(),
            INTERLOCAL_AUDIT_KEY=base64.b64encode(secrets.token_bytes(32)).decode(),
        ),
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_a_site_url(tmp_path):
    result = subprocess.run(  # noqa: S603 - our own CLI with fixed arguments
        [str(CLI), "check"],
        env=_env(
            INTERLOCAL_ENV="production",
            INTERLOCAL_SECRET_KEY=secrets.token_urlsafe(60),
            INTERLOCAL_VAR_DIR=str(tmp_path),
        ),
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert "INTERLOCAL_SITE_URL is required in production" in result.stderr


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = subprocess.run(  # noqa: S603 - our own CLI with fixed arguments
        [str(CLI), "check"],
        env=_env(INTERLOCAL_ENV="production", INTERLOCAL_VAR_DIR=str(tmp_path)),
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert "INTERLOCAL_SECRET_KEY" in result.stderr
