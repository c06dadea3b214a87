"""`interlocal consortium …`: the operator's commands to set up consortia on a new installation.

    interlocal consortium create "Capitol Region IT Service Sharing" --region CT --country US
    interlocal consortium add-members capitol-region-it-service-sharing towns.csv
    interlocal consortium invite capitol-region-it-service-sharing alice@example.org --role consortium_admin
    interlocal consortium list

Everything after the first admin is done in the browser: admins invite the rest.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.db.models import Count, Q

from interlocal.lib.regions import RegionError, read_region_csv
from interlocal.tenancy.actions import do_add_member, do_create_consortium
from interlocal.tenancy.models import Consortium, Member
from interlocal.tenancy.roles import Role


def _errors(exc: ValidationError) -> str:
    if hasattr(exc, "message_dict"):
        return "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in exc.message_dict.items())
    return "; ".join(exc.messages)


class Command(BaseCommand):
    help = "Create consortia, add their members from a CSV file, invite their first admins, list them."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Create a consortium.")
        create.add_argument("name")
        create.add_argument("--slug", default="", help="Short name used in exports (default: from the name).")
        create.add_argument(
            "--kind", choices=Consortium.Kind.values, default=Consortium.Kind.COUNCIL_OF_GOVERNMENTS
        )
        create.add_argument("--region", default="", help="State or province, e.g. CT or AB.")
        create.add_argument("--country", default="US", help="ISO 3166-1 alpha-2 code (default US).")
        create.add_argument(
            "--time-zone",
            default="",
            help="IANA zone of its deadlines (default: from the region, e.g. AB -> America/Edmonton).",
        )
        create.add_argument("--description", default="")
        create.add_argument("--website", default="")

        add = sub.add_parser(
            "add-members", help="Add members from a CSV file (name, kind, state|province, population_approx)."
        )
        add.add_argument("consortium", help="The consortium's slug.")
        add.add_argument("file", type=Path)
        add.add_argument("--country", default="", help="Country of the members (default: the consortium's).")

        invite = sub.add_parser("invite", help="Invite a person to a role; prints the invitation link too.")
        invite.add_argument("consortium", help="The consortium's slug.")
        invite.add_argument("email")
        invite.add_argument("--role", choices=Role.values, default=Role.CONSORTIUM_ADMIN)
        invite.add_argument("--member", default="", help="The member's slug, for member roles.")

        sub.add_parser("list", help="List consortia with their member and people counts.")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"].replace("-", "_")
        getattr(self, f"do_{action}")(options)

    def _consortium(self, slug: str) -> Consortium:
        consortium = Consortium.objects.filter(slug=slug).first()
        if consortium is None:
            known = ", ".join(Consortium.objects.values_list("slug", flat=True)) or "none yet"
            raise CommandError(f"No consortium with the slug {slug!r} (known: {known}).")
        return consortium

    def do_create(self, options: dict[str, Any]) -> None:
        if Consortium.objects.filter(name=options["name"]).exists():
            raise CommandError(f"A consortium named {options['name']!r} exists already.")
        fields = {k: options[k] for k in ("kind", "region", "country", "description", "website", "time_zone")}
        if options["slug"]:
            fields["slug"] = options["slug"]
        try:
            consortium = do_create_consortium(name=options["name"], acting_user=None, **fields)
        except ValidationError as exc:
            raise CommandError(_errors(exc)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {consortium.name} (slug {consortium.slug}, time zone {consortium.time_zone})."
            )
        )

    def do_add_members(self, options: dict[str, Any]) -> None:
        consortium = self._consortium(options["consortium"])
        try:
            rows = read_region_csv(options["file"])
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"{options['file']}: cannot be read ({exc}).") from None
        except RegionError as exc:
            raise CommandError(f"{options['file']}: {exc}. Nothing was added.") from None
        country = options["country"] or consortium.country
        before = consortium.participations.count()
        try:
            with transaction.atomic():
                for row in rows:
                    do_add_member(
                        consortium,
                        name=row.name,
                        kind=row.kind,
                        region=row.region,
                        population=row.population,
                        country=country,
                        acting_user=None,
                    )
        except ValidationError as exc:
            raise CommandError(f"{options['file']}: {_errors(exc)}. Nothing was added.") from None
        added = consortium.participations.count() - before
        self.stdout.write(
            self.style.SUCCESS(
                f"{added} member(s) added to {consortium.name}; {len(rows) - added} already there."
            )
        )

    def do_invite(self, options: dict[str, Any]) -> None:
        from django.urls import reverse

        from interlocal.accounts.actions import do_invite_by_operator
        from interlocal.core.links import absolute_url

        consortium = self._consortium(options["consortium"])
        member = None
        if options["member"]:
            member = Member.objects.filter(slug=options["member"]).first()
            if member is None:
                raise CommandError(f"No member with the slug {options['member']!r}.")
        try:
            invitation, raw = do_invite_by_operator(
                email=options["email"], consortium=consortium, role=options["role"], member=member
            )
        except ValidationError as exc:
            raise CommandError(_errors(exc)) from None
        link = absolute_url(reverse("accounts:accept_invitation", args=[raw]))
        self.stdout.write(
            self.style.SUCCESS(
                f"Invited {invitation.email} as {invitation.get_role_display()} of {consortium.name}."
            )
        )
        self.stdout.write(
            f"The invitation was e-mailed; the link (valid until {invitation.expires_at:%Y-%m-%d}) is:"
        )
        self.stdout.write(link)

    def do_list(self, options: dict[str, Any]) -> None:
        rows = (
            Consortium.objects.annotate(
                n_members=Count("participations", filter=Q(participations__is_active=True), distinct=True),
                n_people=Count("memberships__user", distinct=True),
            )
            .order_by("name")
            .values("slug", "name", "is_active", "n_members", "n_people")
        )
        for c in rows:
            state = "" if c["is_active"] else "  (inactive)"
            self.stdout.write(
                f"{c['slug']:<40} {c['n_members']:>5} members {c['n_people']:>5} people  {c['name']}{state}"
            )
