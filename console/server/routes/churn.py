"""The churn warning's routes: customers by risk, AUM snapshots imported, all scores recomputed.

``GET /api/customers/at-risk`` lists customers by their churn score, highest first, with their
reasons (supervisors and up; ``manager=me`` narrows it to one's own customers, as an account
manager reads it). ``POST /api/churn/aum`` takes the brokerage's AUM snapshots as a CSV file
(managers and up; bad rows by line; the customers touched are scored again). ``POST
/api/churn/recompute`` scores every customer from the stored facts (admins; run nightly by
``calldesk churn recompute``). Scores also follow each ticket and abandoned call as they happen
(routes/tickets.py, the recorder).
"""

from __future__ import annotations

import datetime as dt
import json
import time
from typing import Any

from aiohttp import web
from sqlalchemy import select
from sqlmodel import Session

from console.crm import aum_csv
from console.crm.churn_facts import all_customer_ids, rescore
from console.i18n import t
from console.server import keys
from console.server.api_models.churn import AtRisk, AumImport, Rescored
from console.server.api_models.queries import AtRiskQuery
from console.server.auth import require_role
from console.server.errors import ApiError
from console.server.openapi import Operation, register
from console.server.routes.crm_common import MAX_ID, center_tz, in_db, json_response, now, query_int
from console.store.models import Customer, Staff
from console.store.tables import table_of

CSV_MAX_BYTES = 20 * 1024 * 1024
LEVELS = ("medium", "high")
_customer, _staff = table_of(Customer), table_of(Staff)
_c, _s = _customer.c, _staff.c


def _at_risk(session: Session, floor: float, manager_id: int | None, limit: int, offset: int) -> list[dict[str, Any]]:
    statement = (
        select(_c.id, _c.client_no, _c.name, _c.tier, _c.churn_risk, _c.churn_reasons, _c.churn_scored_at,
               _c.manager_id, _s.name.label("manager_name"))
        .select_from(_customer.outerjoin(_staff, _s.id == _c.manager_id))
        .where(_c.churn_risk >= floor, _c.status == "active")
        .order_by(_c.churn_risk.desc(), _c.id).limit(limit).offset(offset)
    )
    if manager_id is not None:
        statement = statement.where(_c.manager_id == manager_id)
    return [{
        "id": row.id, "client_no": row.client_no, "name": row.name, "tier": row.tier,
        "churn": {"score": round(row.churn_risk * 100), "reasons": json.loads(row.churn_reasons or "[]")},
        "scored_at": row.churn_scored_at.isoformat() if row.churn_scored_at else None,
        "manager": {"id": row.manager_id, "name": row.manager_name} if row.manager_id else None,
    } for row in session.connection().execute(statement)]


async def at_risk(request: web.Request) -> web.Response:
    user = require_role(request, "supervisor")
    config = request.app[keys.SETTINGS].churn
    level = request.query.get("level", "high")
    if level not in LEVELS:
        raise ApiError(400, "invalid", t("server.churn.bad_level", value=level, levels=", ".join(LEVELS)),
                       field="level")
    floor = (config.high_at if level == "high" else config.medium_at) / 100
    manager = request.query.get("manager")
    manager_id = (user.id if manager == "me"
                  else query_int(request, "manager", None, low=1, high=MAX_ID) if manager else None)
    limit = query_int(request, "limit", 50, low=1, high=500) or 50
    offset = query_int(request, "offset", 0, low=0, high=10**9) or 0
    rows = await in_db(request, _at_risk, floor, manager_id, limit, offset)
    return json_response({"level": level, "customers": rows})


async def import_aum(request: web.Request) -> web.Response:
    user = require_role(request, "manager")
    data = await request.content.read(CSV_MAX_BYTES + 1)
    if len(data) > CSV_MAX_BYTES:
        raise ApiError(400, "invalid", t("server.churn.csv_too_large", max=CSV_MAX_BYTES // (1024 * 1024)))
    at = now(request)
    return json_response(await in_db(request, aum_csv.import_aum, data, user.id, at,
                                     at.astimezone(center_tz(request)).date(), request.app[keys.SETTINGS].churn))


def _recompute_all(session: Session, at: dt.datetime, settings: Any) -> dict[str, Any]:
    started = time.perf_counter()
    conn = session.connection()
    ids = list(all_customer_ids(conn))
    changed = rescore(conn, ids, at, settings.churn)
    return {"customers": len(ids), "changed": changed, "seconds": round(time.perf_counter() - started, 2)}


async def recompute_all(request: web.Request) -> web.Response:
    require_role(request, "admin")
    return json_response(await in_db(request, _recompute_all, now(request), request.app[keys.SETTINGS]))


def setup(app: web.Application) -> None:
    register(
        app,
        Operation("GET", "/api/customers/at-risk", at_risk, "Customers by churn score, highest first",
                  access="supervisor", query=AtRiskQuery, response=AtRisk, tag="churn"),
        Operation("POST", "/api/churn/aum", import_aum, "Import AUM snapshots from a CSV file", access="manager",
                  body_media="text/csv", response=AumImport, tag="churn"),
        Operation("POST", "/api/churn/recompute", recompute_all, "Score every customer again", access="admin",
                  response=Rescored, tag="churn"),
    )
