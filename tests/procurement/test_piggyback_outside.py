"""Piggybacking by public bodies outside the consortium: the council offers a master contract,
an outside body's staff browse, see items and prices (never other members' quantities or
previous prices), join, and see their own contract; the council sees who uses the master.

Cast besides tests/conftest.py: dave, member staff of the City of Airdrie (a participant of MISA
Prairies, not of Capitol Region), and olive, an observer of Airdrie.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from interlocal.audit.models import AuditEvent
from interlocal.procurement.actions import (
    do_piggyback,
    do_set_contract_openness,
)
from interlocal.procurement.models import Contract, ContractLine
from interlocal.procurement.queries import (
    contract_lines_with_savings,
    cooperative_contracts,
    members_who_may_join,
)
from interlocal.tenancy.models import Membership
from tests.api.helpers import make_token
from tests.clock import Clock
from tests.procurement.factories import make_awarded_purchase

TITLE = "Road salt OUTSIDE-MARKER"


@pytest.fixture
def scene(world: Any, clock: Clock, django_user_model: Any) -> Any:
    """An awarded joint purchase (Avon and Bolton) with its master contract, and Airdrie's people."""
    jp, _vendor, master = make_awarded_purchase(world, clock, title=TITLE)
    dave = django_user_model.objects.create_user(email="dave@airdrie.example", password="x", full_name="Dave")
    olive = django_user_model.objects.create_user(
        email="olive@airdrie.example", password="x", full_name="Olive"
    )
    Membership.objects.create(user=dave, consortium=world.prairies, member=world.airdrie, role="member_staff")
    Membership.objects.create(user=olive, consortium=world.prairies, member=world.airdrie, role="observer")
    world.dave, world.olive = dave, olive
    return jp, master


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _api(user: Any) -> Client:
    return Client(headers={"Authorization": f"Bearer {make_token(user)}"})


def _join(jp: Any, master: Contract, user: Any, member: Any) -> Contract:
    return do_piggyback(
        master,
        member=member,
        acting_user=user,
        quantities={jp.items[0].pk: "40"},
        previous_prices={jp.items[0].pk: "77.77"},
    )


def _refusals(reason: str) -> list[AuditEvent]:
    return [
        e
        for e in AuditEvent.objects.filter(action="procurement.contract.piggyback_refused")
        if (e.after or {}).get("reason") == reason
    ]


def test_a_closed_master_is_invisible_to_an_outside_body_and_refused(scene: Any, world: Any) -> None:
    jp, master = scene
    dave = _client(world.dave)
    assert dave.get(reverse("procurement:contract_detail", args=[master.pk])).status_code == 404
    assert dave.get(reverse("procurement:contract_join", args=[master.pk])).status_code == 404
    listing = dave.get(reverse("procurement:cooperative_contracts"))
    assert listing.status_code == 200 and TITLE not in listing.content.decode()
    assert members_who_may_join(world.dave, master) == []
    with pytest.raises(PermissionDenied):
        _join(jp, master, world.dave, world.airdrie)
    refused = _refusals("closed_to_other_public_bodies")
    assert len(refused) == 1 and refused[0].after["member_id"] == world.airdrie.pk
    # Acting for a member one does not work for is refused too, whatever the flag.
    do_set_contract_openness(master, allow=True, acting_user=world.sam)
    with pytest.raises(PermissionDenied):
        _join(jp, master, world.dave, world.canton)
    assert _refusals("not_member_writer")
    assert not Contract.objects.filter(member=world.airdrie).exists()
    answer = _api(world.dave).post(
        f"/api/v1/procurement/contracts/{master.pk}/join",
        {"member_id": world.canton.pk, "quantities": {str(jp.items[0].pk): "1"}},
        content_type="application/json",
    )
    assert answer.status_code == 403


def test_the_council_opens_and_closes_a_master_audited(scene: Any, world: Any) -> None:
    _jp, master = scene
    url = reverse("procurement:contract_openness", args=[master.pk])
    page = _client(world.sam).get(reverse("procurement:contract_detail", args=[master.pk]))
    assert url in page.content.decode()  # the council has the form
    assert (
        url
        not in _client(world.bob)
        .get(reverse("procurement:contract_detail", args=[master.pk]))
        .content.decode()
    )
    assert _client(world.bob).post(url, {"allow_other_public_bodies": "on"}).status_code == 404
    master.refresh_from_db()
    assert not master.allow_other_public_bodies
    answer = _client(world.sam).post(url, {"allow_other_public_bodies": "on"})
    assert answer.status_code == 302
    master.refresh_from_db()
    assert master.allow_other_public_bodies
    event = AuditEvent.objects.filter(action="procurement.contract.openness_changed").get()
    assert event.before == {"allow_other_public_bodies": False}
    assert event.after == {"allow_other_public_bodies": True}
    _client(world.alice).post(url, {})
    master.refresh_from_db()
    assert not master.allow_other_public_bodies
    assert AuditEvent.objects.filter(action="procurement.contract.openness_changed").count() == 2


def test_only_a_master_is_offered(scene: Any, world: Any) -> None:
    _jp, master = scene
    avon = master.member_contracts.get(member=world.avon)
    with pytest.raises(ValidationError):
        do_set_contract_openness(avon, allow=True, acting_user=world.ada)
    with pytest.raises(IntegrityError), transaction.atomic():
        Contract.objects.filter(pk=avon.pk).update(allow_other_public_bodies=True)


def test_an_outside_body_browses_sees_prices_joins_and_sees_its_own_contract(scene: Any, world: Any) -> None:
    jp, master = scene
    do_set_contract_openness(master, allow=True, acting_user=world.sam)
    dave = _client(world.dave)
    listing = dave.get(reverse("procurement:cooperative_contracts"), {"q": "OUTSIDE-MARKER"})
    body = listing.content.decode()
    assert listing.status_code == 200 and TITLE in body and "Capitol Region" in body
    assert (
        TITLE
        not in dave.get(
            reverse("procurement:cooperative_contracts"), {"q": "nothing-like-it"}
        ).content.decode()
    )
    assert (
        TITLE not in dave.get(reverse("procurement:cooperative_contracts"), {"offered": "0"}).content.decode()
    )

    detail = dave.get(reverse("procurement:contract_detail", args=[master.pk]))
    body = detail.content.decode()
    assert detail.status_code == 200 and "Road salt, bulk" in body and "60.00" in body
    # Who buys under it, and the members' previous prices, stay inside the consortium.
    assert "Avon" not in body and "Bolton" not in body and "80.00" not in body
    assert reverse("procurement:contract_join", args=[master.pk]) in body
    avon = master.member_contracts.get(member=world.avon)
    assert dave.get(reverse("procurement:contract_detail", args=[avon.pk])).status_code == 404

    form = dave.get(reverse("procurement:contract_join", args=[master.pk]))
    assert form.status_code == 200 and "City of Airdrie" in form.content.decode()
    answer = dave.post(
        reverse("procurement:contract_join", args=[master.pk]),
        {"member": str(world.airdrie.pk), f"qty_{jp.items[0].pk}": "40", f"prev_{jp.items[0].pk}": "77.77"},
    )
    own = Contract.objects.get(member=world.airdrie)
    assert answer.status_code == 302 and answer["Location"] == reverse(
        "procurement:contract_detail", args=[own.pk]
    )
    assert own.kind == Contract.Kind.PIGGYBACK and own.consortium_id == world.capitol.pk
    event = AuditEvent.objects.get(action="procurement.contract.piggyback_created", object_id=str(own.pk))
    assert event.after["outside_public_body"] is True and "77.77" not in str(event.after)

    mine = dave.get(reverse("procurement:contract_detail", args=[own.pk])).content.decode()
    assert "77.77" in mine and "City of Airdrie" in mine
    again = dave.get(reverse("procurement:contract_detail", args=[master.pk])).content.decode()
    assert "City of Airdrie" in again and "Avon" not in again
    assert members_who_may_join(world.dave, master) == []  # already buys under it

    # The council sees every user of the master, the outside body marked as such.
    council = (
        _client(world.sam).get(reverse("procurement:contract_detail", args=[master.pk])).content.decode()
    )
    assert "City of Airdrie" in council and "Outside the consortium" in council and "Avon" in council
    # Members of the consortium see who uses it too, but never Airdrie's previous price.
    assert (
        "77.77"
        not in _client(world.bob)
        .get(reverse("procurement:contract_detail", args=[master.pk]))
        .content.decode()
    )
    assert _client(world.bob).get(reverse("procurement:contract_detail", args=[own.pk])).status_code == 404
    assert not contract_lines_with_savings(world.bob, world.capitol).filter(contract=own).exists()
    assert contract_lines_with_savings(world.sam, world.capitol).filter(contract=own).exists()

    # Closing the master keeps Airdrie's contract (and its page) but hides the master again.
    do_set_contract_openness(master, allow=False, acting_user=world.sam)
    assert dave.get(reverse("procurement:contract_detail", args=[master.pk])).status_code == 404
    mine = dave.get(reverse("procurement:contract_detail", args=[own.pk]))
    assert mine.status_code == 200
    assert reverse("procurement:contract_detail", args=[master.pk]) not in mine.content.decode()


def test_observers_and_other_consortium_admins_get_no_offer(scene: Any, world: Any) -> None:
    jp, master = scene
    do_set_contract_openness(master, allow=True, acting_user=world.sam)
    for user in (world.olive, world.pat):  # they do not act for a public body
        assert not cooperative_contracts(user).exists()
        client = _client(user)
        assert client.get(reverse("procurement:contract_detail", args=[master.pk])).status_code == 404
        assert TITLE not in client.get(reverse("procurement:cooperative_contracts")).content.decode()
    with pytest.raises(PermissionDenied):
        _join(jp, master, world.olive, world.airdrie)
    assert _client(world.vince).get(reverse("procurement:cooperative_contracts")).status_code == 403
    # Members of the consortium see all its active masters, open or not.
    assert list(cooperative_contracts(world.carol)) == [master]


def test_the_api_offers_joins_and_lists_users(scene: Any, world: Any) -> None:
    jp, master = scene
    dave = _api(world.dave)
    assert dave.get(f"/api/v1/procurement/contracts/{master.pk}").status_code == 404
    assert dave.get("/api/v1/procurement/cooperative-contracts").json()["count"] == 0
    assert (
        _api(world.bob)
        .post(
            f"/api/v1/procurement/contracts/{master.pk}/openness",
            {"allow_other_public_bodies": True},
            content_type="application/json",
        )
        .status_code
        == 404
    )
    opened = _api(world.sam).post(
        f"/api/v1/procurement/contracts/{master.pk}/openness",
        {"allow_other_public_bodies": True},
        content_type="application/json",
    )
    assert opened.status_code == 200 and opened.json()["allow_other_public_bodies"] is True

    page = dave.get(
        "/api/v1/procurement/cooperative-contracts", {"open_to_other_public_bodies": "true"}
    ).json()
    assert page["count"] == 1
    row = page["items"][0]
    assert row["id"] == master.pk and row["own_consortium"] is False
    assert row["consortium_name"].startswith("Capitol Region")
    assert [line["unit_price"] for line in row["lines"]] == ["60.0000", "0.2000"]
    assert dave.get("/api/v1/procurement/cooperative-contracts", {"q": "zzz"}).json()["count"] == 0

    joined = dave.post(
        f"/api/v1/procurement/contracts/{master.pk}/join",
        {
            "member_id": world.airdrie.pk,
            "quantities": {str(jp.items[0].pk): "40"},
            "previous_prices": {str(jp.items[0].pk): "70"},
        },
        content_type="application/json",
    )
    assert joined.status_code == 201, joined.content
    own_id = joined.json()["id"]
    assert dave.get(f"/api/v1/procurement/contracts/{own_id}").json()["member_name"] == "City of Airdrie"
    assert dave.get("/api/v1/procurement/contracts").json()["count"] == 2  # the master and its own

    mine = dave.get(f"/api/v1/procurement/contracts/{master.pk}/users").json()["items"]
    assert [u["member_name"] for u in mine] == ["City of Airdrie"]
    users = _api(world.sam).get(f"/api/v1/procurement/contracts/{master.pk}/users").json()["items"]
    assert {u["member_name"]: u["outside_public_body"] for u in users} == {
        "Avon": False,
        "Bolton": False,
        "City of Airdrie": True,
    }
    assert ContractLine.objects.get(contract_id=own_id).previous_unit_price == 70


def test_documents_on_an_outside_body_contract_are_the_body_s_to_read(scene: Any, world: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from interlocal.procurement.actions import do_add_contract_document

    jp, master = scene
    do_set_contract_openness(master, allow=True, acting_user=world.sam)
    master.refresh_from_db()
    own = _join(jp, master, world.dave, world.airdrie)
    doc = do_add_contract_document(
        own,
        uploaded=SimpleUploadedFile(
            "signed.pdf", b"%PDF-1.4 signed by Airdrie", content_type="application/pdf"
        ),
        title="Signed joinder",
        acting_user=world.sam,
    )
    assert doc.file.member_id == world.airdrie.pk and doc.file.consortium_id == world.capitol.pk
    url = reverse("file_download", args=[doc.file.pk])
    answer = _client(world.dave).get(url)
    assert answer.status_code == 200 and b"".join(answer.streaming_content).startswith(b"%PDF")
    assert _client(world.sam).get(url).status_code == 200  # the council that filed it
    assert _client(world.bob).get(url).status_code == 404  # Avon's staff: not theirs
