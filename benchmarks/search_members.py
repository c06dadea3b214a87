"""Time the global search over a large consortium (PostgreSQL): `interlocal generate assessment
--members 20000` first, then `python benchmarks/search_members.py`. Prints the median wall time
of the results page's queries (every provider, first five of each) for a consortium admin."""

from __future__ import annotations

import os
import statistics
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "interlocal.settings")
django.setup()

from django.db import connection  # noqa: E402

from interlocal.accounts.models import User  # noqa: E402
from interlocal.core.search import backend  # noqa: E402
from interlocal.tenancy.models import Consortium, Membership  # noqa: E402


def main() -> None:
    consortium = (
        Consortium.objects.annotate(n=django.db.models.Count("participations")).order_by("-n").first()
    )
    if consortium is None:
        sys.exit("no consortium: run `interlocal generate assessment --members 20000` first")
    user, _ = User.objects.get_or_create(email="search-bench@example.org", defaults={"full_name": "Bench"})
    Membership.objects.get_or_create(user=user, consortium=consortium, member=None, role="consortium_admin")
    print(f"{connection.vendor}: {consortium.participations.count()} members in {consortium.name}")
    for text in ["town 1234", "town", "zzz-no-match", "member 19999"]:
        query = backend.parse(text)
        times = []
        for _ in range(5):
            user = User.objects.get(pk=user.pk)  # grants are cached per user object
            started = time.perf_counter()
            groups = backend.overview(user, query, per_kind=5)
            times.append(time.perf_counter() - started)
        found = {g.kind: g.count for g in groups}
        print(f"{text!r:16} median {statistics.median(times) * 1000:7.1f} ms  {found}")


if __name__ == "__main__":
    main()
