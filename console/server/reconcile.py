"""Calls no server saw, recorded from Asterisk's own queue_log (issue 15).

When every server is down (or none holds a PBX's link: console.server.pbx_relay), Asterisk goes
on answering callers. With ``[[pbx]] queue_log_table`` set, Asterisk writes its queue_log into
that table of calldesk's database through realtime (docs/asterisk.md "queue_log in
PostgreSQL"), and the server holding the PBX's link reads it every ``reconcile_every_s``: every
queue pass that ended more than ``reconcile_settle_s`` ago and has no Interaction gets one,
through the recorder's own ``write_interaction`` (same key, so a pass the live recorder wrote
is left as it is). ``reconcile_mark`` keeps how far each PBX has been read.

What such a row lacks, because no server saw the call: the IVR's account (the customer is found
by the caller's number), the recording's name and the cause; the agent is the queue member the
queue_log names, mapped to an extension as the tracker maps members (``agent_map``, the
interface's digits, or the member name of a staff account).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table, select
from sqlalchemy.exc import SQLAlchemyError

from console.config import Settings
from console.server.clock import Clock
from console.server.recorder import interaction_record, write_interaction
from console.store.models import ReconcileMark, Staff
from console.store.tables import table_of
from telephony.events import Ended
from telephony.queue_log import ENDING_EVENTS, Pass, Row, passes, split_data
from telephony.tracker.state import digits_agent

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine

log = logging.getLogger(__name__)

_mark = table_of(ReconcileMark)
_staff = table_of(Staff).c
FIRST_LOOK = dt.timedelta(hours=24)  # how far back a PBX's first reconciliation looks


def queue_log_table(name: str) -> Table:
    """Asterisk's queue_log columns under ``name`` (console.store.models.QueueLog is ``queue_log``)."""
    return Table(name, MetaData(), Column("id", Integer, primary_key=True), Column("time", DateTime),
                 Column("callid", String(80)), Column("queuename", String(256)), Column("agent", String(256)),
                 Column("event", String(32)), *(Column(f"data{i}", String(256)) for i in range(1, 6)),
                 Column("data", String(1280)))


def _data(row: Any) -> tuple[str, str, str, str, str]:
    fields = (row.data1, row.data2, row.data3, row.data4, row.data5)
    if not any(fields) and row.data:
        return split_data(row.data)  # a row of Asterisk's non-adaptive form
    return (fields[0] or "", fields[1] or "", fields[2] or "", fields[3] or "", fields[4] or "")


class Reconciler:
    def __init__(self, engine: Engine, settings: Settings, pbx: str, table: str, clock: Clock,
                 holding: Callable[[], bool] = lambda: True) -> None:
        self._engine, self._settings, self._pbx, self._clock = engine, settings, pbx, clock
        self._table = queue_log_table(table)
        self._holding = holding
        config = next((p for p in settings.pbx if p.name == pbx), None)
        self._agent_map: Mapping[str, str] = config.agent_map if config else {}
        self._settle = dt.timedelta(seconds=settings.reconcile.settle_s)

    async def check(self) -> int:
        """Reconcile what ended since the last look; how many Interactions were added. Only the
        server holding the PBX's link does it (on its own, a server always holds it)."""
        if not self._holding():
            return 0
        try:
            added, passes_seen = await asyncio.to_thread(self._reconcile, self._clock())
        except SQLAlchemyError as exc:  # the database is down: look again next time
            log.warning("queue_log of %s not reconciled: %s", self._pbx, str(exc).splitlines()[0])
            return 0
        if added:
            log.warning("pbx %s: %d of %d queue pass(es) in Asterisk's queue_log had no record (no server saw "
                        "them); recorded now", self._pbx, added, passes_seen)
        return added

    def _reconcile(self, now: dt.datetime) -> tuple[int, int]:
        until = (now - self._settle).astimezone(dt.UTC).replace(tzinfo=None)  # queue_log's time: naive UTC
        with self._engine.begin() as conn:
            done = conn.execute(select(_mark.c.done_to).where(_mark.c.pbx == self._pbx)).scalar()
            since = (done.astimezone(dt.UTC).replace(tzinfo=None) if done is not None
                     else until - FIRST_LOOK)
            if until <= since:
                return 0, 0
            names = self._staff_by_name(conn)
            extensions = set(names.values())
            # A pass whose caller is an agent's extension is a call transferred into the queue
            # through a Local channel (an attended transfer): its callid is not the call's
            # Linkedid, and the live recorder keyed it by the Linkedid. Not recorded from here.
            ended = [p for p in self._passes_ended(conn, since, until) if p.caller not in extensions]
            added = sum(write_interaction(conn, self._record(p, names)) for p in ended)
            values = {"done_to": until.replace(tzinfo=dt.UTC)}
            if done is None:
                conn.execute(_mark.insert().values(pbx=self._pbx, **values))
            else:
                conn.execute(_mark.update().where(_mark.c.pbx == self._pbx).values(**values))
        return added, len(ended)

    def _passes_ended(self, conn: Connection, since: dt.datetime, until: dt.datetime) -> list[Pass]:
        q = self._table.c
        calls = select(q.callid).where(q.time > since, q.time <= until, q.event.in_(ENDING_EVENTS)).distinct()
        rows = conn.execute(select(self._table).where(q.callid.in_(calls)).order_by(q.time, q.id)).all()
        window = [Row(r.time.replace(tzinfo=dt.UTC).timestamp(), r.callid, r.queuename, r.agent or "", r.event,
                      *_data(r)) for r in rows]
        low, high = since.replace(tzinfo=dt.UTC).timestamp(), until.replace(tzinfo=dt.UTC).timestamp()
        return [p for p in passes(window) if low < p.t <= high]

    @staticmethod
    def _staff_by_name(conn: Connection) -> dict[str, str]:
        rows = conn.execute(select(_staff.name, _staff.extension).where(_staff.extension.is_not(None)))
        return {name: ext for name, ext in rows}  # noqa: C416 - dict() would take a Result for a mapping

    def _agent(self, member: str | None, names: Mapping[str, str]) -> str | None:
        if not member:
            return None
        return self._agent_map.get(member) or (digits_agent(member) if "/" in member else names.get(member))

    def _record(self, p: Pass, names: Mapping[str, str]) -> dict[str, Any]:
        """The recorder's own record of the ``ended`` this pass would have been."""
        ended = Ended(t=p.t, call=p.call, caller=p.caller, agent=self._agent(p.agent, names), queue=p.queue,
                      outcome=p.outcome, hangup_by=p.hangup_by, wait_s=p.wait_s, talk_s=p.talk_s, pass_no=p.pass_no)
        return interaction_record(self._settings, self._pbx, ended)
