"""Services pages and API: the catalog is Capitol Region's (every non-vendor role reads it; the
council changes it); subscriptions and usage are each member's (its people read them, the council
reads and writes them all). The public catalog shows running services to anyone.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from interlocal.services.models import Service, Subscription, UsageRecord
from interlocal.tenancy.models import ConsortiumMember, Member
from tests.isolation.registry import CAPITOL_NON_VENDOR, COUNCIL, PUBLIC, SCOPED, SCOPED_LIST, Route, Target

SERVICE_MARKER = "ISO-MARKER-SERVICES-SERVICE"
SUB_MARKER = "ISO-MARKER-SERVICES-SUB"
USAGE_MARKER = "ISO-MARKER-SERVICES-USAGE"
TOWN_MARKER = "ISO-MARKER-SERVICES-TOWN"
AVON_READERS = COUNCIL | {"ada", "bob"}
START = dt.date(2026, 1, 1)


def _service(world: Any) -> Service:
    return Service.objects.create(consortium=world.capitol, name=f"Backup {SERVICE_MARKER}", status="live")


def _avon_sub(world: Any) -> tuple[Service, Subscription]:
    service = _service(world)
    sub = Subscription.objects.create(
        service=service, member=world.avon, start=START, units=Decimal(3), options={"tag": SUB_MARKER}
    )
    return service, sub


def service(world: Any) -> Target:
    s = _service(world)
    return Target(kwargs={"pk": s.pk}, objects=[s], marker=SERVICE_MARKER)


def service_api(world: Any) -> Target:
    s = _service(world)
    return Target(kwargs={"service_id": s.pk}, objects=[s], marker=SERVICE_MARKER)


def service_list(world: Any) -> Target:
    s = _service(world)
    return Target(objects=[s], marker=SERVICE_MARKER)


def subscription(world: Any) -> Target:
    _s, sub = _avon_sub(world)
    return Target(kwargs={"pk": sub.pk}, objects=[sub], marker=SUB_MARKER)


def subscription_named(world: Any) -> Target:
    """Pages that name the subscription's service (the change form)."""
    _s, sub = _avon_sub(world)
    return Target(kwargs={"pk": sub.pk}, objects=[sub], marker=SERVICE_MARKER)


def subscription_api(world: Any) -> Target:
    _s, sub = _avon_sub(world)
    return Target(kwargs={"subscription_id": sub.pk}, objects=[sub], marker=SUB_MARKER)


def subscription_list(world: Any) -> Target:
    """Lists name the service of each row: the service exists only through Avon's subscription."""
    _s, sub = _avon_sub(world)
    return Target(objects=[sub], marker=SERVICE_MARKER)


def subscription_list_api(world: Any) -> Target:
    _s, sub = _avon_sub(world)
    return Target(objects=[sub], marker=SUB_MARKER)


def service_subscriptions(world: Any) -> Target:
    """The service's subscriptions: every non-vendor reads the page, only the council sees the row
    of a town nobody else acts for."""
    s = _service(world)
    town = _town(world)
    sub = Subscription.objects.create(service=s, member=town, start=START)
    return Target(kwargs={"pk": s.pk}, objects=[s, sub], marker=TOWN_MARKER)


def member_subscriptions(world: Any) -> Target:
    _s, sub = _avon_sub(world)
    return Target(kwargs={"member_pk": world.avon.pk}, objects=[sub], marker=SERVICE_MARKER)


def _town(world: Any) -> Member:
    town = Member.objects.create(name=f"Zyq {TOWN_MARKER}", slug="zyq-services-ct")
    ConsortiumMember.objects.create(consortium=world.capitol, member=town)
    return town


def usage_list(world: Any) -> Target:
    """A town only the council reads used the service (the service name is in the filters)."""
    s = _service(world)
    town = _town(world)
    Subscription.objects.create(service=s, member=town, start=START)
    record = UsageRecord.objects.create(
        service=s, member=town, period_start=START, period_end=START, quantity=Decimal(1)
    )
    return Target(objects=[record], marker=TOWN_MARKER)


def usage_list_api(world: Any) -> Target:
    s, _sub = _avon_sub(world)
    record = UsageRecord.objects.create(
        service=s,
        member=world.avon,
        period_start=START,
        period_end=START,
        quantity=Decimal(1),
        idempotency_key=USAGE_MARKER,
    )
    return Target(objects=[record], marker=USAGE_MARKER)


def usage_post(world: Any) -> Target:
    s, sub = _avon_sub(world)
    return Target(objects=[s, sub])


def public(world: Any) -> Target:
    _service(world)
    return Target(kwargs={"slug": world.capitol.slug}, marker=SERVICE_MARKER)


def nothing(world: Any) -> Target:
    return Target()


SERVICE_EDIT = {"name": "Renamed by an outsider", "status": "retiring", "unit": "gb", "pricing_rule": "equal"}

ROUTES = [
    Route("services:services", SCOPED_LIST, allowed=CAPITOL_NON_VENDOR, build=service_list),
    Route(
        "services:service_create",
        SCOPED,
        allowed=COUNCIL | {"pat"},
        build=nothing,
        methods=("GET", "POST"),
        note="the council of the consortium one acts for; pat creates in MISA Prairies",
    ),
    Route("services:service_detail", SCOPED, allowed=CAPITOL_NON_VENDOR, build=service),
    Route(
        "services:service_edit",
        SCOPED,
        allowed=COUNCIL,
        build=service,
        methods=("GET", "POST"),
        payload=SERVICE_EDIT,
    ),
    Route(
        "services:service_subscriptions",
        SCOPED_LIST,
        allowed=COUNCIL,
        build=service_subscriptions,
        note="every non-vendor reads the page; only the council sees other members' rows",
    ),
    Route(
        "services:subscription_create",
        SCOPED,
        allowed=COUNCIL,
        build=service,
        methods=("GET", "POST"),
        payload={"member": "0", "start": "2026-01-01", "units": "1"},
    ),
    Route("services:subscriptions", SCOPED_LIST, allowed=AVON_READERS, build=subscription_list),
    Route("services:subscription_detail", SCOPED, allowed=AVON_READERS, build=subscription),
    Route(
        "services:subscription_change",
        SCOPED,
        allowed=COUNCIL,
        build=subscription_named,
        methods=("GET", "POST"),
        payload={"effective": "2026-02-01", "units": "99"},
    ),
    Route("services:member_subscriptions", SCOPED, allowed=AVON_READERS, build=member_subscriptions),
    Route("services:usage", SCOPED_LIST, allowed=COUNCIL, build=usage_list),
    Route("services:usage_create", SCOPED, allowed=COUNCIL | {"pat"}, build=nothing, methods=("GET", "POST")),
    Route("services:usage_upload", SCOPED, allowed=COUNCIL | {"pat"}, build=nothing, methods=("GET", "POST")),
    Route(
        "services:usage_template",
        SCOPED,
        allowed=CAPITOL_NON_VENDOR | {"pat"},
        build=nothing,
        note="a blank template: anyone acting in a consortium, not vendors",
    ),
    Route("services:public_catalog", PUBLIC, build=public, note="live and piloting services; no member data"),
    Route("GET /api/v1/services", SCOPED_LIST, allowed=CAPITOL_NON_VENDOR, build=service_list),
    Route("GET /api/v1/services/{service_id}", SCOPED, allowed=CAPITOL_NON_VENDOR, build=service_api),
    Route(
        "GET /api/v1/services/subscriptions", SCOPED_LIST, allowed=AVON_READERS, build=subscription_list_api
    ),
    Route(
        "GET /api/v1/services/subscriptions/{subscription_id}",
        SCOPED,
        allowed=AVON_READERS,
        build=subscription_api,
    ),
    Route("GET /api/v1/services/usage", SCOPED_LIST, allowed=AVON_READERS, build=usage_list_api),
    Route(
        "POST /api/v1/services/usage",
        SCOPED,
        allowed=COUNCIL,
        build=usage_post,
        methods=("POST",),
        payload={
            "service_id": 1,
            "member_id": 1,
            "period_start": "2026-01-01",
            "period_end": "2026-01-31",
            "quantity": "1",
        },
        note="the council records usage; happy paths in tests/services/test_api.py",
    ),
]
