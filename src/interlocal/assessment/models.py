"""Needs assessment: versioned workbook templates, campaigns, members' responses and answers.

Templates are owned by a consortium, or by nobody (`consortium=None`): the standard template
shipped with Interlocal, readable by everyone and changed only by the installer. A template
has numbered versions; a version used by a campaign is locked and editing it makes a new one.

A campaign asks a set of members (one `Response` each) the questions of one template version.
Answers are stored one row per (response, question) with the campaign and member copied onto
the row, so that the analytics engine aggregates `num` straight from one compact table.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from interlocal.tenancy.roles import CONSORTIUM_READ_ROLES, CONSORTIUM_WRITE_ROLES
from interlocal.tenancy.scoping import ScopedQuerySet, Tenancy, grants_for

if TYPE_CHECKING:
    pass

__all__ = [
    "Answer",
    "Campaign",
    "PeerGroup",
    "Question",
    "Response",
    "Section",
    "Template",
    "TemplateVersion",
]


def _anonymous(user: Any) -> bool:
    return user is None or not user.is_authenticated or not user.is_active


class _StandardOrConsortiumQuerySet(ScopedQuerySet[Any]):
    """Rows of a consortium, plus the standard rows (consortium empty) that everybody may read.

    The standard template is public product content, not tenant data: any signed-in person
    with a non-vendor role may read it; nobody changes it through the web or the API.
    """

    consortium_path = "consortium"

    def visible_to(self, user: Any) -> Any:
        if _anonymous(user):
            return self.none()
        consortia = grants_for(user).consortia(CONSORTIUM_READ_ROLES)
        if not consortia:
            return self.none()
        path = self.consortium_path
        return self.filter(Q(**{f"{path}__isnull": True}) | Q(**{f"{path}__in": consortia}))

    def writable_by(self, user: Any) -> Any:
        if _anonymous(user):
            return self.none()
        consortia = grants_for(user).consortia_wide(CONSORTIUM_WRITE_ROLES)
        return self.filter(**{f"{self.consortium_path}__in": consortia})


class TemplateQuerySet(_StandardOrConsortiumQuerySet):
    consortium_path = "consortium"


class TemplateVersionQuerySet(_StandardOrConsortiumQuerySet):
    consortium_path = "template__consortium"


class Template(models.Model):
    """A workbook template: the questions a consortium asks its members, in numbered versions."""

    consortium = models.ForeignKey(
        "tenancy.Consortium",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="assessment_templates",
        help_text=_("Empty for the standard template shipped with Interlocal."),
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    # The standard template is found by this key so the installer stays idempotent.
    key = models.SlugField(_("key"), max_length=80, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    tenancy = Tenancy(consortium="consortium")
    objects = TemplateQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["key"],
                condition=Q(consortium__isnull=True) & ~Q(key=""),
                name="uniq_standard_template_key",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_standard(self) -> bool:
        return self.consortium_id is None


class TemplateVersion(models.Model):
    """One numbered, immutable-once-used set of sections and questions of a template."""

    template = models.ForeignKey(Template, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    note = models.CharField(_("what changed"), max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    is_locked = models.BooleanField(
        _("locked"),
        default=False,
        help_text=_("Set once a campaign uses this version; edits make a new version."),
    )

    tenancy = Tenancy(consortium="template__consortium")
    objects = TemplateVersionQuerySet.as_manager()

    class Meta:
        ordering = ["template", "-number"]
        constraints = [models.UniqueConstraint(fields=["template", "number"], name="uniq_template_version")]

    def __str__(self) -> str:
        return f"{self.template} v{self.number}"


class Section(models.Model):
    """A group of questions in a template version, usually about one service area."""

    version = models.ForeignKey(TemplateVersion, on_delete=models.CASCADE, related_name="sections")
    area = models.ForeignKey(
        "taxonomy.ServiceArea",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assessment_sections",
        help_text=_("Empty for a general section."),
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["version", "order", "pk"]

    def __str__(self) -> str:
        return self.title


class Question(models.Model):
    """One question of a template version, with its kind and what a valid answer is."""

    class Kind(models.TextChoices):
        SCALED = "scaled", _("Scale of 1 to 5")
        YES_NO = "yes_no", _("Yes or no")
        NUMBER = "number", _("Number")
        SINGLE = "single", _("One choice")
        MULTIPLE = "multiple", _("Several choices")
        DATE = "date", _("Date")
        TEXT = "text", _("Free text")

    class Dimension(models.TextChoices):
        SATISFACTION = "satisfaction", _("Current satisfaction")
        PRESSING = "pressing", _("Pressing concern (now)")
        FUTURE = "future", _("Future concern (3–5 years)")
        READINESS = "readiness", _("Readiness to collaborate")
        SHARING = "sharing", _("Willingness to share data")

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="questions")
    # Copied from the section so that `code` can be unique per version in the database.
    version = models.ForeignKey(TemplateVersion, on_delete=models.CASCADE, related_name="questions")
    code = models.CharField(
        _("code"),
        max_length=120,
        validators=[
            RegexValidator(
                r"^[a-z0-9][a-z0-9_.-]*$", _("Use lower-case letters, digits, dots, dashes and underscores.")
            )
        ],
        help_text=_('A stable key, unique in the version, e.g. "edms-records.pressing".'),
    )
    text = models.CharField(_("question"), max_length=500)
    help_text = models.TextField(_("help text"), blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    dimension = models.CharField(_("dimension"), max_length=20, choices=Dimension.choices, blank=True)
    unit = models.CharField(
        _("unit"), max_length=40, blank=True, help_text=_('e.g. "USD/year", "FTE", "users"')
    )
    choices = models.JSONField(_("choices"), default=list, blank=True)
    scale_labels = models.JSONField(_("scale labels"), default=list, blank=True)
    required = models.BooleanField(_("required"), default=False)
    min_value = models.FloatField(_("minimum"), null=True, blank=True)
    max_value = models.FloatField(_("maximum"), null=True, blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["section__order", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="uniq_question_code_per_version")
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.text}"


class CampaignQuerySet(ScopedQuerySet["Campaign"]):
    pass


def default_reminder_days() -> list[int]:
    """Remind a week and two days before the deadline."""
    return [7, 2]


class Campaign(models.Model):
    """A round of questions: one template version put to a set of members until a deadline."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    consortium = models.ForeignKey(
        "tenancy.Consortium", on_delete=models.CASCADE, related_name="assessment_campaigns"
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    template_version = models.ForeignKey(
        TemplateVersion,
        on_delete=models.PROTECT,
        related_name="campaigns",
        verbose_name=_("template version"),
    )
    opens_at = models.DateTimeField(_("opens at"), default=timezone.now)
    deadline = models.DateTimeField(_("deadline"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    priority_threshold = models.FloatField(_("priority threshold"), default=3.0)
    readiness_threshold = models.FloatField(_("readiness threshold"), default=3.0)
    reminder_days = models.JSONField(
        _("reminder days"),
        default=default_reminder_days,
        blank=True,
        help_text=_("Days before the deadline to remind, e.g. [7, 2]."),
    )
    # "Remind now" (from the inbox or the campaign page): when and by whom, for its once-a-day limit.
    reminded_now_at = models.DateTimeField(_("last reminded by hand"), null=True, blank=True)
    reminded_now_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    tenancy = Tenancy(consortium="consortium")
    objects = CampaignQuerySet.as_manager()

    class Meta:
        ordering = ["-opens_at", "-pk"]
        indexes = [models.Index(fields=["consortium", "status"], name="assess_campaign_cons_status")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def is_past_deadline(self) -> bool:
        return timezone.now() > self.deadline


class PeerGroupQuerySet(ScopedQuerySet["PeerGroup"]):
    pass


class PeerGroup(models.Model):
    """A custom set of members that benchmarks compare against (e.g. "lakeside towns")."""

    consortium = models.ForeignKey("tenancy.Consortium", on_delete=models.CASCADE, related_name="peer_groups")
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    members = models.ManyToManyField("tenancy.Member", related_name="peer_groups", blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    tenancy = Tenancy(consortium="consortium")
    objects = PeerGroupQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        constraints = [models.UniqueConstraint(fields=["consortium", "name"], name="uniq_peer_group_name")]

    def __str__(self) -> str:
        return self.name


class ResponseQuerySet(ScopedQuerySet["Response"]):
    pass


class Response(models.Model):
    """One member's answers to one campaign, with its status and confidentiality choice."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        SUBMITTED = "submitted", _("Submitted")

    class Visibility(models.TextChoices):
        NAMED = "named", _("By name to the other members")
        AGGREGATE = "aggregate", _("Only in aggregates")

    class Source(models.TextChoices):
        BROWSER = "browser", _("Browser")
        XLSX = "xlsx", _("Excel workbook")
        API = "api", _("API")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="responses")
    member = models.ForeignKey(
        "tenancy.Member", on_delete=models.CASCADE, related_name="assessment_responses"
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.NOT_STARTED)
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.AGGREGATE
    )
    source = models.CharField(_("last saved from"), max_length=10, choices=Source.choices, blank=True)
    # Kept by do_save_answers so that progress lists never count answers row by row.
    answered_count = models.PositiveIntegerField(_("questions answered"), default=0)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reopened_at = models.DateTimeField(_("reopened at"), null=True, blank=True)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Which reminders (days before the deadline) were already sent, so each goes out once.
    reminders_sent = models.JSONField(_("reminders sent"), default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    tenancy = Tenancy(consortium="campaign__consortium", member="member")
    objects = ResponseQuerySet.as_manager()

    class Meta:
        ordering = ["campaign", "member__name"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "member"], name="uniq_response_per_member")
        ]
        indexes = [models.Index(fields=["campaign", "status"], name="assess_response_camp_status")]

    def __str__(self) -> str:
        return f"{self.member} — {self.campaign}"

    @property
    def is_submitted(self) -> bool:
        return self.status == self.Status.SUBMITTED


class AnswerQuerySet(ScopedQuerySet["Answer"]):
    pass


class Answer(models.Model):
    """One member's answer to one question; the value sits in `num`, `text`, `date` or `choices`.

    `num` holds scaled answers (1–5), yes/no as 1/0 and numbers, so that aggregates read one
    float column. `campaign` and `member` are copies of the response's, for aggregation.
    """

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="answers")
    member = models.ForeignKey("tenancy.Member", on_delete=models.CASCADE, related_name="assessment_answers")
    num = models.FloatField(null=True, blank=True)
    text = models.TextField(blank=True)
    date = models.DateField(null=True, blank=True)
    choices = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    tenancy = Tenancy(consortium="campaign__consortium", member="member")
    objects = AnswerQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="uniq_answer_per_question")
        ]
        indexes = [models.Index(fields=["campaign", "question"], name="assess_answer_camp_question")]

    def __str__(self) -> str:
        return f"{self.question_id}={self.display_value()}"

    def display_value(self) -> str:
        """The answer as text, whatever its kind."""
        if self.date is not None:
            return self.date.isoformat()
        if self.choices:
            return ", ".join(str(c) for c in self.choices)
        if self.num is not None:
            return f"{self.num:g}"
        return self.text
