"""Benchmark: importing one member's filled 300-question assessment workbook.

Builds a campaign whose template has 30 sections of 10 questions (every kind: scaled, yes/no,
numbers with bounds, single and multiple choice, dates and a "which system" text that is matched
to the service taxonomy), exports Avon's workbook, fills every answer cell with openpyxl, and
times `do_import_workbook` end to end: file checks, signature, reading and checking all 300
cells, storing through `do_save_answers` in one transaction, the taxonomy look-up and the audit
events. Two filled versions alternate, so every import really rewrites 300 answers.

Usage (PostgreSQL, a database of its own; it is emptied):

    createdb -h 127.0.0.1 -U postgres interlocal_bench_workbook
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/interlocal_bench_workbook \\
        .venv/bin/python benchmarks/assessment_import.py --repeat 20

Results go to stdout as a table; copy them into docs/benchmarks.md with the command.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "interlocal.settings")

SECTIONS = 30
SCALE = ["Very poor", "Poor", "Adequate", "Good", "Excellent"]
HOSTING = ["On premises", "Vendor cloud", "Another municipality", "Other"]
CHANNELS = ["Online", "Phone", "Counter", "Mail"]
SYSTEMS = ["Munis", "Laserfiche", "Zyqtronic Suite", "in-house spreadsheets", "ESRI ArcGIS"]


def timed(fn: Callable[[int], object], repeat: int) -> tuple[float, float]:
    """Median and max wall time in milliseconds over `repeat` runs (after one warm-up)."""
    fn(-1)
    samples = []
    for i in range(repeat):
        start = time.perf_counter()
        fn(i)
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples), max(samples)


def build() -> dict[str, Any]:
    from django.utils import timezone

    from interlocal.accounts.models import User
    from interlocal.assessment.models import Campaign, Question, Response, Section, Template, TemplateVersion
    from interlocal.taxonomy.models import ServiceArea
    from interlocal.tenancy.models import Consortium, ConsortiumMember, Member, Membership

    consortium = Consortium.objects.create(name="Bench Region", slug="bench-region")
    avon = Member.objects.create(name="Avon", slug="avon-bench")
    ConsortiumMember.objects.create(consortium=consortium, member=avon)
    staff = User.objects.create_user(email="staff@bench.example", password=None)
    Membership.objects.create(user=staff, consortium=consortium, member=avon, role="member_staff")
    template = Template.objects.create(consortium=consortium, name="Bench template")
    version = TemplateVersion.objects.create(template=template, number=1, is_locked=True)
    areas = list(ServiceArea.objects.filter(consortium__isnull=True).order_by("sort_order"))
    questions = []
    for s in range(SECTIONS):
        area = areas[s % len(areas)] if areas else None
        section = Section.objects.create(version=version, area=area, title=f"Area {s + 1:02d}", order=s)
        rows = [
            ("satisfaction", "scaled", {"scale_labels": SCALE, "required": True}),
            ("pressing", "scaled", {"scale_labels": SCALE}),
            ("future", "scaled", {"scale_labels": SCALE}),
            ("readiness", "scaled", {"scale_labels": SCALE}),
            ("shared", "yes_no", {}),
            ("annual-cost", "number", {"unit": "USD/year", "min_value": 0, "max_value": 1e9}),
            ("fte", "number", {"unit": "FTE", "min_value": 0, "max_value": 1e5}),
            ("hosting", "single", {"choices": HOSTING}),
            ("channels", "multiple", {"choices": CHANNELS}),
            ("contract-end", "date", {}),
        ]
        # Every third section asks for the system instead of the channels: a taxonomy look-up.
        if s % 3 == 0:
            rows[8] = ("system", "text", {})
        for order, (suffix, kind, extra) in enumerate(rows):
            questions.append(
                Question(
                    section=section,
                    version=version,
                    code=f"area{s + 1:02d}.{suffix}",
                    text=f"Question {suffix} of area {s + 1}",
                    kind=kind,
                    order=order,
                    **extra,
                )
            )
    Question.objects.bulk_create(questions)
    campaign = Campaign.objects.create(
        consortium=consortium,
        name="Bench campaign",
        template_version=version,
        deadline=timezone.now() + dt.timedelta(days=30),
        status=Campaign.Status.OPEN,
    )
    response = Response.objects.create(campaign=campaign, member=avon)
    return {"campaign": campaign, "response": response, "staff": staff, "questions": len(questions)}


def filled(data: bytes, variant: int) -> bytes:
    """Every answer cell of the workbook filled; `variant` 0 and 1 differ in every cell."""
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data))
    for ws in wb.worksheets:
        if ws.sheet_state != "visible" or ws.title == "Cover":
            continue
        for row in range(5, ws.max_row + 1):
            code = ws.cell(row=row, column=1).value
            if not code:
                continue
            suffix = str(code).split(".", 1)[1]
            value: Any = {
                "satisfaction": f"{2 + variant} – {SCALE[1 + variant]}",
                "pressing": 4 - variant,
                "future": 3 + variant,
                "readiness": f"{1 + variant}",
                "shared": "Yes" if variant else "No",
                "annual-cost": 125_000 + 1000 * row + variant,
                "fte": 1.5 + variant,
                "hosting": HOSTING[variant],
                "channels": "Online; Counter" if variant else "Phone",
                "contract-end": dt.date(2027 + variant, 6, 30),
                "system": SYSTEMS[(row + variant) % len(SYSTEMS)],
            }[suffix]
            ws.cell(row=row, column=4, value=value)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database of its own (it is emptied).")

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from interlocal.assessment.models import Answer, Question
    from interlocal.assessment.workbooks import (
        _secrets,
        do_import_workbook,
        export_workbook,
        question_spec,
    )
    from interlocal.assessment.xlsx import check_file, open_workbook, read_answers

    with connection.cursor() as cursor:
        cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    call_command("migrate", verbosity=0)
    world = build()
    campaign, response, staff = world["campaign"], world["response"], world["staff"]
    start = time.perf_counter()
    blank = export_workbook(response)
    export_ms = (time.perf_counter() - start) * 1000
    files = [filled(blank, 0), filled(blank, 1)]
    print(
        f"template: {world['questions']} questions in {SECTIONS} sections; workbook {len(files[0]):,} bytes; "
        f"one export took {export_ms:.0f} ms"
    )

    def import_(i: int) -> None:
        result = do_import_workbook(campaign, files[i % 2], actor=staff, filename="bench.xlsx")
        assert result.saved == world["questions"], result

    specs = {q.code: question_spec(q) for q in Question.objects.filter(version=campaign.template_version)}

    def read_only(i: int) -> None:
        data = files[i % 2]
        assert not check_file(data, filename="bench.xlsx", max_bytes=5 * 1024 * 1024)
        _values, problems = read_answers(open_workbook(data, secret=_secrets()), specs)
        assert not problems

    def export(_i: int) -> None:
        export_workbook(response)

    rows = [
        ("import, end to end (300 answers rewritten)", import_),
        ("of which: file checks and reading 300 cells (no database)", read_only),
        ("export of the pre-filled workbook", export),
    ]
    print(f"\n| {connection.vendor}, {args.repeat} runs | median ms | max ms |\n| --- | ---: | ---: |")
    for label, fn in rows:
        median, worst = timed(fn, args.repeat)
        print(f"| {label} | {median:.0f} | {worst:.0f} |")
    print(f"\nanswers stored: {Answer.objects.filter(response=response).count()}")


if __name__ == "__main__":
    main()
