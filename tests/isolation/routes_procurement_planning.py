"""Procurement planning: demand rounds, solicitations, public listing, vendors (pages and API).

Who may reach what:
- demand rounds and solicitations belong to Capitol Region: every non-vendor role reads them
  (open or published ones), its council (alice, sam) runs them; drafts only the council sees;
- demand entries belong to a member: Avon's people (ada, bob) and the council read Avon's;
  only Avon's admins and staff write them; observers (olga) and Bolton (carol) do not;
- vendors (vince, acting for his company) use the vendor pages and operations; consortium
  people are refused there, and vendors are refused on the consortium's pages;
- the public listing, a published solicitation, its public documents and the feed: anyone.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from interlocal.core.files import do_store_file
from interlocal.procurement.actions import vendor_token
from interlocal.procurement.models import (
    Addendum,
    SolicitationDocument,
    Vendor,
    VendorQuestion,
    VendorUser,
)
from tests.isolation.registry import (
    ALL_PEOPLE,
    CAPITOL_NON_VENDOR,
    COUNCIL,
    PUBLIC,
    SCOPED,
    SCOPED_LIST,
    Route,
    Target,
)
from tests.procurement.factories import make_entry, make_round, make_solicitation, make_vendor

ROUND_MARKER = "ISO-MARKER-ROUND"
SOL_MARKER = "ISO-MARKER-SOLICITATION"
ENTRY_MARKER = "ISO-MARKER-AVON-YARD"
VENDOR_MARKER = "ISO-MARKER-VENDOR"
QUESTION_MARKER = "ISO-MARKER-QUESTION"
ADDENDUM_MARKER = "ISO-MARKER-ADDENDUM"
AVON_WRITERS = frozenset({"ada", "bob"})
MEMBER_WRITERS = frozenset({"ada", "bob", "carol"})
COUNCIL_AND_PAT = COUNCIL | {"pat"}  # pat runs MISA Prairies: he may start his own
VINCE = frozenset({"vince"})


def _round(world: Any, **extra: Any) -> Any:
    return make_round(
        world.capitol, title=f"Salt {ROUND_MARKER}", members=(world.avon, world.bolton), **extra
    )


def open_round(world: Any) -> Target:
    round_ = _round(world)
    return Target(kwargs={"pk": round_.pk}, objects=[round_], marker=ROUND_MARKER)


def round_in_list(world: Any) -> Target:
    round_ = _round(world)
    return Target(objects=[round_], marker=ROUND_MARKER)


def round_item(world: Any) -> Target:
    round_ = _round(world)
    item = round_.items.get(line_number=2)
    return Target(kwargs={"pk": round_.pk, "item_pk": item.pk}, objects=[round_, item])


def avon_entry(world: Any) -> Target:
    round_ = _round(world)
    entry = make_entry(round_.items.get(line_number=1), world.avon, delivery_location=ENTRY_MARKER)
    return Target(kwargs={"pk": round_.pk}, objects=[entry], marker=ENTRY_MARKER)


def _sol(world: Any, **extra: Any) -> Any:
    return make_solicitation(world.capitol, title=f"Laptops {SOL_MARKER}", **extra)


def published(world: Any) -> Target:
    sol = _sol(world)
    return Target(kwargs={"pk": sol.pk}, objects=[sol], marker=SOL_MARKER)


def published_in_list(world: Any) -> Target:
    sol = _sol(world)
    return Target(objects=[sol], marker=SOL_MARKER)


def draft(world: Any) -> Target:
    sol = _sol(world, status="draft")
    return Target(kwargs={"pk": sol.pk}, objects=[sol], marker=SOL_MARKER)


def draft_item(world: Any) -> Target:
    sol = _sol(world, status="draft")
    item = sol.items.get()
    return Target(kwargs={"pk": sol.pk, "item_pk": item.pk}, objects=[sol, item])


def draft_criterion(world: Any) -> Target:
    sol = _sol(world, status="draft")
    criterion = sol.criteria.create(name="Price", weight=100, is_price=True)
    return Target(kwargs={"pk": sol.pk, "criterion_pk": criterion.pk}, objects=[sol, criterion])


def _vince_vendor(world: Any) -> Vendor:
    return make_vendor(f"Varga {VENDOR_MARKER}", user=world.vince, consortium=world.capitol)


def vince_vendor(world: Any) -> Target:
    vendor = _vince_vendor(world)
    return Target(objects=[vendor], marker=VENDOR_MARKER)


def vendor_solicitation(world: Any) -> Target:
    _vince_vendor(world)
    return published(world)


def vendor_solicitation_list(world: Any) -> Target:
    _vince_vendor(world)
    return published_in_list(world)


def question(world: Any) -> Target:
    vendor = _vince_vendor(world)
    sol = _sol(world)
    q = VendorQuestion.objects.create(solicitation=sol, vendor=vendor, text=f"May we? {QUESTION_MARKER}")
    return Target(kwargs={"pk": q.pk}, objects=[q], marker=QUESTION_MARKER)


def addendum(world: Any) -> Target:
    _vince_vendor(world)
    sol = _sol(world)
    a = Addendum.objects.create(solicitation=sol, number=1, title="Dates", body=ADDENDUM_MARKER)
    return Target(kwargs={"pk": a.pk}, objects=[a, sol])


def public_document(world: Any) -> Target:
    sol = _sol(world)
    stored = do_store_file(
        SimpleUploadedFile("spec.txt", b"Specification"),
        consortium=world.capitol,
        member=None,
        acting_user=world.sam,
    )
    doc = SolicitationDocument.objects.create(solicitation=sol, title="Specification", file=stored)
    return Target(kwargs={"pk": sol.pk, "doc_pk": doc.pk})


def addendum_document(world: Any) -> Target:
    sol = _sol(world)
    stored = do_store_file(
        SimpleUploadedFile("addendum.txt", b"Changes"),
        consortium=world.capitol,
        member=None,
        acting_user=world.sam,
    )
    a = Addendum.objects.create(solicitation=sol, number=1, title="Dates", body="Moved", document=stored)
    return Target(kwargs={"pk": sol.pk, "addendum_pk": a.pk})


def capitol_vendor_in_list(world: Any) -> Target:
    vendor = make_vendor(f"Acme {VENDOR_MARKER}", consortium=world.capitol)
    return Target(objects=[vendor], marker=VENDOR_MARKER)


def capitol_vendor(world: Any) -> Target:
    vendor = make_vendor(f"Acme {VENDOR_MARKER}", consortium=world.capitol)
    return Target(kwargs={"pk": vendor.pk}, objects=[vendor], marker=VENDOR_MARKER)


def verify_link(world: Any) -> Target:
    vendor = make_vendor("Pending Co", status=Vendor.Status.PENDING)
    user = world.pat.__class__.objects.create_user(email="pending@vendor.example", is_active=False)
    VendorUser.objects.create(vendor=vendor, user=user, role="admin")
    return Target(kwargs={"token": vendor_token("verify", user.pk, vendor.pk)})


def accept_link(world: Any) -> Target:
    vendor = make_vendor("Invited Co")
    user = world.pat.__class__.objects.create_user(email="invited@vendor.example", is_active=False)
    VendorUser.objects.create(vendor=vendor, user=user)
    return Target(kwargs={"token": vendor_token("invite", user.pk, vendor.pk)})


def nothing(world: Any) -> Target:
    return Target()


def capitol_settings(world: Any) -> Target:
    """Capitol Region's procurement settings: outsiders' POSTs must leave them as they are."""
    from interlocal.procurement.models import ProcurementSettings

    row = ProcurementSettings.objects.create(consortium=world.capitol, addendum_notice_days=7)
    return Target(objects=[row])


# --- API builders (kwargs named as the path parameters) -------------------------------------------


def api_round(world: Any) -> Target:
    round_ = _round(world)
    round_.items.filter(line_number=1).update(description=f"Road salt {ROUND_MARKER}")
    return Target(kwargs={"round_id": round_.pk}, objects=[round_], marker=ROUND_MARKER)


def api_round_entries(world: Any) -> Target:
    round_ = _round(world)
    entry = make_entry(round_.items.get(line_number=1), world.avon, delivery_location=ENTRY_MARKER)
    return Target(kwargs={"round_id": round_.pk}, objects=[entry], marker=ENTRY_MARKER)


def api_entry_item(world: Any) -> Target:
    round_ = _round(world)
    item = round_.items.get(line_number=1)
    entry = make_entry(item, world.avon)
    return Target(kwargs={"round_id": round_.pk, "item_id": item.pk}, objects=[entry])


def api_entry(world: Any) -> Target:
    round_ = _round(world)
    entry = make_entry(round_.items.get(line_number=1), world.avon, delivery_location=ENTRY_MARKER)
    return Target(kwargs={"entry_id": entry.pk}, objects=[entry], marker=ENTRY_MARKER)


def api_published(world: Any) -> Target:
    sol = _sol(world)
    return Target(kwargs={"solicitation_id": sol.pk}, objects=[sol], marker=SOL_MARKER)


def api_draft(world: Any) -> Target:
    sol = _sol(world, status="draft")
    return Target(kwargs={"solicitation_id": sol.pk}, objects=[sol], marker=SOL_MARKER)


def api_questions(world: Any) -> Target:
    vendor = _vince_vendor(world)
    sol = _sol(world)
    q = VendorQuestion.objects.create(solicitation=sol, vendor=vendor, text=f"Unanswered {QUESTION_MARKER}")
    return Target(kwargs={"solicitation_id": sol.pk}, objects=[q], marker=QUESTION_MARKER)


def api_question(world: Any) -> Target:
    target = api_questions(world)
    return Target(kwargs={"question_id": target.objects[0].pk}, objects=target.objects)


def api_addenda(world: Any) -> Target:
    _vince_vendor(world)
    sol = _sol(world)
    Addendum.objects.create(solicitation=sol, number=1, title="Dates", body=ADDENDUM_MARKER)
    return Target(kwargs={"solicitation_id": sol.pk}, objects=[sol], marker=ADDENDUM_MARKER)


def api_addendum(world: Any) -> Target:
    _vince_vendor(world)
    sol = _sol(world)
    a = Addendum.objects.create(solicitation=sol, number=1, title="Dates", body=ADDENDUM_MARKER)
    return Target(kwargs={"addendum_id": a.pk}, objects=[a])


def api_vince(world: Any) -> Target:
    return vince_vendor(world)


SOON = (timezone.now() + dt.timedelta(days=30)).isoformat()
LATER = (timezone.now() + dt.timedelta(days=31)).isoformat()
P = "/api/v1/procurement"

ROUTES = [
    # --- demand rounds (pages)
    Route("procurement:rounds", SCOPED_LIST, allowed=CAPITOL_NON_VENDOR, build=round_in_list),
    Route(
        "procurement:round_create",
        SCOPED,
        allowed=COUNCIL_AND_PAT,
        build=nothing,
        methods=("GET", "POST"),
        payload={"title": "Outsider round", "cut_off_at": "2030-01-01T10:00", "currency": "USD"},
    ),
    Route("procurement:round_detail", SCOPED, allowed=CAPITOL_NON_VENDOR, build=open_round),
    Route(
        "procurement:round_edit",
        SCOPED,
        allowed=COUNCIL,
        build=open_round,
        methods=("GET", "POST"),
        payload={"title": "Renamed by an outsider"},
    ),
    Route(
        "procurement:round_item_add",
        SCOPED,
        allowed=COUNCIL,
        build=open_round,
        methods=("POST",),
        payload={"description": "Outsider item", "unit": "ton"},
    ),
    Route("procurement:round_item_delete", SCOPED, allowed=COUNCIL, build=round_item, methods=("POST",)),
    Route(
        "procurement:round_invite",
        SCOPED,
        allowed=COUNCIL,
        build=open_round,
        methods=("GET", "POST"),
        payload={"members": []},
    ),
    Route("procurement:round_open", SCOPED, allowed=COUNCIL, build=open_round, methods=("POST",)),
    Route("procurement:round_close", SCOPED, allowed=COUNCIL, build=open_round, methods=("POST",)),
    Route("procurement:round_join", SCOPED, allowed=MEMBER_WRITERS, build=open_round, methods=("POST",)),
    Route(
        "procurement:round_demand",
        SCOPED,
        allowed=MEMBER_WRITERS,
        build=open_round,
        methods=("GET", "POST"),
        note="each member's admins and staff enter their own member's demand",
    ),
    Route(
        "procurement:round_entries",
        SCOPED_LIST,
        allowed=COUNCIL | AVON_WRITERS,
        build=avon_entry,
        note="Avon's entry: Avon's people and the council; Bolton and the observer see none",
    ),
    Route("procurement:round_summary", SCOPED, allowed=COUNCIL, build=open_round),
    # --- solicitations (staff)
    Route("procurement:solicitations", SCOPED_LIST, allowed=CAPITOL_NON_VENDOR, build=published_in_list),
    Route(
        "procurement:solicitation_create",
        SCOPED,
        allowed=COUNCIL_AND_PAT,
        build=nothing,
        methods=("GET", "POST"),
        payload={"reference_number": "OUT-1", "title": "Outsider"},
    ),
    Route("procurement:solicitation_detail", SCOPED, allowed=CAPITOL_NON_VENDOR, build=published),
    Route(
        "procurement:solicitation_edit",
        SCOPED,
        allowed=COUNCIL,
        build=draft,
        methods=("GET", "POST"),
        payload={"title": "Renamed by an outsider"},
    ),
    Route(
        "procurement:solicitation_item_add",
        SCOPED,
        allowed=COUNCIL,
        build=draft,
        methods=("POST",),
        payload={"description": "Outsider line", "unit": "each", "total_quantity": "1"},
    ),
    Route(
        "procurement:solicitation_item_delete", SCOPED, allowed=COUNCIL, build=draft_item, methods=("POST",)
    ),
    Route(
        "procurement:solicitation_criterion_add",
        SCOPED,
        allowed=COUNCIL,
        build=draft,
        methods=("POST",),
        payload={"name": "Outsider", "weight": "10"},
    ),
    Route(
        "procurement:solicitation_criterion_delete",
        SCOPED,
        allowed=COUNCIL,
        build=draft_criterion,
        methods=("POST",),
    ),
    Route(
        "procurement:solicitation_document_add",
        SCOPED,
        allowed=COUNCIL,
        build=published,
        methods=("POST",),
        payload={"title": "Outsider document"},
    ),
    Route("procurement:solicitation_publish", SCOPED, allowed=COUNCIL, build=draft, methods=("POST",)),
    Route(
        "procurement:solicitation_cancel",
        SCOPED,
        allowed=COUNCIL,
        build=published,
        methods=("POST",),
        payload={"reason": "Cancelled by an outsider"},
    ),
    Route(
        "procurement:addendum_create",
        SCOPED,
        allowed=COUNCIL,
        build=published,
        methods=("GET", "POST"),
        payload={"title": "Outsider", "body": "Outsider addendum"},
    ),
    Route(
        "procurement:settings",
        SCOPED,
        allowed=COUNCIL_AND_PAT,  # each council its own consortium's (the one it acts for)
        build=capitol_settings,
        methods=("GET", "POST"),
        payload={"addendum_notice_days": "1"},
    ),
    Route(
        "procurement:question_answer",
        SCOPED,
        allowed=COUNCIL,
        build=question,
        methods=("GET", "POST"),
        payload={"answer": "Answered by an outsider", "publish": "on"},
    ),
    Route("procurement:vendors", SCOPED_LIST, allowed=COUNCIL, build=capitol_vendor_in_list),
    Route(
        "procurement:vendor_status",
        SCOPED,
        allowed=COUNCIL,
        build=capitol_vendor,
        methods=("GET", "POST"),
        payload={"action": "suspend", "reason": "Suspended by an outsider"},
    ),
    # --- public
    Route("procurement:public_list", PUBLIC, note="published solicitations; nothing about bids"),
    Route("procurement:public_feed", PUBLIC, note="Atom feed of open solicitations"),
    Route("procurement:public_solicitation", PUBLIC, build=published),
    Route("procurement:public_document", PUBLIC, build=public_document),
    Route("procurement:public_addendum_document", PUBLIC, build=addendum_document),
    Route("procurement:vendor_register", PUBLIC, methods=("GET", "POST"), note="vendor self-registration"),
    Route("procurement:vendor_verify", PUBLIC, build=verify_link, methods=("GET", "POST")),
    Route(
        "procurement:vendor_verify_resend",
        PUBLIC,
        methods=("GET", "POST"),
        note="ask for a new verification link; the same answer for every address",
    ),
    Route("procurement:vendor_accept", PUBLIC, build=accept_link, methods=("GET", "POST")),
    # --- vendor pages (vince acts for his company)
    Route("procurement:vendor_dashboard", SCOPED_LIST, allowed=VINCE, build=vendor_solicitation_list),
    Route(
        "procurement:vendor_profile",
        SCOPED,
        allowed=VINCE,
        build=vince_vendor,
        methods=("GET", "POST"),
        payload={"name": "Renamed by an outsider", "country": "US", "email": "x@example.org"},
    ),
    Route(
        "procurement:vendor_users",
        SCOPED,
        allowed=VINCE,
        build=vince_vendor,
        methods=("GET", "POST"),
        payload={"email": "outsider@example.org", "role": "admin"},
    ),
    Route("procurement:vendor_solicitation", SCOPED, allowed=VINCE, build=vendor_solicitation),
    Route("procurement:vendor_follow", SCOPED, allowed=VINCE, build=vendor_solicitation, methods=("POST",)),
    Route(
        "procurement:vendor_ask",
        SCOPED,
        allowed=VINCE,
        build=vendor_solicitation,
        methods=("POST",),
        payload={"text": "An outsider's question"},
    ),
    Route("procurement:vendor_acknowledge", SCOPED, allowed=VINCE, build=addendum, methods=("POST",)),
    # --- API
    Route(f"GET {P}/rounds", SCOPED_LIST, allowed=CAPITOL_NON_VENDOR, build=round_in_list),
    Route(
        f"POST {P}/rounds",
        SCOPED,
        allowed=COUNCIL,
        build=nothing,
        payload={"consortium": 1, "title": "Outsider round", "cut_off_at": SOON},
    ),
    Route(f"GET {P}/rounds/{{round_id}}", SCOPED, allowed=CAPITOL_NON_VENDOR, build=api_round),
    Route(
        f"POST {P}/rounds/{{round_id}}/items",
        SCOPED,
        allowed=COUNCIL,
        build=api_round,
        payload={"description": "Outsider item", "unit": "ton"},
    ),
    Route(f"POST {P}/rounds/{{round_id}}/open", SCOPED, allowed=COUNCIL, build=api_round),
    Route(f"POST {P}/rounds/{{round_id}}/close", SCOPED, allowed=COUNCIL, build=api_round),
    Route(f"GET {P}/rounds/{{round_id}}/demand", SCOPED, allowed=CAPITOL_NON_VENDOR, build=api_round),
    Route(
        f"GET {P}/rounds/{{round_id}}/entries",
        SCOPED_LIST,
        allowed=COUNCIL | AVON_WRITERS,
        build=api_round_entries,
    ),
    Route(
        f"PUT {P}/rounds/{{round_id}}/items/{{item_id}}/entry",
        SCOPED,
        allowed=AVON_WRITERS,
        build=api_entry_item,
        payload={"member": 1, "quantity": "999"},
        note="the payload names a member id the refused person does not write for",
    ),
    Route(f"DELETE {P}/entries/{{entry_id}}", SCOPED, allowed=AVON_WRITERS, build=api_entry),
    Route(f"GET {P}/public/solicitations", PUBLIC, note="published solicitations, no token"),
    Route(f"GET {P}/public/solicitations/{{solicitation_id}}", PUBLIC, build=api_published),
    Route(f"GET {P}/solicitations", SCOPED_LIST, allowed=CAPITOL_NON_VENDOR, build=published_in_list),
    Route(
        f"POST {P}/solicitations",
        SCOPED,
        allowed=COUNCIL,
        build=nothing,
        payload={
            "consortium": 1,
            "reference_number": "OUT-1",
            "title": "Outsider",
            "submission_deadline": SOON,
            "opening_at": LATER,
        },
    ),
    Route(
        f"GET {P}/solicitations/{{solicitation_id}}", SCOPED, allowed=CAPITOL_NON_VENDOR, build=api_published
    ),
    Route(
        f"POST {P}/solicitations/{{solicitation_id}}/items",
        SCOPED,
        allowed=COUNCIL,
        build=api_draft,
        payload={"description": "Outsider", "unit": "each", "total_quantity": "1"},
    ),
    Route(
        f"POST {P}/solicitations/{{solicitation_id}}/criteria",
        SCOPED,
        allowed=COUNCIL,
        build=api_draft,
        payload={"name": "Outsider", "weight": "10"},
    ),
    Route(f"POST {P}/solicitations/{{solicitation_id}}/publish", SCOPED, allowed=COUNCIL, build=api_draft),
    Route(
        f"GET {P}/solicitations/{{solicitation_id}}/questions",
        SCOPED_LIST,
        allowed=COUNCIL | VINCE,
        build=api_questions,
        note="the unanswered question: the staff and the vendor who asked; others read published answers",
        public_parent=True,
    ),
    Route(
        f"POST {P}/solicitations/{{solicitation_id}}/questions",
        SCOPED,
        allowed=VINCE,
        build=api_published,
        payload={"text": "An outsider's question"},
    ),
    Route(
        f"POST {P}/questions/{{question_id}}/answer",
        SCOPED,
        allowed=COUNCIL,
        build=api_question,
        payload={"answer": "Answered by an outsider"},
    ),
    Route(
        f"GET {P}/solicitations/{{solicitation_id}}/addenda",
        SCOPED_LIST,
        allowed=frozenset(ALL_PEOPLE),
        build=api_addenda,
        note="addenda of a published solicitation are public",
    ),
    Route(
        f"GET {P}/solicitations/{{solicitation_id}}/addenda/unacknowledged",
        SCOPED_LIST,
        allowed=VINCE,
        build=api_addenda,
    ),
    Route(
        f"POST {P}/solicitations/{{solicitation_id}}/addenda",
        SCOPED,
        allowed=COUNCIL,
        build=api_published,
        payload={"title": "Outsider", "body": "Outsider addendum"},
    ),
    Route(f"POST {P}/addenda/{{addendum_id}}/acknowledge", SCOPED, allowed=VINCE, build=api_addendum),
    Route(f"GET {P}/vendor", SCOPED, allowed=VINCE, build=api_vince),
]
