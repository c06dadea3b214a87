"""`interlocal demo`: migrate, load the demo into the configured database, print the sign-ins
(each with the open task the demo left that person), serve. What loading prints (e-mails on the
console backend, task logs) goes to a log file, so the console ends with the sign-in list."""

from __future__ import annotations

import importlib
import logging
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stdout
from io import StringIO
from pathlib import Path
from typing import Any, TextIO

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser, OutputWrapper
from django.utils import timezone

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


@contextmanager
def _quietly(log: TextIO) -> Iterator[None]:
    """Send what loading prints (e-mails on the console backend, task and other log lines) to `log`,
    so that the sign-in list is what the console ends with."""
    root = logging.getLogger()
    handler = logging.StreamHandler(log)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    # Only the plain console handlers (a FileHandler, or pytest's capture, is a subclass: kept).
    consoles = [h for h in root.handlers if type(h) is logging.StreamHandler]
    for h in consoles:
        root.removeHandler(h)
    root.addHandler(handler)
    try:
        with redirect_stdout(log):
            yield
    finally:
        root.removeHandler(handler)
        for h in consoles:
            root.addHandler(h)


class Command(BaseCommand):
    help = (
        "Load the demo (two regional consortia, one person per role, an open task for each) and serve "
        "it (default 127.0.0.1:8000; --addrport 0.0.0.0:8080 to reach it from other machines)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--load-only", action="store_true", help="Load the demo data, do not serve.")
        parser.add_argument(
            "--addrport",
            default="127.0.0.1:8000",
            help="Where to serve: [address:]port (default 127.0.0.1:8000; e.g. 0.0.0.0:8080).",
        )
        parser.add_argument("--no-migrate", action="store_true", help="Assume the database is migrated.")
        parser.add_argument(
            "--log",
            default=None,
            help="Where the loading details go: e-mails sent, tasks run (default VAR_DIR/demo-load.log). "
            "With -v 2 they are printed instead.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        set_demo_site_url(options["addrport"])  # e-mail links point where the demo is served
        if not options["no_migrate"]:
            self.stdout.write("Applying database migrations…")
            call_command("migrate", interactive=False, verbosity=0)
        loud = int(options.get("verbosity", 1)) >= 2
        log_path = Path(options["log"] or Path(settings.VAR_DIR) / "demo-load.log")
        entries: list[Any] = []
        if loud:
            for module in demo_loaders():
                self.stdout.write(f"Loading demo data: {module.__name__}")
                entries.extend(module.load(stdout=self.stdout) or [])
        else:
            log_path.parent.mkdir(parents=True, exist_ok=True)
            with log_path.open("a", encoding="utf-8") as log:
                log.write(f"\n=== interlocal demo, {timezone.now().isoformat()} ===\n")
                for module in demo_loaders():
                    self.stdout.write(f"Loading demo data: {module.__name__}")
                    with _quietly(log):
                        log.write(f"--- {module.__name__}\n")
                        entries.extend(module.load(stdout=OutputWrapper(log)) or [])
            self.stdout.write(f"Details (e-mails sent, tasks run) are in {log_path}; -v 2 prints them.")
        serving = not options["load_only"]
        if serving:
            self.stdout.write(
                self.style.SUCCESS(f"Serving on http://{options['addrport']}/  (Ctrl-C to stop)")
            )
        self._sign_ins(entries)
        if serving:
            # runserver's own banner would push the sign-in list up; errors still go to stderr.
            call_command("runserver", options["addrport"], use_reloader=False, stdout=StringIO())

    def _sign_ins(self, entries: list[Any]) -> None:
        from interlocal.tenancy.demo import DEMO_PASSWORD, DemoLogin, DemoTask

        logins = [e for e in entries if isinstance(e, DemoLogin)]
        tasks: dict[str, list[str]] = {}
        for e in entries:
            if isinstance(e, DemoTask) and e.task not in tasks.setdefault(e.email, []):
                tasks[e.email].append(e.task)
        self.stdout.write(
            self.style.SUCCESS(f"\nDemo loaded. Sign in as any of these (password for all: {DEMO_PASSWORD}):")
        )
        width = max((len(x.email) for x in logins), default=10)
        seen: set[tuple[str, str, str]] = set()
        shown: set[str] = set()
        for login in logins:
            if (login.email, login.role, login.where) in seen:
                continue
            seen.add((login.email, login.role, login.where))
            self.stdout.write(f"  {login.email:<{width}}  {login.role:<17} {login.where}")
            if login.email not in shown:
                shown.add(login.email)
                for task in tasks.get(login.email, []):
                    self.stdout.write(f"  {'':<{width}}    to do: {task}")
        self.stdout.write(
            "Consortium admins, member admins and vendors set up an authenticator app (TOTP) at first sign-in."
        )
