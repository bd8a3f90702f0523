"""The lockout of user names after repeated failed log-ins, in the store, and its audit rows.

A user name (as typed, whether an account has it or not: the answers must not tell which names
exist) that fails ``lockout_after`` times, with no success in between and each failure within
``window`` of the previous one, is locked until a supervisor or an administrator unlocks it.
Each function works in the caller's session and commits with it; time comes in as ``now``.

Audit rows (``audit_event``, no customer): ``login.failed`` (a wrong name or password),
``login.refused`` (throttled or locked: the attempt was not even checked), ``login.locked``
(this failure locked the name) and ``staff.unlock``; the detail names the user name typed, the
client address and, when an account has that name, its id; never the password.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from console.crm import audit
from console.crm.errors import CrmError
from console.store.models import ROLES, LoginLock, Staff

FAILED, REFUSED, LOCKED, UNLOCK = "login.failed", "login.refused", "login.locked", "staff.unlock"


def _row(session: Session, username: str) -> LoginLock | None:
    return session.exec(select(LoginLock).where(LoginLock.username == username)).first()


def is_locked(session: Session, username: str) -> bool:
    row = _row(session, username)
    return row is not None and row.locked_at is not None


def locked_names(session: Session) -> set[str]:
    return set(session.exec(select(LoginLock.username).where(col(LoginLock.locked_at).is_not(None))))


def record_failure(session: Session, username: str, now: dt.datetime, lockout_after: int,
                   window: dt.timedelta) -> bool:
    """Count one failure of ``username``; True when it locks the name now."""
    # Failures that stopped counting long ago, of names never locked, are forgotten here.
    session.execute(delete(LoginLock).where(col(LoginLock.locked_at).is_(None),
                                            col(LoginLock.last_failure_at) < now - window))
    row = _row(session, username)
    if row is None:
        try:
            with session.begin_nested():  # another server may count this name's first failure too
                session.add(LoginLock(username=username, failures=0, last_failure_at=now))
        except IntegrityError:
            pass
        row = _row(session, username)
        assert row is not None
    row.failures = row.failures + 1
    row.last_failure_at = now
    locks = bool(lockout_after) and row.locked_at is None and row.failures >= lockout_after
    if locks:
        row.locked_at = now
    session.add(row)
    session.flush()
    return locks


def clear(session: Session, username: str) -> None:
    """A successful log-in: its name starts afresh."""
    session.execute(delete(LoginLock).where(col(LoginLock.username) == username))


def record_attempt(session: Session, action: str, username: str, address: str, now: dt.datetime,
                   **detail: Any) -> None:
    """One audit row of a log-in attempt (``detail``: reason, failures; never the password)."""
    staff_id = session.exec(select(Staff.id).where(Staff.username == username)).first()
    audit.record(session, None, action, None, None,
                 {"username": username, "address": address, "staff_id": staff_id, **detail}, at=now)


def check_may_unlock(actor_role: str, target_role: str) -> None:
    """A supervisor unlocks accounts up to their own role; an administrator any account."""
    rank = {role: i for i, role in enumerate(ROLES)}
    if actor_role != "admin" and rank.get(target_role, len(ROLES)) > rank.get(actor_role, -1):
        raise CrmError("forbidden", "login.err.unlock_role")


def unlock(session: Session, username: str, actor_id: int | None, actor_role: str,
           now: dt.datetime) -> dict[str, Any]:
    """Lift the lock (and the count of failures) of an account: ``{id, username, was_locked}``.
    Audited ``staff.unlock`` either way."""
    staff = session.exec(select(Staff).where(Staff.username == username)).first()
    if staff is None:
        raise CrmError("not_found", "login.err.no_account", field="username", username=username)
    check_may_unlock(actor_role, staff.role)
    was_locked = is_locked(session, staff.username)
    clear(session, staff.username)
    audit.record(session, actor_id, UNLOCK, None, None,
                 {"staff_id": staff.id, "username": staff.username, "was_locked": was_locked}, at=now)
    session.flush()
    return {"id": staff.id, "username": staff.username, "was_locked": was_locked}
