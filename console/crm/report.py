"""Queue reports from the contact history: Interactions in, telephony.stats figures out.

The same conversion (:func:`queue_call`) feeds the server's live statistics when it rebuilds
today's figures at start-up, so a report over today and the wallboard agree. Each pass of a call
through a queue is an offered call of its own (a caller transferred back into a queue it went
through is offered again, as app_queue counts it). A call belongs to
the interval, day and period in which it was offered (``started_at``: it entered the queue).
AHT adds each answered call's after-call work: measured (``Interaction.acw_s``) where it was,
else the queue's configured wrap-up (``queues[].wrapup_s``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from console.store.models import Interaction, QaReview
from console.store.tables import table_of
from telephony.stats import QueueCall, QueueMetrics, by_interval, compute, group
from telephony.stats_live import QueueTarget, wrapup_of

By = Literal["interval", "agent", "queue"]
_interaction, _review = table_of(Interaction), table_of(QaReview)
_i, _q = _interaction.c, _review.c
_COLUMNS = (_i.pbx, _i.linkedid, _i.queue, _i.pass_no, _i.agent_ext, _i.started_at, _i.wait_s, _i.talk_s,
            _i.outcome, _i.acw_s, _i.csat)
CallKey = tuple[str, str, str, int]
"""(pbx, linkedid, queue, pass_no): one pass of a call through a queue, as the live figures key it."""


@dataclass(frozen=True)
class ReportRow:
    key: str
    """The interval's local start (``YYYY-MM-DD HH:MM``), the agent id, or the queue name."""
    queue: str | None
    metrics: QueueMetrics


def local_period(first: dt.date, last: dt.date, tz: ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
    """[first 00:00, the day after last 00:00) in the center's zone, as aware UTC datetimes."""
    if last < first:
        raise ValueError(f"--to {last} is before --from {first}")
    start = dt.datetime.combine(first, dt.time(), tz)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), tz)
    return start.astimezone(dt.UTC), end.astimezone(dt.UTC)


def _epoch(value: dt.datetime) -> float:
    return (value if value.tzinfo else value.replace(tzinfo=dt.UTC)).timestamp()


def queue_call(row: Any) -> tuple[CallKey, QueueCall]:
    """One Interaction row -> its key and its QueueCall (no wrap-up yet)."""
    return (row.pbx, row.linkedid, row.queue or "", row.pass_no or 1), QueueCall(
        queue=row.queue or "", offered_at=_epoch(row.started_at), outcome=row.outcome,
        wait_s=float(row.wait_s or 0), talk_s=float(row.talk_s or 0), agent=row.agent_ext,
        acw_s=float(row.acw_s) if row.acw_s is not None else None, csat=row.csat)


def load_calls(engine: Any, start: dt.datetime, end: dt.datetime,
               queue: str | None = None) -> list[tuple[CallKey, QueueCall]]:
    """Inbound Interactions offered in [start, end) (blocking: call it in a thread)."""
    query = select(*_COLUMNS).where(_i.started_at >= start, _i.started_at < end, _i.direction == "inbound")
    if queue is not None:
        query = query.where(_i.queue == queue)
    with engine.connect() as conn:
        return [queue_call(row) for row in conn.execute(query.order_by(_i.started_at, _i.id))]


def with_wrapup(calls: Iterable[QueueCall], targets: Mapping[str, QueueTarget]) -> list[QueueCall]:
    return [dataclasses.replace(c, wrapup_s=wrapup_of(c, targets.get(c.queue) or QueueTarget())) for c in calls]


def report(calls: Iterable[QueueCall], *, by: By, start: float, end: float, tz: ZoneInfo,
           targets: Mapping[str, QueueTarget], short_abandon_s: float, interval_s: float = 900,
           queues: Iterable[str] = ()) -> list[ReportRow]:
    """Rows of figures over the queue calls offered in [start, end) (epoch seconds); ``queues``
    are listed (by queue and by interval) even when they had no call."""
    queued = with_wrapup((c for c in calls if c.queue and start <= c.offered_at < end), targets)
    levels = {q: t.service_level_s for q, t in targets.items()}

    def sl(queue: str) -> float:
        return (targets.get(queue) or QueueTarget()).service_level_s

    groups = group(queued, lambda c: c.queue)
    for name in queues:
        groups.setdefault(name, [])
    if by == "queue":
        return [ReportRow(str(q), str(q), compute(cs, service_level_s=sl(str(q)), short_abandon_s=short_abandon_s))
                for q, cs in sorted(groups.items())]
    if by == "agent":
        agents = group(queued, lambda c: c.agent or "")
        return [ReportRow(str(a) or "—", None, compute(cs, service_level_s=20, short_abandon_s=short_abandon_s,
                                                       levels=levels))
                for a, cs in sorted(agents.items(), key=lambda kv: (kv[0] == "", kv[0]))]
    rows = []
    for q, cs in sorted(groups.items()):
        for t, m in by_interval(cs, start=start, end=end, interval_s=interval_s,
                                service_level_s=sl(str(q)), short_abandon_s=short_abandon_s):
            rows.append(ReportRow(dt.datetime.fromtimestamp(t, tz).strftime("%Y-%m-%d %H:%M"), str(q), m))
    return rows


def targets_of(settings: Any) -> dict[str, QueueTarget]:
    return {q.name: QueueTarget(q.service_level_s, q.target_pct, q.wrapup_s) for q in settings.queues}


def parse_interval(text: str) -> int:
    """``15m``, ``1h``, ``30m``, ``900`` (seconds) -> seconds; a day must split into whole intervals."""
    raw = text.strip().lower()
    try:
        seconds = int(raw[:-1]) * {"m": 60, "h": 3600, "s": 1}[raw[-1]] if raw[-1:] in "mhs" else int(raw)
    except (ValueError, KeyError):
        raise ValueError(f"--interval {text!r}: expected minutes or hours such as 15m, 30m, 1h") from None
    if seconds <= 0 or 86_400 % seconds:
        raise ValueError(f"--interval {text!r}: must divide a day into whole intervals (15m, 30m, 1h…)")
    return seconds


COLUMNS = ("key", "queue", "offered", "answered", "answered_in_sl", "abandoned", "short_abandoned",
           "service_level", "service_level_perf", "service_level_perf2", "asa_s", "aht_s",
           "longest_wait_s", "abandon_rate", "csat", "csat_answers", "qa_score", "qa_reviews")


def row_dict(row: ReportRow) -> dict[str, Any]:
    """A row as plain data (the API's JSON and the CSV columns, in :data:`COLUMNS` order)."""
    m = row.metrics
    return {"key": row.key, "queue": row.queue, "offered": m.offered, "answered": m.answered,
            "answered_in_sl": m.answered_in_sl, "abandoned": m.abandoned, "short_abandoned": m.short_abandoned,
            "service_level": m.service_level, "service_level_perf": m.service_level_perf,
            "service_level_perf2": m.service_level_perf2, "asa_s": m.asa_s, "aht_s": m.aht_s,
            "longest_wait_s": m.longest_wait_s, "abandon_rate": m.abandon_rate, "csat": m.csat,
            "csat_answers": m.csat_answers, "qa_score": None, "qa_reviews": 0}


def qa_by_agent(engine: Any, start: dt.datetime, end: dt.datetime,
                queue: str | None = None) -> dict[str, tuple[float, int]]:
    """Agent -> (mean QA score, calls reviewed) over the calls offered in [start, end): each call's
    latest review counts (blocking: call it in a thread)."""
    latest = (select(_q.interaction_id, func.max(_q.id).label("id")).group_by(_q.interaction_id)).subquery()
    query = (select(_i.agent_ext, func.avg(_q.score), func.count())
             .select_from(_review.join(latest, latest.c.id == _q.id)
                          .join(_interaction, _i.id == _q.interaction_id))
             .where(_i.started_at >= start, _i.started_at < end, _i.agent_ext.is_not(None))
             .group_by(_i.agent_ext))
    if queue is not None:
        query = query.where(_i.queue == queue)
    with engine.connect() as conn:
        return {row[0]: (round(float(row[1]), 1), int(row[2])) for row in conn.execute(query)}



def rows_csv(rows: list[dict[str, Any]]) -> str:
    """The rows as CSV with the stable column ids of :data:`COLUMNS` (for spreadsheets): blanks
    for no value, ratios as fractions rounded to 4 places."""
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow(["" if row[c] is None else (round(row[c], 4) if isinstance(row[c], float) else row[c])
                         for c in COLUMNS])
    return out.getvalue()
