"""Assessment's write paths (`do_*`, audited, each checking the actor's right), by topic:
answers and responses, templates, campaigns."""

from interlocal.assessment.actions.answers import (
    CleanValue,
    SaveResult,
    clean_value,
    do_reopen_response,
    do_save_answers,
    do_set_visibility,
    do_submit_response,
    missing_required,
)
from interlocal.assessment.actions.campaigns import (
    _answer_url,
    do_close_campaign,
    do_create_campaign,
    do_launch_campaign,
    do_update_campaign,
    response_people_emails,
)
from interlocal.assessment.actions.common import (
    MAX_TEXT_LENGTH,
    is_council_of,
)
from interlocal.assessment.actions.reminders import (
    REMIND_NOW_INTERVAL,
    RemindRights,
    do_remind_late_members,
    remind_rights,
)
from interlocal.assessment.actions.templates import (
    do_create_template,
    do_delete_question,
    do_delete_section,
    do_save_question,
    do_save_section,
    do_start_new_version,
    do_update_template,
    latest_version,
    lock_version,
)

__all__ = [
    "CleanValue",
    "MAX_TEXT_LENGTH",
    "REMIND_NOW_INTERVAL",
    "RemindRights",
    "SaveResult",
    "_answer_url",
    "clean_value",
    "do_close_campaign",
    "do_create_campaign",
    "do_create_template",
    "do_delete_question",
    "do_delete_section",
    "do_launch_campaign",
    "do_remind_late_members",
    "do_reopen_response",
    "do_save_answers",
    "do_save_question",
    "do_save_section",
    "do_set_visibility",
    "do_start_new_version",
    "do_submit_response",
    "do_update_campaign",
    "do_update_template",
    "is_council_of",
    "latest_version",
    "lock_version",
    "missing_required",
    "remind_rights",
    "response_people_emails",
]
