"""Factories for the assessment core: factory_boy factories of its models (also fixtures, in
tests/assessment/conftest.py), small template versions, campaigns and responses.

`make_version` builds a two-section version with one question of every kind (codes below), so
tests do not depend on the standard template (which a flushed database no longer holds).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory
from django.utils import timezone

from interlocal.assessment.actions import do_create_campaign
from interlocal.assessment.models import Campaign, Question, Response, Section, Template, TemplateVersion
from interlocal.taxonomy.models import ServiceArea
from tests.factories import ConsortiumFactory, MemberFactory


class TemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Template

    consortium = factory.SubFactory(ConsortiumFactory)
    name = factory.Sequence(lambda n: f"Template {n}")


class TemplateVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TemplateVersion

    template = factory.SubFactory(TemplateFactory)
    number = 1


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    version = factory.SubFactory(TemplateVersionFactory)
    title = factory.Sequence(lambda n: f"Section {n}")
    order = factory.Sequence(lambda n: n * 10)


class QuestionFactory(factory.django.DjangoModelFactory):
    """A question of its section's version (a text question unless `kind` says otherwise)."""

    class Meta:
        model = Question

    section = factory.SubFactory(SectionFactory)
    version = factory.SelfAttribute("section.version")
    code = factory.Sequence(lambda n: f"q.{n}")
    text = factory.LazyAttribute(lambda o: f"Question {o.code}?")
    kind = "text"
    order = factory.Sequence(lambda n: n * 10)


class CampaignFactory(factory.django.DjangoModelFactory):
    """An open campaign of the version's consortium, deadline in two weeks, without responses."""

    class Meta:
        model = Campaign

    template_version = factory.SubFactory(TemplateVersionFactory, is_locked=True)
    consortium = factory.SelfAttribute("template_version.template.consortium")
    name = factory.Sequence(lambda n: f"Campaign {n}")
    status = Campaign.Status.OPEN
    deadline = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=14))


class ResponseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Response

    campaign = factory.SubFactory(CampaignFactory)
    member = factory.SubFactory(MemberFactory)


SCALE = ["Very poor", "Poor", "Adequate", "Good", "Excellent"]
HOSTING = ["On premises", "Vendor cloud", "Other"]
CHANNELS = ["Online", "Phone", "Counter"]

# code -> (kind, extra fields)
QUESTIONS: dict[str, tuple[str, dict[str, Any]]] = {
    "erp.satisfaction": ("scaled", {"dimension": "satisfaction", "scale_labels": SCALE, "required": True}),
    "erp.pressing": ("scaled", {"dimension": "pressing", "scale_labels": SCALE}),
    "erp.shared": ("yes_no", {}),
    "erp.annual-cost": ("number", {"unit": "USD/year", "min_value": 0, "max_value": 1e9}),
    "erp.hosting": ("single", {"choices": HOSTING}),
    "erp.channels": ("multiple", {"choices": CHANNELS}),
    "erp.contract-end": ("date", {}),
    "erp.system": ("text", {}),
    "general.readiness": ("scaled", {"dimension": "readiness", "scale_labels": SCALE}),
    "general.notes": ("text", {}),
}


def area(code: str = "financial-erp") -> ServiceArea | None:
    """A standard service area of the catalogue (seeded by the taxonomy migration)."""
    return ServiceArea.objects.filter(code=code, consortium__isnull=True).first()


def make_version(
    consortium: Any, *, name: str = "Core test template", locked: bool = False, marker: str = ""
) -> TemplateVersion:
    """A template of `consortium` (None = standard-like) with one version of two sections."""
    version = TemplateVersionFactory(
        template__consortium=consortium, template__name=name, template__description=marker, is_locked=locked
    )
    erp = SectionFactory(version=version, area=area(), title="Financial management", order=10)
    general = SectionFactory(version=version, title="About your organization", order=20)
    for i, (code, (kind, extra)) in enumerate(QUESTIONS.items()):
        QuestionFactory(
            section=general if code.startswith("general.") else erp,
            code=code,
            kind=kind,
            order=(i + 1) * 10,
            **extra,
        )
    return version


def make_campaign(
    world: Any,
    *,
    members: list[Any] | None = None,
    version: TemplateVersion | None = None,
    name: str = "Needs 2027",
    days: float = 14,
    launch: bool = True,
) -> Campaign:
    """A campaign of Capitol Region over `members` (Avon and Bolton by default), launched."""
    version = version or make_version(world.capitol)
    return do_create_campaign(
        world.capitol,
        actor=world.sam,
        name=name,
        template_version=version,
        members=members if members is not None else [world.avon, world.bolton],
        deadline=timezone.now() + dt.timedelta(days=days),
        launch=launch,
    )


def response_of(campaign: Campaign, member: Any) -> Response:
    return Response.objects.get(campaign=campaign, member=member)


FULL_ANSWERS: dict[str, Any] = {
    "erp.satisfaction": 2,
    "erp.pressing": "5",
    "erp.shared": "no",
    "erp.annual-cost": "125,000",
    "erp.hosting": "On premises",
    "erp.channels": ["Online", "Counter"],
    "erp.contract-end": "2027-06-30",
    "erp.system": "Munis",
    "general.readiness": 4,
    "general.notes": "Ready to talk.",
}
