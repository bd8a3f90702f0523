"""Creating and updating customers: normalised phones, derived columns, optimistic locking.

Derived columns are never taken from the client: pinyin and initials come from the name,
``id_last4`` from the id number, the tier from the AUM. An update is one
``UPDATE … WHERE id = ? AND version = ?``: a stale version changes nothing and is a conflict,
so two agents editing the same customer can never silently overwrite each other.

Who may change what (least privilege, checked by the route with :data:`FIELD_ROLES`): agents
keep contact details current; supervisors correct identity and assignment; only managers and
admins touch the regulated fields (AUM, risk assessment, investor type, trading permissions).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from console.crm import audit
from console.crm.errors import CrmError
from console.crm.names import initials_of, pinyin_of
from console.crm.phones import normalize
from console.crm.tiers import tier_for
from console.store.models import Customer, CustomerPhone, Staff

FIELD_ROLES: dict[str, str] = {
    "phones": "agent", "branch": "agent", "do_not_call": "agent",
    "name": "supervisor", "manager_id": "supervisor", "status": "supervisor", "churn_risk": "supervisor",
    "aum": "manager", "risk_level": "manager", "risk_assessed_on": "manager",
    "investor_type": "manager", "margin": "manager", "star": "manager", "chinext": "manager",
    "id_number": "manager", "birth_date": "manager", "gender": "manager",
}
PHONE_KIND = {"mobile": "mobile", "landline": "landline"}  # service and foreign numbers: "other"


def normalized_phones(raw_numbers: Sequence[str]) -> list[CustomerPhone]:
    """CustomerPhone rows (no customer id yet) for the numbers; duplicates merged, bad ones refused."""
    rows: dict[str, CustomerPhone] = {}
    for index, raw in enumerate(raw_numbers):
        phone = normalize(raw)
        if not phone.valid:
            raise CrmError("invalid", "crm.customer.bad_phone", field=f"phones.{index}", value=raw)
        rows.setdefault(phone.e164, CustomerPhone(customer_id=0, e164=phone.e164, raw=raw[:32],
                                                  kind=PHONE_KIND.get(phone.kind, "other"), valid=True))
    return list(rows.values())


def _check_manager(session: Session, values: dict[str, Any]) -> None:
    manager_id = values.get("manager_id")
    if manager_id is not None:
        staff = session.get(Staff, manager_id)
        if staff is None or not staff.active:
            raise CrmError("invalid", "crm.customer.bad_field", field="manager_id", value=manager_id)


def _derived(values: dict[str, Any], tiers: Sequence[Any] | None) -> dict[str, Any]:
    out = dict(values)
    if "name" in out:
        out["name_pinyin"] = pinyin_of(out["name"])
        out["name_initials"] = initials_of(out["name"])[:16]
    if "id_number" in out:
        out["id_number"] = out["id_number"].strip().upper()
        out["id_last4"] = out["id_number"][-4:]
    if "aum" in out:
        out["aum"] = Decimal(out["aum"])
        out["tier"] = tier_for(out["aum"], tiers)
    return out


def create(
    session: Session, data: dict[str, Any], actor_id: int | None, now: dt.datetime,
    tiers: Sequence[Any] | None = None, call: str | None = None,
) -> Customer:
    """Insert a customer with its phones and an audit row; a taken client number is ``invalid``."""
    values = dict(data)
    phones = normalized_phones(values.pop("phones", []) or [])
    values.setdefault("aum", Decimal(0))
    values.setdefault("id_number", "")
    existing = session.exec(select(Customer.id).where(Customer.client_no == values["client_no"])).first()
    if existing is not None:
        raise CrmError("invalid", "crm.customer.duplicate_client_no", field="client_no", client_no=values["client_no"])
    _check_manager(session, values)
    customer = Customer(**_derived(values, tiers), created_at=now, updated_at=now)
    session.add(customer)
    try:
        session.flush()
    except IntegrityError:
        # Two creates of one client number at once: the unique index decides, the loser is told.
        raise CrmError("invalid", "crm.customer.duplicate_client_no", field="client_no",
                       client_no=values["client_no"]) from None
    for phone in phones:
        phone.customer_id = customer.id  # type: ignore[assignment]
        session.add(phone)
    audit.record(session, actor_id, audit.CREATE, customer.id, call, {"fields": sorted(data)}, at=now)
    session.flush()
    return customer


def update_customer(
    session: Session, customer_id: int, version: int, changes: dict[str, Any], actor_id: int | None,
    now: dt.datetime, tiers: Sequence[Any] | None = None, call: str | None = None,
) -> int:
    """Apply ``changes`` if the customer is still at ``version``; returns the new version.

    Raises ``not_found`` for an unknown customer and ``conflict`` (with the current version)
    for a stale one. Phones, when given, replace the customer's numbers.
    """
    values = dict(changes)
    raw_phones = values.pop("phones", None)
    phones = normalized_phones(raw_phones) if raw_phones is not None else None
    _check_manager(session, values)
    result = session.execute(
        update(Customer)
        .where(Customer.id == customer_id, Customer.version == version)  # type: ignore[arg-type]
        .values(**_derived(values, tiers), version=version + 1, updated_at=now)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        current = session.exec(select(Customer.version).where(Customer.id == customer_id)).first()
        if current is None:
            raise CrmError("not_found", "crm.customer.not_found", id=customer_id)
        raise CrmError("conflict", "crm.customer.conflict", id=customer_id, version=current)
    if phones is not None:
        session.execute(delete(CustomerPhone).where(CustomerPhone.customer_id == customer_id))  # type: ignore[arg-type]
        for phone in phones:
            phone.customer_id = customer_id
            session.add(phone)
    audit.record(session, actor_id, audit.UPDATE, customer_id, call, {"fields": sorted(changes)}, at=now)
    session.flush()
    return version + 1
