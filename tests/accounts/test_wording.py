"""The sign-in pages speak in the site's sentence case, not the library's English Title Case."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import pytest
from django.urls import reverse

import interlocal

CATALOGUE = Path(interlocal.__file__).parent / "locale" / "en" / "LC_MESSAGES"


def _po_entries() -> dict[str, str]:
    text = (CATALOGUE / "django.po").read_text(encoding="utf-8")
    pairs = re.findall(r'^msgid "(.+)"\nmsgstr "(.*)"$', text, flags=re.MULTILINE)
    return {k.replace('\\"', '"'): v.replace('\\"', '"') for k, v in pairs}


def test_the_compiled_catalogue_matches_its_source():
    """django.mo is committed (no gettext tools needed to run the site); it must say what django.po says."""
    entries = _po_entries()
    assert entries, "django.po has no entries"
    with (CATALOGUE / "django.mo").open("rb") as f:
        compiled = gettext.GNUTranslations(f)
    stale = {k: (v, compiled.gettext(k)) for k, v in entries.items() if compiled.gettext(k) != v}
    assert not stale, f"django.mo is stale, run msgfmt -o django.mo django.po in {CATALOGUE}: {stale}"


def test_every_entry_is_sentence_case():
    for source, wording in _po_entries().items():
        words = wording.split()
        assert not any(w[:1].isupper() for w in words[1:] if w not in {"I"}), (source, wording)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url_name", "title_case", "sentence_case"),
    [
        ("account_login", "Sign In", "Sign in"),
        ("account_reset_password", "Password Reset", "Reset your password"),
    ],
)
def test_sign_in_pages_use_the_sites_wording(client, url_name, title_case, sentence_case):
    html = client.get(reverse(url_name)).content.decode()
    assert sentence_case in html
    assert f">{title_case}<" not in html and f"{title_case} ·" not in html


@pytest.mark.django_db
def test_signed_in_pages_of_the_library_use_the_sites_wording(client_for):
    html = client_for("bob").get(reverse("account_change_password")).content.decode()
    assert "Change password" in html
    assert "Change Password" not in html
    assert "Current password" in html
