"""Loading the standard catalogue (taxonomy.catalogue) into the database, from migrations.

Works with the historical models a migration passes in (`apps`), so later migrations can call it
again when the catalogue grows. It adds missing areas and synonyms and refreshes names,
definitions, kinds and order of existing standard areas; it never deletes, because assessments
and cost models may already point at an area.
"""

from __future__ import annotations

from typing import Any

from interlocal.taxonomy.catalogue import CATALOGUE
from interlocal.taxonomy.matching import normalize

__all__ = ["load_standard_catalogue"]


def load_standard_catalogue(apps: Any = None) -> tuple[int, int]:
    """Create or refresh the standard areas and synonyms; returns (areas created, synonyms created)."""
    if apps is None:
        from django.apps import apps as live_apps

        apps = live_apps
    ServiceArea = apps.get_model("taxonomy", "ServiceArea")
    Synonym = apps.get_model("taxonomy", "Synonym")
    areas_created = synonyms_created = 0
    taken = set(Synonym.objects.filter(consortium__isnull=True).values_list("normalized", flat=True))
    for position, entry in enumerate(CATALOGUE, start=1):
        area, created = ServiceArea.objects.update_or_create(
            consortium=None,
            code=entry.code,
            defaults={
                "name": entry.name,
                "definition": entry.definition,
                "kind": entry.kind,
                "sort_order": position * 10,
            },
        )
        areas_created += int(created)
        new = []
        for text in entry.synonyms:
            key = normalize(text)
            if not key or key in taken:
                continue
            taken.add(key)
            new.append(Synonym(area=area, consortium=None, text=text, normalized=key))
        Synonym.objects.bulk_create(new)
        synonyms_created += len(new)
    return areas_created, synonyms_created
