"""Locust users for one persona of a plan (plan.py): every page of the persona, chosen at random.

Read from the environment: HTTP_LOAD_PLAN (the plan's JSON file), HTTP_LOAD_PERSONA, HTTP_LOAD_WAIT
("min,max" seconds of think time between a user's requests) and HTTP_LOAD_MAX_REQUESTS (each user
stops after this many requests). The host must be on the loopback: anything else stops the run.
Pages send the persona's session cookie; API pages send its token instead.
"""

from __future__ import annotations

import json
import os
import random
from pathlib import Path
from urllib.parse import urlsplit

from locust import HttpUser, between, task
from locust.exception import StopUser

PLAN = json.loads(Path(os.environ["HTTP_LOAD_PLAN"]).read_text())
PERSONA = PLAN["personas"][os.environ["HTTP_LOAD_PERSONA"]]
WAIT = [float(x) for x in os.environ.get("HTTP_LOAD_WAIT", "0.5,1.5").split(",")]
MAX_REQUESTS = int(os.environ.get("HTTP_LOAD_MAX_REQUESTS", "2000"))


class PersonaUser(HttpUser):
    wait_time = between(WAIT[0], WAIT[1])

    def on_start(self) -> None:
        if urlsplit(self.host).hostname not in ("127.0.0.1", "localhost", "::1"):
            raise SystemExit(f"refusing to load {self.host}: loopback only")
        self.sent = 0
        self.page_headers = {"Cookie": PERSONA["cookie"]} if PERSONA["cookie"] else {}
        self.api_headers = {"Authorization": f"Bearer {PERSONA['token']}"} if PERSONA["token"] else {}
        self.client.trust_env = False  # no proxy from the environment

    @task
    def page(self) -> None:
        if self.sent >= MAX_REQUESTS:
            raise StopUser()
        self.sent += 1
        page = random.choice(PERSONA["pages"])  # noqa: S311 (load mix, not security)
        headers = self.api_headers if page["api"] else self.page_headers
        with self.client.get(
            page["path"], name=page["name"], headers=headers, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
