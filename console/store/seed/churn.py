"""The seed's AUM snapshots and churn scores.

Every twentieth customer gets two snapshots, today's (their current AUM) and one from 90 days
ago from which their assets fell by 0–60 % (deterministic by id), as the brokerage's quarterly
books would give; the demo's complaint customer falls by 40 %. Then the churn warning scores
every customer from the seeded facts (console/crm/churn_facts.py) — up to ``SCORE_MAX``
customers: a larger seed (a benchmark) leaves the scores to `calldesk churn recompute`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, text

from console.crm.churn_facts import all_customer_ids, rescore

SCORE_MAX = 200_000
EVERY = 20


def seed_snapshots(conn: Connection, settings: Any, now: dt.datetime, complaint_id: int) -> None:
    """The AUM snapshots (seed_database takes them inside the load's transaction)."""
    today = now.astimezone(ZoneInfo(settings.center.time_zone)).date()
    before = today - dt.timedelta(days=90)
    picked = f"(id % {EVERY} = 0 OR id = :complaint)"
    conn.execute(text(f"INSERT INTO aum_snapshot (customer_id, as_of, aum) SELECT id, :today, aum FROM customer "
                      f"WHERE {picked}"), {"today": today, "complaint": complaint_id})
    # 90 days ago the assets were higher: a fall of (id / EVERY % 7) tenths, 0–60 % (40 % for the demo's complaint).
    conn.execute(text(
        f"INSERT INTO aum_snapshot (customer_id, as_of, aum) SELECT id, :before, "
        f"ROUND(aum / (1 - CASE WHEN id = :complaint THEN 0.4 ELSE ((id / {EVERY}) % 7) / 10.0 END), 2) "
        f"FROM customer WHERE {picked}"), {"before": before, "complaint": complaint_id})


def seed_churn(conn: Connection, settings: Any, now: dt.datetime, customers: int) -> int:
    """The scores (after :func:`seed_snapshots`); the number of customers whose score is not 0."""
    if customers > SCORE_MAX:
        return 0
    return rescore(conn, all_customer_ids(conn), now, settings.churn)
