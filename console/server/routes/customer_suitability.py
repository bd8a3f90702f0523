"""``GET /api/customers/{id}/suitability?product_risk=R3``: may the agent offer this product?

The answer of :func:`console.crm.suitability.is_suitable` for the customer as stored, in the
center's today, with the message the agent reads out of the catalogue. It discloses nothing
the masked profile does not already show (risk level, assessment date), so it is not audited.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from aiohttp import web
from sqlmodel import Session

from console.crm.errors import CrmError
from console.crm.suitability import is_suitable, max_product_risk, parse_product_risk
from console.i18n import t
from console.server import keys
from console.server.api_models.customers import Suitability
from console.server.api_models.queries import SuitabilityQuery
from console.server.auth import require_role
from console.server.errors import ApiError
from console.server.openapi import Operation, register
from console.server.routes.crm_common import in_db, json_response, now, path_int
from console.store.models import Customer


def _customer(session: Session, customer_id: int) -> Customer:
    customer = session.get(Customer, customer_id)
    if customer is None:
        raise CrmError("not_found", "crm.customer.not_found", id=customer_id)
    return customer


async def suitability(request: web.Request) -> web.Response:
    require_role(request, "agent")
    customer_id = path_int(request, "id")
    product = (request.query.get("product_risk") or "").strip().upper()
    if parse_product_risk(product) is None:
        raise ApiError(400, "invalid", t("crm.suitability.unknown_product_risk", product=product),
                       field="product_risk")
    customer = await in_db(request, _customer, customer_id)
    settings = request.app[keys.SETTINGS]
    today = now(request).astimezone(ZoneInfo(settings.center.time_zone)).date()
    result = is_suitable(customer.risk_level, product, customer.risk_assessed_on, today,
                         customer.investor_type, settings.risk.assessment_valid_days)
    assessed = customer.risk_assessed_on.isoformat() if customer.risk_assessed_on else None
    return json_response({
        "customer_id": customer_id, "product_risk": product, "ok": result.ok, "reason": result.reason,
        "may_override": result.may_override, "customer_risk": customer.risk_level,
        "max_product_risk": max_product_risk(customer.risk_level), "investor_type": customer.investor_type,
        "risk_assessed_on": assessed,
        "message": t(f"crm.suitability.{result.reason}", customer=customer.risk_level, product=product,
                     assessed_on=assessed or "—"),
    })


def setup(app: web.Application) -> None:
    register(app, Operation("GET", "/api/customers/{id}/suitability", suitability,
                            "May this customer buy a product of this risk", query=SuitabilityQuery,
                            path_params={"id": int}, response=Suitability, tag="customers"))
