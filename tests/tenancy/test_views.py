"""Tenancy pages: happy paths, read-only people get 403 on edits, other members/consortia get 404."""

from __future__ import annotations

import pytest
from django.urls import reverse

from interlocal.audit.models import AuditEvent
from interlocal.tenancy.context import SESSION_CONSORTIUM, SESSION_MEMBER
from interlocal.tenancy.models import Member, Membership
from tests.factories import ConsortiumMemberFactory, MemberFactory, MembershipFactory, UserFactory


def names_in(response) -> list[str]:
    return [row["object"].name for row in response.context["table"].rows]


# --- Consortium overview ------------------------------------------------------------------------
def test_consortium_overview_shows_numbers_and_council(client_for):
    response = client_for("bob").get(reverse("tenancy:consortium"))
    assert response.status_code == 200
    assert response.context["member_count"] == 3
    assert response.context["population_total"] == 18900 + 4900 + 10100
    assert {m.user.email for m in response.context["council"]} == {
        "alice@capitol.example",
        "sam@capitol.example",
    }


def test_consortium_overview_is_per_consortium(client_for):
    response = client_for("pat").get(reverse("tenancy:consortium"))
    assert response.context["consortium"].name == "MISA Prairies Regional Collaboration"
    assert "Capitol Region" not in response.content.decode()


def test_pages_need_sign_in(client):
    for name in ("tenancy:consortium", "tenancy:members", "tenancy:people"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and reverse("account_login") in response.url


def test_vendors_do_not_get_member_pages(client_for):
    client = client_for("vince")
    for name in ("tenancy:consortium", "tenancy:members", "tenancy:people"):
        assert client.get(reverse(name)).status_code == 403, name


def test_person_without_a_role_gets_404_on_consortium_pages(db):
    from django.test import Client

    client = Client()
    client.force_login(UserFactory())
    assert client.get(reverse("tenancy:members")).status_code == 404


# --- Member directory ---------------------------------------------------------------------------
def test_member_directory_lists_the_current_consortium(client_for):
    response = client_for("bob").get(reverse("tenancy:members"))
    assert response.status_code == 200
    assert names_in(response) == ["Avon", "Bolton", "Canton"]
    assert names_in(client_for("pat").get(reverse("tenancy:members"))) == ["City of Airdrie"]


def test_member_directory_filters_searches_sorts(client_for, world):
    client = client_for("alice")
    url = reverse("tenancy:members")
    assert names_in(client.get(url, {"sort": "-population"})) == ["Avon", "Canton", "Bolton"]
    assert names_in(client.get(url, {"q": "can"})) == ["Canton"]
    assert names_in(client.get(url, {"kind": "city"})) == []


def test_member_directory_exports_csv(client_for):
    response = client_for("alice").get(reverse("tenancy:members"), {"format": "csv", "q": "o"})
    body = b"".join(response.streaming_content).decode()
    assert response["Content-Type"].startswith("text/csv")
    assert body.splitlines()[0] == "Name,Kind,Population,State or province"
    assert "Avon,Town,18900,CT" in body and "Bolton" in body and "Canton" in body


# --- Member profile -----------------------------------------------------------------------------
def test_member_detail_shows_profile_and_visible_people(client_for, world):
    response = client_for("ada").get(reverse("tenancy:member_detail", args=[world.avon.pk]))
    assert response.status_code == 200
    emails = {row["object"].user.email for row in response.context["table"].rows}
    assert emails == {"ada@avon.example", "bob@avon.example"}
    assert response.context["can_edit"] is True


def test_member_detail_of_a_neighbour_hides_its_people(client_for, world):
    response = client_for("bob").get(reverse("tenancy:member_detail", args=[world.bolton.pk]))
    assert response.status_code == 200  # the directory is shared within the consortium
    assert list(response.context["table"].rows) == []
    assert "carol@bolton.example" not in response.content.decode()
    assert response.context["can_edit"] is False


def test_member_of_another_consortium_is_404(client_for, world):
    assert client_for("pat").get(reverse("tenancy:member_detail", args=[world.avon.pk])).status_code == 404
    assert client_for("bob").get(reverse("tenancy:member_detail", args=[world.airdrie.pk])).status_code == 404
    assert client_for("bob").get(reverse("tenancy:member_detail", args=[999_999])).status_code == 404


@pytest.mark.parametrize("name", ["ada", "alice", "sam"])
def test_member_admins_and_council_edit_the_profile(client_for, world, name):
    client = client_for(name)
    url = reverse("tenancy:member_edit", args=[world.avon.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert 'class="usa-form-group' in page.content.decode()
    data = {
        "name": "Town of Avon",
        "kind": "town",
        "population": "19001",
        "census_code": "",
        "region": "CT",
        "website": "",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    world.avon.refresh_from_db()
    assert (world.avon.name, world.avon.population) == ("Town of Avon", 19001)
    event = AuditEvent.objects.filter(action="tenancy.member.updated").order_by("-seq").first()
    assert event is not None and event.actor_id == getattr(world, name).pk


def test_member_edit_shows_inline_errors(client_for, world):
    url = reverse("tenancy:member_edit", args=[world.avon.pk])
    response = client_for("ada").post(
        url, {"name": "", "kind": "town", "population": "-3", "website": "not a url"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert (
        "usa-form-group--error" in html
        and 'id="id_name_error"' in html
        and 'id="id_population_error"' in html
    )
    world.avon.refresh_from_db()
    assert world.avon.name == "Avon"


@pytest.mark.parametrize("name", ["olga", "bob", "carol"])
def test_read_only_and_staff_get_403_on_profile_edit(client_for, world, name):
    url = reverse("tenancy:member_edit", args=[world.avon.pk])
    client = client_for(name)
    assert client.get(url).status_code == 403
    assert client.post(url, {"name": "Hacked", "kind": "town"}).status_code == 403
    world.avon.refresh_from_db()
    assert world.avon.name == "Avon"


def test_other_consortium_gets_404_on_profile_edit(client_for, world):
    url = reverse("tenancy:member_edit", args=[world.avon.pk])
    assert client_for("pat").post(url, {"name": "Hacked", "kind": "town"}).status_code == 404
    assert client_for("vince").get(url).status_code == 404


# --- People and roles ---------------------------------------------------------------------------
def test_people_page_follows_visibility_rules(client_for):
    alice = client_for("alice").get(reverse("tenancy:people"))
    assert alice.status_code == 200
    alice_emails = {row["object"].user.email for row in alice.context["table"].rows}
    assert "carol@bolton.example" in alice_emails and "pat@prairies.example" not in alice_emails

    bob = client_for("bob").get(reverse("tenancy:people"))
    bob_emails = {row["object"].user.email for row in bob.context["table"].rows}
    assert "carol@bolton.example" not in bob_emails
    assert {"alice@capitol.example", "sam@capitol.example", "ada@avon.example"} <= bob_emails
    assert "Revoke" not in bob.content.decode()


def test_people_page_filters_by_role(client_for):
    response = client_for("alice").get(reverse("tenancy:people"), {"role": "member_staff"})
    assert {row["object"].user.email for row in response.context["table"].rows} == {
        "bob@avon.example",
        "carol@bolton.example",
    }


def test_revoke_role_confirms_then_revokes(client_for, world):
    bob_role = Membership.objects.get(user=world.bob)
    client = client_for("ada")
    url = reverse("tenancy:revoke_role", args=[bob_role.pk])
    page = client.get(url)
    assert page.status_code == 200 and "Bob Avon" in page.content.decode()
    assert Membership.objects.filter(pk=bob_role.pk).exists()  # GET changes nothing
    response = client.post(url)
    assert response.status_code == 302 and response.url == reverse("tenancy:people")
    assert not Membership.objects.filter(pk=bob_role.pk).exists()
    assert AuditEvent.objects.filter(action="tenancy.role.revoked").exists()


def test_revoking_ones_own_role_leads_to_the_dashboard(client_for, world):
    ada_role = Membership.objects.get(user=world.ada)
    response = client_for("ada").post(reverse("tenancy:revoke_role", args=[ada_role.pk]))
    assert response.status_code == 302 and response.url == reverse("core:dashboard")
    assert not Membership.objects.filter(pk=ada_role.pk).exists()


def test_revoke_keeps_the_last_consortium_admin(client_for, world):
    alice_role = Membership.objects.get(user=world.alice)
    client = client_for("alice")
    response = client.post(reverse("tenancy:revoke_role", args=[alice_role.pk]), follow=True)
    assert Membership.objects.filter(pk=alice_role.pk).exists()
    assert "at least one consortium admin" in response.content.decode()


def test_revoke_visible_but_not_manageable_is_403(client_for, world):
    sam_role = Membership.objects.get(user=world.sam)  # a council contact everyone can see
    for name in ("olga", "ada", "bob"):
        assert client_for(name).post(reverse("tenancy:revoke_role", args=[sam_role.pk])).status_code == 403, (
            name
        )
    assert Membership.objects.filter(pk=sam_role.pk).exists()


def test_revoke_of_another_members_or_consortiums_role_is_404(client_for, world):
    carol_role = Membership.objects.get(user=world.carol)
    assert client_for("ada").post(reverse("tenancy:revoke_role", args=[carol_role.pk])).status_code == 404
    assert client_for("pat").post(reverse("tenancy:revoke_role", args=[carol_role.pk])).status_code == 404
    assert Membership.objects.filter(pk=carol_role.pk).exists()


# --- Acting for -----------------------------------------------------------------------------------
@pytest.fixture
def pat_in_both(world):
    """pat also observes Capitol Region, so she can switch between the two consortia."""
    Membership.objects.create(user=world.pat, consortium=world.capitol, role="observer")
    return world.pat


def test_switch_stores_the_choice_in_the_session(client_for, world, pat_in_both):
    client = client_for("pat")
    # Without a choice the first consortium by name is current.
    assert client.get(reverse("tenancy:members")).context["consortium"] == world.capitol
    page = client.get(reverse("core:dashboard")).content.decode()
    assert 'name="acting_for"' in page
    response = client.post(
        reverse("tenancy:switch"), {"acting_for": str(world.prairies.pk), "next": "/members/"}
    )
    assert response.status_code == 302 and response.url == "/members/"
    assert client.session[SESSION_CONSORTIUM] == world.prairies.pk
    assert names_in(client.get(reverse("tenancy:members"))) == ["City of Airdrie"]


def test_switch_to_a_member(client_for, world):
    Membership.objects.create(
        user=world.bob, consortium=world.capitol, member=world.bolton, role="member_staff"
    )
    client = client_for("bob")
    value = f"{world.capitol.pk}:{world.bolton.pk}"
    client.post(reverse("tenancy:switch"), {"acting_for": value})
    assert client.session[SESSION_MEMBER] == world.bolton.pk
    assert "Bolton" in client.get(reverse("core:dashboard")).content.decode()


def test_switch_where_the_person_has_no_role_is_404(client_for, world):
    client = client_for("bob")
    assert client.post(reverse("tenancy:switch"), {"acting_for": str(world.prairies.pk)}).status_code == 404
    assert (
        client.post(
            reverse("tenancy:switch"), {"acting_for": f"{world.capitol.pk}:{world.bolton.pk}"}
        ).status_code
        == 404
    )
    assert client.post(reverse("tenancy:switch"), {"acting_for": "nonsense"}).status_code == 404
    assert SESSION_CONSORTIUM not in client.session


def test_switch_ignores_an_offsite_next(client_for, world, pat_in_both):
    response = client_for("pat").post(
        reverse("tenancy:switch"), {"acting_for": str(world.prairies.pk), "next": "https://evil.example/"}
    )
    assert response.url == reverse("core:dashboard")


def test_switch_only_accepts_post(client_for):
    assert client_for("bob").get(reverse("tenancy:switch")).status_code == 405


# --- Query counts do not grow with rows ------------------------------------------------------------
def _add_members(world, n: int) -> None:
    for _ in range(n):
        ConsortiumMemberFactory(consortium=world.capitol, member=MemberFactory())


def _add_people(world, n: int) -> None:
    for _ in range(n):
        MembershipFactory(consortium=world.capitol, member=world.avon, role="member_staff")


# One budget for both sizes (measured: 7, 7 and 9 queries, including session, user, memberships
# and the MFA check). If a change needs more, look for a query per row first.
MEMBER_LIST_BUDGET = 8
# 8, two for the page's row actions (PeopleTable.annotate_page: revocable roles, manageable people)
# and one for the header bell's unread count (core/notifications/header_bell.html)
PEOPLE_LIST_BUDGET = 11
MEMBER_DETAIL_BUDGET = 10


@pytest.mark.parametrize("rows", [5, 50])
def test_member_list_query_count(client_for, world, django_assert_max_num_queries, rows):
    _add_members(world, rows)
    client = client_for("alice")
    client.get(reverse("tenancy:members"))  # warm the session
    with django_assert_max_num_queries(MEMBER_LIST_BUDGET):
        response = client.get(reverse("tenancy:members"), {"sort": "-population"})
    assert response.status_code == 200
    assert len(list(response.context["table"].rows)) == min(rows + 3, 25)


@pytest.mark.parametrize("rows", [5, 50])
def test_people_list_query_count(client_for, world, django_assert_max_num_queries, rows):
    _add_people(world, rows)
    client = client_for("alice")
    client.get(reverse("tenancy:people"))
    with django_assert_max_num_queries(PEOPLE_LIST_BUDGET):
        response = client.get(reverse("tenancy:people"))
    assert response.status_code == 200
    assert len(list(response.context["table"].rows)) == min(rows + 7, 25)


@pytest.mark.parametrize("rows", [5, 50])
def test_member_detail_query_count(client_for, world, django_assert_max_num_queries, rows):
    _add_people(world, rows)
    client = client_for("ada")
    client.get(reverse("tenancy:member_detail", args=[world.avon.pk]))
    with django_assert_max_num_queries(MEMBER_DETAIL_BUDGET):
        response = client.get(reverse("tenancy:member_detail", args=[world.avon.pk]))
    assert response.status_code == 200


@pytest.mark.parametrize("rows", [5, 50])
def test_csv_export_query_count(client_for, world, django_assert_max_num_queries, rows):
    _add_members(world, rows)
    client = client_for("alice")
    client.get(reverse("tenancy:members"))
    with django_assert_max_num_queries(MEMBER_LIST_BUDGET):
        response = client.get(reverse("tenancy:members"), {"format": "csv"})
        body = b"".join(response.streaming_content).decode()
    assert len(body.splitlines()) == rows + 3 + 1
    assert Member.objects.count() == rows + 4
