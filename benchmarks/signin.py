"""Benchmark: server time of one sign-in (POST /accounts/login/), by password hasher.

Loads the demo into a database of its own, sets every demo person's password with the hasher
under test, then signs in `--rounds` times per hasher through Django's test client (in-process:
server time only, no network), each from its own address so the sign-in throttle stays out of the
way. Prints the median and p95 for the site's hasher (Argon2id, accounts/hashers.py) and for
Django's default PBKDF2 (1,000,000 rounds), which the site used before.

Usage (a fresh SQLite file by default; or DATABASE_URL to a PostgreSQL database of its own, emptied):

    .venv/bin/python benchmarks/signin.py --rounds 20
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "interlocal.settings")

HASHERS = {
    "argon2id (site)": "interlocal.accounts.hashers.Argon2idHasher",
    "pbkdf2 1M (before)": "django.contrib.auth.hashers.PBKDF2PasswordHasher",
}
PEOPLE = [
    "bob@avon.example.org",
    "carol@bolton.example.org",
    "sam@capitol.example.org",
    "olga@capitol.example.org",
]
PASSWORD = "interlocal-demo-2026"  # noqa: S105 - the demo's published password


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL"):
        os.environ["INTERLOCAL_SQLITE_PATH"] = str(Path(tempfile.mkdtemp()) / "signin.sqlite3")
    else:
        import dj_database_url
        import psycopg

        url = os.environ["DATABASE_URL"]
        with psycopg.connect(
            url.replace(dj_database_url.parse(url)["NAME"], "postgres"), autocommit=True
        ) as conn:
            name = dj_database_url.parse(url)["NAME"]
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')

    import django

    django.setup()
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import override_settings

    from interlocal.accounts.models import User

    call_command("demo", load_only=True, verbosity=0)
    for label, hasher in HASHERS.items():
        with override_settings(PASSWORD_HASHERS=[hasher]):
            encoded = make_password(PASSWORD)
            User.objects.filter(email__in=PEOPLE).update(password=encoded)
            times = []
            for i in range(args.rounds + 2):
                client = Client()
                start = time.perf_counter()
                response = client.post(
                    "/accounts/login/",
                    {"login": PEOPLE[i % len(PEOPLE)], "password": PASSWORD},
                    REMOTE_ADDR=f"10.9.{i // 250}.{i % 250 + 1}",
                )
                elapsed = time.perf_counter() - start
                assert response.status_code == 302, response.status_code
                if i >= 2:  # the first two warm caches and connections
                    times.append(elapsed * 1000)
            times.sort()
            p95 = times[max(0, round(0.95 * len(times)) - 1)]
            print(
                f"{label:20} {args.rounds} sign-ins: median {statistics.median(times):.0f} ms, p95 {p95:.0f} ms"
            )


if __name__ == "__main__":
    main()
