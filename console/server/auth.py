"""Who is calling the API: login, bearer tokens, roles.

Tokens are random (256 bits) and live in server memory with their expiry; only a SHA-256 of a
token is kept as the key, so a dump of the store does not hand out sessions. A restart logs
everyone out, which the consoles handle by logging in again. The password check (a slow KDF) runs
in a thread so that a login never stalls the event loop that delivers screen pops.
"""

from __future__ import annotations

import functools
import hashlib
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
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


@dataclass(slots=True)
class Session:
    user: AuthUser
    expires_at: datetime


@dataclass
class TokenStore:
    ttl: timedelta
    clock: Callable[[], datetime]
    _sessions: dict[str, Session] = field(default_factory=dict)

    @staticmethod
    def _key(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    def issue(self, user: AuthUser) -> tuple[str, datetime]:
        now = self.clock()
        # Forget expired sessions here too, so that tokens never presented again do not pile up.
        for key in [k for k, s in self._sessions.items() if s.expires_at <= now]:
            del self._sessions[key]
        token = secrets.token_urlsafe(32)
        expires_at = now + self.ttl
        self._sessions[self._key(token)] = Session(user, expires_at)
        return token, expires_at

    def resolve(self, token: str) -> AuthUser | None:
        """The user of a live token; an expired one is forgotten on sight."""
        key = self._key(token)
        session = self._sessions.get(key)
        if session is None:
            return None
        if session.expires_at <= self.clock():
            del self._sessions[key]
            return None
        return session.user

    def revoke(self, token: str) -> None:
        self._sessions.pop(self._key(token), None)

    def revoke_user(self, user_id: int, keep: str | None = None) -> int:
        """End every session of a user (disabled, or given a new password), except the token
        ``keep`` (an administrator resetting their own password stays logged in); how many."""
        kept = self._key(keep) if keep else None
        ended = [k for k, s in self._sessions.items() if s.user.id == user_id and k != kept]
        for key in ended:
            del self._sessions[key]
        return len(ended)

    def update_user(self, user: AuthUser) -> None:
        """Live sessions of this user see an edited account at once (a new role, extension or
        queues decides their next request, not their next login)."""
        for session in self._sessions.values():
            if session.user.id == user.id:
                session.user = user


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
    user = request.app[keys.TOKENS].resolve(token) if token else None
    if user is None:
        raise ApiError(401, "unauthorized")
    request[keys.USER] = user
    request[keys.TOKEN] = token
    return await handler(request)
