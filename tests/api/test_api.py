"""The API's operations, authentication, pagination and error shape."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client
from django.utils import timezone

from interlocal.accounts.models import ApiToken
from interlocal.audit.models import AuditEvent
from interlocal.tenancy.models import Member, Membership
from tests.api.helpers import assert_error, make_token

API = "/api/v1"


def patch(client: Client, url: str, data: object, **extra: object):
    return client.patch(url, data=json.dumps(data), content_type="application/json", **extra)


# --- Authentication ------------------------------------------------------------------------------


def test_anonymous_gets_401_with_the_error_shape(world):
    response = Client().get(f"{API}/me")
    assert_error(response, 401)
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    "header", ["Bearer il_not-a-real-token", "Bearer nonsense", "Bearer ", "Basic Ym9iOng="]
)
def test_bad_credentials_get_401(world, header):
    assert_error(Client(headers={"Authorization": header}).get(f"{API}/me"), 401)


def test_a_wrong_token_is_refused_even_with_a_session(client_for):
    client = client_for("bob")
    assert client.get(f"{API}/me").status_code == 200
    assert_error(client.get(f"{API}/me", headers={"Authorization": "Bearer il_wrong"}), 401)


def test_token_authenticates_and_scopes_like_the_session(world, api_for, client_for):
    by_token = api_for("bob").get(f"{API}/members").json()
    by_session = client_for("bob").get(f"{API}/members").json()
    assert by_token == by_session
    assert {m["name"] for m in by_token["items"]} == {"Avon", "Bolton", "Canton"}


def test_revoked_expired_and_disabled_tokens_are_refused(world):
    revoked = make_token(world.bob, revoked_at=timezone.now())
    expired = make_token(world.bob, expires_at=timezone.now() - dt.timedelta(minutes=1))
    for raw in (revoked, expired):
        assert_error(Client(headers={"Authorization": f"Bearer {raw}"}).get(f"{API}/me"), 401)
    valid = make_token(world.carol)
    world.carol.is_active = False
    world.carol.save(update_fields=["is_active"])
    assert_error(Client(headers={"Authorization": f"Bearer {valid}"}).get(f"{API}/me"), 401)


def test_token_use_is_recorded_at_most_once_a_minute(world):
    raw = make_token(world.bob)
    client = Client(headers={"Authorization": f"Bearer {raw}"})
    client.get(f"{API}/me")
    first = ApiToken.objects.get(user=world.bob).last_used_at
    assert first is not None
    client.get(f"{API}/me")
    assert ApiToken.objects.get(user=world.bob).last_used_at == first


def test_session_writes_need_the_csrf_token_but_token_writes_do_not(world):
    session = Client(enforce_csrf_checks=True)
    session.force_login(world.alice)
    url = f"{API}/members/{world.avon.pk}"
    assert_error(patch(session, url, {"population": 19000}), 403)
    csrf = "a1" * 16  # a CSRF secret, as the site's pages would have set it
    session.cookies["csrftoken"] = csrf
    assert patch(session, url, {"population": 19000}, headers={"X-CSRFToken": csrf}).status_code == 200

    raw = make_token(world.ada)
    tokened = Client(enforce_csrf_checks=True, headers={"Authorization": f"Bearer {raw}"})
    assert patch(tokened, url, {"population": 19001}).status_code == 200
    world.avon.refresh_from_db()
    assert world.avon.population == 19001


# --- /me and /tokens -----------------------------------------------------------------------------


def test_me_lists_my_roles(world, api_for):
    body = api_for("ada").get(f"{API}/me").json()
    assert body["email"] == "ada@avon.example"
    assert [(m["consortium"]["slug"], m["member"]["name"], m["role"]) for m in body["memberships"]] == [
        ("capitol-region", "Avon", "member_admin")
    ]
    olga = api_for("olga").get(f"{API}/me").json()
    assert olga["memberships"][0]["member"] is None


def test_tokens_lists_only_my_own_and_never_secrets(world, api_for):
    make_token(world.carol, name="carol's export")
    body = api_for("bob").get(f"{API}/tokens").json()
    assert body["count"] == 1  # the token api_for made for bob
    (token,) = body["items"]
    assert token["is_active"] is True
    assert "key_hash" not in token and "secret" not in token
    assert "carol's export" not in json.dumps(body)


# --- Consortia and members -----------------------------------------------------------------------


def test_consortia_are_those_i_belong_to(world, api_for):
    body = api_for("vince").get(f"{API}/consortia").json()
    assert [c["slug"] for c in body["items"]] == ["capitol-region"]
    prairies = api_for("pat").get(f"{API}/consortia/{world.prairies.pk}").json()
    assert prairies["name"].startswith("MISA") and prairies["time_zone"] == "America/Edmonton"
    assert_error(api_for("pat").get(f"{API}/consortia/{world.capitol.pk}"), 404)
    assert_error(api_for("pat").get(f"{API}/consortia/999999"), 404)


def test_member_directory_filters_and_pagination(world, api_for):
    client = api_for("alice")
    body = client.get(f"{API}/members", {"q": "bol"}).json()
    assert [m["name"] for m in body["items"]] == ["Bolton"] and body["count"] == 1
    body = client.get(f"{API}/members", {"consortium": world.prairies.pk}).json()
    assert body == {"items": [], "count": 0}  # alice is not in Prairies: nothing, not an error
    page = client.get(f"{API}/members", {"limit": 2, "offset": 1}).json()
    assert [m["name"] for m in page["items"]] == ["Bolton", "Canton"] and page["count"] == 3
    assert api_for("vince").get(f"{API}/members").json() == {"items": [], "count": 0}


def test_page_size_is_capped(world, api_for, settings):
    body = assert_error(
        api_for("alice").get(f"{API}/members", {"limit": settings.API_MAX_PAGE_SIZE + 1}), 422
    )
    assert body["errors"][0]["loc"] == ["query", "limit"]
    assert_error(api_for("alice").get(f"{API}/members", {"offset": -1}), 422)


def test_member_detail_is_404_outside_my_consortia(world, api_for):
    assert api_for("carol").get(f"{API}/members/{world.avon.pk}").json()["name"] == "Avon"
    assert_error(api_for("pat").get(f"{API}/members/{world.avon.pk}"), 404)
    assert_error(api_for("vince").get(f"{API}/members/{world.avon.pk}"), 404)
    assert_error(api_for("bob").get(f"{API}/members/{2**70}"), 422)  # beyond any database id


def test_member_admin_updates_the_profile_and_it_is_audited(world, api_for):
    url = f"{API}/members/{world.avon.pk}"
    response = patch(api_for("ada"), url, {"population": 19050, "website": "https://avon.example"})
    assert response.status_code == 200, response.content
    assert response.json()["population"] == 19050
    world.avon.refresh_from_db()
    assert (world.avon.population, world.avon.website, world.avon.name) == (
        19050,
        "https://avon.example",
        "Avon",
    )
    event = AuditEvent.objects.filter(action="tenancy.member.updated").get()
    assert event.actor_id == world.ada.pk and event.after["population"] == 19050


def test_empty_patch_changes_nothing(world, api_for):
    response = patch(api_for("ada"), f"{API}/members/{world.avon.pk}", {})
    assert response.status_code == 200
    assert not AuditEvent.objects.filter(action="tenancy.member.updated").exists()


@pytest.mark.parametrize(
    ("name", "status"), [("bob", 403), ("carol", 403), ("olga", 403), ("vince", 404), ("pat", 404)]
)
def test_member_update_refusals(world, api_for, name, status):
    before = Member.objects.get(pk=world.avon.pk).population
    assert_error(patch(api_for(name), f"{API}/members/{world.avon.pk}", {"population": 1}), status)
    assert Member.objects.get(pk=world.avon.pk).population == before


def test_member_update_validation_errors_name_the_field(world, api_for):
    url = f"{API}/members/{world.avon.pk}"
    body = assert_error(patch(api_for("ada"), url, {"population": "many"}), 422)
    assert body["errors"][0]["loc"] == ["body", "payload", "population"]
    body = assert_error(patch(api_for("ada"), url, {"website": "not a url"}), 422)
    assert body["errors"] == [{"loc": ["body", "website"], "msg": "Enter a valid URL."}]
    body = assert_error(patch(api_for("ada"), url, {"name": "x" * 201}), 422)
    assert body["errors"][0]["loc"][-1] == "name"


def test_memberships_hide_other_members_people(world, api_for):
    emails = {m["user"]["email"] for m in api_for("bob").get(f"{API}/memberships").json()["items"]}
    assert "bob@avon.example" in emails and "ada@avon.example" in emails
    assert "carol@bolton.example" not in emails
    assert "alice@capitol.example" in emails  # the council is a contact list
    everyone = api_for("alice").get(f"{API}/memberships").json()
    assert everyone["count"] == Membership.objects.filter(consortium=world.capitol).count()
    only_avon = api_for("alice").get(f"{API}/memberships", {"member": world.avon.pk}).json()
    assert {m["user"]["email"] for m in only_avon["items"]} == {"ada@avon.example", "bob@avon.example"}


# --- Audit events --------------------------------------------------------------------------------


def test_audit_events_for_consortium_admins_only(world, api_for):
    patch(api_for("ada"), f"{API}/members/{world.avon.pk}", {"population": 19100})
    body = api_for("alice").get(f"{API}/audit/events", {"action": "tenancy.member.updated"}).json()
    assert body["count"] == 1 and body["items"][0]["actor_label"] == "ada@avon.example"
    assert api_for("pat").get(f"{API}/audit/events").json()["count"] == 0  # Prairies has no events
    for name in ("sam", "ada", "bob", "olga", "vince"):
        assert_error(api_for(name).get(f"{API}/audit/events"), 403)


def test_audit_since_filter_needs_an_offset_and_a_representable_time(world, api_for):
    client = api_for("alice")
    future = (timezone.now() + dt.timedelta(days=1)).isoformat()
    assert client.get(f"{API}/audit/events", {"since": future}).json()["count"] == 0
    assert_error(client.get(f"{API}/audit/events", {"since": "2026-01-01T00:00:00"}), 422)  # naive
    assert_error(client.get(f"{API}/audit/events", {"since": "0001-01-01T00:00:00+14:00"}), 422)


# --- Hardening: one error shape for every 4xx ----------------------------------------------------


def test_nul_bytes_in_query_and_body_are_refused(world, api_for):
    client = api_for("ada")
    body = assert_error(client.get(f"{API}/members", {"q": "av\x00on"}), 422)
    assert body["errors"][0]["loc"] == ["query", "q"]
    body = assert_error(patch(client, f"{API}/members/{world.avon.pk}", {"name": "Av\x00on"}), 422)
    assert body["errors"][0]["loc"][-1] == "name"
    raw_nul = client.patch(
        f"{API}/members/{world.avon.pk}", data=b'{"name": "Av\x00on"}', content_type="application/json"
    )
    assert_error(raw_nul, 400)
    assert_error(api_for("alice").get(f"{API}/audit/events", {"action": "\x00"}), 422)
    world.avon.refresh_from_db()
    assert world.avon.name == "Avon"


def test_nul_byte_in_the_token_is_a_401(world):
    assert_error(Client(headers={"Authorization": "Bearer il_\x00"}).get(f"{API}/me"), 401)


def test_malformed_and_non_object_json(world, api_for):
    url = f"{API}/members/{world.avon.pk}"
    client = api_for("ada")
    assert_error(client.patch(url, data="{not json", content_type="application/json"), 400)
    assert_error(client.patch(url, data=b"\xff\xfe", content_type="application/json"), 400)
    assert_error(client.patch(url, data="[1, 2]", content_type="application/json"), 422)
    body = assert_error(patch(client, url, {"populaton": 1}), 422)  # a typo is an error, not a no-op
    assert body["errors"][0]["loc"][-1] == "populaton"


def test_oversized_body_is_refused(world, api_for, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    body = json.dumps({"name": "A" * 2048})
    assert_error(
        api_for("ada").patch(f"{API}/members/{world.avon.pk}", data=body, content_type="application/json"),
        413,
    )
    world.avon.refresh_from_db()
    assert world.avon.name == "Avon"


def test_overlong_strings_and_out_of_range_ids_are_refused(world, api_for):
    client = api_for("alice")
    assert_error(client.get(f"{API}/members", {"q": "a" * 101}), 422)
    assert_error(patch(client, f"{API}/members/{world.avon.pk}", {"name": ""}), 422)
    for field in ("name", "census_code", "website", "region"):
        body = assert_error(patch(client, f"{API}/members/{world.avon.pk}", {field: None}), 422)
        assert body["errors"][0]["loc"][-1] == field
    assert patch(client, f"{API}/members/{world.avon.pk}", {"population": None}).status_code == 200
    for path, param in [("members", "consortium"), ("memberships", "member"), ("audit/events", "consortium")]:
        for value in (0, 2**63, -5):
            body = assert_error(client.get(f"{API}/{path}", {param: value}), 422)
            assert body["errors"][0]["loc"] == ["query", param]


def test_unknown_paths_and_methods_answer_in_the_error_shape(world, api_for):
    client = api_for("bob")
    assert_error(client.get(f"{API}/no-such-thing"), 404)
    assert_error(client.get(f"{API}/members/-1"), 422)
    assert_error(client.get(f"{API}/members/1/extra"), 404)
    assert_error(client.post(f"{API}/", data="{}", content_type="application/json"), 405)
    response = client.delete(f"{API}/members/{world.avon.pk}")
    assert_error(response, 405)
    assert "PATCH" in response["Allow"]
    assert_error(client.post(f"{API}/me", data="{}", content_type="application/json"), 405)


def test_rate_limit_answers_429(world, api_for, settings):
    settings.API_THROTTLE_RATE = "2/m"
    client = api_for("bob")
    assert client.get(f"{API}/me").status_code == 200
    assert client.get(f"{API}/me").status_code == 200
    assert_error(client.get(f"{API}/me"), 429)


# --- Documents -----------------------------------------------------------------------------------


def test_the_api_root_is_an_index_of_its_documents(db):
    """GET /api/v1/ answers (without sign-in) with links to the docs and the OpenAPI document."""
    response = Client().get(f"{API}/")
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "Interlocal API"
    assert body["links"] == {
        "docs": "http://testserver/api/v1/docs",
        "openapi": "http://testserver/api/v1/openapi.json",
    }
    # Each link answers.
    assert Client().get("/api/v1/docs").status_code == 200
    assert Client().get("/api/v1/openapi.json").status_code == 200


def test_openapi_document_and_docs_are_public(db):
    schema = Client().get(f"{API}/openapi.json")
    assert schema.status_code == 200
    assert schema.json()["info"]["title"] == "Interlocal API"
    docs = Client().get(f"{API}/docs")
    assert docs.status_code == 200
    assert b"openapi.json" in docs.content
    assert b"/static/ninja/swagger-ui-bundle.js" in docs.content  # our own copy, not a CDN
    assert b"cdn." not in docs.content


def test_operation_ids_are_stable_and_unique():
    from interlocal.api import api

    schema = api.get_openapi_schema()
    ids = [op["operationId"] for path in schema["paths"].values() for op in path.values()]
    assert len(ids) == len(set(ids))
    assert set(ids) >= {
        "me_get",
        "tokens_list",
        "consortia_list",
        "consortia_get",
        "members_list",
        "members_get",
        "members_update",
        "memberships_list",
        "audit_events_list",
    }


def test_refusals_through_a_token_are_audited_with_the_token_owner(world, api_for):
    assert_error(patch(api_for("bob"), f"{API}/members/{world.avon.pk}", {"population": 1}), 403)
    assert_error(api_for("pat").get(f"{API}/members/{world.avon.pk}"), 404)
    denied = AuditEvent.objects.filter(action="access.denied")
    assert {e.actor_id for e in denied} == {world.bob.pk, world.pat.pk}


def test_session_rules_answer_in_the_error_shape(world):
    from tests.factories import MembershipFactory, UserFactory

    admin = UserFactory()  # a consortium admin who has not enrolled in MFA yet
    MembershipFactory(user=admin, consortium=world.capitol, role="consortium_admin")
    client = Client()
    client.force_login(admin)
    assert_error(client.get(f"{API}/me"), 403)


def test_tokens_follow_the_mfa_rule_too(world):
    from tests.factories import MembershipFactory, UserFactory

    admin = UserFactory()  # an admin without an authenticator app cannot use a token either
    MembershipFactory(user=admin, consortium=world.capitol, role="consortium_admin")
    body = assert_error(
        Client(headers={"Authorization": f"Bearer {make_token(admin)}"}).get(f"{API}/me"), 403
    )
    assert "two-factor" in body["detail"]
    staff = UserFactory()  # staff roles do not require MFA
    MembershipFactory(user=staff, consortium=world.capitol, role="consortium_staff")
    assert (
        Client(headers={"Authorization": f"Bearer {make_token(staff)}"}).get(f"{API}/me").status_code == 200
    )


@pytest.mark.parametrize(
    ("path", "param"),
    [
        ("members", "consortium"),
        ("memberships", "consortium"),
        ("memberships", "member"),
        ("audit/events", "consortium"),
    ],
)
def test_filters_naming_another_tenant_return_nothing(world, api_for, path, param):
    """A filter is applied to what the person may see, never instead of it."""
    from interlocal.audit import record
    from tests.factories import MembershipFactory

    record(world.pat, "tenancy.member.updated", world.airdrie, consortium_id=world.prairies.pk)
    MembershipFactory(consortium=world.prairies, member=world.airdrie, role="member_staff")
    value = world.airdrie.pk if param == "member" else world.prairies.pk
    body = api_for("alice").get(f"{API}/{path}", {param: value}).json()
    assert body["items"] == [] and body["count"] == 0 and not body.get("count_is_capped")
    assert api_for("pat").get(f"{API}/{path}", {param: value}).json()["count"] >= 1


def test_every_api_schema_name_is_unique():
    """Two schema classes with one name collapse into one OpenAPI component (the second silently
    documents the first's fields), so every Schema class of the project has its own name."""
    from ninja import Schema

    import interlocal.api  # noqa: F401 - imports every router and its schemas

    seen: dict[str, str] = {}
    clashes = []
    stack = list(Schema.__subclasses__())
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if not cls.__module__.startswith("interlocal."):
            continue
        where = f"{cls.__module__}.{cls.__qualname__}"
        if cls.__name__ in seen and seen[cls.__name__] != where:
            clashes.append(f"{cls.__name__}: {seen[cls.__name__]} and {where}")
        seen.setdefault(cls.__name__, where)
    assert not clashes, clashes
