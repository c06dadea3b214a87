"""In-app notifications beside e-mail, and each person's delivery preferences per kind.

A topic package of the core app (one app label, one migration history): `kinds` (the registry of
notification kinds), `models`, `queries`, `actions` (`deliver`, called by `core.mail` for every
message, and the `do_*` writes), `forms`, `views`, `api`, `urls`.
"""

__all__: list[str] = []
