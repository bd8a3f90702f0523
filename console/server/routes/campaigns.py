"""Campaign routes (docs/API.md "Campaigns"), and the dialer's place in the app's lifecycle.

Supervisors create, edit, start, pause and stop campaigns, add leads (CSV, customer filter) and
read the statistics; an agent dials or skips the lead a preview campaign offered them. Every
write is audited with the acting user in its own transaction (console/crm/campaign_audit.py).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, Literal, ParamSpec, TypeVar

from aiohttp import web
from pydantic import BaseModel, Field

from console.crm import campaign_admin as admin
from console.crm.errors import CrmError
from console.i18n import t
from console.server import keys
from console.server.api_models.common import Ok
from console.server.auth import require_role
from console.server.errors import ApiError, read_body
from console.server.openapi import Operation, register
from console.server.routes.campaign_models import CampaignList, CampaignOut, CampaignStats, LeadsReport
from console.server.routes.crm_common import api_error

DIALER = keys.DIALER
P = ParamSpec("P")
T = TypeVar("T")
CSV_MAX_BYTES = 5 * 1024 * 1024


class FilterBody(BaseModel):
    risk_expiring_days: int | None = Field(None, ge=0, le=3650)
    tiers: list[str] = []
    branch: str | None = Field(None, max_length=64)
    churn_level: Literal["medium", "high"] | None = None
    """A retention campaign: customers whose churn warning reaches this level."""


def _id(request: web.Request, name: str) -> int:
    raw = request.match_info[name]
    if not (raw.isascii() and raw.isdigit()) or int(raw) >= 2**31:  # "²".isdigit(), and int() refuses it
        raise ApiError(404, "not_found", t("crm.param.bad_id", value=raw))
    return int(raw)


async def _admin(fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """Run a campaign_admin call in a thread; its refusals (CrmError) become 400/404/409 responses."""
    try:
        return await asyncio.to_thread(fn, *args, **kwargs)
    except CrmError as exc:
        raise api_error(exc) from None


def _out(row: dict[str, Any]) -> dict[str, Any]:
    return CampaignOut.model_validate(row).model_dump()


async def list_campaigns(request: web.Request) -> web.Response:
    require_role(request, "supervisor")
    rows = await _admin(admin.list_all, request.app[keys.ENGINE])
    return web.json_response(CampaignList(campaigns=rows).model_dump())


async def create_campaign(request: web.Request) -> web.Response:
    user = require_role(request, "supervisor")
    spec = await read_body(request, admin.CampaignSpec)
    row = await _admin(admin.create, request.app[keys.ENGINE], spec, request.app[keys.CLOCK](), user.id)
    return web.json_response(_out(row), status=201)


async def edit_campaign(request: web.Request) -> web.Response:
    user = require_role(request, "supervisor")
    changes = await read_body(request, admin.CampaignEdit)
    return web.json_response(_out(await _admin(admin.edit, request.app[keys.ENGINE], _id(request, "id"), changes,
                                               user.id, request.app[keys.CLOCK]())))


def _mover(action: str) -> Callable[[web.Request], Awaitable[web.Response]]:
    async def handler(request: web.Request) -> web.Response:
        user = require_role(request, "supervisor")
        campaign_id = _id(request, "id")
        dialer = request.app.get(DIALER)
        if (action == "start" and dialer is not None and not dialer.demo_allowed()
                and await _admin(admin.is_demo, request.app[keys.ENGINE], campaign_id)):
            raise ApiError(409, "conflict", t("server.campaign.demo_on_real_pbx", id=campaign_id))
        row = await _admin(admin.move, request.app[keys.ENGINE], campaign_id, action, user.id,
                           request.app[keys.CLOCK]())
        if DIALER in request.app:
            request.app[DIALER].wake()
        return web.json_response(_out(row))

    return handler


async def campaign_stats(request: web.Request) -> web.Response:
    require_role(request, "supervisor")
    engine = request.app[keys.ENGINE]
    # The dialer's own threshold (the configured one, unless a test set another).
    dialer = request.app.get(DIALER)
    abandon_after_s = dialer.abandon_after_s if dialer else request.app[keys.SETTINGS].dialer.abandon_after_s

    def run(campaign_id: int) -> dict[str, Any]:
        with engine.connect() as conn:
            return admin.stats(conn, campaign_id, abandon_after_s)

    return web.json_response(CampaignStats.model_validate(await _admin(run, _id(request, "id"))).model_dump())


async def import_leads(request: web.Request) -> web.Response:
    """The CSV file as the request body (text/csv); bad rows come back by line, good rows stay."""
    user = require_role(request, "supervisor")
    from console.crm.campaign_io import import_csv_text

    data = await request.content.read(CSV_MAX_BYTES + 1)
    if len(data) > CSV_MAX_BYTES:
        raise ApiError(400, "invalid", t("server.campaign.csv_too_large", max=CSV_MAX_BYTES // (1024 * 1024)))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ApiError(400, "invalid", t("server.campaign.csv_not_utf8", byte=exc.start)) from None
    app = request.app
    result = await _admin(import_csv_text, app[keys.ENGINE], app[keys.SETTINGS], _id(request, "id"), text,
                          app[keys.CLOCK](), user.id)
    return web.json_response(LeadsReport.model_validate(result).model_dump(exclude_none=True))


async def filter_leads(request: web.Request) -> web.Response:
    user = require_role(request, "supervisor")
    from console.crm.campaign_io import import_filter

    body = await read_body(request, FilterBody)
    app = request.app
    result = await _admin(import_filter, app[keys.ENGINE], app[keys.SETTINGS], _id(request, "id"),
                          body.risk_expiring_days, tuple(body.tiers), body.branch, app[keys.CLOCK](),
                          body.churn_level, user.id)
    return web.json_response(LeadsReport.model_validate(result).model_dump(exclude_none=True, exclude={"errors"}))


async def preview_action(request: web.Request) -> web.Response:
    """The one dialer (on whichever server holds its lease) offered the lead: this server's, or
    with several servers, another's, asked over the bus (docs/bus.md)."""
    user = require_role(request, "agent")
    campaign_id, lead_id = _id(request, "id"), _id(request, "lead")
    dial = request.match_info["action"] == "dial"
    dialer, decided = request.app.get(DIALER), None
    if dialer is not None and user.extension:
        decided = await dialer.decide_preview(campaign_id, lead_id, user.extension, dial)
    if decided is None and user.extension and keys.BUS in request.app:
        answer = await request.app[keys.BUS].ask("preview", {"campaign": campaign_id, "lead": lead_id,
                                                             "agent": user.extension, "dial": dial})
        decided = None if answer is None else bool(answer.get("done"))
    if decided is None:
        raise ApiError(409, "conflict", t("api.campaign.lead_not_offered", lead=lead_id))
    if not decided:
        raise ApiError(409, "conflict", t("api.campaign.lead_gone", lead=lead_id))
    return web.json_response({"ok": True}, status=202 if dial else 200)


def setup(app: web.Application) -> None:
    row = {"id": int}
    register(
        app,
        Operation("GET", "/api/campaigns", list_campaigns, "Campaigns", access="supervisor", response=CampaignList,
                  tag="campaigns"),
        Operation("POST", "/api/campaigns", create_campaign, "Create a campaign (draft)", access="supervisor",
                  body=admin.CampaignSpec, response=CampaignOut, status=201, errors=(409,), tag="campaigns"),
        Operation("PATCH", "/api/campaigns/{id}", edit_campaign, "Change a campaign", access="supervisor",
                  path_params=row, body=admin.CampaignEdit, response=CampaignOut, errors=(409,), tag="campaigns"),
        *(Operation("POST", f"/api/campaigns/{{id}}/{action}", _mover(action), f"{action.capitalize()} a campaign",
                    access="supervisor", path_params=row, response=CampaignOut, errors=(409,), tag="campaigns")
          for action in admin.MOVES),
        Operation("GET", "/api/campaigns/{id}/stats", campaign_stats, "A campaign's figures", access="supervisor",
                  path_params=row, response=CampaignStats, tag="campaigns"),
        Operation("POST", "/api/campaigns/{id}/leads/import", import_leads, "Add leads from a CSV file",
                  access="supervisor", path_params=row, body_media="text/csv", response=LeadsReport,
                  errors=(409,), tag="campaigns"),
        Operation("POST", "/api/campaigns/{id}/leads/filter", filter_leads, "Add customers matching a filter as "
                  "leads", access="supervisor", path_params=row, body=FilterBody, response=LeadsReport,
                  errors=(409,), tag="campaigns"),
        Operation("POST", "/api/campaigns/{id}/leads/{lead}/{action:dial|skip}", preview_action,
                  "Dial or skip the lead a preview campaign offers me", path_params={"id": int, "lead": int},
                  response=Ok, status=202, also=(200,), errors=(409,), tag="campaigns"),
    )
