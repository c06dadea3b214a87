"""factory_boy factories for the platform models. Domain apps keep theirs in tests/<app>/factories.py."""

from __future__ import annotations

import factory
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

from interlocal.accounts.models import User
from interlocal.tenancy.models import Consortium, ConsortiumMember, Member, Membership

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):  # noqa: N805 - factory_boy hook signature
        if create:
            obj.save(update_fields=["password"])


class ConsortiumFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consortium
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Consortium {n}")
    slug = factory.Sequence(lambda n: f"consortium-{n}")


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Town {n}")
    slug = factory.Sequence(lambda n: f"town-{n}")
    kind = Member.Kind.TOWN
    population = factory.Faker("random_int", min=1000, max=90000)
    region = "CT"


class ConsortiumMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConsortiumMember

    consortium = factory.SubFactory(ConsortiumFactory)
    member = factory.SubFactory(MemberFactory)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    consortium = factory.SubFactory(ConsortiumFactory)
    member = None
    role = "consortium_staff"


def enrol_totp(user: User) -> str:
    """Give `user` an authenticator app and recovery codes; returns the TOTP secret."""
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    RecoveryCodes.activate(user)
    return secret
