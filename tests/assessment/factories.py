"""Factories for the assessment core: small template versions, campaigns and responses.

`make_version` builds a two-section version with one question of every kind (codes below), so
tests do not depend on the standard template (which a flushed database no longer holds).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from interlocal.assessment.actions import do_create_campaign
from interlocal.assessment.models import Campaign, Question, Response, Section, Template, TemplateVersion
from interlocal.taxonomy.models import ServiceArea

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
    template = Template.objects.create(consortium=consortium, name=name, description=marker)
    version = TemplateVersion.objects.create(template=template, number=1, is_locked=locked)
    erp = Section.objects.create(version=version, area=area(), title="Financial management", order=10)
    general = Section.objects.create(version=version, title="About your organization", order=20)
    for i, (code, (kind, extra)) in enumerate(QUESTIONS.items()):
        Question.objects.create(
            section=general if code.startswith("general.") else erp,
            version=version,
            code=code,
            text=f"Question {code}?",
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
