"""Content-Security-Policy: injected markup cannot run script in a member's session.

Every HTML page carries a policy whose script-src allows only this site's files (no inline script,
no eval), and no template holds what that policy would refuse: an inline <script>, an on*=
handler, a javascript: URL, an htmx hx-on attribute, an inline <style> or style="" attribute.
The browser suite (tests/browser/conftest.py) fails any test during which Chromium reported a
violation, so the pages are also shown to work under the policy. See docs/security.md.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from tests.isolation.registry import site_urls

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src" / "interlocal"
CLI = Path(sys.executable).with_name("interlocal")

UNSAFE = {"'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "'wasm-unsafe-eval'", "*", "data:", "blob:"}


def parse_policy(header: str) -> dict[str, list[str]]:
    """{"script-src": ["'self'"], ...} from a Content-Security-Policy header."""
    directives: dict[str, list[str]] = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0].lower()] = words[1:]
    return directives


def assert_strict(header: str | None, where: str) -> None:
    assert header, f"{where}: no Content-Security-Policy header"
    policy = parse_policy(header)
    scripts = policy.get("script-src", policy.get("default-src"))
    assert scripts == ["'self'"], f"{where}: script-src is {scripts}"
    assert not UNSAFE & set(policy.get("style-src", [])), f"{where}: style-src is {policy.get('style-src')}"
    assert "script-src-attr" not in policy and "script-src-elem" not in policy, where
    assert "style-src-attr" not in policy and "style-src-elem" not in policy, where
    assert policy.get("default-src") == ["'self'"], where
    assert policy.get("object-src") == ["'none'"], where
    assert policy.get("base-uri") == ["'self'"], where
    assert policy.get("frame-ancestors") == ["'none'"], where
    assert policy.get("form-action") == ["'self'"], where


@pytest.mark.django_db
def test_every_html_page_sends_a_policy_that_forbids_inline_script(world: Any) -> None:
    """Each page without URL arguments, for a visitor and two signed-in roles, plus a 404."""
    routes = ["/" + entry.route for entry in site_urls() if not entry.has_args]
    checked = 0
    for who in (None, "sam", "bob"):
        client = Client(raise_request_exception=False)
        if who:
            client.force_login(getattr(world, who))
        for path in [*routes, "/no-such-page/"]:
            response = client.get(path)
            if not response.get("Content-Type", "").startswith("text/html"):
                continue
            assert_strict(response.get("Content-Security-Policy"), f"{path} as {who or 'a visitor'}")
            checked += 1
    assert checked > 30, f"only {checked} HTML responses were checked"


@pytest.mark.django_db
def test_the_api_docs_page_is_under_the_policy_too(client: Client) -> None:
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    assert_strict(response.get("Content-Security-Policy"), "/api/v1/docs")


def test_the_policy_sends_a_header_the_browser_enforces() -> None:
    assert settings.INTERLOCAL_CSP_REPORT_ONLY is False
    assert settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["script-src"] == ["'self'"]
    assert not hasattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY")


def test_django_csp_system_checks_pass() -> None:
    """csp.E001 refuses start-up when any setting starts with CSP_ (django-csp's old format)."""
    from django.core import checks

    assert [e.id for e in checks.run_checks() if e.id.startswith("csp.")] == []


def test_report_only_mode_and_report_uri_come_from_the_environment(tmp_path: Path) -> None:
    code = (
        "from django.test import Client; import json; r = Client().get('/no-such-page/'); "
        "print(json.dumps({k: r.get(k) for k in "
        "('Content-Security-Policy', 'Content-Security-Policy-Report-Only')}))"
    )
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("INTERLOCAL_", "DATABASE_URL", "DJANGO_"))
    }
    env.update(
        INTERLOCAL_VAR_DIR=str(tmp_path),
        INTERLOCAL_DEBUG="false",
        INTERLOCAL_CSP_REPORT_ONLY="true",
        INTERLOCAL_CSP_REPORT_URI="https://csp.example.org/report",
    )
    result = subprocess.run(  # noqa: S603 - our own CLI with fixed arguments
        [str(CLI), "shell", "-c", code],
        env=env,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    headers = json.loads(result.stdout.strip().splitlines()[-1])
    assert headers["Content-Security-Policy"] is None
    report_only = headers["Content-Security-Policy-Report-Only"]
    assert_strict(report_only, "report-only mode")
    assert parse_policy(report_only)["report-uri"] == ["https://csp.example.org/report"]


# --- What the policy would refuse, found in the templates -------------------------------------------

TAG = re.compile(r"<[a-zA-Z][^<>]*>", re.S)
SCRIPT_OPEN = re.compile(r"<script\b([^>]*)>", re.I)
DATA_SCRIPT = re.compile(r"""\btype\s*=\s*["']application/(?:ld\+)?json["']""", re.I)
HANDLER = re.compile(r"""(?:^|[\s"'])(on[a-z]+|hx-on[:\-][\w:.\-]*|hx-on)\s*=""", re.I)
STYLE_ATTR = re.compile(r"""(?:^|[\s"'])style\s*=""", re.I)
STYLE_ELEMENT = re.compile(r"<style\b", re.I)
JS_URL = re.compile(r"javascript\s*:", re.I)


def csp_problems(text: str, *, styles: bool = True) -> list[str]:
    """What a strict Content-Security-Policy would refuse in one template's text."""
    problems = []
    for match in SCRIPT_OPEN.finditer(text):
        attrs = match.group(1)
        if not re.search(r"\bsrc\s*=", attrs, re.I) and not DATA_SCRIPT.search(attrs):
            problems.append(f"inline <script{attrs}>")
    for tag in TAG.findall(text):
        name = tag[1:].split(None, 1)[0].lower()
        attrs = tag[1 + len(name) :]
        problems += [f"event handler {m.group(1)}= in {tag[:60]}" for m in HANDLER.finditer(attrs)]
        if styles and STYLE_ATTR.search(attrs):
            problems.append(f"style attribute in {tag[:60]}")
    if styles and STYLE_ELEMENT.search(text):
        problems.append("inline <style> element")
    if JS_URL.search(text):
        problems.append("javascript: URL")
    return problems


def served_templates() -> list[Path]:
    return sorted(p for p in SRC.rglob("templates/**/*.html") if "node_modules" not in p.parts)


def test_no_template_holds_what_the_policy_refuses() -> None:
    found = {}
    for path in served_templates():
        # Templates rendered only into PDFs by WeasyPrint never reach a browser; their <style> stays.
        problems = csp_problems(path.read_text(), styles=not path.name.endswith("_pdf.html"))
        if problems:
            found[str(path.relative_to(ROOT))] = problems
    assert not found, (
        "move these into static files (docs/security.md, Content-Security-Policy):\n"
        + "\n".join(f"  {name}: {'; '.join(p)}" for name, p in found.items())
    )
    assert len(served_templates()) > 100


@pytest.mark.parametrize(
    "snippet",
    [
        "<script>alert(1)</script>",
        '<script type="text/javascript">x()</script>',
        '<button onclick="go()">Go</button>',
        "<body\n  onload='go()'>",
        '<a href="javascript:go()">Go</a>',
        '<div hx-on:click="go()"></div>',
        '<div hx-on::after-request="go()"></div>',
        '<div class="bar" style="width: 5%"></div>',
        "<style>.x { color: red }</style>",
    ],
)
def test_the_scan_finds_each_kind(snippet: str) -> None:
    assert csp_problems(snippet)


@pytest.mark.parametrize(
    "snippet",
    [
        "<script src=\"{% static 'interlocal/js/charts.js' %}\" defer></script>",
        '<script type="application/json" id="spec">{"a": 1}</script>',
        '<button class="usa-button" data-online="yes" hx-post="/x" hx-swap="none">Save</button>',
        "<p>Based on the responses, one=two.</p>",
        '<input name="onboarding" value="1">',
    ],
)
def test_the_scan_lets_files_and_data_pass(snippet: str) -> None:
    assert csp_problems(snippet) == []
