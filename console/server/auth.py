"""Who is calling the API: login, bearer tokens, roles.

A login gives a random (256-bit) bearer token. Sessions live in the store, only a SHA-256 of each
token with them, so that every server on the database accepts every console's token, logout and
expiry count everywhere, and a restart logs nobody out; each server caches them for the hot path
(console/server/tokens.py says how stale a cache may be and what a database outage does). The
password check (a slow KDF) runs in a thread so that a login never stalls the event loop that
delivers screen pops.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import web

from console.i18n import t
from console.server import keys
from console.server.errors import ApiError
from console.server.users import AuthUser, check_password_sync, user_from_staff

__all__ = ["PUBLIC_PATHS", "AuthUser", "auth_middleware", "bearer_token", "check_password_sync", "current_user",
           "require_role", "user_from_staff"]

PUBLIC_PATHS = frozenset({"/api/login", "/api/openapi.json", "/healthz", "/metrics"})


def bearer_token(request: web.Request) -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return None


def current_user(request: web.Request) -> AuthUser:
    user: AuthUser | None = request.get(keys.USER)
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
    if user is None or token is None:
        raise ApiError(401, "unauthorized")
    request[keys.USER] = user
    request[keys.TOKEN] = token
    return await handler(request)
