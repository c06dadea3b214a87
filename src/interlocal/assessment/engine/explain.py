"""Plain words for the figures: how scores are made, what a coalition has in common, why a figure
is hidden. English here; the Django layer passes the strings through gettext where it can."""

from __future__ import annotations

from collections.abc import Sequence

from interlocal.assessment.engine.coalitions import Coalition

__all__ = ["coalition_sentence", "join_names", "scoring_explanation"]


def join_names(names: Sequence[str]) -> str:
    """ "Avon", "Avon and Canton", "Avon, Canton and Granby"."""
    names = list(names)
    if not names:
        return ""
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " and " + names[-1]


def coalition_sentence(coalition: Coalition, names: Sequence[str], area_name: str) -> str:
    """One sentence saying what the members of a coalition share."""
    who = join_names(names)
    one = len(names) == 1
    verb, say = ("rates", "says it is") if one else ("rate", "say they are")
    text = (
        f"{who} {verb} {area_name} as pressing "
        f"(priority {coalition.priority:.1f} of 5 on average) and {say} ready to work with others "
        f"(readiness {coalition.readiness:.1f})"
    )
    if coalition.first_end and coalition.last_end and coalition.months_apart is not None and not one:
        if coalition.months_apart == 0:
            text += f", and their contracts end in the same month ({coalition.first_end:%B %Y})"
        else:
            months = "month" if coalition.months_apart == 1 else "months"
            text += (
                f", and their contracts end within {coalition.months_apart} {months} of each other "
                f"({coalition.first_end:%B %Y} to {coalition.last_end:%B %Y})"
            )
    return text + "."


def scoring_explanation(priority_threshold: float, readiness_threshold: float, k: int) -> list[str]:
    """The matrix scoring in plain words, one paragraph per item."""
    return [
        "Every scaled question is answered from 1 (low) to 5 (high) and belongs to one service area "
        "and one dimension: current satisfaction, pressing concern now, future concern in 3–5 years, "
        "readiness to collaborate, or willingness to share data.",
        "A member's priority for an area is the average of its pressing-concern and future-concern "
        "answers there; its readiness is the average of its readiness and willingness-to-share "
        "answers. The consortium's score for an area is the average over the members who answered.",
        f"An area is high priority at {priority_threshold:.1f} or more, and high readiness at "
        f"{readiness_threshold:.1f} or more. Pursue: high priority and high readiness — start now. "
        "Improve: high priority but low readiness — build readiness first. Explore: ready but not "
        "pressing — worth a low-cost pilot. Monitor: neither — revisit next campaign.",
        "Opportunities are ranked by quadrant (Pursue, Improve, Explore, Monitor) and within a "
        "quadrant by the opportunity score: 0 at priority 1 and readiness 1, 100 at 5 and 5 "
        "(the product of both, rescaled).",
        f"Only submitted responses count. A figure that could reveal the answer of a member who chose "
        f"aggregates only is hidden: it needs at least {k} such members, and two figures whose "
        f"members differ by fewer than {k} of them are not both shown.",
    ]
