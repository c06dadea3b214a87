"""Factories for taxonomy rows (the standard catalogue itself comes from migration 0002)."""

from __future__ import annotations

import factory

from interlocal.taxonomy.matching import normalize
from interlocal.taxonomy.models import ServiceArea, Synonym, UnmatchedTerm


class ServiceAreaFactory(factory.django.DjangoModelFactory):
    """A consortium's own area (pass consortium=...)."""

    class Meta:
        model = ServiceArea

    code = factory.Sequence(lambda n: f"own-area-{n}")
    name = factory.Sequence(lambda n: f"Own area {n}")
    definition = "An area a consortium added for its own members."
    kind = ServiceArea.Kind.SERVICE


class SynonymFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Synonym

    text = factory.Sequence(lambda n: f"Own synonym {n}")
    normalized = factory.LazyAttribute(lambda o: normalize(o.text))


class UnmatchedTermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UnmatchedTerm

    text = factory.Sequence(lambda n: f"Mystery system {n}")
    normalized = factory.LazyAttribute(lambda o: normalize(o.text))
    sources = factory.LazyFunction(lambda: {"assessment.import": 1})
