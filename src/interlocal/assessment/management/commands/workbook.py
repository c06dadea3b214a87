"""`interlocal workbook export|import`: a member's campaign workbook from and to an .xlsx file.

    interlocal workbook export CAMPAIGN_ID MEMBER_ID FILE.xlsx
    interlocal workbook import CAMPAIGN_ID FILE.xlsx [--submit] [--member MEMBER_ID]

Import exits 0 when the answers are stored; 1 with one line per problem on stderr
("Sheet!Cell: reason", or "FILE.xlsx: reason" for the file as a whole) when the workbook is
refused, in which case nothing is stored; 2 for a campaign or member that does not exist.
"""

from __future__ import annotations

import os
import sys
import tempfile
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from interlocal.assessment.models import Campaign, Response
from interlocal.assessment.workbooks import WorkbookError, do_import_workbook, export_workbook, upload_url_for
from interlocal.tenancy.models import Member


class Command(BaseCommand):
    help = "Export a member's pre-filled campaign workbook (.xlsx), or import a filled one."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="{export,import}")
        export = sub.add_parser("export", help="Write a member's pre-filled workbook for a campaign.")
        export.add_argument("campaign_id", type=int, metavar="CAMPAIGN_ID")
        export.add_argument("member_id", type=int, metavar="MEMBER_ID")
        export.add_argument("file", metavar="FILE.xlsx")
        imp = sub.add_parser("import", help="Check a filled workbook whole and store its answers.")
        imp.add_argument("campaign_id", type=int, metavar="CAMPAIGN_ID")
        imp.add_argument("file", metavar="FILE.xlsx")
        imp.add_argument("--submit", action="store_true", help="Submit the answers once stored.")
        imp.add_argument(
            "--member",
            type=int,
            metavar="MEMBER_ID",
            help="Refuse the workbook unless it is this member's (by default the workbook says whose it is).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        campaign = (
            Campaign.objects.select_related("consortium", "template_version", "template_version__template")
            .filter(pk=options["campaign_id"])
            .first()
        )
        if campaign is None:
            raise CommandError(f"There is no campaign {options['campaign_id']}.", returncode=2)
        if options["action"] == "export":
            self.export(campaign, options["member_id"], Path(options["file"]))
        else:
            self.import_(
                campaign, Path(options["file"]), submit=options["submit"], member_id=options["member"]
            )

    def export(self, campaign: Campaign, member_id: int, path: Path) -> None:
        response = (
            Response.objects.select_related("campaign", "campaign__consortium", "member")
            .filter(campaign=campaign, member_id=member_id)
            .first()
        )
        if response is None:
            if not Member.objects.filter(pk=member_id).exists():
                raise CommandError(f"There is no member {member_id}.", returncode=2)
            raise CommandError(
                f"Member {member_id} does not take part in campaign {campaign.pk}.", returncode=2
            )
        data = export_workbook(response, upload_url=upload_url_for(response))
        # Write beside the target, then rename: a reader never sees half a workbook.
        directory = path.resolve().parent
        if not directory.is_dir():
            raise CommandError(f"{path}: the folder {directory} does not exist.", returncode=2)
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=".workbook-", suffix=".xlsx")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(tmp, path)
        except OSError as exc:
            Path(tmp).unlink(missing_ok=True)
            raise CommandError(f"{path}: cannot write: {exc.strerror or exc}", returncode=2) from None
        self.stdout.write(
            f"Wrote {path} ({len(data):,} bytes): {response.member.name}, campaign {campaign.pk} “{campaign.name}”."
        )

    def import_(self, campaign: Campaign, path: Path, *, submit: bool, member_id: int | None) -> None:
        member = None
        if member_id is not None:
            member = Member.objects.filter(pk=member_id).first()
            if member is None:
                raise CommandError(f"There is no member {member_id}.", returncode=2)
        try:
            result = do_import_workbook(
                campaign, path, actor=None, member=member, submit=submit, filename=path.name
            )
        except WorkbookError as exc:
            for problem in exc.problems:
                self.stderr.write(str(problem) if problem.location else f"{path.name}: {problem.reason}")
            sys.exit(1)
        response = result.response
        state = "stored and submitted" if result.submitted else "stored"
        self.stdout.write(
            f"{response.member.name}: answers {state} ({result.saved} changed, {result.cleared} cleared, "
            f"{result.answered} questions answered)."
        )
        if result.unmatched_terms:
            self.stdout.write(f"{result.unmatched_terms} system name(s) went to the taxonomy review queue.")
