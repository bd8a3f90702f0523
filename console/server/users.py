"""Who a logged-in user is, as every part of the server sees them (a request's user, a session's,
the directory's). Plain data: the web layer (console/server/auth.py) decides who is calling."""

from __future__ import annotations

import functools
import secrets
from dataclasses import dataclass
from typing import Any

from console.store.models import ROLES  # the one declaration of the role vocabulary, lowest first

_RANK = {role: rank for rank, role in enumerate(ROLES)}


@dataclass(frozen=True, slots=True)
class AuthUser:
    id: int
    username: str
    name: str
    role: str
    extension: str | None
    queues: tuple[str, ...] = ()

    def at_least(self, role: str) -> bool:
        return _RANK.get(self.role, -1) >= _RANK[role]

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "username": self.username, "name": self.name, "role": self.role,
            "extension": self.extension, "queues": list(self.queues),
        }


def user_from_staff(staff: Any) -> AuthUser:
    queues = staff.queues or ()
    if isinstance(queues, str):
        queues = [q.strip() for q in queues.split(",") if q.strip()]
    return AuthUser(
        id=staff.id, username=staff.username, name=staff.name, role=str(staff.role),
        extension=staff.extension, queues=tuple(queues),
    )


def check_password_sync(engine: Any, username: str, password: str) -> AuthUser | None:
    """The active account with this name and password, else None; blocking (the slow KDF runs
    for unknown names too). Throttling and lockout come first: console/server/login_guard.py."""
    from sqlalchemy import select
    from sqlmodel import col

    from console.crm.passwords import verify_password
    from console.store.models import Staff

    with engine.connect() as conn:
        staff = conn.execute(select(Staff).where(col(Staff.username) == username)).first()
    if staff is None or not getattr(staff, "active", True) or not staff.password_hash:
        # Same slow work for an unknown user, so timing does not reveal which names exist.
        verify_password(password, _dummy_hash())
        return None
    if not verify_password(password, staff.password_hash):
        return None
    return user_from_staff(staff)


@functools.cache
def _dummy_hash() -> str:
    from console.crm.passwords import hash_password

    return hash_password(secrets.token_hex(8))
