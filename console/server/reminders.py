"""``followup_due`` frames: a follow-up's owner is told on their console when it falls due.

Once a minute (console/server/periodic.py) the server asks for the open follow-ups whose due time
passed since the last look, and sends each to its owner (pool follow-ups have no owner and are
listed, not pushed). Those
already overdue when the server starts are not pushed: the console lists them on login.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, bindparam, select
from sqlalchemy.exc import SQLAlchemyError

from console.server.clock import Clock
from console.server.hub import Hub
from console.store.models import Customer, FollowUp
from console.store.tables import table_of

log = logging.getLogger(__name__)

_f, _c = table_of(FollowUp).c, table_of(Customer).c
_NEWLY_DUE = (
    select(_f.id, _f.customer_id, _c.name.label("customer_name"), _f.due_at, _f.owner_id, _f.reason, _f.kind)
    .join(table_of(Customer), _c.id == _f.customer_id)
    .where(_f.status == "open", _f.owner_id.is_not(None), _f.due_at > bindparam("since"),
           _f.due_at <= bindparam("until"))
    .order_by(_f.due_at)
    .limit(1000)
)


class Reminders:
    def __init__(self, engine: Engine, hub: Hub, clock: Clock) -> None:
        self._engine, self._hub, self._clock = engine, hub, clock
        self._since: datetime = clock()

    async def check(self) -> int:
        """Push what fell due since the last check; returns how many frames were sent."""
        until = self._clock()
        try:
            rows = await asyncio.to_thread(self._due, self._since, until)
        except SQLAlchemyError as exc:  # the database is down: look again next time
            log.warning("follow-up reminders skipped: %s", str(exc).splitlines()[0])
            return 0
        self._since = until
        for row in rows:
            followup = {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in row.items()}
            self._hub.publish([row["owner_id"]], "followup_due", {"followup": followup})
        return len(rows)

    def _due(self, since: datetime, until: datetime) -> list[dict[str, Any]]:
        with self._engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(_NEWLY_DUE, {"since": since, "until": until})]

