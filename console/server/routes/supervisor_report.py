"""``GET /api/supervisor/report?from=&to=&by=&interval=&queue=&format=``: queue figures from the contact history.

The rows of console.crm.report, as JSON or (``format=csv``) as the CSV file `calldesk report
--format csv` prints; a supervisor gets the queues on their staff record (managers and up: all).
"""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Literal, TypeVar
from zoneinfo import ZoneInfo

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field

from console.crm.report import (
    By,
    load_calls,
    local_period,
    parse_interval,
    qa_by_agent,
    report,
    row_dict,
    rows_csv,
    targets_of,
)
from console.i18n import t
from console.server import keys
from console.server.api_models.queries import ReportQuery
from console.server.auth import require_role
from console.server.errors import ApiError
from console.server.openapi import Operation, register

C = TypeVar("C", bound=str)
BY: tuple[By, ...] = ("interval", "agent", "queue")
FORMATS: tuple[Literal["json", "csv"], ...] = ("json", "csv")
MAX_DAYS = 92


class ReportRow(BaseModel):
    """One interval, agent or queue (docs/supervisor.md has the definitions); ratios 0–1, times in s."""
    key: str
    queue: str | None
    offered: int
    answered: int
    answered_in_sl: int
    abandoned: int
    short_abandoned: int
    service_level: float | None
    service_level_perf: float | None
    service_level_perf2: float | None
    asa_s: float | None
    aht_s: float | None
    longest_wait_s: float | None
    abandon_rate: float | None
    csat: float | None = None
    """Mean post-call survey answer (1-5) of the answered calls surveyed."""
    csat_answers: int = 0
    qa_score: float | None = None
    """By agent: the mean QA score (0-100) of their calls of the period that were reviewed."""
    qa_reviews: int = 0


class Report(BaseModel):
    model_config = ConfigDict(populate_by_name=True)
    from_: str = Field(alias="from")
    to: str
    by: str
    interval_s: int
    rows: list[ReportRow]


def _date(request: web.Request, name: str, default: dt.date) -> dt.date:
    raw = request.query.get(name)
    if not raw:
        return default
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise ApiError(400, "invalid", t("server.report.bad_date", field=name, value=raw), field=name) from None


def _choice(request: web.Request, name: str, allowed: tuple[C, ...]) -> C:
    value = request.query.get(name, allowed[0])
    for choice in allowed:
        if choice == value:
            return choice
    raise ApiError(400, "invalid", t("server.report.bad_choice", field=name, value=value,
                                     allowed="/".join(allowed)), field=name)


async def supervisor_report(request: web.Request) -> web.Response:
    user = require_role(request, "supervisor")
    app = request.app
    settings = app[keys.SETTINGS]
    tz = ZoneInfo(settings.center.time_zone)
    today = app[keys.CLOCK]().astimezone(tz).date()
    first, last = _date(request, "from", today), _date(request, "to", today)
    if last < first or (last - first).days >= MAX_DAYS:
        raise ApiError(400, "invalid", t("server.report.bad_range", max=MAX_DAYS), field="to")
    by, fmt = _choice(request, "by", BY), _choice(request, "format", FORMATS)
    raw_interval = request.query.get("interval", "15m")
    try:
        interval_s = parse_interval(raw_interval)
    except ValueError:
        raise ApiError(400, "invalid", t("server.report.bad_interval", value=raw_interval), field="interval") from None
    queue = request.query.get("queue") or None
    configured = [q.name for q in settings.queues]
    if queue is not None and queue not in configured:
        raise ApiError(400, "invalid", t("server.report.unknown_queue", queue=queue, queues=", ".join(configured)),
                       field="queue")
    allowed = None if user.at_least("manager") else set(user.queues)
    if queue is not None and allowed is not None and queue not in allowed:
        raise ApiError(403, "forbidden", t("server.report.not_your_queue", queue=queue), field="queue")
    start, end = local_period(first, last, tz)
    rows = await asyncio.to_thread(load_calls, app[keys.ENGINE], start, end, queue)
    calls = [c for _, c in rows if allowed is None or c.queue in allowed]
    names = [queue] if queue else [name for name in configured if allowed is None or name in allowed]
    out = [row_dict(r) for r in report(
        calls, by=by, start=start.timestamp(), end=end.timestamp(), tz=tz, targets=targets_of(settings),
        short_abandon_s=settings.stats.short_abandon_s, interval_s=interval_s,
        queues=names if by != "agent" else ())]
    if by == "agent":  # each agent's mean QA score over their calls of the period (its latest review)
        qa = await asyncio.to_thread(qa_by_agent, app[keys.ENGINE], start, end, queue)
        for row in out:
            row["qa_score"], row["qa_reviews"] = qa.get(row["key"], (None, 0))
    if fmt == "csv":
        return web.Response(text=rows_csv(out), content_type="text/csv", charset="utf-8")
    body = Report(from_=first.isoformat(), to=last.isoformat(), by=by, interval_s=interval_s,
                  rows=[ReportRow.model_validate(r) for r in out])
    return web.json_response(body.model_dump(by_alias=True))


def setup(app: web.Application) -> None:
    register(app, Operation("GET", "/api/supervisor/report", supervisor_report, "Queue report by interval, agent "
                            "or queue", access="supervisor", query=ReportQuery, response=Report,
                            other_media=("text/csv",), tag="supervisor"))
