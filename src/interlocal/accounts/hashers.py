"""Password hashing: Argon2id at the OWASP baseline (19 MiB, two passes, one lane).

Django's own Argon2 defaults (100 MiB, eight lanes) take about 0.4 s a sign-in on a two-core
server and PBKDF2 at a million rounds the same; at these parameters a hash takes about 30 ms, so
sign-in stays well under 300 ms of server time while each guess still costs an attacker 19 MiB of
memory. Older hashes (PBKDF2, or Argon2 with other parameters) are rehashed at the next sign-in.
"""

from __future__ import annotations

from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2idHasher(Argon2PasswordHasher):
    """Argon2id with OWASP's first recommended configuration (m=19456 KiB, t=2, p=1)."""

    time_cost = 2
    memory_cost = 19456
    parallelism = 1
