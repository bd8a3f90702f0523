"""``POST /api/customers`` and ``PATCH /api/customers/{id}``: validated input, field-level roles.

Which role may set which field is the CRM's :data:`FIELD_ROLES`. On creation the identity
basics (client number, name, id number, phones, branch, birth date, gender) are open to agents,
who register callers; regulated fields still need their role. An agent changing a customer's
phone numbers must have verified the caller on the call: a phone number is what the next
caller is recognised by, so changing it for an unverified caller would hand the account over.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any, Literal

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import Session, select

from console.crm.customer_edit import FIELD_ROLES, create
from console.crm.customer_edit import update_customer as update_row
from console.crm.customers import SummaryContext, load_summary
from console.crm.errors import CrmError
from console.crm.masking import mask_customer
from console.crm.search.model import CustomerRow
from console.crm.tiers import TierLike
from console.i18n import t
from console.server import keys
from console.server.auth import AuthUser, require_role
from console.server.errors import ApiError, read_body
from console.server.routes.crm_common import RowId, Version, in_db, json_response, now, path_int
from console.server.routes.customer_access import summary_context, verified_for
from console.server.routes.customer_index import current_index, upsert
from console.store.models import Customer, CustomerPhone

CREATE_BASICS = frozenset({"client_no", "name", "id_number", "phones", "branch", "birth_date", "gender"})
NULLABLE = frozenset({"manager_id", "birth_date", "risk_assessed_on"})
"""The fields a client may clear with null; the others are NOT NULL in the store."""


class CustomerFields(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str | None = Field(default=None, min_length=1, max_length=64)
    id_number: str | None = Field(default=None, pattern=r"^(\d{15}|\d{17}[\dXx])$")
    phones: list[str] | None = Field(default=None, max_length=10)
    branch: str | None = Field(default=None, max_length=64)
    birth_date: dt.date | None = None
    gender: Literal["M", "F", ""] | None = None
    manager_id: RowId | None = None
    aum: Decimal | None = Field(default=None, ge=0, max_digits=18, decimal_places=2)
    risk_level: Literal["C1", "C2", "C3", "C4", "C5"] | None = None
    risk_assessed_on: dt.date | None = None
    investor_type: Literal["ordinary", "professional"] | None = None
    margin: bool | None = None
    star: bool | None = None
    chinext: bool | None = None
    status: Literal["active", "dormant", "closed"] | None = None
    do_not_call: bool | None = None
    churn_risk: float | None = Field(default=None, ge=0, le=1)


class CreateBody(CustomerFields):
    client_no: str = Field(pattern=r"^\d{6,12}$")
    name: str = Field(min_length=1, max_length=64)
    call: str | None = Field(default=None, max_length=64)


class UpdateBody(CustomerFields):
    version: Version


def _check_roles(user: AuthUser, fields: set[str], exempt: frozenset[str] = frozenset()) -> None:
    for field in sorted(fields - exempt):
        needed = FIELD_ROLES.get(field, "manager")
        if not user.at_least(needed):
            raise ApiError(403, "forbidden", t("crm.customer.field_role", field=field, role=needed), field=field)


def _check_nulls(values: dict[str, Any]) -> None:
    for field, value in values.items():
        if value is None and field not in NULLABLE:
            raise ApiError(400, "invalid", t("crm.customer.bad_field", field=field, value="null"), field=field)


def _index_row(session: Session, customer_id: int) -> CustomerRow:
    c = session.get(Customer, customer_id)
    if c is None:
        raise CrmError("not_found", "crm.customer.not_found", id=customer_id)
    phones = tuple(session.exec(select(CustomerPhone.e164).where(CustomerPhone.customer_id == customer_id)))
    return CustomerRow(id=customer_id, name=c.name, name_pinyin=c.name_pinyin, name_initials=c.name_initials,
                       client_no=c.client_no, phones=phones, id_last4=c.id_last4, tier=c.tier, branch=c.branch)


def _summary(session: Session, customer_id: int, ctx: SummaryContext) -> dict[str, Any]:
    summary = load_summary(session, customer_id, ctx)
    if summary is None:
        raise CrmError("not_found", "crm.customer.not_found", id=customer_id)
    return summary


def _created(session: Session, values: dict[str, Any], actor_id: int, at: dt.datetime, tiers: Sequence[TierLike],
             call: str | None, ctx: SummaryContext, with_index: bool) -> tuple[dict[str, Any], CustomerRow | None]:
    customer = create(session, values, actor_id, at, tiers, call)
    assert customer.id is not None  # create() flushed it
    row = _index_row(session, customer.id) if with_index else None
    return _summary(session, customer.id, ctx), row


async def create_customer(request: web.Request) -> web.Response:
    user = require_role(request, "agent")
    body = await read_body(request, CreateBody)
    values = body.model_dump(exclude_unset=True, exclude={"call"})
    _check_nulls(values)
    _check_roles(user, set(values), CREATE_BASICS)
    index = current_index(request.app)
    summary, row = await in_db(request, _created, values, user.id, now(request), request.app[keys.SETTINGS].tiers,
                               body.call, summary_context(request), index is not None)
    await upsert(request.app, row)
    # The creator typed these details in: showing them back reveals nothing new.
    return json_response(mask_customer(summary, verified=True, role=user.role), status=201)


def _updated(session: Session, customer_id: int, version: int, changes: dict[str, Any], actor_id: int,
             at: dt.datetime, tiers: Sequence[TierLike], call: str | None, ctx: SummaryContext,
             with_index: bool) -> tuple[dict[str, Any], CustomerRow | None]:
    update_row(session, customer_id, version, changes, actor_id, at, tiers, call)
    row = _index_row(session, customer_id) if with_index else None
    return _summary(session, customer_id, ctx), row


async def update_customer_route(request: web.Request) -> web.Response:
    user = require_role(request, "agent")
    customer_id = path_int(request, "id")
    call = request.query.get("call") or None
    body = await read_body(request, UpdateBody)
    changes = body.model_dump(exclude_unset=True, exclude={"version"})
    if not changes:
        raise ApiError(400, "bad_request", t("crm.customer.nothing_to_change"))
    _check_nulls(changes)
    _check_roles(user, set(changes))
    verified = verified_for(request, user, call, customer_id)
    if "phones" in changes and not user.at_least("supervisor") and not verified:
        raise ApiError(403, "forbidden", t("crm.customer.phones_need_verification"), field="phones")
    index = current_index(request.app)
    summary, row = await in_db(request, _updated, customer_id, body.version, changes, user.id, now(request),
                               request.app[keys.SETTINGS].tiers, call, summary_context(request), index is not None)
    await upsert(request.app, row)
    return json_response(mask_customer(summary, verified=verified, role=user.role))

