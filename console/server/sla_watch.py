"""Ticket SLA breaches escalated as they happen (console/crm/ticket_escalation.py), and told:
a ``ticket_escalated`` frame to every supervisor, manager and admin, and to the ticket's assignee.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.exc import SQLAlchemyError

from console.crm.ticket_escalation import escalate_breached
from console.server.clock import Clock
from console.server.hub import Hub
from console.store.models import Staff
from console.store.tables import table_of

log = logging.getLogger(__name__)
_s = table_of(Staff).c
_WATCHERS = select(_s.id).where(_s.active.is_(True), _s.role.in_(("supervisor", "manager", "admin")))


class SlaWatch:
    def __init__(self, engine: Engine, hub: Hub, clock: Clock) -> None:
        self._engine, self._hub, self._clock = engine, hub, clock

    async def check(self) -> int:
        """Escalate what breached its SLA since the last look; how many tickets."""
        try:
            escalated, watchers = await asyncio.to_thread(self._escalate, self._clock())
        except SQLAlchemyError as exc:  # the database is down: look again next time
            log.warning("ticket SLA check skipped: %s", str(exc).splitlines()[0])
            return 0
        for ticket in escalated:
            users = set(watchers) | ({ticket["assignee_id"]} if ticket["assignee_id"] else set())
            self._hub.announce(users, "ticket_escalated", {"ticket": ticket})
        return len(escalated)

    def _escalate(self, now: datetime) -> tuple[list[dict[str, Any]], list[int]]:
        with self._engine.begin() as conn:
            escalated = escalate_breached(conn, now)
            watchers = list(conn.execute(_WATCHERS).scalars()) if escalated else []
        return escalated, watchers
