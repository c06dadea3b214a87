"""Vendors: the factory for the company row, and `make_vendor` for a company with its people."""

from __future__ import annotations

import zlib
from typing import Any

import factory
from allauth.mfa.models import Authenticator
from django.utils import timezone

from interlocal.procurement.models import Vendor, VendorRegistration, VendorUser
from interlocal.tenancy.models import Membership
from tests.factories import enrol_totp


class VendorFactory(factory.django.DjangoModelFactory):
    """An active vendor whose contact e-mail is verified (pass status=... for another)."""

    class Meta:
        model = Vendor

    name = factory.Sequence(lambda n: f"Vendor {n} Supply")
    legal_id = factory.LazyAttribute(lambda o: f"EIN-{zlib.crc32(o.name.encode()) % 10**8:08d}")
    email = factory.LazyAttribute(lambda o: f"sales@{o.name.split()[0].lower()}.example")
    status = Vendor.Status.ACTIVE
    email_verified_at = factory.LazyAttribute(
        lambda o: timezone.now() if o.status == Vendor.Status.ACTIVE else None
    )


def make_vendor(
    name: str = "Acme Supply", user: Any = None, consortium: Any = None, *, role: str = "admin", **fields: Any
) -> Vendor:
    """A vendor (VendorFactory: active and verified unless `fields` say otherwise), registered with
    `consortium`; `user` becomes one of its people, with an authenticator app (vendors must use
    one) and the vendor role in `consortium`."""
    vendor = VendorFactory(name=name, **fields)
    if consortium is not None:
        VendorRegistration.objects.create(vendor=vendor, consortium=consortium)
    if user is not None:
        VendorUser.objects.create(vendor=vendor, user=user, role=role)
        if not Authenticator.objects.filter(user=user).exists():
            enrol_totp(user)
        if consortium is not None:
            Membership.objects.get_or_create(user=user, consortium=consortium, member=None, role="vendor")
    return vendor
