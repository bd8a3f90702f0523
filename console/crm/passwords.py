"""Password hashing with scrypt (hashlib): slow, salted, memory-hard; compared in constant time.

Stored form: ``scrypt$<log2 n>$<r>$<p>$<salt b64>$<hash b64>``. The cost parameters travel
with each hash, so they can be raised later without invalidating stored passwords
(:func:`needs_rehash` says when a login should re-hash).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

SCHEME = "scrypt"
LOG2_N = 14  # n = 16384, r = 8: 16 MiB and ~40 ms per hash on our machines
R = 8
P = 1
SALT_BYTES = 16
HASH_BYTES = 32
_MAX_LOG2_N = 20  # refuse stored hashes that would make us allocate gigabytes


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text + "=" * (-len(text) % 4), validate=True)


def _derive(password: str, salt: bytes, log2_n: int, r: int, p: int, length: int) -> bytes:
    n = 1 << log2_n
    return hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=length,
        maxmem=128 * r * (n + p + 2) + 1024 * 1024,
    )


def hash_password(password: str, *, salt: bytes | None = None) -> str:
    """A new salted hash of ``password`` (``salt`` only for reproducible tests)."""
    if not isinstance(password, str) or not password:
        raise ValueError("password must be a non-empty string")
    salt = salt if salt is not None else os.urandom(SALT_BYTES)
    digest = _derive(password, salt, LOG2_N, R, P, HASH_BYTES)
    return f"{SCHEME}${LOG2_N}${R}${P}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, stored: str) -> bool:
    """True when ``password`` matches ``stored``; a malformed stored hash never matches."""
    try:
        scheme, log2_n, r, p, salt, digest = stored.split("$")
        if scheme != SCHEME or not 1 <= int(log2_n) <= _MAX_LOG2_N:
            return False
        expected = _unb64(digest)
        actual = _derive(password, _unb64(salt), int(log2_n), int(r), int(p), len(expected))
    except (ValueError, AttributeError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


def needs_rehash(stored: str) -> bool:
    """True when ``stored`` was made with other cost parameters than today's."""
    return not stored.startswith(f"{SCHEME}${LOG2_N}${R}${P}$")
