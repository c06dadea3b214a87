"""Sealing bid contents: per-solicitation key pairs, a key-encryption key from the environment.

How it works (see docs/security.md for the reasoning and the limits):

- Each solicitation gets an X25519 key pair when its first bid arrives. The public key is stored
  in clear; the private key is stored only wrapped (AES-256-GCM) under the key-encryption key
  (KEK), which comes from the environment variable `INTERLOCAL_BID_KEY` (or a file named by
  `INTERLOCAL_BID_KEY_FILE`), never from the database.
- Sealing a bid's prices or a document needs only the public key: an ephemeral X25519 exchange,
  HKDF-SHA256, then AES-256-GCM with associated data naming what the blob is (so a blob cannot be
  moved to another bid or document). The application therefore cannot read a bid it has just
  sealed: only `unseal()` unwraps the private key, and it refuses before the solicitation's
  opening time and before the solicitation is opened.
- In development and tests the KEK is derived from the secret key (HKDF), so the demo works out of
  the box. In production (`INTERLOCAL_ENV=production`) there is no fallback: without the variable
  every seal and unseal raises ImproperlyConfigured, and the system check `procurement.E001`
  stops `migrate`, `check --deploy` and the server's start-up checks.

Server time is authoritative: the deadline and the opening time are compared with the server's
clock (`django.utils.timezone.now`), never with a time sent by the client.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    import datetime as dt

__all__ = [
    "KEY_ENV",
    "SealedError",
    "StillSealed",
    "gen_keypair",
    "kek_id",
    "keyed_digest",
    "seal",
    "unseal",
    "unwrap_private_key",
]

KEY_ENV = "INTERLOCAL_BID_KEY"
_VERSION = b"\x01"
_NONCE = 12
_PUB = 32


class SealedError(Exception):
    """A sealed blob cannot be opened (wrong key, tampered, or moved to another object)."""


class StillSealed(PermissionError):
    """Someone asked for bid contents before the opening: refused."""


# --- The key-encryption key -----------------------------------------------------------------------
def _production() -> bool:
    from django.conf import settings

    return bool(getattr(settings, "PRODUCTION", False))


def _configured_key() -> bytes | None:
    """The KEK from INTERLOCAL_BID_KEY or INTERLOCAL_BID_KEY_FILE (32 bytes, base64), or None."""
    raw = os.environ.get(KEY_ENV, "")
    file_name = os.environ.get(f"{KEY_ENV}_FILE", "")
    if file_name:
        with open(file_name, encoding="utf-8") as handle:
            raw = handle.read()
    raw = raw.strip()
    if not raw:
        return None
    try:
        key = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4))
    except (binascii.Error, ValueError):
        raise ImproperlyConfigured(
            f"{KEY_ENV} is not base64 (generate one with: openssl rand -base64 32)"
        ) from None
    if len(key) != 32:
        raise ImproperlyConfigured(f"{KEY_ENV} must decode to 32 bytes, not {len(key)}")
    return key


def _kek() -> bytes:
    """The key-encryption key; a key derived from SECRET_KEY outside production only."""
    key = _configured_key()
    if key is not None:
        return key
    if _production():
        raise ImproperlyConfigured(
            f"{KEY_ENV} (or {KEY_ENV}_FILE) is required in production to seal and open bids"
        )
    from django.conf import settings

    return _hkdf(settings.SECRET_KEY.encode(), b"interlocal development bid key-encryption key")


def kek_id() -> str:
    """A short fingerprint of the current KEK, stored with each wrapped key (for rotation)."""
    return hashlib.sha256(b"interlocal-kek-id" + _kek()).hexdigest()[:16]


def keyed_digest(data: bytes) -> str:
    """HMAC-SHA256 of `data` under a key derived from the KEK.

    Used to compare a repeated submission with the first one (idempotency) without storing a
    plain hash of the prices, which could be guessed by trying prices until one matches.
    """
    return hmac.new(_hkdf(_kek(), b"interlocal bid digest"), data, hashlib.sha256).hexdigest()


@checks.register(checks.Tags.security)
def check_bid_key(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Production refuses to run without a bid key-encryption key."""
    try:
        key = _configured_key()
    except (ImproperlyConfigured, OSError) as exc:
        return [checks.Error(str(exc), id="procurement.E002")]
    if key is None and _production():
        return [
            checks.Error(
                f"{KEY_ENV} (or {KEY_ENV}_FILE) is not set: sealed bids cannot be stored or opened.",
                hint="Generate one with `openssl rand -base64 32` and keep it outside the database backups.",
                id="procurement.E001",
            )
        ]
    return []


# --- Primitives -----------------------------------------------------------------------------------
def _hkdf(secret: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(secret)


def _raw_public(public: X25519PublicKey) -> bytes:
    return public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


@dataclass(frozen=True)
class KeyPair:
    """A solicitation's key pair as stored: the public key in clear, the private key wrapped."""

    public_key: bytes
    wrapped_private_key: bytes
    kek_id: str


def gen_keypair(context: str) -> KeyPair:
    """A fresh X25519 key pair; the private key wrapped under the KEK, bound to `context`."""
    private = X25519PrivateKey.generate()
    raw_private = private.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    nonce = secrets.token_bytes(_NONCE)
    wrapped = _VERSION + nonce + AESGCM(_kek()).encrypt(nonce, raw_private, b"wrap:" + context.encode())
    return KeyPair(_raw_public(private.public_key()), wrapped, kek_id())


def unwrap_private_key(wrapped: bytes, context: str) -> X25519PrivateKey:
    """The private key of a solicitation. Callers: `unseal` only."""
    if wrapped[:1] != _VERSION:
        raise SealedError("unknown key format")
    nonce, body = wrapped[1 : 1 + _NONCE], wrapped[1 + _NONCE :]
    try:
        raw = AESGCM(_kek()).decrypt(nonce, body, b"wrap:" + context.encode())
    except InvalidTag:
        raise SealedError("the key-encryption key does not open this solicitation's key") from None
    return X25519PrivateKey.from_private_bytes(raw)


def seal(public_key: bytes, plaintext: bytes, aad: str) -> bytes:
    """Encrypt `plaintext` for the holder of the private key; `aad` names what the blob is."""
    ephemeral = X25519PrivateKey.generate()
    epub = _raw_public(ephemeral.public_key())
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(public_key))
    key = _hkdf(shared, b"interlocal sealed bid:" + epub + public_key)
    nonce = secrets.token_bytes(_NONCE)
    return _VERSION + epub + nonce + AESGCM(key).encrypt(nonce, plaintext, aad.encode())


def _open(private: X25519PrivateKey, blob: bytes, aad: str) -> bytes:
    if blob[:1] != _VERSION or len(blob) < 1 + _PUB + _NONCE + 16:
        raise SealedError("not a sealed blob")
    epub = blob[1 : 1 + _PUB]
    nonce = blob[1 + _PUB : 1 + _PUB + _NONCE]
    body = blob[1 + _PUB + _NONCE :]
    public_key = _raw_public(private.public_key())
    key = _hkdf(
        private.exchange(X25519PublicKey.from_public_bytes(epub)),
        b"interlocal sealed bid:" + epub + public_key,
    )
    try:
        return AESGCM(key).decrypt(nonce, body, aad.encode())
    except InvalidTag:
        raise SealedError("the sealed blob was altered or belongs to another object") from None


# --- The one gate -----------------------------------------------------------------------------------
class Openable(Protocol):
    """What `unseal` needs to know about a solicitation (planning's Solicitation model)."""

    pk: Any

    @property
    def opening_at(self) -> dt.datetime | None: ...
    @property
    def status(self) -> str: ...


# Statuses in which a solicitation's bids have been opened (planning's Solicitation.status values).
OPENED_STATUSES = frozenset({"opened", "evaluated", "awarded"})


def unseal(solicitation: Openable, wrapped_private_key: bytes, blobs: list[tuple[bytes, str]]) -> list[bytes]:
    """Decrypt sealed blobs of `solicitation`: the only way the application reads bid contents.

    Refuses (StillSealed) before the opening time by the server's clock, and before the
    solicitation has been opened (status opened, evaluated or awarded). `blobs` pairs each
    ciphertext with its associated data.
    """
    from django.utils import timezone

    now = timezone.now()
    if solicitation.opening_at is None or now < solicitation.opening_at:
        raise StillSealed("bids stay sealed until the opening time")
    if solicitation.status not in OPENED_STATUSES:
        raise StillSealed("bids stay sealed until the solicitation is opened")
    private = unwrap_private_key(wrapped_private_key, f"solicitation:{solicitation.pk}")
    return [_open(private, blob, aad) for blob, aad in blobs]
