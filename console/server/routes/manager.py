"""An account manager's own customers (专属客户经理的客户): ``GET /api/customers/mine``.

The customers whose account manager the logged-in user is, the most at risk first, each with
what the manager acts on: the churn warning and its reasons, open tickets, follow-ups due within
the day, the last contact. As a pop shows a customer to an unverified caller: name, client
number, tier; never a number or an id number.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from aiohttp import web
from sqlalchemy import Select, func, select
from sqlmodel import Session

from console.crm.customers import OPEN_TICKET_STATUSES, SummaryContext
from console.server import keys
from console.server.api_models.churn import MyCustomers
from console.server.api_models.queries import ManyQuery
from console.server.auth import require_role
from console.server.openapi import Operation, register
from console.server.routes.crm_common import in_db, json_response, now, query_int
from console.store.models import Customer, FollowUp, Interaction, Ticket
from console.store.tables import table_of

_c, _t, _f, _i = (table_of(m).c for m in (Customer, Ticket, FollowUp, Interaction))


def _mine(session: Session, manager_id: int, at: dt.datetime, ctx: SummaryContext, limit: int,
          offset: int) -> dict[str, Any]:
    conn = session.connection()
    total = conn.execute(select(func.count()).where(_c.manager_id == manager_id)).scalar_one()
    rows = list(conn.execute(
        select(_c.id, _c.client_no, _c.name, _c.tier, _c.status, _c.churn_risk, _c.churn_reasons)
        .where(_c.manager_id == manager_id)
        .order_by(_c.churn_risk.desc(), _c.id).limit(limit).offset(offset)))
    ids = [row.id for row in rows]

    def counted(statement: Select[Any]) -> dict[int, Any]:  # its columns are the table's, untyped
        return {r[0]: r[1] for r in conn.execute(statement)} if ids else {}

    tickets = counted(select(_t.customer_id, func.count()).where(_t.customer_id.in_(ids),
                                                                 _t.status.in_(OPEN_TICKET_STATUSES))
                      .group_by(_t.customer_id))
    due = counted(select(_f.customer_id, func.count()).where(_f.customer_id.in_(ids), _f.status == "open",
                                                             _f.due_at <= at + dt.timedelta(days=1))
                  .group_by(_f.customer_id))
    last = counted(select(_i.customer_id, func.max(_i.started_at)).where(_i.customer_id.in_(ids))
                   .group_by(_i.customer_id))
    customers = [{
        "id": row.id, "client_no": row.client_no, "name": row.name, "tier": row.tier, "status": row.status,
        "churn": ctx.churn(row.churn_risk, row.churn_reasons), "open_tickets": tickets.get(row.id, 0),
        "followups_due": due.get(row.id, 0),
        "last_contact": last[row.id].isoformat() if last.get(row.id) else None,
    } for row in rows]
    return {"total": total, "customers": customers}


async def my_customers(request: web.Request) -> web.Response:
    user = require_role(request, "agent")
    at = now(request)
    ctx = SummaryContext.from_settings(request.app[keys.SETTINGS], at)
    limit = query_int(request, "limit", 100, low=1, high=500) or 100
    offset = query_int(request, "offset", 0, low=0, high=10**9) or 0
    return json_response(await in_db(request, _mine, user.id, at, ctx, limit, offset))


def setup(app: web.Application) -> None:
    register(app, Operation("GET", "/api/customers/mine", my_customers, "My customers as their account manager",
                            query=ManyQuery, response=MyCustomers, tag="customers"))
