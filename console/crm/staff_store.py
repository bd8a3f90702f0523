"""Staff accounts in the store: list, create, edit, disable, password reset, a manager's customers.

Every write judges the change by :mod:`console.crm.staff_rules` first and writes only once every
rule passed, with one AuditEvent (who, what, when) in the same transaction: ``staff.create``,
``staff.update``, ``staff.disable``, ``staff.enable``, ``staff.password``,
``staff.customers_transfer``. The detail names the account and the fields with their old and
new values; a password never appears anywhere, only that it was set.

Staff writes are serialised (PostgreSQL: a transaction-scoped advisory lock; SQLite has one
writer anyway), so two administrators cannot give one extension to two people at once, or
disable the last two administrators together.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, insert, text, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from console.crm import audit, login_locks
from console.crm.errors import CrmError
from console.crm.passwords import hash_password
from console.crm.staff_rules import (
    Holder,
    PasswordPolicy,
    check_admin_remains,
    check_extension_free,
    check_password,
    check_self_change,
    clean_extension,
    clean_name,
    clean_queues,
    clean_role,
    clean_username,
)
from console.store.models import ROLES, AuditEvent, Customer, Staff

CREATE, UPDATE, DISABLE, ENABLE = "staff.create", "staff.update", "staff.disable", "staff.enable"
PASSWORD, TRANSFER, CUSTOMERS = "staff.password", "staff.customers_transfer", "staff.customers"
FIELDS = ("username", "name", "role", "extension", "queues", "active")
"""What an edit may change (the password has its own route)."""
_LOCK_KEY = 0x63616C6C  # "call": the advisory lock of staff writes on PostgreSQL


@dataclass(frozen=True, slots=True)
class StaffRules:
    """What the rules need from the configuration: the queues and the password policy."""

    queues: tuple[str, ...]
    policy: PasswordPolicy = field(default_factory=PasswordPolicy)

    @classmethod
    def of(cls, settings: Any) -> StaffRules:
        p = settings.passwords
        return cls(tuple(q.name for q in settings.queues), PasswordPolicy(p.min_length, p.min_classes))


def staff_json(staff: Staff, customers: int = 0, locked: bool = False) -> dict[str, Any]:
    """An account as the API shows it: never the password hash, only whether there is one;
    ``locked``: too many failed log-ins (console/crm/login_locks.py)."""
    return {"id": staff.id, "username": staff.username, "name": staff.name, "role": staff.role,
            "extension": staff.extension, "queues": staff.queue_list, "active": bool(staff.active),
            "has_password": bool(staff.password_hash), "customers": customers, "locked": locked}


def _serialise(session: Session) -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})


def _customer_counts(session: Session, ids: Sequence[int] | None = None) -> dict[int, int]:
    statement = (select(Customer.manager_id, func.count()).where(col(Customer.manager_id).is_not(None))
                 .group_by(col(Customer.manager_id)))
    if ids is not None:
        statement = statement.where(col(Customer.manager_id).in_(list(ids)))
    return {int(manager): int(n) for manager, n in session.exec(statement) if manager is not None}


def _get(session: Session, staff_id: int) -> Staff:
    staff = session.get(Staff, staff_id)
    if staff is None:
        raise CrmError("not_found", "staff.err.not_found", id=staff_id)
    return staff


def by_username(session: Session, username: str) -> Staff | None:
    return session.exec(select(Staff).where(Staff.username == username)).first()


def list_staff(session: Session, role: str | None = None, active: bool | None = None) -> list[dict[str, Any]]:
    """Every account (optionally of one role, active or not), by role then user name."""
    statement = select(Staff)
    if role is not None:
        statement = statement.where(Staff.role == role)
    if active is not None:
        statement = statement.where(Staff.active == active)
    rows = list(session.exec(statement))
    counts = _customer_counts(session)
    locked = login_locks.locked_names(session)
    rank = {role: -i for i, role in enumerate(ROLES)}  # the highest role first
    rows.sort(key=lambda s: (rank.get(s.role, 1), s.extension or "~", s.username))
    return [staff_json(s, counts.get(s.id or 0, 0), s.username in locked) for s in rows]


def get_staff(session: Session, staff_id: int) -> dict[str, Any]:
    staff = _get(session, staff_id)
    return staff_json(staff, _customer_counts(session, [staff_id]).get(staff_id, 0),
                      login_locks.is_locked(session, staff.username))


def _holders(session: Session, extension: str) -> list[Holder]:
    rows = session.exec(select(Staff).where(Staff.extension == extension, Staff.active == True))  # noqa: E712
    return [Holder(s.id or 0, s.username, s.name) for s in rows]


def _other_active_admins(session: Session, staff_id: int) -> int:
    return int(session.exec(select(func.count()).select_from(Staff).where(
        Staff.role == "admin", Staff.active == True, Staff.id != staff_id)).one())  # noqa: E712


def _check_username_free(session: Session, username: str, staff_id: int | None) -> None:
    other = by_username(session, username)
    if other is not None and other.id != staff_id:
        raise CrmError("invalid", "staff.err.username_taken", field="username", username=username)


def clean_fields(values: Mapping[str, Any], rules: StaffRules) -> dict[str, Any]:
    """The given fields, each checked and normalised (no store lookups)."""
    out: dict[str, Any] = {}
    # Each takes the field as the request gave it (JSON: any type) and returns the clean value.
    cleaners: dict[str, Callable[[Any], object]] = {
        "username": clean_username, "name": clean_name, "role": clean_role, "extension": clean_extension,
        "queues": lambda v: clean_queues(v, rules.queues)}
    for name, value in values.items():
        if name in cleaners:
            out[name] = cleaners[name](value)
        elif name == "active":
            out[name] = bool(value)
    return out


def _record(session: Session, actor_id: int | None, action: str, now: dt.datetime, detail: dict[str, Any]) -> None:
    audit.record(session, actor_id, action, None, None, detail, at=now)


def create_staff(session: Session, values: Mapping[str, Any], actor_id: int | None, now: dt.datetime,
                 rules: StaffRules) -> dict[str, Any]:
    """A new account; ``values``: username, name, role (required), extension, queues, active,
    password (optional: without one the account cannot log in until a password is set)."""
    for required in ("username", "name", "role"):
        if values.get(required) in (None, ""):
            raise CrmError("invalid", f"staff.err.{required}_missing", field=required)
    fields = clean_fields({k: v for k, v in values.items() if k in FIELDS}, rules)
    fields.setdefault("active", True)
    fields.setdefault("queues", [])
    fields.setdefault("extension", None)
    password = values.get("password") or None
    if password is not None:
        check_password(password, rules.policy, fields["username"])
    _serialise(session)
    _check_username_free(session, fields["username"], None)
    if fields["active"] and fields["extension"]:
        check_extension_free(fields["extension"], _holders(session, fields["extension"]), None)
    staff = Staff(username=fields["username"], name=fields["name"], role=fields["role"],
                  extension=fields["extension"], queues=",".join(fields["queues"]), active=fields["active"],
                  password_hash=hash_password(password) if password else "")
    session.add(staff)
    login_locks.clear(session, staff.username)  # failures of the name before it was anyone's
    try:
        session.flush()
    except IntegrityError:  # a create of the same user name at the same moment
        raise CrmError("invalid", "staff.err.username_taken", field="username", username=fields["username"]) from None
    shown = {k: fields[k] for k in FIELDS}
    _record(session, actor_id, CREATE, now, {"staff_id": staff.id, "username": staff.username, "fields": shown,
                                             "password_set": password is not None})
    return staff_json(staff)


def update_staff(session: Session, staff_id: int, changes: Mapping[str, Any], actor_id: int | None,
                 now: dt.datetime, rules: StaffRules) -> dict[str, Any]:
    """Apply ``changes`` (fields of :data:`FIELDS`); disabling an account that still has customers
    is refused until they are handed over (:func:`transfer_customers`)."""
    fields = clean_fields({k: v for k, v in changes.items() if k in FIELDS}, rules)
    _serialise(session)
    staff = _get(session, staff_id)
    before = {"username": staff.username, "name": staff.name, "role": staff.role, "extension": staff.extension,
              "queues": staff.queue_list, "active": bool(staff.active)}
    after = {**before, **fields}
    diff = {k: [before[k], after[k]] for k in FIELDS if before[k] != after[k]}
    if not diff:
        return get_staff(session, staff_id)
    check_admin_remains(staff.role, bool(staff.active), after["role"], after["active"],
                        _other_active_admins(session, staff_id))
    check_self_change(actor_id, staff_id, staff.role, after["role"], after["active"])
    if "username" in diff:
        _check_username_free(session, after["username"], staff_id)
    if after["active"] and after["extension"] and ("extension" in diff or "active" in diff):
        check_extension_free(after["extension"], _holders(session, after["extension"]), staff_id)
    customers = _customer_counts(session, [staff_id]).get(staff_id, 0)
    if before["active"] and not after["active"] and customers:
        raise CrmError("conflict", "staff.err.has_customers", field="active", username=before["username"], n=customers)
    for name, (_, new) in diff.items():
        setattr(staff, name, ",".join(new) if name == "queues" else new)
    if "username" in diff:  # the lock stays with the name typed at the prompt: the new one starts afresh
        login_locks.clear(session, after["username"])
    session.add(staff)
    try:
        session.flush()
    except IntegrityError:
        raise CrmError("invalid", "staff.err.username_taken", field="username", username=after["username"]) from None
    action = (DISABLE if not after["active"] else ENABLE) if "active" in diff else UPDATE
    _record(session, actor_id, action, now, {"staff_id": staff_id, "username": staff.username, "changes": diff})
    return staff_json(staff, customers, login_locks.is_locked(session, staff.username))


def set_password(session: Session, staff_id: int, password: str, actor_id: int | None, now: dt.datetime,
                 rules: StaffRules) -> dict[str, Any]:
    """Set (reset) an account's password; the audit row says who and when, never what."""
    staff = _get(session, staff_id)
    check_password(password, rules.policy, staff.username)
    staff.password_hash = hash_password(password)
    session.add(staff)
    _record(session, actor_id, PASSWORD, now, {"staff_id": staff_id, "username": staff.username})
    session.flush()
    return get_staff(session, staff_id)


def manager_customers(session: Session, staff_id: int, actor_id: int | None, now: dt.datetime,
                      limit: int = 50, offset: int = 0) -> dict[str, Any]:
    """The customers whose account manager this is (``total`` and one page, by client number);
    audited like a search: which customers were shown, to whom."""
    staff = _get(session, staff_id)
    total = int(session.exec(select(func.count()).select_from(Customer).where(Customer.manager_id == staff_id)).one())
    rows = session.exec(select(Customer).where(Customer.manager_id == staff_id)
                        .order_by(col(Customer.client_no)).limit(limit).offset(offset))
    customers = [{"id": c.id, "client_no": c.client_no, "name": c.name, "tier": c.tier, "branch": c.branch,
                  "status": c.status} for c in rows]
    _record(session, actor_id, CUSTOMERS, now, {"staff_id": staff_id, "customers": [c["id"] for c in customers]})
    return {"staff": staff_json(staff, total), "total": total, "customers": customers}


def transfer_customers(session: Session, from_id: int, to_id: int, actor_id: int | None,
                       now: dt.datetime) -> dict[str, Any]:
    """Hand every customer of account manager ``from_id`` to ``to_id`` (an active manager).

    Each customer's version goes up (an edit opened before the hand-over is a conflict, not a
    silent overwrite of the new manager) and gets its own ``customer.update`` audit row, so the
    customer's history says who changed the manager and when."""
    _serialise(session)
    source = _get(session, from_id)
    target = session.get(Staff, to_id)
    if target is None:
        raise CrmError("invalid", "staff.err.target_unknown", field="to_manager", id=to_id)
    if target.id == source.id:
        raise CrmError("invalid", "staff.err.target_same", field="to_manager")
    if not target.active or target.role != "manager":
        raise CrmError("invalid", "staff.err.target_not_manager", field="to_manager", username=target.username)
    ids = list(session.exec(select(Customer.id).where(Customer.manager_id == from_id).order_by(col(Customer.id))))
    if ids:
        session.execute(update(Customer).where(col(Customer.manager_id) == from_id).values(
            manager_id=to_id, version=Customer.version + 1, updated_at=now))
        detail = audit_detail({"fields": ["manager_id"], "from_manager": from_id, "to_manager": to_id})
        for start in range(0, len(ids), 1000):
            session.execute(insert(AuditEvent), [
                {"at": now, "actor_id": actor_id, "action": audit.UPDATE, "customer_id": cid, "detail": detail}
                for cid in ids[start:start + 1000]])
    _record(session, actor_id, TRANSFER, now, {"staff_id": from_id, "username": source.username,
                                               "to_staff_id": to_id, "to_username": target.username,
                                               "customers": len(ids)})
    session.flush()
    counts = _customer_counts(session, [from_id, to_id])
    return {"moved": len(ids), "from": staff_json(source, counts.get(from_id, 0)),
            "to": staff_json(target, counts.get(to_id, 0))}


def audit_detail(detail: dict[str, Any]) -> str:
    return json.dumps(detail, ensure_ascii=False, sort_keys=True)
