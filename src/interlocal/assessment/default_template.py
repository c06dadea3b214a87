"""The standard workbook template shipped with Interlocal, as plain data, and its installer.

In the spirit of the Alberta regional IT workbook: for every service area of the taxonomy, the
same eleven questions — five scaled ratings (satisfaction, pressing concern, future concern,
readiness to collaborate, willingness to share data), annual cost, staff time, users, the
current system, how it is hosted and when its contract ends — plus a general section about the
member as a whole. The same questions for every area is what makes areas comparable.

`install_standard_template(apps)` is idempotent and works with historical models (data
migrations) and real ones (`interlocal.assessment.actions` callers, tests): it creates the
template on first run and, when the taxonomy has gained standard areas since, adds their
sections — to the latest version while no campaign uses it, otherwise to a new version.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "AREA_QUESTIONS",
    "GENERAL_QUESTIONS",
    "HOSTING_CHOICES",
    "SCALE_LABELS",
    "STANDARD_KEY",
    "QuestionSpec",
    "install_standard_template",
]

STANDARD_KEY = "standard"
STANDARD_NAME = "Interlocal standard needs assessment"
STANDARD_DESCRIPTION = (
    "The same questions for every service area: how satisfied you are today, how pressing and how "
    "much of a future concern the area is, how ready you are to collaborate and to share data, "
    "what it costs, who works on it, what system you use, how it is hosted and when its contract "
    "ends. Modelled on the regional IT workbook of the Alberta municipal collaboration."
)

# Five labels per dimension: point 1 first. They are printed next to each point of the scale.
SCALE_LABELS: dict[str, list[str]] = {
    "satisfaction": ["Very dissatisfied", "Dissatisfied", "Neutral", "Satisfied", "Very satisfied"],
    "pressing": ["Not a concern", "Minor concern", "Moderate concern", "Serious concern", "Critical now"],
    "future": [
        "Not a concern",
        "Minor concern",
        "Moderate concern",
        "Serious concern",
        "Critical in 3–5 years",
    ],
    "readiness": ["Not ready", "Reluctant", "Open to it", "Ready", "Eager to lead"],
    "sharing": ["Will not share", "Reluctant", "Only in aggregates", "Willing", "Fully open"],
}

HOSTING_CHOICES = [
    "On premises",
    "Hosted by another municipality",
    "Vendor-hosted (SaaS)",
    "Public cloud (our own tenancy)",
    "Paper or manual",
    "None",
]


@dataclass(frozen=True)
class QuestionSpec:
    """One question of the standard template; `suffix` completes its code (`<area>.<suffix>`)."""

    suffix: str
    text: str
    kind: str
    dimension: str = ""
    unit: str = ""
    help_text: str = ""
    choices: list[str] = field(default_factory=list)
    required: bool = False
    min_value: float | None = None
    max_value: float | None = None

    def scale_labels(self) -> list[str]:
        return list(SCALE_LABELS.get(self.dimension, [])) if self.kind == "scaled" else []


# "{area}" is replaced by the area's name (lower-cased where it reads better mid-sentence).
AREA_QUESTIONS: tuple[QuestionSpec, ...] = (
    QuestionSpec(
        "satisfaction",
        "How satisfied are you with how {area} works today?",
        "scaled",
        "satisfaction",
        help_text="Think of the system, the process and the support you get.",
        required=True,
    ),
    QuestionSpec(
        "pressing",
        "How pressing a concern is {area} right now?",
        "scaled",
        "pressing",
        help_text="Failing systems, lost staff, audit findings, end of support: anything that needs action now.",
        required=True,
    ),
    QuestionSpec(
        "future",
        "How much of a concern will {area} be in 3–5 years?",
        "scaled",
        "future",
        help_text="Growth, retirements, contract ends, new legal requirements.",
        required=True,
    ),
    QuestionSpec(
        "readiness",
        "How ready are you to collaborate with other members on {area}?",
        "scaled",
        "readiness",
        help_text="Would your council and staff join a shared system or service in this area?",
        required=True,
    ),
    QuestionSpec(
        "sharing",
        "How willing are you to share data about {area} with other members?",
        "scaled",
        "sharing",
        help_text="Costs, volumes, contract terms and performance figures.",
        required=True,
    ),
    QuestionSpec(
        "annual-cost",
        "What does {area} cost you per year?",
        "number",
        unit="USD/year",
        help_text="Licences, hosting, support and outside services; leave out your own staff.",
        min_value=0,
        max_value=1_000_000_000,
    ),
    QuestionSpec(
        "fte",
        "How much staff time goes into {area}?",
        "number",
        unit="FTE",
        help_text="In full-time equivalents: one person half of the time is 0.5.",
        min_value=0,
        max_value=100_000,
    ),
    QuestionSpec(
        "users",
        "How many people use it?",
        "number",
        unit="users",
        help_text="Staff accounts or regular users of the system.",
        min_value=0,
        max_value=10_000_000,
    ),
    QuestionSpec(
        "system",
        "Which system or product do you use?",
        "text",
        help_text="Product and vendor, e.g. “Laserfiche Rio” or “in-house spreadsheets”.",
    ),
    QuestionSpec("hosting", "How is it hosted?", "single", choices=list(HOSTING_CHOICES)),
    QuestionSpec(
        "contract-end",
        "When does the current contract end?",
        "date",
        help_text="Leave blank when there is no contract or it runs indefinitely.",
    ),
)

GENERAL_CODE = "general"
GENERAL_TITLE = "About your organization"
GENERAL_QUESTIONS: tuple[QuestionSpec, ...] = (
    QuestionSpec(
        "it-budget",
        "What is your total annual IT budget?",
        "number",
        unit="USD/year",
        help_text="Operating and capital, averaged over the last three years.",
        min_value=0,
        max_value=10_000_000_000,
    ),
    QuestionSpec(
        "it-fte",
        "How many staff work in IT?",
        "number",
        unit="FTE",
        min_value=0,
        max_value=100_000,
    ),
    QuestionSpec(
        "it-model",
        "How is your IT provided today?",
        "single",
        choices=[
            "In-house IT department",
            "One or two staff doing IT among other duties",
            "Managed service provider",
            "Another municipality or a consortium",
            "Mixed",
        ],
    ),
    QuestionSpec(
        "collaboration-experience",
        "Do you already share an IT service with another public body?",
        "yes_no",
    ),
    QuestionSpec(
        "barriers",
        "What stands in the way of sharing services?",
        "multiple",
        choices=[
            "Loss of local control",
            "Data privacy or confidentiality",
            "Different systems or processes",
            "Up-front cost",
            "Contract terms or timing",
            "Staff capacity",
            "Council or public support",
            "Legal or procurement constraints",
        ],
    ),
    QuestionSpec(
        "overall-readiness",
        "Overall, how ready is your organization to share IT services?",
        "scaled",
        "readiness",
    ),
    QuestionSpec(
        "priorities",
        "What would you most like the consortium to work on first, and why?",
        "text",
    ),
)


def _mid_sentence(name: str) -> str:
    """ "Fleet management" reads "fleet management" mid-sentence; "GIS and ..." keeps its capitals."""
    if name[:2].isupper():
        return name
    return name[:1].lower() + name[1:]


def _text_for(spec: QuestionSpec, area_name: str) -> str:
    return spec.text.replace("{area}", _mid_sentence(area_name))


def _question_rows(spec: QuestionSpec, prefix: str, area_name: str, order: int) -> dict[str, Any]:
    return {
        "code": f"{prefix}.{spec.suffix}",
        "text": _text_for(spec, area_name),
        "help_text": spec.help_text,
        "kind": spec.kind,
        "dimension": spec.dimension,
        "unit": spec.unit,
        "choices": list(spec.choices),
        "scale_labels": spec.scale_labels(),
        "required": spec.required,
        "min_value": spec.min_value,
        "max_value": spec.max_value,
        "order": order,
    }


def install_standard_template(apps: Any = None, *, stdout: Callable[[str], None] | None = None) -> Any:
    """Create or complete the standard template so that it covers every standard service area.

    `apps` is the migration state (historical models) or None for the real models. Returns the
    version that now covers every area.
    """
    if apps is None:
        from django.apps import apps as real_apps

        apps = real_apps
    template_model = apps.get_model("assessment", "Template")
    version_model = apps.get_model("assessment", "TemplateVersion")
    section_model = apps.get_model("assessment", "Section")
    question_model = apps.get_model("assessment", "Question")
    area_model = apps.get_model("taxonomy", "ServiceArea")
    say = stdout or (lambda _text: None)

    template, created = template_model.objects.get_or_create(
        consortium=None,
        key=STANDARD_KEY,
        defaults={"name": STANDARD_NAME, "description": STANDARD_DESCRIPTION},
    )
    areas = list(
        area_model.objects.filter(consortium__isnull=True, is_active=True).order_by("sort_order", "name")
    )
    version = template.versions.order_by("-number").first()
    covered: set[int] = set()
    if version is not None:
        covered = set(version.sections.exclude(area__isnull=True).values_list("area_id", flat=True))
    missing = [a for a in areas if a.pk not in covered]
    has_general = version is not None and version.sections.filter(area__isnull=True).exists()
    if version is not None and not missing and has_general:
        say(f"Standard template: v{version.number} already covers all {len(areas)} areas.")
        return version

    if version is None or version.is_locked:
        number = (version.number + 1) if version else 1
        new = version_model.objects.create(
            template=template,
            number=number,
            note="Standard template" if version is None else "New service areas added",
        )
        if version is not None:
            _copy_into(version, new, section_model, question_model)
        version = new

    sections_before = version.sections.count()
    order = (max(version.sections.values_list("order", flat=True), default=0) or 0) + 10
    if not version.sections.filter(area__isnull=True).exists():
        general = section_model.objects.create(
            version=version,
            area=None,
            title=GENERAL_TITLE,
            description="Questions about your organization as a whole.",
            order=0,
        )
        question_model.objects.bulk_create(
            [
                question_model(
                    section=general, version=version, **_question_rows(spec, GENERAL_CODE, "", (i + 1) * 10)
                )
                for i, spec in enumerate(GENERAL_QUESTIONS)
            ]
        )
    for area in missing:
        section = section_model.objects.create(
            version=version, area=area, title=area.name, description=area.definition, order=order
        )
        order += 10
        question_model.objects.bulk_create(
            [
                question_model(
                    section=section,
                    version=version,
                    **_question_rows(spec, area.code, area.name, (i + 1) * 10),
                )
                for i, spec in enumerate(AREA_QUESTIONS)
            ]
        )
    say(
        f"Standard template: v{version.number} {'created' if created else 'completed'} "
        f"({version.sections.count() - sections_before} sections added, {len(areas)} areas covered)."
    )
    return version


def _copy_into(source: Any, target: Any, section_model: Any, question_model: Any) -> None:
    """Copy sections and questions of one version into another (historical models allowed)."""
    for section in source.sections.order_by("order", "pk"):
        copy = section_model.objects.create(
            version=target,
            area_id=section.area_id,
            title=section.title,
            description=section.description,
            order=section.order,
        )
        question_model.objects.bulk_create(
            [
                question_model(
                    section=copy,
                    version=target,
                    code=q.code,
                    text=q.text,
                    help_text=q.help_text,
                    kind=q.kind,
                    dimension=q.dimension,
                    unit=q.unit,
                    choices=list(q.choices),
                    scale_labels=list(q.scale_labels),
                    required=q.required,
                    min_value=q.min_value,
                    max_value=q.max_value,
                    order=q.order,
                )
                for q in section.questions.order_by("order", "pk")
            ]
        )
