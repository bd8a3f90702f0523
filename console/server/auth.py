"""Who is calling the API: login, bearer tokens, roles.

A login gives a random (256-bit) bearer token. Sessions live in the store, only a SHA-256 of each
token with them, so that every server on the database accepts every console's token, logout and
expiry count everywhere, and a restart logs nobody out; each server caches them for the hot path
(console/server/tokens.py says how stale a cache may be and what a database outage does). The
password check (a slow KDF) runs in a thread so that a login never stalls the event loop that
delivers screen pops.
"""

from __future__ import annotations

import functools
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from console.server import keys
from console.i18n import t
from console.server.errors import ApiError
from console.store.models import ROLES  # the one declaration of the role vocabulary, lowest first

_RANK = {role: rank for rank, role in enumerate(ROLES)}
PUBLIC_PATHS = frozenset({"/api/login", "/api/openapi.json", "/healthz", "/metrics"})


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

    from console.crm.passwords import verify_password
    from console.store.models import Staff

    with engine.connect() as conn:
        staff = conn.execute(select(Staff).where(Staff.username == username)).first()
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


def bearer_token(request: web.Request) -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return None


def current_user(request: web.Request) -> AuthUser:
    user = request.get(keys.USER)
    if user is None:
        raise ApiError(401, "unauthorized")
    return user


def require_role(request: web.Request, role: str) -> AuthUser:
    """The logged-in user if at least ``role``; otherwise 403 (401 when not logged in)."""
    user = current_user(request)
    if not user.at_least(role):
        raise ApiError(403, "forbidden", t("server.error.role_needed", role=role))
    return user


@web.middleware
async def auth_middleware(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    # The WebSocket authenticates itself (browsers cannot set headers on it): see hub.py.
    if request.path in PUBLIC_PATHS or request.path == "/ws" or not request.path.startswith("/api/"):
        return await handler(request)
    token = bearer_token(request)
    user = await request.app[keys.TOKENS].resolve(token) if token else None
    if user is None:
        raise ApiError(401, "unauthorized")
    request[keys.USER] = user
    request[keys.TOKEN] = token
    return await handler(request)
