"""``GET /ws?since=SEQ&epoch=E``: the event stream (docs/API.md).

It authenticates with the Authorization header or the connection's first message, never the URL
(console/server/ws_auth.py), then hands the socket to the hub with what the user's console shows
now: the agent's states, the calls their phone rings for or talks on, the wrap-up still owed.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from console.i18n import t
from console.server import keys
from console.server.api_models.queries import WebSocketQuery
from console.server.errors import ApiError
from console.server.openapi import Operation, register
from console.server.users import AuthUser
from console.server.ws_auth import AUTH_TIMEOUT_S, user_before_upgrade, user_from_first_message


async def stream(request: web.Request) -> web.StreamResponse:
    user = await user_before_upgrade(request)
    since = _since(request)
    ws = web.WebSocketResponse(heartbeat=30, max_msg_size=64 * 1024)
    await ws.prepare(request)
    if user is None:
        user = await user_from_first_message(ws, request, AUTH_TIMEOUT_S)
        if user is None:
            return ws
    await request.app[keys.HUB].serve(ws, user, since, request.query.get("epoch") or None,
                                      greeting(request.app, user))
    return ws


def greeting(app: web.Application, user: AuthUser) -> dict[str, Any]:
    """The user-specific part of ``hello``: ``state`` (the agent's state that says most) and
    ``states`` (their last state in each queue), ``server_time``, and for an agent ``calls`` (each
    ringing or talking call's pop) and ``after_call`` (the call whose disposition is owed), so that
    a console that starts, resyncs or fails over mid-call restores them."""
    calls, after_call = app[keys.CALLS], app.get(keys.AFTER_CALL)
    body: dict[str, Any] = {"state": calls.agent_state(user.extension), "states": calls.queue_states(user.extension),
                            "server_time": app[keys.CLOCK]().isoformat()}
    if user.extension:
        body["calls"] = calls.restore_for(user.extension)
        body["after_call"] = after_call.pending(user.extension) if after_call is not None else None
    return body


def _since(request: web.Request) -> int | None:
    raw = request.query.get("since")
    if raw in (None, ""):
        return None
    try:
        return int(raw)
    except ValueError:
        raise ApiError(400, "invalid", t("server.error.since_integer"), field="since") from None


def setup(app: web.Application) -> None:
    register(app, Operation("GET", "/ws", stream, "The event stream (WebSocket; docs/API.md)", query=WebSocketQuery,
                            websocket=True, tag="stream"))
