"""The ``api_session`` rows behind the API's bearer tokens: blocking calls, run them in a thread.

Rows are keyed by the SHA-256 of a token (never the token). Time comes in as ``now``; the caller
decides what expired means, so that every server judges one session by the same stored
``expires_at``. The cache and the outage behaviour around these live in console/server/tokens.py.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, delete, insert, select

from console.store.models import ApiSession, Staff
from console.store.tables import table_of

_session_table, _staff_table = table_of(ApiSession), table_of(Staff)
_s, _staff = _session_table.c, _staff_table.c
_LIVE = (
    select(_staff.id, _staff.username, _staff.name, _staff.role, _staff.extension, _staff.queues,
           _s.created_at, _s.expires_at)
    .join(_staff_table, _staff.id == _s.staff_id)
)


@dataclass(frozen=True, slots=True)
class UserEnd:
    """The sessions of ``staff_id`` end, except ``keep`` (a token hash): all of them, or with
    ``until`` only those created at or before it (a revocation saved late must spare the logins
    that came after it)."""

    staff_id: int
    keep: str | None = None
    until: dt.datetime | None = None


def add(engine: Engine, token_hash: str, staff_id: int, now: dt.datetime, expires_at: dt.datetime,
        address: str) -> None:
    with engine.begin() as conn:
        conn.execute(insert(_session_table).values(
            token_hash=token_hash, staff_id=staff_id, created_at=now, expires_at=expires_at, address=address[:64]))


def find(engine: Engine, token_hash: str, now: dt.datetime) -> Any | None:
    """The live session of this hash with its account (staff columns, ``created_at``,
    ``expires_at``); None when unknown, expired, or its account is disabled."""
    query = _LIVE.where(_s.token_hash == token_hash, _s.expires_at > now, _staff.active.is_(True))
    with engine.connect() as conn:
        return conn.execute(query).first()


def end(engine: Engine, token_hashes: Iterable[str] = (), users: Iterable[UserEnd] = ()) -> int:
    """Delete these sessions and those of ``users``, in one transaction; how many rows went."""
    hashes, ends = list(token_hashes), list(users)
    ended = 0
    with engine.begin() as conn:
        if hashes:
            ended += conn.execute(delete(_session_table).where(_s.token_hash.in_(hashes))).rowcount
        for user in ends:
            query = delete(_session_table).where(_s.staff_id == user.staff_id)
            if user.until is not None:
                query = query.where(_s.created_at <= user.until)
            if user.keep is not None:
                query = query.where(_s.token_hash != user.keep)
            ended += conn.execute(query).rowcount
    return ended


def purge(engine: Engine, now: dt.datetime) -> int:
    """Delete the expired sessions; how many."""
    with engine.begin() as conn:
        return conn.execute(delete(_session_table).where(_s.expires_at <= now)).rowcount
