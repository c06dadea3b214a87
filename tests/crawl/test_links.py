"""The link checker: every internal link on every page a demo persona can reach answers 200.

For each person of the demo (and for an anonymous visitor) it walks the site from `/` and the
dashboard by following `<a href>` links only, as a person clicking would, and fails on any link
that answers 403, 404, 405 or 5xx for that person, or that redirects to the sign-in page although
they are signed in. Exports and downloads are fetched but not parsed. Runs once, on PostgreSQL
(marker `crawl`), like the browser tests.
"""

from __future__ import annotations

import io
import re
from collections import defaultdict, deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from django.core.management import call_command
from django.test import Client

from interlocal.accounts.models import User
from interlocal.tenancy.models import Membership
from interlocal.tenancy.roles import MFA_REQUIRED_ROLES
from tests.factories import enrol_totp

pytestmark = [pytest.mark.crawl, pytest.mark.django_db]

START = ("/", "/dashboard/")
SKIP_PREFIXES = ("/static/", "/accounts/logout", "/accounts/2fa/", "/accounts/reauthenticate", "/admin/")
MAX_PAGES = 600  # per person; the demo has far fewer, so reaching it means a link generator runs away
QUERY_VARIANTS = 1  # per path: one sort, page or filter link is checked, not all of them
PER_KIND = 4  # per kind of page (its path with numbers as N): a sample of the 150 audit events, not each
ANSWERS_OK = {200, 204}


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def _internal(base: str, href: str) -> str | None:
    if href.startswith(("mailto:", "tel:", "javascript:", "#")):
        return None
    url, _fragment = urldefrag(urljoin("http://testserver" + base, href))
    parts = urlsplit(url)
    if parts.netloc != "testserver" or parts.path.startswith(SKIP_PREFIXES):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


@dataclass
class Crawl:
    visited: int = 0
    broken: list[str] = field(default_factory=list)


def crawl(client: Client, *, signed_in: bool) -> Crawl:
    result = Crawl()
    seen: set[str] = set()
    variants: dict[str, int] = defaultdict(int)
    kinds: dict[str, set[str]] = defaultdict(set)
    queue: deque[tuple[str, str]] = deque((url, "(start)") for url in START)
    while queue and result.visited < MAX_PAGES:
        url, source = queue.popleft()
        if url in seen:
            continue
        path = url.split("?", 1)[0]
        kind = re.sub(r"\d+", "N", path)
        if path not in kinds[kind] and len(kinds[kind]) >= PER_KIND:
            continue
        kinds[kind].add(path)
        if "?" in url:
            if variants[path] >= QUERY_VARIANTS:
                continue
            variants[path] += 1
        seen.add(url)
        response = client.get(url, follow=True)
        result.visited += 1
        final = response.request["PATH_INFO"]
        if response.status_code not in ANSWERS_OK:
            result.broken.append(f"{source} links to {url}: {response.status_code}")
            continue
        if signed_in and final.startswith("/accounts/login"):
            result.broken.append(f"{source} links to {url}: sends a signed-in person to sign in")
            continue
        if "text/html" not in response.get("Content-Type", ""):
            continue
        parser = _Links()
        parser.feed(response.content.decode(response.charset or "utf-8", "replace"))
        for href in parser.hrefs:
            target = _internal(final, href)
            if target and target not in seen:
                queue.append((target, url))
    assert result.visited < MAX_PAGES, f"more than {MAX_PAGES} pages: a link generator runs away"
    return result


@pytest.fixture
def demo(settings):
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "QUEUES": ["default", "email"],
        }
    }
    call_command("demo", "--load-only", "--no-migrate", stdout=io.StringIO())
    people = User.objects.filter(pk__in=Membership.objects.values("user")).order_by("email")
    for person in people:
        if Membership.objects.filter(user=person, role__in=MFA_REQUIRED_ROLES).exists():
            enrol_totp(person)
    return list(people)


def test_every_link_of_every_demo_persona_answers(demo):
    report: dict[str, Crawl] = {"anonymous": crawl(Client(), signed_in=False)}
    for person in demo:
        client = Client()
        client.force_login(person)
        report[person.email] = crawl(client, signed_in=True)
    broken = [f"{who}: {line}" for who, result in report.items() for line in result.broken]
    visited = {who: result.visited for who, result in report.items()}
    assert all(n > 1 for n in visited.values()), visited
    assert not broken, f"{len(broken)} broken links (pages visited per person: {visited}):\n" + "\n".join(
        broken
    )
