"""Supervisor routes: wallboard snapshots, listen/whisper/barge, pausing or logging out an agent.

A supervisor sees the queues listed on their staff record (managers and admins see all).
"""

from __future__ import annotations

from typing import Literal

from aiohttp import web
from pydantic import BaseModel, Field

from console.crm.masking import mask_phone
from console.i18n import t
from console.server import keys
from console.server.api_models.common import Ok, QueuesRemoved
from console.server.api_models.supervisor import BoardAgents, QueueStatsList
from console.server.auth import AuthUser, require_role
from console.server.callstate import LiveCall
from console.server.errors import ApiError, read_body
from console.server.openapi import Operation, register
from console.server.routes.actions import act, bridge_for, interface_of, pbx_settings
from telephony.connection import AmiActionError


class SpyBody(BaseModel):
    agent: str = Field(min_length=1, max_length=16)
    mode: Literal["listen", "whisper", "barge"]


class PauseBody(BaseModel):
    paused: bool = True
    reason: str | None = Field(default="supervisor", max_length=32)


def _sees(user: AuthUser, queues: set[str]) -> bool:
    return user.at_least("manager") or bool(queues & set(user.queues))


def _queues_of(request: web.Request, agent: str) -> set[str]:
    return request.app[keys.DIRECTORY].queues_of_agent(agent)


def _agent_of_mine(request: web.Request, user: AuthUser, agent: str) -> None:
    if not _sees(user, _queues_of(request, agent)):
        raise ApiError(403, "forbidden", t("server.sup.agent_not_yours", agent=agent))


def _customer_of(call: LiveCall) -> dict[str, object]:
    """Who the caller is, as far as the pop knew: name and tier (no id numbers: the board is wide)."""
    lookup = call.lookup
    customer = lookup.customers[0] if lookup is not None and lookup.match == "known" and lookup.customers else {}
    return {"customer_name": customer.get("name"), "tier": customer.get("tier") or call.vars.get("CUSTOMER_TIER")}


def _caller(app: web.Application, call: LiveCall) -> str:
    """The caller id as the PBX gave it; masked for a call whose number came from the store (a
    campaign's lead, a customer dialled by id): console/server/frame_masking.py."""
    return mask_phone(call.caller) if app[keys.CALLS].number_hidden(call.call) else call.caller


async def queues(request: web.Request) -> web.Response:
    user = require_role(request, "supervisor")
    stats = request.app[keys.CALLS].queue_stats
    out = [ev.to_json() for name, ev in sorted(stats.items()) if _sees(user, {name})]
    return web.json_response({"queues": out})


async def agents(request: web.Request) -> web.Response:
    user = require_role(request, "supervisor")
    app = request.app
    calls = app[keys.CALLS]
    stats = app.get(keys.STATS)
    out = []
    for member in sorted(app[keys.DIRECTORY].users.values(), key=lambda u: u.extension or ""):
        if member.role != "agent" or not member.extension or not _sees(user, set(member.queues)):
            continue
        out.append({
            "agent": member.extension, "name": member.name, "queues": list(member.queues),
            "state": calls.agent_state(member.extension), "states": calls.queue_states(member.extension),
            "calls": [{"call": c.call, "caller": _caller(app, c), "queue": c.queue,
                       "answered": c.talking(member.extension) is not None,
                       **_customer_of(c)} for c in calls.calls_of_agent(member.extension)],
            "handled_today": stats.day.handled.get(member.extension, 0) if stats else 0,
        })
    return web.json_response({"agents": out})


async def spy(request: web.Request) -> web.Response:
    user = require_role(request, "supervisor")
    body = await read_body(request, SpyBody)
    _agent_of_mine(request, user, body.agent)
    if not user.extension:
        raise ApiError(400, "bad_request", t("server.sup.no_extension"))
    talking = [(c, part.channel) for c in request.app[keys.CALLS].calls_of_agent(body.agent)
               if (part := c.talking(body.agent)) is not None and part.channel]
    if not talking:
        raise ApiError(409, "conflict", t("server.sup.agent_idle", agent=body.agent), field="agent")
    call, channel = talking[0]
    pbx, bridge = bridge_for(request.app, call.pbx)
    context = pbx_settings(request.app, pbx).spy_context
    await act(bridge.chanspy(user.extension, channel, body.mode, context=context), t("server.action.listen"))
    return web.json_response({"ok": True}, status=202)


async def pause_agent(request: web.Request) -> web.Response:
    user = require_role(request, "supervisor")
    agent = request.match_info["agent"]
    _agent_of_mine(request, user, agent)
    body = await read_body(request, PauseBody)
    pbx, bridge = bridge_for(request.app)
    await act(bridge.queue_pause(interface_of(request.app, pbx, agent), body.paused,
                                 body.reason if body.paused else None), t("server.action.pause"))
    return web.json_response({"ok": True}, status=202)


class LogoutBody(BaseModel):
    queue: str | None = Field(default=None, max_length=32)
    """One queue; none: every queue of the agent's that this supervisor runs."""


async def logout_agent(request: web.Request) -> web.Response:
    user = require_role(request, "supervisor")
    agent = request.match_info["agent"]
    _agent_of_mine(request, user, agent)
    body = await read_body(request, LogoutBody) if request.can_read_body else LogoutBody()
    queues = {q for q in _queues_of(request, agent) if _sees(user, {q})}  # never a queue someone else runs
    if body.queue is not None:
        if body.queue not in queues or not _sees(user, {body.queue}):
            raise ApiError(400, "invalid", t("server.sup.agent_not_in_queue", agent=agent, queue=body.queue),
                           field="queue")
        queues = {body.queue}
    pbx, bridge = bridge_for(request.app)
    interface = interface_of(request.app, pbx, agent)
    removed = []
    for queue in sorted(queues):
        try:
            await bridge.queue_remove(queue, interface)
        except AmiActionError as exc:
            if "Not there" in str(exc):
                continue  # not logged in to that one: nothing to do there
            raise ApiError(503, "unavailable", t("server.error.action_failed", what=t("server.action.logout"),
                                                 reason=exc)) from None
        removed.append(queue)
    return web.json_response({"ok": True, "queues": removed}, status=202)


def setup(app: web.Application) -> None:
    register(
        app,
        Operation("GET", "/api/supervisor/queues", queues, "My queues' live statistics", access="supervisor",
                  response=QueueStatsList, tag="supervisor"),
        Operation("GET", "/api/supervisor/agents", agents, "My agents' states and calls", access="supervisor",
                  response=BoardAgents, tag="supervisor"),
        Operation("POST", "/api/supervisor/spy", spy, "Listen to, whisper to or barge into an agent's call",
                  access="supervisor", body=SpyBody, response=Ok, status=202, errors=(404, 409), tag="supervisor"),
        Operation("POST", "/api/supervisor/agents/{agent}/pause", pause_agent, "Pause or unpause an agent",
                  access="supervisor", body=PauseBody, response=Ok, status=202, tag="supervisor"),
        Operation("POST", "/api/supervisor/agents/{agent}/logout", logout_agent, "Log an agent out of queues",
                  access="supervisor", body=LogoutBody, response=QueuesRemoved, status=202, tag="supervisor"),
    )
    from console.server.routes import supervisor_report

    supervisor_report.setup(app)
