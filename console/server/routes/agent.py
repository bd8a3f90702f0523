"""The agent's own state: pause with a reason code, queue login and logout."""

from __future__ import annotations

from aiohttp import web
from pydantic import BaseModel, Field

from console.i18n import t
from console.server import keys
from console.server.api_models.common import Ok
from console.server.auth import current_user
from console.server.errors import ApiError, read_body
from console.server.openapi import Operation, register
from console.server.routes.actions import act, bridge_for, interface_of, state_interface_of
from console.server.routes.auth import PAUSE_REASONS


class PauseBody(BaseModel):
    paused: bool
    reason: str | None = Field(default=None, max_length=32)


class QueueBody(BaseModel):
    queue: str = Field(min_length=1, max_length=32)
    member: bool


def _extension(request: web.Request) -> str:
    user = current_user(request)
    if not user.extension:
        raise ApiError(400, "bad_request", t("server.agent.no_extension"))
    return user.extension


async def pause(request: web.Request) -> web.Response:
    ext = _extension(request)
    body = await read_body(request, PauseBody)
    if body.paused and body.reason not in PAUSE_REASONS:
        raise ApiError(400, "invalid", t("server.agent.bad_reason", reasons=', '.join(PAUSE_REASONS)), field="reason")
    pbx, bridge = bridge_for(request.app)
    what = t("server.action.pause") if body.paused else t("server.action.unpause")
    await act(bridge.queue_pause(interface_of(request.app, pbx, ext), body.paused,
                                 body.reason if body.paused else None), what)
    return web.json_response({"ok": True}, status=202)


async def queues(request: web.Request) -> web.Response:
    ext = _extension(request)
    user = current_user(request)
    body = await read_body(request, QueueBody)
    if request.app[keys.SETTINGS].queue(body.queue) is None:
        raise ApiError(400, "invalid", t("server.agent.no_queue", queue=body.queue), field="queue")
    if body.queue not in user.queues and not user.at_least("supervisor"):
        raise ApiError(403, "forbidden", t("server.agent.not_member", queue=body.queue))
    pbx, bridge = bridge_for(request.app)
    interface = interface_of(request.app, pbx, ext)
    if body.member:
        await act(bridge.queue_add(body.queue, interface, member_name=user.name,
                                   state_interface=state_interface_of(request.app, pbx, interface)),
                  t("server.action.queue_login"))
    else:
        await act(bridge.queue_remove(body.queue, interface), t("server.action.queue_logout"))
    return web.json_response({"ok": True}, status=202)


def setup(app: web.Application) -> None:
    register(
        app,
        Operation("POST", "/api/agent/pause", pause, "Pause or unpause myself in my queues", body=PauseBody,
                  response=Ok, status=202, tag="agent"),
        Operation("POST", "/api/agent/queues", queues, "Log myself in or out of a queue", body=QueueBody,
                  response=Ok, status=202, errors=(403,), tag="agent"),
    )
