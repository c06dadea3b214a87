"""The assessment analytics engine: statistics, suppression, matrix, coalitions, words, charts.

Pure computation over numpy arrays; no Django imports (the glue is assessment/analytics.py).
"""

from .coalitions import Coalition, find_coalitions, months_between
from .explain import coalition_sentence, join_names, scoring_explanation
from .scores import (
    DIMENSIONS,
    QUADRANTS,
    Analysis,
    Dataset,
    MemberComparison,
    Opportunity,
    analyse,
    compare_member,
    member_profile,
    opportunities,
    opportunity_score,
    quadrant,
)
from .stats import Sorted, Summary, member_means, percentile_of, summarise

__all__ = [
    "DIMENSIONS",
    "QUADRANTS",
    "Analysis",
    "Coalition",
    "Dataset",
    "MemberComparison",
    "Opportunity",
    "Sorted",
    "Summary",
    "analyse",
    "coalition_sentence",
    "compare_member",
    "find_coalitions",
    "join_names",
    "member_means",
    "member_profile",
    "months_between",
    "opportunities",
    "opportunity_score",
    "percentile_of",
    "quadrant",
    "scoring_explanation",
    "summarise",
]
