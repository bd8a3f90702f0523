"""``GET /api/supervisor/report?from=&to=&by=&interval=&queue=``: queue figures from the contact history.

The same rows as ``calldesk report`` (console.crm.report); a supervisor gets the queues on
their staff record (managers and up: all).
"""

from __future__ import annotations

import asyncio
import datetime as dt
from zoneinfo import ZoneInfo

from aiohttp import web

from console.crm.report import load_calls, local_period, parse_interval, report, row_dict, targets_of
from console.server.api_models.queries import ReportQuery
from console.server.api_models.supervisor import Report
from console.server.openapi import Operation, register
from console.i18n import t
from console.server import keys
from console.server.auth import require_role
from console.server.errors import ApiError

BY = ("interval", "agent", "queue")
MAX_DAYS = 92


def _date(request: web.Request, name: str, default: dt.date) -> dt.date:
    raw = request.query.get(name)
    if not raw:
        return default
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise ApiError(400, "invalid", t("api.report.bad_date", name=name, value=raw), field=name) from None


async def supervisor_report(request: web.Request) -> web.Response:
    user = require_role(request, "supervisor")
    app = request.app
    settings = app[keys.SETTINGS]
    tz = ZoneInfo(settings.center.time_zone)
    today = app[keys.CLOCK]().astimezone(tz).date()
    first, last = _date(request, "from", today), _date(request, "to", today)
    if last < first or (last - first).days >= MAX_DAYS:
        raise ApiError(400, "invalid", t("api.report.range", days=MAX_DAYS), field="to")
    by = request.query.get("by", "interval")
    if by not in BY:
        raise ApiError(400, "invalid", t("api.report.bad_by", allowed="/".join(BY)), field="by")
    try:
        interval_s = parse_interval(request.query.get("interval", "15m"))
    except ValueError:  # its text is the CLI's (--interval …, English)
        raise ApiError(400, "invalid", t("api.report.bad_interval", value=request.query.get("interval")),
                       field="interval") from None
    queue = request.query.get("queue") or None
    allowed = None if user.at_least("manager") else set(user.queues)
    if queue is not None and allowed is not None and queue not in allowed:
        raise ApiError(403, "forbidden", t("api.report.queue_not_yours", queue=queue), field="queue")
    start, end = local_period(first, last, tz)
    rows = await asyncio.to_thread(load_calls, app[keys.ENGINE], start, end, queue)
    calls = [c for _, c in rows if allowed is None or c.queue in allowed]
    names = [queue] if queue else [q.name for q in settings.queues if allowed is None or q.name in allowed]
    out = report(calls, by=by, start=start.timestamp(), end=end.timestamp(), tz=tz, targets=targets_of(settings),
                 short_abandon_s=settings.stats.short_abandon_s, interval_s=interval_s,
                 queues=names if by != "agent" else ())
    return web.json_response({"from": first.isoformat(), "to": last.isoformat(), "by": by,
                              "interval_s": interval_s, "rows": [row_dict(r) for r in out]})


def setup(app: web.Application) -> None:
    register(app, Operation("GET", "/api/supervisor/report", supervisor_report, "Queue report by interval, agent "
                            "or queue", access="supervisor", query=ReportQuery, response=Report, tag="supervisor"))
