"""Wrap-up: the agent's disposition and notes for a call, written onto its Interaction.

The agent often finishes the wrap-up before the recorder has written the call's Interaction
(the ``ended`` event and the outbox are asynchronous, and the database may be down). So a
wrap-up travels through the same durable outbox as the Interaction, in order, and
:func:`apply_wrapup` updates the row. When the row is not there yet (the wrap-up was journalled
before the call's ``ended``), the wrap-up waits in :data:`PENDING`, and the recorder, when it
inserts that Interaction, takes it with :func:`take_pending` and writes it with the row.
Both run in the outbox's one drain thread, one record after the other, so no wrap-up can fall
between "not there yet" and "inserted".

What the pending registry does not survive is a restart of the server between the wrap-up and
the call's ``ended`` (seconds, in practice); the wrap-up is then lost and the log says so.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from typing import Any

from sqlalchemy import Connection, or_, select, update

from console.store.models import Interaction
from console.store.tables import table_of

log = logging.getLogger(__name__)

DISPOSITIONS = (
    "resolved", "callback_needed", "ticket_created", "transferred",
    "wrong_number", "complaint", "info_given", "other",
)
MAX_PENDING = 10_000
NOTES_MAX = 4000


class PendingWrapups:
    """Wrap-ups waiting for their Interaction, by (call, agent extension or staff id). Thread-safe."""

    def __init__(self, limit: int = MAX_PENDING) -> None:
        self._limit = limit
        self._lock = threading.Lock()
        self._items: OrderedDict[tuple[str, str], dict[str, Any]] = OrderedDict()

    @staticmethod
    def _keys(call: str, agent_ext: str | None, agent_id: int | None) -> list[tuple[str, str]]:
        keys = []
        if agent_ext:
            keys.append((call, f"ext:{agent_ext}"))
        if agent_id is not None:
            keys.append((call, f"id:{agent_id}"))
        return keys

    def add(self, rec: dict[str, Any]) -> None:
        with self._lock:
            keys = self._keys(rec["call"], rec.get("agent_ext"), rec.get("agent_id"))
            # The disposition and the measured after-call work may come apart: keep both.
            earlier = next((self._items[k] for k in keys if k in self._items), None)
            if earlier is not None:
                rec = {**earlier, **{k: v for k, v in rec.items() if v is not None}}
            for key in keys:
                self._items[key] = rec
                self._items.move_to_end(key)
            while len(self._items) > self._limit:
                (call, who), _dropped = self._items.popitem(last=False)
                log.warning("wrap-up of call %s by %s dropped: its call was never recorded", call, who)

    def take(self, call: str, agent_ext: str | None, agent_id: int | None) -> dict[str, Any] | None:
        with self._lock:
            found = None
            for key in self._keys(call, agent_ext, agent_id):
                rec = self._items.pop(key, None)
                found = found or rec
            if found is not None:  # drop its other key too
                for key in self._keys(call, found.get("agent_ext"), found.get("agent_id")):
                    self._items.pop(key, None)
            return found

    def __len__(self) -> int:
        with self._lock:
            return len({id(v) for v in self._items.values()})


PENDING = PendingWrapups()
"""Process-wide, like the outbox's applier registry: the recorder and the wrap-up share it."""


WRAPUP_FIELDS = ("disposition", "notes", "acw_s")


def _fields(rec: dict[str, Any]) -> dict[str, Any]:
    """What a wrap-up record sets: the disposition and notes, the after-call work, or both."""
    return {k: rec[k] for k in WRAPUP_FIELDS if rec.get(k) is not None}


def take_pending(linkedid: str, agent_ext: str | None, agent_id: int | None) -> dict[str, Any]:
    """For the recorder: the wrap-up fields to insert with this Interaction, or {}."""
    rec = PENDING.take(linkedid, agent_ext, agent_id)
    return _fields(rec) if rec else {}


def apply_wrapup(conn: Connection, rec: dict[str, Any], pending: PendingWrapups = PENDING) -> bool:
    """Write a journalled wrap-up onto the agent's latest Interaction of the call.

    ``rec``: ``{call, agent_id, agent_ext}`` with ``disposition`` and ``notes`` (the agent's
    wrap-up), ``acw_s`` (the after-call work measured), or both. Returns False (and parks the
    wrap-up in ``pending``) when the Interaction is not recorded yet. Idempotent.
    """
    table = table_of(Interaction)
    mine = [table.c.agent_id == rec["agent_id"]] if rec.get("agent_id") is not None else []
    if rec.get("agent_ext"):
        mine.append(table.c.agent_ext == rec["agent_ext"])
    row_id = conn.execute(
        select(table.c.id)
        .where(table.c.linkedid == rec["call"], or_(*mine))
        .order_by(table.c.started_at.desc(), table.c.id.desc())
        .limit(1)
    ).scalar()
    if row_id is None:
        pending.add(rec)
        return False
    values = _fields(rec)
    if values:
        conn.execute(update(table).where(table.c.id == row_id).values(**values))
    return True
