"""The people page offers Disable/Enable to those who may use them, and only to them."""

from __future__ import annotations

from django.urls import reverse


def test_consortium_admin_disables_and_enables_from_the_people_page(client_for, world):
    alice = client_for("alice")
    page = alice.get(reverse("tenancy:people")).content.decode()
    disable_bob = reverse("accounts:person_disable", args=[world.bob.pk])
    assert disable_bob in page
    assert reverse("accounts:person_disable", args=[world.alice.pk]) not in page  # never oneself

    response = alice.post(disable_bob, {"next": reverse("tenancy:people")})
    assert response.status_code == 302 and response["Location"] == reverse("tenancy:people")
    world.bob.refresh_from_db()
    assert not world.bob.is_active
    page = alice.get(reverse("tenancy:people")).content.decode()
    assert reverse("accounts:person_enable", args=[world.bob.pk]) in page and "disabled" in page


def test_member_admin_and_staff_get_no_disable_buttons(client_for, world):
    for name in ("ada", "bob", "olga"):
        page = client_for(name).get(reverse("tenancy:people")).content.decode()
        assert "/disable/" not in page, name
