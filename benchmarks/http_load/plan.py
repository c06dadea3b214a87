"""The pages of each persona, with ids picked from the generated data, and their credentials.

For every persona of the large consortium (generate.py made them) this creates, server-side:

- a session (Django's database session store) holding what a real sign-in leaves there: the
  authenticated user, the session timeout stamps of accounts.middleware, and the consortium (and
  member) the person acts for. MFA-required roles have a TOTP authenticator (generate.py), so
  RequireMfaMiddleware lets them through; the allauth MFA stage is only part of the sign-in flow;
- an API token (`Authorization: Bearer il_...`), stored hashed as the accounts app does.

URLs are built with `django.urls.reverse` from the URL names of the navigation. Output: JSON
(`{"personas": {name: {"cookie": ..., "token": ..., "pages": [{"name", "path", "api"}]}}}`).

    DATABASE_URL=... .venv/bin/python benchmarks/http_load/plan.py --out var/http_load/plan.json
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "interlocal.settings")

from generate import MARKER, PERSONA_DOMAIN, PERSONA_ROLES, marker  # noqa: E402

# (page name, URL name, which id it needs). Page names are stable across data sizes.
PAGES: dict[str, list[tuple[str, str, str | None]]] = {
    "consortium_admin": [
        ("dashboard", "core:dashboard", None),
        ("consortium", "tenancy:consortium", None),
        ("members (list)", "tenancy:members", None),
        ("member detail", "tenancy:member_detail", "member"),
        ("people (list)", "tenancy:people", None),
        ("audit trail (list)", "audit:event_list", None),
        ("audit event detail", "audit:event_detail", "event"),
        ("demand rounds (list)", "procurement:rounds", None),
        ("demand round detail", "procurement:round_detail", "round"),
        ("solicitations (list)", "procurement:solicitations", None),
        ("solicitation detail", "procurement:solicitation_detail", "solicitation"),
        ("contracts (list)", "procurement:contracts", None),
        ("contract detail", "procurement:contract_detail", "contract"),
        ("vendors (list)", "procurement:vendors", None),
        ("savings", "procurement:savings", None),
        ("campaigns (list)", "assessment:campaigns", None),
        ("campaign detail", "assessment:campaign_detail", "campaign"),
        ("cost models (list)", "costing:cost_models", None),
        ("cost model detail", "costing:cost_model_detail", "cost_model"),
        ("scenario detail", "costing:scenario_detail", "scenario"),
        ("API members (list)", "api:members_list", None),
        ("API member", "api:members_get", "member"),
        ("API memberships (list)", "api:memberships_list", None),
        ("API audit events (list)", "api:audit_events_list", None),
        ("API rounds (list)", "api:rounds_list", None),
        ("API solicitations (list)", "api:solicitations_list", None),
        ("API solicitation", "api:solicitations_get", "solicitation"),
        ("API contracts (list)", "api:procurement_contracts_list", None),
        ("API contract", "api:procurement_contracts_get", "contract"),
        ("API campaigns (list)", "api:campaigns_list", None),
        ("API responses (list)", "api:responses_list", None),
        ("API cost models (list)", "api:costing_models_list", None),
        ("API scenarios (list)", "api:costing_scenarios_list", None),
    ],
    "consortium_staff": [
        ("dashboard", "core:dashboard", None),
        ("members (list)", "tenancy:members", None),
        ("member detail", "tenancy:member_detail", "member"),
        ("demand rounds (list)", "procurement:rounds", None),
        ("solicitations (list)", "procurement:solicitations", None),
        ("solicitation detail", "procurement:solicitation_detail", "solicitation"),
        ("contracts (list)", "procurement:contracts", None),
        ("campaigns (list)", "assessment:campaigns", None),
        ("cost models (list)", "costing:cost_models", None),
        ("API members (list)", "api:members_list", None),
        ("API solicitations (list)", "api:solicitations_list", None),
        ("API contracts (list)", "api:procurement_contracts_list", None),
        ("inbox", "core:inbox", None),
        ("notifications (list)", "core:notifications", None),
        ("API inbox", "api:inbox_list", None),
    ],
    "member_admin": [
        ("dashboard", "core:dashboard", None),
        ("members (list)", "tenancy:members", None),
        ("member detail", "tenancy:member_detail", "own_member"),
        ("people (list)", "tenancy:people", None),
        ("demand rounds (list)", "procurement:rounds", None),
        ("demand round detail", "procurement:round_detail", "own_round"),
        ("solicitations (list)", "procurement:solicitations", None),
        ("contracts (list)", "procurement:contracts", None),
        ("contract detail", "procurement:contract_detail", "own_contract"),
        ("campaigns (list)", "assessment:campaigns", None),
        ("response", "assessment:response", "own_response"),
        ("cost models (list)", "costing:cost_models", None),
        ("API members (list)", "api:members_list", None),
        ("API contracts (list)", "api:procurement_contracts_list", None),
        ("API responses (list)", "api:responses_list", None),
    ],
    "member_staff": [
        ("dashboard", "core:dashboard", None),
        ("members (list)", "tenancy:members", None),
        ("demand rounds (list)", "procurement:rounds", None),
        ("solicitations (list)", "procurement:solicitations", None),
        ("contracts (list)", "procurement:contracts", None),
        ("campaigns (list)", "assessment:campaigns", None),
        ("response", "assessment:response", "own_response"),
        ("API rounds (list)", "api:rounds_list", None),
        ("API solicitations (list)", "api:solicitations_list", None),
        ("API memberships (list)", "api:memberships_list", None),
        ("inbox", "core:inbox", None),
        ("notifications (list)", "core:notifications", None),
    ],
    "observer": [
        ("dashboard", "core:dashboard", None),
        ("members (list)", "tenancy:members", None),
        ("solicitations (list)", "procurement:solicitations", None),
        ("contracts (list)", "procurement:contracts", None),
        ("campaigns (list)", "assessment:campaigns", None),
        ("API members (list)", "api:members_list", None),
        ("API solicitations (list)", "api:solicitations_list", None),
    ],
    "vendor": [
        ("vendor dashboard", "procurement:vendor_dashboard", None),
        ("my bids (list)", "procurement:vendor_bids", None),
        ("my awards (list)", "procurement:vendor_awards", None),
        ("my contracts (list)", "procurement:vendor_contracts", None),
        ("API my bids (list)", "api:procurement_vendor_bids_list", None),
        ("API my contracts (list)", "api:procurement_vendor_contracts_list", None),
        ("bid detail", "procurement:bid_detail", "vendor_bid"),
        ("vendor solicitation", "procurement:vendor_solicitation", "solicitation"),
        ("API vendor", "api:vendor_me", None),
        ("API public solicitations (list)", "api:public_list", None),
    ],
    "anonymous": [
        ("home", "core:home", None),
        ("public solicitations (list)", "procurement:public_list", None),
        ("public solicitation", "procurement:public_solicitation", "solicitation"),
        ("public feed", "procurement:public_feed", None),
        ("open data downloads", "procurement:ocds_downloads", None),
        ("API public solicitations (list)", "api:public_list", None),
        ("API public solicitation", "api:public_get", "solicitation"),
        ("API OCDS releases of a process", "api:ocds_process_releases", "ocid"),
        ("API OCDS record", "api:ocds_process_record", "ocid"),
    ],
}


def persona_email(role: str) -> str:
    return f"persona-{role.replace('_', '-')}@{PERSONA_DOMAIN}"


def pick_ids(consortium_id: int, campaign_id: int) -> dict[str, Any]:
    """Ids from the middle of the generated data (not the first or last rows)."""
    from django.conf import settings

    from interlocal.accounts.models import User
    from interlocal.assessment.models import Response
    from interlocal.audit.models import AuditEvent
    from interlocal.costing.models import CostModel, Scenario
    from interlocal.procurement.models import Bid, Contract, DemandRound, Solicitation, VendorUser
    from interlocal.tenancy.models import Member, Membership

    def middle(qs: Any) -> Any:
        n = qs.count()
        return qs.order_by("pk").values_list("pk", flat=True)[n // 2] if n else None

    own: int = Membership.objects.get(user__email=persona_email("member_admin")).member_id or 0
    vendor_id = VendorUser.objects.get(user__email=persona_email("vendor")).vendor_id
    sol = Solicitation.objects.filter(
        consortium_id=consortium_id, status="awarded", demand_round__isnull=False
    )
    sol_pk = middle(sol)
    ocds_process = Solicitation.objects.get(pk=sol_pk).ocds_process
    return {
        "member": middle(Member.objects.filter(consortia=consortium_id)),
        "own_member": own,
        "event": middle(AuditEvent.objects.filter(consortium_id=consortium_id)),
        "round": middle(DemandRound.objects.filter(consortium_id=consortium_id)),
        "own_round": DemandRound.objects.filter(consortium_id=consortium_id, participants__member_id=own)
        .values_list("pk", flat=True).first(),
        "solicitation": sol_pk,
        "contract": middle(Contract.objects.filter(consortium_id=consortium_id, kind="master")),
        "own_contract": Contract.objects.filter(member_id=own).values_list("pk", flat=True).first(),
        "campaign": campaign_id,
        "own_response": Response.objects.filter(campaign_id=campaign_id, member_id=own)
        .values_list("pk", flat=True).first(),
        "cost_model": middle(CostModel.objects.filter(consortium_id=consortium_id)),
        "scenario": middle(Scenario.objects.filter(cost_model__consortium_id=consortium_id)),
        "vendor_bid": middle(Bid.objects.filter(vendor_id=vendor_id)),
        "ocid": f"{settings.INTERLOCAL_OCDS_PREFIX}-{ocds_process}",
        "_users": {r: User.objects.get(email=persona_email(r)).pk for r in PERSONA_ROLES},
    }  # fmt: skip


def url_for(url_name: str, key: str | None, ids: dict[str, Any]) -> str | None:
    from django.urls import reverse

    if key is None:
        return reverse(url_name)
    value = ids.get(key)
    return None if value is None else reverse(url_name, args=[value])


def make_credentials(user_id: int, consortium_id: int, member_id: int | None) -> tuple[str, str]:
    """A fresh signed-in session and API token for the person (server-side)."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils import timezone

    from interlocal.accounts.models import ApiToken, User, UserSession, hash_token

    user = User.objects.get(pk=user_id)
    now = int(time.time())
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store["_il_login_at"] = now
    store["_il_last_seen"] = now
    store["tenant_consortium_id"] = consortium_id
    if member_id:
        store["tenant_member_id"] = member_id
    store.create()
    assert store.session_key is not None
    UserSession.objects.create(user=user, session_key=store.session_key, user_agent="http-load harness")
    raw = ApiToken.generate()
    ApiToken.objects.create(
        user=user,
        name=f"http-load {timezone.now():%Y-%m-%d %H:%M:%S}",
        key_prefix=raw[:12],
        key_hash=hash_token(raw),
    )
    return store.session_key, raw


def build_plan() -> dict[str, Any]:
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    from interlocal.tenancy.models import Membership

    with connection.cursor() as cursor:
        info = marker(cursor)
    if not info or not info.get("done"):
        sys.exit(f"no generated data in this database ({MARKER} missing): run generate.py first")
    ids = pick_ids(info["consortium_id"], info["campaign_id"])
    personas: dict[str, Any] = {}
    for role, pages in PAGES.items():
        entry: dict[str, Any] = {"cookie": None, "token": None, "pages": []}
        if role != "anonymous":
            uid = ids["_users"][role]
            member = Membership.objects.get(user_id=uid).member_id
            session_key, token = make_credentials(uid, info["consortium_id"], member)
            entry["cookie"] = f"{settings.SESSION_COOKIE_NAME}={session_key}"
            entry["token"] = token
        for name, url_name, key in pages:
            path = url_for(url_name, key, ids)
            if path is None:
                print(f"plan: {role}: {name}: no id for {key!r}, skipped", file=sys.stderr)
                continue
            entry["pages"].append({"name": name, "path": path, "api": path.startswith("/api/")})
        personas[role] = entry
    return {"scale": info["scale"], "sizes": info["sizes"], "ids": {k: v for k, v in ids.items() if k[0] != "_"},
            "personas": personas}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    plan = build_plan()
    Path(args.out).write_text(json.dumps(plan, indent=2))
    print(
        f"plan: {sum(len(p['pages']) for p in plan['personas'].values())} pages -> {args.out}",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
