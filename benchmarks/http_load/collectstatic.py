"""`collectstatic` for the harness's production-like server, without source-map references.

The vendored vega-embed and vega-lite builds name a `.map` file that the asset build does not
copy, so the manifest storage of production stops `collectstatic` with MissingFileError. The
harness only needs the hashed files, so it skips rewriting source-map comments (nothing else
changes). Reported to the lead as a deployment issue; remove this wrapper once it is fixed.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "interlocal.settings")


def main() -> None:
    import django

    django.setup()
    from django.contrib.staticfiles.storage import HashedFilesMixin
    from django.core.management import call_command

    def keep(pattern: object) -> bool:
        return "sourceMappingURL" not in (pattern if isinstance(pattern, str) else pattern[0])  # type: ignore[index]

    HashedFilesMixin.patterns = tuple(
        (ext, tuple(p for p in pats if keep(p))) for ext, pats in HashedFilesMixin.patterns
    )
    call_command("collectstatic", interactive=False, verbosity=0)


if __name__ == "__main__":
    main()
