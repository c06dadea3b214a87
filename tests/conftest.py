"""Shared fixtures: two consortia, members in each, and named people for readable tests.

- alice: consortium admin of Capitol Region (MFA enrolled)
- sam:   consortium staff of Capitol Region
- ada:   member admin of Avon (MFA enrolled)
- bob:   member staff of Avon
- carol: member staff of Bolton
- olga:  observer (read-only, e.g. a board) of Capitol Region
- vince: a vendor registered with Capitol Region (MFA enrolled)
- pat:   consortium admin of MISA Prairies (MFA enrolled); sees nothing of Capitol Region
- anon:  not signed in
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from interlocal.accounts.models import User
from interlocal.tenancy.models import Consortium, ConsortiumMember, Member, Membership
from tests.clock import Clock
from tests.factories import PASSWORD, enrol_totp

__all__ = ["PASSWORD", "World"]


@dataclass
class World:
    """The standard cast of consortia, members and people."""

    capitol: Consortium
    prairies: Consortium
    avon: Member
    bolton: Member
    canton: Member
    airdrie: Member
    alice: User
    sam: User
    ada: User
    bob: User
    carol: User
    olga: User
    vince: User
    pat: User

    def people(self) -> dict[str, User]:
        return {n: getattr(self, n) for n in ("alice", "sam", "ada", "bob", "carol", "olga", "vince", "pat")}


def _user(email: str, name: str) -> User:
    return User.objects.create_user(email=email, password=PASSWORD, full_name=name)


def build_world() -> World:
    capitol = Consortium.objects.create(
        name="Capitol Region IT Service Sharing", slug="capitol-region", region="CT", country="US"
    )
    prairies = Consortium.objects.create(
        name="MISA Prairies Regional Collaboration",
        slug="misa-prairies",
        region="AB",
        country="CA",
        time_zone="America/Edmonton",
    )
    avon = Member.objects.create(name="Avon", slug="avon-ct", population=18900, region="CT")
    bolton = Member.objects.create(name="Bolton", slug="bolton-ct", population=4900, region="CT")
    canton = Member.objects.create(name="Canton", slug="canton-ct", population=10100, region="CT")
    airdrie = Member.objects.create(
        name="City of Airdrie",
        slug="airdrie-ab",
        kind=Member.Kind.CITY,
        population=74000,
        region="AB",
        country="CA",
    )
    for m in (avon, bolton, canton):
        ConsortiumMember.objects.create(consortium=capitol, member=m)
    ConsortiumMember.objects.create(consortium=prairies, member=airdrie)

    people = {
        "alice": _user("alice@capitol.example", "Alice Admin"),
        "sam": _user("sam@capitol.example", "Sam Staff"),
        "ada": _user("ada@avon.example", "Ada Avon-Admin"),
        "bob": _user("bob@avon.example", "Bob Avon"),
        "carol": _user("carol@bolton.example", "Carol Bolton"),
        "olga": _user("olga@board.example", "Olga Observer"),
        "vince": _user("vince@vendor.example", "Vince Vendor"),
        "pat": _user("pat@prairies.example", "Pat Prairies"),
    }
    grants: list[tuple[str, Consortium, Member | None, str]] = [
        ("alice", capitol, None, "consortium_admin"),
        ("sam", capitol, None, "consortium_staff"),
        ("ada", capitol, avon, "member_admin"),
        ("bob", capitol, avon, "member_staff"),
        ("carol", capitol, bolton, "member_staff"),
        ("olga", capitol, None, "observer"),
        ("vince", capitol, None, "vendor"),
        ("pat", prairies, None, "consortium_admin"),
    ]
    for name, consortium, member, role in grants:
        Membership.objects.create(user=people[name], consortium=consortium, member=member, role=role)
    for name in ("alice", "ada", "vince", "pat"):
        enrol_totp(people[name])
    return World(capitol, prairies, avon, bolton, canton, airdrie, **people)


@pytest.fixture
def world(db: Any) -> World:
    return build_world()


@pytest.fixture
def client_for(world: World) -> Any:
    """client_for("bob") -> a test Client signed in as bob."""

    def make(name: str | None) -> Client:
        client = Client()
        if name:
            client.force_login(getattr(world, name))
        return client

    return make


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """The frozen test clock, at tests.clock.T0 until the test moves it (clock.set, clock.advance)."""
    return Clock(monkeypatch)


@pytest.fixture(autouse=True)
def _private_media(settings: Any, tmp_path: Any) -> None:
    """Uploaded files of a test go to its own temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked `postgres` need PostgreSQL (real concurrency); on SQLite they are deselected,
    reported as such, and CI runs them in its PostgreSQL run."""
    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        return
    keep = [item for item in items if item.get_closest_marker("postgres") is None]
    if len(keep) != len(items):
        config.hook.pytest_deselected(items=[item for item in items if item not in keep])
        items[:] = keep
