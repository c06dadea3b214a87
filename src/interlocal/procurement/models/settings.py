"""A consortium's procurement settings (one row per consortium, created when first changed)."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from interlocal.procurement.models.planning import current_time
from interlocal.tenancy.scoping import ScopedQuerySet, Tenancy

__all__ = ["DEFAULT_ADDENDUM_NOTICE_DAYS", "ProcurementSettings"]


# Working days an addendum gives vendors before a date it sets, and before the bids may be opened.
DEFAULT_ADDENDUM_NOTICE_DAYS = 5


class ProcurementSettings(models.Model):
    """A consortium's procurement rules that its council may change (the addendum notice)."""

    consortium = models.OneToOneField(
        "tenancy.Consortium", on_delete=models.CASCADE, related_name="procurement_settings",
        verbose_name=_("consortium"),
    )  # fmt: skip
    addendum_notice_days = models.PositiveSmallIntegerField(
        _("minimum notice of an addendum (working days)"),
        default=DEFAULT_ADDENDUM_NOTICE_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text=_(
            "An addendum may move the submission deadline and the opening only later, and to at least "
            "this many working days (Monday to Friday) after it is issued; the bids are not opened "
            "before an addendum's notice has run."
        ),
    )
    updated_at = models.DateTimeField(default=current_time)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    tenancy = Tenancy(consortium="consortium")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("procurement settings")
        verbose_name_plural = _("procurement settings")

    def __str__(self) -> str:
        return f"Procurement settings of consortium {self.consortium_id}"
