"""Legal deadlines written one way ({% deadline %}, |legal_time, {% countdown %}), the site's date
format, the zone each request shows moments in, and absolute links."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from interlocal.core.links import absolute_url, site_url_for_addrport
from interlocal.core.templatetags.when import countdown_text

WINTER = dt.datetime(2026, 12, 16, 0, 0, tzinfo=dt.UTC)  # 5:00 PM MST in Alberta, 7:00 PM EST
ALBERTA = SimpleNamespace(time_zone="America/Edmonton")


def _render(source: str, *, viewer_zone: str | None = None, **context: object) -> str:
    request = RequestFactory().get("/")
    request.user = SimpleNamespace(is_authenticated=viewer_zone is not None, time_zone=viewer_zone or "")
    return Template("{% load when %}" + source).render(Context({"request": request, **context}))


def test_a_deadline_is_written_in_its_consortiums_zone_with_a_time_element():
    html = _render("{% deadline when owner %}", when=WINTER, owner=ALBERTA)
    assert '<time datetime="2026-12-16T00:00:00Z">Tue 15 Dec 2026, 5:00 PM MST</time>' in html
    assert "(America/Edmonton)" in html and "your time" not in html


def test_the_viewers_own_time_is_shown_beside_it_when_their_zone_differs():
    html = _render("{% deadline when owner %}", viewer_zone="America/Toronto", when=WINTER, owner=ALBERTA)
    assert "5:00 PM MST" in html and "— 7:00 PM EST your time" in html


def test_the_viewers_time_names_the_day_when_it_is_another_day():
    html = _render("{% deadline when owner %}", viewer_zone="Europe/Paris", when=WINTER, owner=ALBERTA)
    assert "— Wed 16 Dec 2026, 1:00 AM CET your time" in html


def test_no_second_time_when_the_viewer_is_in_the_same_zone_or_the_same_clock():
    same = _render("{% deadline when owner %}", viewer_zone="America/Edmonton", when=WINTER, owner=ALBERTA)
    assert "your time" not in same
    # Another name for the same clocks (Boise keeps Mountain Time too): nothing to add.
    twin = _render("{% deadline when owner %}", viewer_zone="America/Boise", when=WINTER, owner=ALBERTA)
    assert "your time" not in twin


def test_daylight_saving_time_in_the_tag():
    summer = dt.datetime(2026, 7, 15, 23, 0, tzinfo=dt.UTC)
    html = _render("{% deadline when owner %}", viewer_zone="America/Toronto", when=summer, owner=ALBERTA)
    assert "Wed 15 Jul 2026, 5:00 PM MDT" in html and "7:00 PM EDT your time" in html


def test_legal_time_is_plain_text_and_accepts_anything_with_a_consortium():
    solicitation = SimpleNamespace(consortium=ALBERTA)
    assert (
        _render("{{ when|legal_time:owner }}.", when=WINTER, owner=solicitation)
        == "Tue 15 Dec 2026, 5:00 PM MST (America/Edmonton)."
    )
    assert _render("{{ when|legal_time:owner }}", when=None, owner=solicitation) == "—"


def test_countdown_text():
    assert countdown_text(dt.timedelta(days=3, hours=4, minutes=10)) == "Closes in 3 days 4 hours"
    assert countdown_text(dt.timedelta(days=1)) == "Closes in 1 day"
    assert countdown_text(dt.timedelta(hours=1, minutes=1)) == "Closes in 1 hour 1 minute"
    assert countdown_text(dt.timedelta(minutes=5)) == "Closes in 5 minutes"
    assert countdown_text(dt.timedelta(seconds=20)) == "Closes in less than a minute"
    assert countdown_text(dt.timedelta(seconds=-1)) == "Closed"


def test_countdown_tag_carries_the_deadline_for_the_script():
    now = WINTER - dt.timedelta(days=2, hours=3)
    html = _render("{% countdown when now %}", when=WINTER, now=now)
    assert 'data-countdown-until="2026-12-16T00:00:00Z"' in html and ">Closes in 2 days 3 hours<" in html
    assert 'role="timer"' in html and "<script" not in html


def test_the_sites_date_format_has_no_double_period_at_the_end_of_a_sentence():
    with timezone.override("America/New_York"):
        text = date_format(timezone.localtime(WINTER), "DATETIME_FORMAT")
        sentence = Template('Due by {{ when|date:"DATETIME_FORMAT" }}.').render(Context({"when": WINTER}))
    assert text == "Tue 15 Dec 2026, 7:00 PM EST"
    assert sentence == "Due by Tue 15 Dec 2026, 7:00 PM EST." and ".." not in sentence


def test_absolute_url_builds_on_the_configured_site(settings):
    settings.SITE_URL = "https://interlocal.example.org:8443"
    assert absolute_url("/procurement/open/3/") == "https://interlocal.example.org:8443/procurement/open/3/"
    with pytest.raises(ValueError):
        absolute_url("procurement/open/3/")
    with pytest.raises(ValueError):
        absolute_url("//evil.example/")


@pytest.mark.parametrize(
    ("addrport", "expected"),
    [
        ("127.0.0.1:8000", "http://127.0.0.1:8000"),
        ("8001", "http://127.0.0.1:8001"),
        ("0.0.0.0:9000", "http://127.0.0.1:9000"),
        ("localhost:8080", "http://localhost:8080"),
        ("[::1]:8000", "http://[::1]:8000"),
    ],
)
def test_the_demo_links_to_the_address_it_serves_on(addrport, expected):
    assert site_url_for_addrport(addrport) == expected


def test_the_demo_command_sets_the_site_url_unless_one_is_configured(settings, monkeypatch):
    from interlocal.core.links import set_demo_site_url

    monkeypatch.delenv("INTERLOCAL_SITE_URL", raising=False)
    set_demo_site_url("127.0.0.1:8123")
    assert settings.SITE_URL == "http://127.0.0.1:8123"
    monkeypatch.setenv("INTERLOCAL_SITE_URL", "https://demo.example.org")
    settings.SITE_URL = "https://demo.example.org"
    set_demo_site_url("127.0.0.1:8123")
    assert settings.SITE_URL == "https://demo.example.org"


@pytest.mark.django_db
def test_pages_show_moments_in_the_viewers_zone_else_the_consortiums(world, client_for):
    """The acting consortium's zone for its people, the person's own when they chose one."""
    seen: list[str] = []

    def probe(request):  # the view a request reaches, recording the zone the middleware activated
        seen.append(timezone.get_current_timezone_name())

    from interlocal.core.middleware import TimeZoneMiddleware

    def run(user):
        request = RequestFactory().get(reverse("core:dashboard"))
        request.user = user
        from interlocal.tenancy.context import load_context

        request.tenant = load_context(user, {})
        request.session = {}
        TimeZoneMiddleware(lambda r: probe(r) or SimpleNamespace())(request)

    run(world.pat)
    world.alice.time_zone = "America/Vancouver"
    run(world.alice)
    run(world.sam)
    assert seen == ["America/Edmonton", "America/Vancouver", "America/New_York"]
    assert timezone.get_current_timezone_name() == "America/New_York"  # deactivated afterwards
