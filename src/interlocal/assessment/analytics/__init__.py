"""Assessment analytics: a campaign's submitted answers loaded into arrays, analysed by the pure
engine (`assessment/engine/`) and kept per campaign until its data changes; peer-group writes."""

from interlocal.assessment.analytics.build import (
    build_analytics,
    campaign_analytics,
    campaign_inputs,
)
from interlocal.assessment.analytics.loading import (
    ANSWER_RECORDS_SQL,
    ANSWER_SQL,
    DATE_RECORDS_SQL,
    DATE_SQL,
)
from interlocal.assessment.analytics.peer_groups import (
    do_delete_peer_group,
    do_save_peer_group,
)
from interlocal.assessment.analytics.results import (
    CONTRACT_END_SUFFIX,
    DIMENSION_LABELS,
    NUMERIC_KINDS,
    POPULATION_BANDS_MIN_FOR_QUARTERS,
    QUADRANT_HELP,
    QUADRANT_LABELS,
    AreaInfo,
    CampaignAnalytics,
    GroupDef,
    MemberInfo,
    QuestionInfo,
    min_members,
    population_bands,
)

__all__ = [
    "ANSWER_RECORDS_SQL",
    "ANSWER_SQL",
    "AreaInfo",
    "CONTRACT_END_SUFFIX",
    "CampaignAnalytics",
    "DATE_RECORDS_SQL",
    "DATE_SQL",
    "DIMENSION_LABELS",
    "GroupDef",
    "MemberInfo",
    "NUMERIC_KINDS",
    "POPULATION_BANDS_MIN_FOR_QUARTERS",
    "QUADRANT_HELP",
    "QUADRANT_LABELS",
    "QuestionInfo",
    "build_analytics",
    "campaign_analytics",
    "campaign_inputs",
    "do_delete_peer_group",
    "do_save_peer_group",
    "min_members",
    "population_bands",
]
