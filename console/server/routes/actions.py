"""Shared helpers of the call-action routes: which bridge, which call, which interface."""

from __future__ import annotations

import logging
from collections.abc import Awaitable
from typing import TypeVar

from aiohttp import web

from console.config.models import PbxSettings
from console.i18n import t
from console.server import keys
from console.server.auth import AuthUser
from console.server.callstate import LiveCall
from console.server.errors import ApiError
from console.server.members import member_interface, pbx_section, state_interface
from telephony.bridge import Bridge

log = logging.getLogger(__name__)
T = TypeVar("T")

def pbx_settings(app: web.Application, pbx: str) -> PbxSettings:
    """The [[pbx]] section of the named PBX (the first one for a name not configured)."""
    return pbx_section(app[keys.SETTINGS].pbx, pbx)


def bridge_for(app: web.Application, pbx: str | None = None) -> tuple[str, Bridge]:
    """The named PBX's bridge, or the first one (outbound calls, agent state); 503 if down."""
    bridges = app[keys.BRIDGES]
    if not bridges:
        raise ApiError(503, "unavailable", t("server.error.no_pbx"))
    name = pbx if pbx in bridges else next(iter(bridges))
    bridge = bridges[name]
    if not getattr(bridge, "connected", False):
        raise ApiError(503, "unavailable", t("server.error.pbx_down", name=name))
    return name, bridge


def interface_of(app: web.Application, pbx: str, extension: str) -> str:
    """The queue-member interface of an agent (inverse of the PBX's agent_map)."""
    return member_interface(pbx_settings(app, pbx), extension)


def state_interface_of(app: web.Application, pbx: str, interface: str) -> str | None:
    """The device Asterisk should follow for a member interface (QueueAdd StateInterface)."""
    return state_interface(pbx_settings(app, pbx), interface)


def own_call(request: web.Request, user: AuthUser, call: str) -> LiveCall:
    """The live call, if this user may act on it: their phone rings for it or they talk on it
    (a call transferred to them is theirs from their ring on), or they are a supervisor and up."""
    live = request.app[keys.CALLS].get(call)
    if live is None or live.ended:
        raise ApiError(404, "not_found", t("server.error.no_call", call=call))
    if user.at_least("supervisor") or live.is_on(user.extension):
        return live
    raise ApiError(403, "forbidden", t("server.error.not_your_call"))


async def act(coro: Awaitable[T], what: str) -> T:
    """Run a bridge action; a PBX that refuses or does not answer is a 503 with its reason."""
    try:
        return await coro
    except ApiError:
        raise
    except Exception as exc:  # AmiActionError, timeouts, a link that just dropped
        log.warning("%s failed: %s", what, exc)
        raise ApiError(503, "unavailable", t("server.error.action_failed", what=what, reason=exc)) from None
