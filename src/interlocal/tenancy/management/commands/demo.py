"""`interlocal demo`: migrate, load the demo into the configured database, print logins, serve."""

from __future__ import annotations

import importlib
from typing import Any

from django.apps import apps
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from interlocal.core.links import set_demo_site_url


def demo_loaders() -> list[Any]:
    """Each Interlocal app's `demo` module, in ORDER (the platform first)."""
    modules = []
    for config in apps.get_app_configs():
        if not config.name.startswith("interlocal."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.demo")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.demo":
                raise
            continue
        modules.append(module)
    return sorted(modules, key=lambda m: (getattr(m, "ORDER", 50), m.__name__))


class Command(BaseCommand):
    help = "Load the demo (two regional consortia, one person per role) and serve it on 127.0.0.1:8000."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--load-only", action="store_true", help="Load the demo data, do not serve.")
        parser.add_argument(
            "--addrport", default="127.0.0.1:8000", help="Where to serve (default 127.0.0.1:8000)."
        )
        parser.add_argument("--no-migrate", action="store_true", help="Assume the database is migrated.")

    def handle(self, *args: Any, **options: Any) -> None:
        set_demo_site_url(options["addrport"])  # e-mail links point where the demo is served
        if not options["no_migrate"]:
            self.stdout.write("Applying database migrations…")
            call_command("migrate", interactive=False, verbosity=0)
        logins: list[Any] = []
        for module in demo_loaders():
            self.stdout.write(f"Loading demo data: {module.__name__}")
            logins.extend(module.load(stdout=self.stdout) or [])
        from interlocal.tenancy.demo import DEMO_PASSWORD

        self.stdout.write(
            self.style.SUCCESS(f"\nDemo loaded. Sign in as any of these (password for all: {DEMO_PASSWORD}):")
        )
        width = max((len(x.email) for x in logins), default=10)
        seen = set()
        for login in logins:
            if (login.email, login.role, login.where) in seen:
                continue
            seen.add((login.email, login.role, login.where))
            self.stdout.write(f"  {login.email:<{width}}  {login.role:<17} {login.where}")
        self.stdout.write(
            "Consortium admins, member admins and vendors set up an authenticator app (TOTP) at first sign-in."
        )
        if options["load_only"]:
            return
        self.stdout.write(self.style.SUCCESS(f"\nServing on http://{options['addrport']}/  (Ctrl-C to stop)"))
        call_command("runserver", options["addrport"], use_reloader=False)
