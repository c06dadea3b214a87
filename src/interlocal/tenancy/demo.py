"""Platform demo data: the two demo regions and one demo person per role.

Every app may have a `demo.py` with `ORDER` (int) and `load(stdout) -> list[DemoLogin | DemoTask]`;
`interlocal demo` runs them in order and prints each person's sign-in with the open task the demo
left them (a `DemoTask`). Each loader must be idempotent: running the demo twice changes nothing
the second time. Dates are relative to when the demo is loaded, so the open tasks are open.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction

from interlocal.lib.regions import read_region_csv
from interlocal.tenancy.actions import do_add_member, do_create_consortium, do_grant_role
from interlocal.tenancy.models import Consortium, Member

ORDER = 0
DEMO_PASSWORD = "interlocal-demo-2026"  # noqa: S105 - printed on purpose; demo only
REGIONS = Path(__file__).resolve().parent / "fixtures" / "regions"


@dataclass(frozen=True)
class DemoLogin:
    """A demo person's sign-in, printed by `interlocal demo`."""

    email: str
    role: str
    where: str


@dataclass(frozen=True)
class DemoTask:
    """Something the demo left open for a person (printed under their sign-in)."""

    email: str
    task: str


CONSORTIA: list[dict[str, Any]] = [
    {
        "file": "crcog-2008-it-sharing.csv",
        "name": "Capitol Region IT Service Sharing",
        "slug": "capitol-region",
        "kind": Consortium.Kind.COUNCIL_OF_GOVERNMENTS,
        "region": "CT",
        "country": "US",
        "time_zone": "America/New_York",
        "description": "The Capitol Region Council of Governments' IT Service Sharing project: "
        "30 Connecticut towns sharing back-office systems since 2008.",
    },
    {
        "file": "misa-prairies-2015.csv",
        "name": "MISA Prairies Regional Collaboration",
        "slug": "misa-prairies",
        "kind": Consortium.Kind.COOPERATIVE,
        "region": "AB",
        "country": "CA",
        "time_zone": "America/Edmonton",
        "description": "The MISA Prairies Shared Technology Service Delivery – Regional Collaboration "
        "Initiative: 27 Alberta municipalities (2015).",
    },
]

# (e-mail, full name, consortium slug, member slug or None, role)
PEOPLE: list[tuple[str, str, str, str | None, str]] = [
    ("alice@capitol.example.org", "Alice Alvarez", "capitol-region", None, "consortium_admin"),
    ("sam@capitol.example.org", "Sam Schultz", "capitol-region", None, "consortium_staff"),
    # A second procurement person: bids open only with two (the opener and a witness).
    ("wes@capitol.example.org", "Wes Whitfield", "capitol-region", None, "consortium_staff"),
    ("ada@avon.example.org", "Ada Abbott", "capitol-region", "avon-ct", "member_admin"),
    ("bob@avon.example.org", "Bob Becker", "capitol-region", "avon-ct", "member_staff"),
    ("carol@bolton.example.org", "Carol Chen", "capitol-region", "bolton-ct", "member_staff"),
    ("olga@capitol.example.org", "Olga Okafor", "capitol-region", None, "observer"),
    ("vince@vendor.example.org", "Vince Varga", "capitol-region", None, "vendor"),
    ("pat@misa.example.org", "Pat Perreault", "misa-prairies", None, "consortium_admin"),
    ("quinn@airdrie.example.org", "Quinn Quist", "misa-prairies", "city-of-airdrie-ab", "member_staff"),
    # One person in both consortia, to show the switcher.
    ("sam@capitol.example.org", "Sam Schultz", "misa-prairies", None, "observer"),
]


@transaction.atomic
def load(stdout: Any = None) -> list[DemoLogin | DemoTask]:
    """Create (or find) the demo consortia, their members and the demo people."""
    from allauth.account.models import EmailAddress

    from interlocal.accounts.models import User

    for spec in CONSORTIA:
        consortium = Consortium.objects.filter(slug=spec["slug"]).first()
        if consortium is None:
            fields = {k: v for k, v in spec.items() if k not in {"file", "name"}}
            consortium = do_create_consortium(name=spec["name"], acting_user=None, **fields)
        for row in read_region_csv(REGIONS / spec["file"]):
            do_add_member(
                consortium,
                name=row.name,
                kind=row.kind,
                region=row.region,
                population=row.population,
                country=spec["country"],
                acting_user=None,
            )
    logins: list[DemoLogin | DemoTask] = [
        DemoTask(
            "wes@capitol.example.org", "Witness bid openings: the second person Sam names when opening bids."
        ),
        DemoTask(
            "olga@capitol.example.org",
            "Read the open campaign's benchmarks and the procurement pages (an observer changes nothing).",
        ),
    ]
    for email, full_name, consortium_slug, member_slug, role in PEOPLE:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email=email, password=DEMO_PASSWORD, full_name=full_name)
            # As an invitation would: a verified address, so single sign-on and resets can rely on it.
            EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        consortium = Consortium.objects.get(slug=consortium_slug)
        member = Member.objects.get(slug=member_slug) if member_slug else None
        do_grant_role(user, consortium=consortium, member=member, role=role, acting_user=None)
        where = f"{member.name}, {consortium.name}" if member else consortium.name
        logins.append(DemoLogin(email, role.replace("_", " "), where))
    return logins
