"""Call actions: click-to-call, hang-up, transfer, answer (simulator), wrap-up."""

from __future__ import annotations

import re
from typing import Any, Literal

from aiohttp import web
from pydantic import BaseModel, Field
from sqlalchemy import Connection, Executable, bindparam, select

from console.crm.masking import national_digits
from console.crm.phones import normalize
from console.crm.wrapup import DISPOSITIONS, NOTES_MAX, apply_wrapup
from console.i18n import t
from console.server import keys
from console.server.api_models.common import Ok, Originated, TransferAccepted
from console.server.auth import current_user
from console.server.callstate import LiveCall
from console.server.errors import ApiError, read_body
from console.server.openapi import Operation, register
from console.server.outbox import applier
from console.server.routes.actions import act, bridge_for, interface_of, own_call, pbx_settings, state_interface_of
from console.server.routes.crm_common import RowId
from console.store.models import Customer, CustomerPhone, Staff
from console.store.tables import table_of
from telephony.events import HangupBy

_EXTENSION = re.compile(r"^\d{2,8}$")
_customer, _staff = table_of(Customer), table_of(Staff)
_c, _p, _s = _customer.c, table_of(CustomerPhone).c, _staff.c
_FIRST_PHONE = select(_p.e164).where(_p.customer_id == bindparam("cid")).order_by(_p.id).limit(1)
_MANAGER_EXT = select(_s.extension).select_from(_customer.join(_staff, _s.id == _c.manager_id)).where(
    _c.id == bindparam("cid"))


class OriginateBody(BaseModel):
    number: str | None = Field(default=None, max_length=40)
    customer_id: RowId | None = None  # a larger one overflowed the database driver (500)


class TransferBody(BaseModel):
    to: str = Field(min_length=1, max_length=40)
    kind: Literal["blind", "attended"] = "blind"


class WrapupBody(BaseModel):
    disposition: str = Field(min_length=1, max_length=32)
    notes: str = Field(default="", max_length=NOTES_MAX)


async def _scalar(app: web.Application, statement: Executable, params: dict[str, Any]) -> Any:
    import asyncio

    def run() -> Any:
        with app[keys.ENGINE].connect() as conn:
            return conn.execute(statement, params).scalar()

    return await asyncio.to_thread(run)


async def originate(request: web.Request) -> web.Response:
    user = current_user(request)
    body = await read_body(request, OriginateBody)
    if not user.extension:
        raise ApiError(400, "bad_request", t("server.call.no_extension_dial"))
    raw = body.number
    if not raw and body.customer_id is not None:
        raw = await _scalar(request.app, _FIRST_PHONE, {"cid": body.customer_id})
        if raw is None:
            raise ApiError(404, "not_found", t("server.call.customer_no_phone", customer=body.customer_id),
                           field="customer_id")
    if not raw:
        raise ApiError(400, "invalid", t("server.call.number_or_customer"), field="number")
    phone = normalize(raw)
    if not phone.valid:
        if not body.number:  # the customer's stored number: the agent never sees it in clear
            raise ApiError(400, "invalid", t("server.call.customer_bad_number", customer=body.customer_id),
                           field="customer_id")
        raise ApiError(400, "invalid", t("server.call.bad_number", number=raw), field="number")
    pbx, bridge = bridge_for(request.app)
    variables = {"CALLDESK_AGENT": user.extension}
    if body.customer_id is not None:
        variables["CALLDESK_CUSTOMER"] = str(body.customer_id)
    interface = interface_of(request.app, pbx, user.extension)
    action_id = await act(bridge.originate(
        state_interface_of(request.app, pbx, interface) or interface,  # the agent's phone itself
        exten=national_digits(phone.e164),
        context=pbx_settings(request.app, pbx).outbound_context,
        variables=variables,
    ), t("server.action.dial"))
    request.app[keys.CALLS].remember_originate(action_id, user.id, hide_number=not body.number)
    return web.json_response({"action_id": action_id, "pbx": pbx}, status=202)


async def hangup(request: web.Request) -> web.Response:
    user = current_user(request)
    live = own_call(request, user, request.match_info["call"])
    mine = live.talking(user.extension)
    # The agent ends their own leg; a supervisor ends the call (its agent's leg, else the caller's).
    by: HangupBy
    channel, by = (mine.channel, "agent") if mine is not None else (live.current_channel(), "system")
    if not channel:
        raise ApiError(409, "conflict", t("server.call.no_channel"))
    _, bridge = bridge_for(request.app, live.pbx)
    await act(bridge.hangup(channel, by=by), t("server.action.hangup"))
    return web.json_response({"ok": True}, status=202)


async def _transfer_exten(request: web.Request, live: LiveCall, to: str) -> str:
    if to == "manager":
        if live.customer_id is None:
            raise ApiError(409, "conflict", t("server.call.no_customer_for_manager"), field="to")
        exten = await _scalar(request.app, _MANAGER_EXT, {"cid": live.customer_id})
        if not exten:
            raise ApiError(409, "conflict", t("server.call.manager_no_extension"), field="to")
        return str(exten)
    if to.startswith("queue:"):
        queue = to.removeprefix("queue:")
        targets = pbx_settings(request.app, live.pbx).queue_transfer_exten
        if queue not in targets:
            raise ApiError(400, "invalid", t("server.call.bad_queue", queue=queue), field="to")
        return targets[queue]
    if not _EXTENSION.match(to):
        raise ApiError(400, "invalid", t("server.call.bad_target"), field="to")
    return to


async def transfer(request: web.Request) -> web.Response:
    user = current_user(request)
    live = own_call(request, user, request.match_info["call"])
    body = await read_body(request, TransferBody)
    exten = await _transfer_exten(request, live, body.to)
    part = live.talking(user.extension) or live.talking(live.agent)  # a supervisor moves the agent's call
    if part is None or not part.channel:
        raise ApiError(409, "conflict", t("server.call.not_answered"))
    _, bridge = bridge_for(request.app, live.pbx)
    context = pbx_settings(request.app, live.pbx).transfer_context
    if body.kind == "blind":
        await act(bridge.blind_transfer(part.channel, exten, context), t("server.action.transfer"))
    else:
        await act(bridge.atxfer(part.channel, exten, context), t("server.action.attended_transfer"))
    return web.json_response({"ok": True, "exten": exten}, status=202)


async def answer(request: web.Request) -> web.Response:
    """Simulator only: a real phone answers itself; the simulator answers on this action."""
    user = current_user(request)
    live = own_call(request, user, request.match_info["call"])
    extension = user.extension or ""
    part = live.parts.get(extension)
    if part is None or part.state != "ringing":
        raise ApiError(409, "conflict", t("server.call.not_ringing_you"))
    pbx, bridge = bridge_for(request.app, live.pbx)
    action = {"Action": "CalldeskAnswer", "Interface": interface_of(request.app, pbx, extension)}
    await act(bridge.send(action), t("server.action.answer"))
    return web.json_response({"ok": True}, status=202)


@applier("wrapup")
def write_wrapup(conn: Connection, rec: dict[str, Any]) -> None:
    apply_wrapup(conn, rec)  # parks it for the recorder when the Interaction is not written yet


async def wrapup(request: web.Request) -> web.Response:
    user = current_user(request)
    call = request.match_info["call"]
    body = await read_body(request, WrapupBody)
    if body.disposition not in DISPOSITIONS:
        raise ApiError(400, "invalid", t("server.call.bad_disposition", disposition=body.disposition),
                       field="disposition")
    live = request.app[keys.CALLS].get(call)
    if live is None or not user.extension or (
            not live.talked(user.extension) and not user.at_least("supervisor")):
        raise ApiError(404, "not_found", t("server.call.not_your_answered_call", call=call))
    agent = user.extension if live.talked(user.extension) else live.agent
    acw_s = await request.app[keys.AFTER_CALL].submitted(agent, call) if agent else None
    # Through the outbox: it lands after the call's Interaction, even during a database outage.
    await request.app[keys.OUTBOX].submit("wrapup", {
        "call": call, "agent_id": user.id, "agent_ext": agent, "acw_s": acw_s,
        "disposition": body.disposition, "notes": body.notes,
    })
    return web.json_response({"ok": True}, status=202)


def setup(app: web.Application) -> None:
    register(
        app,
        Operation("POST", "/api/calls/originate", originate, "Click-to-call from my phone", body=OriginateBody,
                  response=Originated, status=202, errors=(404,), tag="calls"),
        Operation("POST", "/api/calls/{call}/hangup", hangup, "Hang up a call of mine", response=Ok, status=202,
                  errors=(403,), tag="calls"),
        Operation("POST", "/api/calls/{call}/transfer", transfer, "Transfer a call of mine", body=TransferBody,
                  response=TransferAccepted, status=202, errors=(403,), tag="calls"),
        Operation("POST", "/api/calls/{call}/answer", answer, "Answer the call ringing my phone", response=Ok,
                  status=202, errors=(403, 409), tag="calls"),
    )
    if not any(r.canonical == "/api/interactions/{call}/wrapup" for r in app.router.resources()):
        register(app, Operation("POST", "/api/interactions/{call}/wrapup", wrapup, "Wrap up a call I talked on",
                                body=WrapupBody, response=Ok, status=202, tag="calls"))
