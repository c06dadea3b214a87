"""Pages of the assessment app: templates, campaigns and answering (re-exported here for the core
URLs), and the workbook and analytics pages in views/workbook.py and views/analytics.py."""

from interlocal.assessment.views.answering import (
    response_detail,
    response_reopen,
    response_save,
    response_submit,
    response_visibility,
)
from interlocal.assessment.views.campaigns import (
    campaign_close,
    campaign_create,
    campaign_detail,
    campaign_edit,
    campaign_launch,
    campaign_list,
    campaign_progress,
    open_responses_card,
)
from interlocal.assessment.views.reminders import campaign_remind
from interlocal.assessment.views.templates import (
    question_create,
    question_delete,
    question_edit,
    section_create,
    section_delete,
    section_edit,
    template_create,
    template_detail,
    template_edit,
    template_list,
    template_new_version,
)

__all__ = [
    "campaign_close",
    "campaign_create",
    "campaign_detail",
    "campaign_edit",
    "campaign_launch",
    "campaign_list",
    "campaign_progress",
    "campaign_remind",
    "open_responses_card",
    "question_create",
    "question_delete",
    "question_edit",
    "response_detail",
    "response_reopen",
    "response_save",
    "response_submit",
    "response_visibility",
    "section_create",
    "section_delete",
    "section_edit",
    "template_create",
    "template_detail",
    "template_edit",
    "template_list",
    "template_new_version",
]
