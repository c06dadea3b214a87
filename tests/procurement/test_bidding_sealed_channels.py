"""Before the opening no amount and no document of a bid appears anywhere: pages, CSV exports,
search, the API, the audit trail and its exports, error pages, a full data export (dumpdata);
and there is no admin site. After the opening the same channels do show them (so the checks
are not vacuous)."""

from __future__ import annotations

import base64
import io
import json
import re

import pytest
from django.core.management import call_command
from django.urls import NoReverseMatch, reverse

from interlocal.audit.models import AuditEvent
from interlocal.procurement.actions import DocumentUpload, do_open_bids, do_submit_bid
from interlocal.procurement.models import BidLine
from tests.api.helpers import make_token
from tests.procurement.factories import OPENING, make_joint_purchase, make_vendor

PRICE = "98765.43"
SECRETS = ("98765", "SEALED-DOC-CONTENT", "SEALED-NAME")


def _found(secret: str, text: str) -> bool:
    """Whether `secret` appears in `text` as itself: the price's digits standing alone (98765,
    98,765), not inside a hex digest or a base64 blob, where any five digits turn up by chance."""
    if not secret.isdigit():
        return secret in text
    digits = rf"{secret[:-3]},?{secret[-3:]}"
    return re.search(rf"(?<![0-9A-Za-z+/]){digits}(?![0-9A-Za-z+/])", text) is not None


@pytest.fixture
def sealed(world, clock):
    jp = make_joint_purchase(world)
    make_vendor("Acme Salt Co", world.vince, world.capitol)
    bid, _ = do_submit_bid(
        jp.solicitation,
        acting_user=world.vince,
        idempotency_key="sealed",
        prices={jp.items[0].pk: PRICE, jp.items[1].pk: "1.00"},
        documents=[DocumentUpload("SEALED-NAME.txt", b"SEALED-DOC-CONTENT of the bid", "technical")],
    )
    return clock, jp, bid


def _pages(jp, bid, world):
    sol = jp.solicitation.pk
    doc = bid.documents.get().pk
    return [
        ("alice", reverse("procurement:bids", args=[sol])),
        ("alice", reverse("procurement:bid_detail", args=[bid.pk])),
        ("vince", reverse("procurement:bid_detail", args=[bid.pk])),
        ("vince", reverse("procurement:bid_submit", args=[sol])),
        ("vince", reverse("procurement:vendor_bids")),
        ("vince", reverse("procurement:vendor_bids") + "?format=csv"),
        ("vince", reverse("procurement:vendor_bids") + f"?q={PRICE}"),
        ("bob", reverse("procurement:tabulation", args=[sol])),
        ("bob", reverse("procurement:tabulation", args=[sol]) + "?format=csv"),
        ("alice", reverse("procurement:solicitation_detail", args=[sol])),
        ("alice", reverse("procurement:contracts")),
        ("alice", reverse("procurement:savings")),
        ("alice", reverse("audit:event_list")),
        ("alice", reverse("audit:event_export")),
        (
            "alice",
            reverse(
                "audit:event_detail", args=[AuditEvent.objects.get(action="procurement.bid.submitted").pk]
            ),
        ),
        ("alice", reverse("procurement:bid_document", args=[doc])),  # 403 page
        ("vince", reverse("procurement:bid_document", args=[doc])),  # 403 page, even for its vendor
        ("alice", reverse("procurement:bid_detail", args=[bid.pk + 999])),  # 404 page
        (None, reverse("procurement:public_solicitation", args=[sol])),
    ]


def _api_paths(jp, bid):
    sol = jp.solicitation.pk
    return [
        ("alice", f"/api/v1/procurement/solicitations/{sol}/bids"),
        ("vince", f"/api/v1/procurement/solicitations/{sol}/bids"),
        ("alice", f"/api/v1/procurement/bids/{bid.pk}"),
        ("vince", f"/api/v1/procurement/bids/{bid.pk}"),
        ("alice", f"/api/v1/procurement/solicitations/{sol}/tabulation"),
        ("alice", "/api/v1/audit/events?limit=100"),
    ]


def _body(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


def _collect(jp, bid, world, client_for, client) -> dict[str, str]:
    seen: dict[str, str] = {}
    for person, url in _pages(jp, bid, world):
        response = client_for(person).get(url)
        assert response.status_code < 500, url
        body = _body(response)
        if f"q={PRICE}" in url:
            # A search for the price finds nothing (the bid is not listed); the page echoes the
            # query itself in the search box and links, which is not a leak.
            assert bid.receipt not in body, f"the search for the price found the bid: {url}"
            body = body.replace(PRICE, "<query>")
        seen[f"{person} {url} ({response.status_code})"] = body
    for person, path in _api_paths(jp, bid):
        token = make_token(getattr(world, person))
        response = client.get(path, HTTP_AUTHORIZATION=f"Bearer {token}")
        assert response.status_code < 500, path
        seen[f"{person} API {path} ({response.status_code})"] = _body(response)
    return seen


def test_nothing_sealed_appears_anywhere_before_the_opening(sealed, world, client_for, client):
    _clock, jp, bid = sealed
    assert not BidLine.objects.exists()
    for where, body in _collect(jp, bid, world, client_for, client).items():
        for secret in SECRETS:
            assert not _found(secret, body), f"{secret!r} leaked through {where}"
    events = json.dumps([[e.action, e.before, e.after, e.object_repr] for e in AuditEvent.objects.all()])
    for secret in SECRETS:
        assert not _found(secret, events)
    dump = io.StringIO()
    call_command("dumpdata", "procurement", "audit", stdout=dump)
    for secret in SECRETS:
        assert not _found(secret, dump.getvalue())
        # Not even base64 of the plain text: the blobs are ciphertext.
        assert base64.b64encode(secret.encode()).decode()[:8] not in dump.getvalue()


def test_there_is_no_admin_site(client_for):
    with pytest.raises(NoReverseMatch):
        reverse("admin:index")
    assert client_for("alice").get("/admin/").status_code == 404


def test_after_the_opening_the_same_channels_show_the_bid(sealed, world, client_for, client):
    clock, jp, bid = sealed
    clock.set(OPENING)
    do_open_bids(jp.solicitation, acting_user=world.alice, witness=world.sam)
    bid.refresh_from_db()
    seen = _collect(jp, bid, world, client_for, client)
    assert any("98,765.43" in body or "98765.43" in body for body in seen.values())
    doc_page = next(body for where, body in seen.items() if "documents" in where and "alice" in where)
    assert "SEALED-DOC-CONTENT" in doc_page
