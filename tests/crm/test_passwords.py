"""scrypt password hashes: salted, verifiable, and robust against malformed stored values."""

from __future__ import annotations

import pytest

from console.crm.passwords import hash_password, needs_rehash, verify_password


def test_hash_verifies_and_rejects_wrong_password() -> None:
    stored = hash_password("calldesk")
    assert stored.startswith("scrypt$14$8$1$")
    assert verify_password("calldesk", stored)
    assert not verify_password("calldesk ", stored)
    assert not verify_password("Calldesk", stored)
    assert not needs_rehash(stored)


def test_same_password_gets_a_different_salt_each_time() -> None:
    assert hash_password("calldesk") != hash_password("calldesk")


def test_fixed_salt_is_reproducible() -> None:
    assert hash_password("密码123", salt=b"0" * 16) == hash_password("密码123", salt=b"0" * 16)
    assert verify_password("密码123", hash_password("密码123", salt=b"0" * 16))


@pytest.mark.parametrize("stored", [
    "", "plain", "scrypt$14$8$1$only-five", "bcrypt$14$8$1$c2FsdA$aGFzaA",
    "scrypt$99$8$1$c2FsdA$aGFzaA", "scrypt$x$8$1$c2FsdA$aGFzaA", "scrypt$14$8$1$!!!$aGFzaA",
])
def test_malformed_stored_hash_never_matches(stored: str) -> None:
    assert verify_password("calldesk", stored) is False


def test_empty_password_is_refused() -> None:
    with pytest.raises(ValueError):
        hash_password("")
