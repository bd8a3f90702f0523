"""How a WebSocket proves who it is: never in the URL.

A URL ends up in proxy logs, access logs and browser history, so a token there has leaked:
``/ws?token=…`` is refused with 400 and that token is revoked. A client authenticates with the
``Authorization: Bearer`` header of the upgrade request (checked before the upgrade: a bad one
is a plain 401), or, when it cannot set headers (a browser), with its first message
``{"kind": "auth", "token": "…"}`` within :data:`AUTH_TIMEOUT_S`; a failure there closes the
socket with a code of :mod:`console.ws_close` (its reason is short ASCII: a close reason holds at
most 123 bytes; the clients say it in the user's language from the code). When only the
unreachable database could say whether the token is live (console/server/tokens.py), the header
gets 503 and the first message a close with 1013 (try again later): the token is not refused.
"""

from __future__ import annotations

import asyncio
import json
import logging

from aiohttp import WSCloseCode, WSMsgType, web

from console import ws_close
from console.i18n import t
from console.server import keys
from console.server.auth import AuthUser, bearer_token
from console.server.errors import ApiError
from console.server.tokens import SessionsUnavailable

log = logging.getLogger(__name__)

AUTH_TIMEOUT_S = 5.0
"""Seconds a connection without an Authorization header has to send its auth message."""
URL_SECRET_PARAMS = ("token", "access_token", "password")
"""Query parameters that would carry a secret: refused on the WebSocket."""


async def user_before_upgrade(request: web.Request) -> AuthUser | None:
    """The user of the upgrade request's bearer token; None when it has none (the first message
    decides). A secret in the URL is refused (400) and the token revoked; a bad header is 401."""
    leaked = [name for name in URL_SECRET_PARAMS if name in request.query]
    if leaked:
        tokens = request.app[keys.TOKENS]
        for value in request.query.getall("token", []) + request.query.getall("access_token", []):
            if not value:
                continue
            try:
                user = await tokens.resolve(value)
            except SessionsUnavailable:  # cannot tell whose: revoke it all the same (saved when the store is back)
                await tokens.revoke(value)
                log.warning("a token was sent in a WebSocket URL; it is revoked")
                continue
            if user is not None:
                await tokens.revoke(value)
                log.warning("user %s: a token was sent in a WebSocket URL; it is revoked", user.id)
        raise ApiError(400, "bad_request", t("transport.ws.secret_in_url", param=leaked[0]), field=leaked[0])
    token = bearer_token(request)
    if token is None:
        return None
    user = await request.app[keys.TOKENS].resolve(token)
    if user is None:
        raise ApiError(401, "unauthorized")
    return user


async def user_from_first_message(ws: web.WebSocketResponse, request: web.Request,
                                  timeout_s: float = AUTH_TIMEOUT_S) -> AuthUser | None:
    """Read the auth message of a connection that had no header; on failure close the socket
    (with the code saying why) and return None."""
    try:
        async with asyncio.timeout(timeout_s):
            msg = await ws.receive()
    except TimeoutError:
        await ws.close(code=ws_close.AUTH_TIMEOUT, message=b"no auth message in time")
        return None
    if msg.type != WSMsgType.TEXT:
        await ws.close(code=ws_close.AUTH_MALFORMED, message=b"first message must be auth")
        return None
    token = _token_of(msg.data)
    if token is None:
        await ws.close(code=ws_close.AUTH_MALFORMED, message=b"first message must be auth")
        return None
    try:
        user = await request.app[keys.TOKENS].resolve(token)
    except SessionsUnavailable:
        await ws.close(code=WSCloseCode.TRY_AGAIN_LATER, message=b"sessions unavailable, try again")
        return None
    if user is None:
        await ws.close(code=ws_close.TOKEN_REFUSED, message=b"token unknown or expired")
    return user


def _token_of(text: str) -> str | None:
    """The token of ``{"kind": "auth", "token": "…"}``; None for anything else."""
    try:
        body = json.loads(text)
    except ValueError:
        return None
    if not isinstance(body, dict) or body.get("kind") != "auth":
        return None
    token = body.get("token")
    return token if isinstance(token, str) and token else None
