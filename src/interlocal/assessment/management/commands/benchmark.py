"""`interlocal benchmark CAMPAIGN_ID --format json`: a campaign's published aggregates per peer
group, question and area, and the matrix scores, as JSON on stdout.

An operator's command (like `allocate`): it reads the whole campaign, but prints only what the
disclosure rule publishes — suppressed figures appear with "published": false and no numbers.
"""

from __future__ import annotations

import json
import sys
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from interlocal.assessment.analytics import build_analytics, campaign_inputs
from interlocal.assessment.models import Campaign


class Command(BaseCommand):
    help = "Print a campaign's published aggregates (per peer group, question and area) and matrix scores."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("campaign_id", help="The campaign's id.")
        parser.add_argument("--format", choices=["json"], default="json", help="Output format (json).")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            campaign_id = int(options["campaign_id"])
        except ValueError:
            self.stderr.write(f"CAMPAIGN_ID: {options['campaign_id']!r} is not a number")
            sys.exit(2)
        campaign = Campaign.objects.select_related("consortium").filter(pk=campaign_id).first()
        if campaign is None:
            self.stderr.write(f"CAMPAIGN_ID: there is no campaign {campaign_id}")
            sys.exit(2)
        ca = build_analytics(campaign, *campaign_inputs(campaign))
        self.stdout.write(json.dumps(report(campaign, ca), indent=1, default=str))


def report(campaign: Campaign, ca: Any) -> dict[str, Any]:
    """The JSON document: groups, figures (areas, questions, matrix) and opportunities per group."""
    figures: dict[str, list[dict[str, Any]]] = {"areas": [], "questions": [], "matrix": []}
    key = {"area": "areas", "question": "questions", "matrix": "matrix"}
    for row in ca.export_rows():
        out = {k: v for k, v in row.items() if k != "group"}
        out["group"] = out.pop("group_key")
        figures[key[row["figure"]]].append(out)
    return {
        "campaign": {"id": campaign.pk, "name": campaign.name, "consortium": campaign.consortium.name},
        "k": ca.k,
        "participants": len(ca.members),
        "thresholds": {"priority": ca.priority_threshold, "readiness": ca.readiness_threshold},
        "groups": [{"key": g.key, "label": g.label, "kind": g.kind} for g in ca.groups],
        **figures,
        "opportunities": {
            g.key: [
                {k: r[k] for k in ("rank", "area", "priority", "readiness", "quadrant", "score")}
                for r in ca.opportunity_rows(ca.matrix_points(i))
            ]
            for i, g in enumerate(ca.groups)
        },
    }
