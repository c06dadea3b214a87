"""Bidding pages and API: bids are seen by the consortium's council and by their own vendor
(vince, for Acme); tabulations by the consortium's non-vendors once opened; master contracts by
everyone in the consortium (and the vendor holding them); a member's contract by that member, the
council and its vendor.

The harness runs on the real clock; the builders make a solicitation whose deadline is ahead
(2027), submit through do_submit_bid, and for opened states move the deadline and opening into
the past and open through do_open_bids.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from interlocal.procurement.actions import DocumentUpload, do_award, do_open_bids, do_submit_bid
from interlocal.procurement.models import Bid, Contract, Solicitation
from interlocal.tenancy.models import Member
from tests.isolation.registry import CAPITOL, CAPITOL_NON_VENDOR, COUNCIL, SCOPED, SCOPED_LIST, Route, Target
from tests.procurement.factories import make_joint_purchase, make_vendor

VENDOR_MARKER = "ISO-MARKER-ACME"
TITLE_MARKER = "ISO-MARKER-SALT"
DOC_MARKER = "ISO-MARKER-BID-DOCUMENT"
MEMBER_CONTRACT = COUNCIL | {"ada", "bob", "vince"}
AVON_WRITERS_ANYWHERE = frozenset({"ada", "bob", "carol"})  # member writers of Capitol's members


def _sealed(world: Any) -> tuple[Any, Bid]:
    jp = make_joint_purchase(world, title=f"Road salt {TITLE_MARKER}", reference="ISO-IFB-1")
    make_vendor(f"Acme {VENDOR_MARKER}", world.vince, world.capitol)
    bid, _ = do_submit_bid(
        jp.solicitation,
        acting_user=world.vince,
        idempotency_key="iso",
        prices={jp.items[0].pk: "61.50", jp.items[1].pk: "0.30"},
        documents=[DocumentUpload("terms.txt", f"Terms {DOC_MARKER}".encode(), "technical")],
    )
    return jp, bid


def _opened(world: Any) -> tuple[Any, Bid]:
    jp, bid = _sealed(world)
    past = timezone.now() - dt.timedelta(hours=1)
    Solicitation.objects.filter(pk=jp.solicitation.pk).update(
        submission_deadline=past - dt.timedelta(hours=1), opening_at=past
    )
    jp.solicitation.refresh_from_db()
    do_open_bids(jp.solicitation, acting_user=world.alice, witness=world.sam)
    bid.refresh_from_db()
    jp.solicitation.refresh_from_db()
    return jp, bid


def _awarded(world: Any) -> tuple[Any, Contract]:
    jp, _bid = _opened(world)
    today = timezone.localdate()
    do_award(
        jp.solicitation, acting_user=world.alice, start_date=today, end_date=today + dt.timedelta(days=365)
    )
    return jp, Contract.objects.get(solicitation=jp.solicitation, kind=Contract.Kind.MASTER)


def sealed_bid(world: Any) -> Target:
    _jp, bid = _sealed(world)
    return Target(kwargs={"pk": bid.pk}, objects=[bid], marker=VENDOR_MARKER)


def sealed_bid_api(world: Any) -> Target:
    _jp, bid = _sealed(world)
    return Target(kwargs={"bid_id": bid.pk}, objects=[bid], marker=VENDOR_MARKER)


def sealed_solicitation(world: Any) -> Target:
    jp, bid = _sealed(world)
    return Target(kwargs={"pk": jp.solicitation.pk}, objects=[jp.solicitation, bid], marker=VENDOR_MARKER)


def sealed_solicitation_api(world: Any) -> Target:
    jp, bid = _sealed(world)
    return Target(
        kwargs={"solicitation_id": jp.solicitation.pk}, objects=[jp.solicitation, bid], marker=VENDOR_MARKER
    )


def bid_form(world: Any) -> Target:
    jp, bid = _sealed(world)
    return Target(kwargs={"pk": jp.solicitation.pk}, objects=[jp.solicitation, bid], marker=TITLE_MARKER)


def vendor_bid_list(world: Any) -> Target:
    _jp, bid = _sealed(world)
    return Target(objects=[bid], marker=TITLE_MARKER)


def opened_bid(world: Any) -> Target:
    _jp, bid = _opened(world)
    return Target(kwargs={"pk": bid.pk}, objects=[bid], marker=VENDOR_MARKER)


def opened_bid_api(world: Any) -> Target:
    _jp, bid = _opened(world)
    return Target(kwargs={"bid_id": bid.pk}, objects=[bid], marker=VENDOR_MARKER)


def opened_document(world: Any) -> Target:
    _jp, bid = _opened(world)
    doc = bid.documents.get()
    return Target(kwargs={"pk": doc.pk}, objects=[doc], marker=DOC_MARKER)


def opened_solicitation(world: Any) -> Target:
    jp, bid = _opened(world)
    return Target(kwargs={"pk": jp.solicitation.pk}, objects=[jp.solicitation, bid], marker=VENDOR_MARKER)


def opened_solicitation_api(world: Any) -> Target:
    jp, bid = _opened(world)
    return Target(
        kwargs={"solicitation_id": jp.solicitation.pk}, objects=[jp.solicitation, bid], marker=VENDOR_MARKER
    )


def master_list(world: Any) -> Target:
    _jp, master = _awarded(world)
    return Target(objects=[master], marker=TITLE_MARKER)


def vendor_award_list(world: Any) -> Target:
    """Acme's award (its lines and contracts carry the solicitation's title)."""
    _jp, master = _awarded(world)
    return Target(objects=[master], marker=TITLE_MARKER)


def master(world: Any) -> Target:
    _jp, master = _awarded(world)
    return Target(kwargs={"pk": master.pk}, objects=[master], marker=TITLE_MARKER)


def master_reference(world: Any) -> Target:
    """Pages that show the reference, not the title."""
    _jp, master = _awarded(world)
    Contract.objects.filter(pk=master.pk).update(reference=f"ISO-REF-{master.pk}-MARK")
    master.refresh_from_db()
    return Target(kwargs={"pk": master.pk}, objects=[master], marker=master.reference)


def master_api(world: Any) -> Target:
    _jp, master = _awarded(world)
    return Target(kwargs={"contract_id": master.pk}, objects=[master], marker=TITLE_MARKER)


def open_master_list(world: Any) -> Target:
    """A master offered to other public bodies: still nobody outside Capitol Region who does not
    act for a public body (pat, a consortium admin elsewhere) may see it."""
    _jp, master = _awarded(world)
    Contract.objects.filter(pk=master.pk).update(allow_other_public_bodies=True)
    return Target(objects=[master], marker=TITLE_MARKER)


def master_users_api(world: Any) -> Target:
    """Who buys under a master (Avon, renamed to carry the marker, and Bolton)."""
    _jp, master = _awarded(world)
    Member.objects.filter(pk=world.avon.pk).update(name="Avon ISO-MARKER-USERS")
    return Target(kwargs={"contract_id": master.pk}, objects=[master], marker="ISO-MARKER-USERS")


def joinable_master(world: Any) -> Target:
    """A master nobody buys under yet: Avon's and Bolton's writers may join it."""
    _jp, master = _awarded(world)
    master.member_contracts.update(status=Contract.Status.TERMINATED)
    return Target(kwargs={"pk": master.pk}, objects=[master], marker=TITLE_MARKER)


def joinable_master_api(world: Any) -> Target:
    target = joinable_master(world)
    return Target(kwargs={"contract_id": target.kwargs["pk"]}, objects=target.objects, marker=TITLE_MARKER)


def avon_contract(world: Any) -> Target:
    _jp, master = _awarded(world)
    avon = master.member_contracts.get(member=world.avon)
    return Target(kwargs={"pk": avon.pk}, objects=[avon], marker=TITLE_MARKER)


def avon_contract_api(world: Any) -> Target:
    _jp, master = _awarded(world)
    avon = master.member_contracts.get(member=world.avon)
    return Target(kwargs={"contract_id": avon.pk}, objects=[avon], marker=TITLE_MARKER)


def savings_page(world: Any) -> Target:
    jp, master = _awarded(world)
    return Target(objects=[master], marker="ISO-IFB-1")


def savings_api(world: Any) -> Target:
    _jp, master = _awarded(world)
    return Target(kwargs={"consortium_id": world.capitol.pk}, objects=[master], marker="ISO-IFB-1")


def _bid_payload() -> dict[str, Any]:
    return {"idempotency_key": "outsider", "prices": {"1": "1.00"}}


_TODAY = dt.date(2027, 4, 1).isoformat()
_AWARD = {"start_date": _TODAY, "end_date": "2028-03-31", "renewals_allowed": "0", "notes": "outsider"}
_AMEND = {
    "kind": "amendment",
    "description": "Changed by an outsider",
    "effective_date": _TODAY,
    "value_change": "5",
}

ROUTES = [
    # vendors
    Route(
        "procurement:bid_submit",
        SCOPED,
        allowed=frozenset({"vince"}),
        build=bid_form,
        methods=("GET", "POST"),
        payload={"idempotency_key": "outsider", "price_1": "1.00", "document_kind": "other"},
    ),
    Route("procurement:vendor_bids", SCOPED_LIST, allowed=frozenset({"vince"}), build=vendor_bid_list),
    Route("procurement:vendor_awards", SCOPED_LIST, allowed=frozenset({"vince"}), build=vendor_award_list),
    Route("procurement:vendor_contracts", SCOPED_LIST, allowed=frozenset({"vince"}), build=vendor_award_list),
    Route("procurement:bid_detail", SCOPED, allowed=COUNCIL | {"vince"}, build=sealed_bid),
    Route(
        "procurement:bid_withdraw", SCOPED, allowed=frozenset({"vince"}), build=sealed_bid, methods=("POST",)
    ),
    Route("procurement:bid_document", SCOPED, allowed=COUNCIL | {"vince"}, build=opened_document),
    # council
    Route("procurement:bids", SCOPED, allowed=COUNCIL, build=sealed_solicitation),
    Route("procurement:bids_open", SCOPED, allowed=COUNCIL, build=sealed_solicitation, methods=("POST",)),
    Route("procurement:tabulation", SCOPED, allowed=CAPITOL_NON_VENDOR, build=opened_solicitation),
    Route(
        "procurement:award",
        SCOPED,
        allowed=COUNCIL,
        build=opened_solicitation,
        methods=("GET", "POST"),
        payload=_AWARD,
    ),
    Route(
        "procurement:bid_responsiveness",
        SCOPED,
        allowed=COUNCIL,
        build=opened_bid,
        methods=("POST",),
        payload={"responsive": "0", "reason": "outsider"},
    ),
    Route(
        "procurement:bid_score",
        SCOPED,
        allowed=COUNCIL,
        build=opened_bid,
        methods=("POST",),
        payload={"criterion": "1", "score": "5"},
    ),
    # contracts and savings
    Route("procurement:contracts", SCOPED_LIST, allowed=CAPITOL, build=master_list),
    Route("procurement:contract_detail", SCOPED, allowed=MEMBER_CONTRACT, build=avon_contract),
    Route(
        "procurement:cooperative_contracts", SCOPED_LIST, allowed=CAPITOL_NON_VENDOR, build=open_master_list
    ),
    Route(
        "procurement:contract_openness",
        SCOPED,
        allowed=COUNCIL,
        build=master,
        methods=("POST",),
        payload={"allow_other_public_bodies": "on"},
    ),
    Route(
        "procurement:contract_join",
        SCOPED,
        allowed=AVON_WRITERS_ANYWHERE,
        build=joinable_master,
        methods=("GET", "POST"),
        payload={"member": "1", "qty_1": "5"},
    ),
    Route(
        "procurement:contract_amend",
        SCOPED,
        allowed=COUNCIL,
        build=master_reference,
        methods=("GET", "POST"),
        payload=_AMEND,
    ),
    Route(
        "procurement:contract_document_add",
        SCOPED,
        allowed=COUNCIL,
        build=master,
        methods=("POST",),
        payload={"title": "x"},
    ),
    Route("procurement:savings", SCOPED_LIST, allowed=CAPITOL_NON_VENDOR, build=savings_page),
    # API
    Route(
        "GET /api/v1/procurement/vendor/bids",
        SCOPED_LIST,
        allowed=frozenset({"vince"}),
        build=vendor_bid_list,
    ),
    Route(
        "GET /api/v1/procurement/vendor/awards",
        SCOPED_LIST,
        allowed=frozenset({"vince"}),
        build=vendor_award_list,
    ),
    Route(
        "GET /api/v1/procurement/vendor/contracts",
        SCOPED_LIST,
        allowed=frozenset({"vince"}),
        build=vendor_award_list,
    ),
    Route(
        "GET /api/v1/procurement/solicitations/{solicitation_id}/bids",
        SCOPED_LIST,
        allowed=COUNCIL | {"vince"},
        build=sealed_solicitation_api,
    ),
    Route(
        "POST /api/v1/procurement/solicitations/{solicitation_id}/bids",
        SCOPED,
        allowed=frozenset({"vince"}),
        build=sealed_solicitation_api,
        methods=("POST",),
        payload=_bid_payload(),
    ),
    Route("GET /api/v1/procurement/bids/{bid_id}", SCOPED, allowed=COUNCIL | {"vince"}, build=sealed_bid_api),
    Route(
        "POST /api/v1/procurement/bids/{bid_id}/withdraw",
        SCOPED,
        allowed=frozenset({"vince"}),
        build=sealed_bid_api,
        methods=("POST",),
    ),
    Route(
        "POST /api/v1/procurement/solicitations/{solicitation_id}/open",
        SCOPED,
        allowed=COUNCIL,
        build=sealed_solicitation_api,
        methods=("POST",),
        payload={"witness_email": "sam@capitol.example"},
    ),
    Route(
        "GET /api/v1/procurement/solicitations/{solicitation_id}/tabulation",
        SCOPED,
        allowed=CAPITOL_NON_VENDOR,
        build=opened_solicitation_api,
    ),
    Route(
        "POST /api/v1/procurement/bids/{bid_id}/responsiveness",
        SCOPED,
        allowed=COUNCIL,
        build=opened_bid_api,
        methods=("POST",),
        payload={"responsive": False, "reason": "outsider"},
    ),
    Route(
        "POST /api/v1/procurement/bids/{bid_id}/scores",
        SCOPED,
        allowed=COUNCIL,
        build=opened_bid_api,
        methods=("POST",),
        payload={"criterion_id": 1, "score": "5"},
    ),
    Route(
        "POST /api/v1/procurement/solicitations/{solicitation_id}/award",
        SCOPED,
        allowed=COUNCIL,
        build=opened_solicitation_api,
        methods=("POST",),
        payload={"start_date": _TODAY, "end_date": "2028-03-31"},
    ),
    Route("GET /api/v1/procurement/contracts", SCOPED_LIST, allowed=CAPITOL, build=master_list),
    Route(
        "GET /api/v1/procurement/contracts/{contract_id}",
        SCOPED,
        allowed=MEMBER_CONTRACT,
        build=avon_contract_api,
    ),
    Route(
        "GET /api/v1/procurement/cooperative-contracts",
        SCOPED_LIST,
        allowed=CAPITOL_NON_VENDOR,
        build=open_master_list,
    ),
    Route(
        "GET /api/v1/procurement/contracts/{contract_id}/users",
        SCOPED,
        allowed=CAPITOL,
        build=master_users_api,
    ),
    Route(
        "POST /api/v1/procurement/contracts/{contract_id}/openness",
        SCOPED,
        allowed=COUNCIL,
        build=master_api,
        methods=("POST",),
        payload={"allow_other_public_bodies": True},
    ),
    Route(
        "POST /api/v1/procurement/contracts/{contract_id}/join",
        SCOPED,
        allowed=AVON_WRITERS_ANYWHERE,
        build=joinable_master_api,
        methods=("POST",),
        payload={"member_id": 1, "quantities": {"1": "5"}},
    ),
    Route(
        "POST /api/v1/procurement/contracts/{contract_id}/amendments",
        SCOPED,
        allowed=COUNCIL,
        build=master_api,
        methods=("POST",),
        payload={"kind": "amendment", "description": "Changed by an outsider", "effective_date": _TODAY},
    ),
    Route(
        "GET /api/v1/procurement/consortia/{consortium_id}/savings",
        SCOPED,
        allowed=CAPITOL_NON_VENDOR,
        build=savings_api,
    ),
]
