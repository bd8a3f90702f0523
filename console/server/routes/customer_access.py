"""Who may see a customer unmasked, and the audited reads behind every profile response.

A caller's verification lives in the call registry per (call, customer), set by the IVR (the
screen pop marks it) or by ``POST /api/customers/{id}/verify``. A view is unmasked when the
viewer names a call (``?call=``) on which this customer was verified AND the viewer is on
that call: its agent, an agent it rang, or a supervisor and above (who may be listening in).
Knowing another agent's call id is not enough. Roles never unmask by themselves
(console/crm/masking.py explains why); a manager's explicit, audited, reasoned unmask is the
one exception.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web
from sqlmodel import Session

from console.crm import audit
from console.crm.customers import SummaryContext, load_summary
from console.crm.errors import CrmError
from console.crm.masking import mask_customer
from console.server import keys
from console.server.auth import AuthUser
from console.server.routes.crm_common import now


def on_call(request: web.Request, user: AuthUser, call: str | None) -> bool:
    """Whether ``user`` is (or was, in wrap-up) on ``call``."""
    live = request.app[keys.CALLS].get(call) if call else None
    if live is None:
        return False
    if user.at_least("supervisor"):
        return True
    return live.took_part(user.extension)


def verified_for(request: web.Request, user: AuthUser, call: str | None, customer_id: int) -> bool:
    return on_call(request, user, call) and request.app[keys.CALLS].is_verified(call, customer_id)


def summary_context(request: web.Request) -> SummaryContext:
    return SummaryContext.from_settings(request.app[keys.SETTINGS], now(request))


def audited_view(session: Session, customer_id: int, ctx: SummaryContext, *, actor_id: int, call: str | None,
                 unmasked: bool, role: str, action: str | None = None,
                 detail: dict[str, Any] | None = None, at: Any = None) -> dict[str, Any]:
    """The customer's summary for this viewer, with the audit row written in the same transaction."""
    summary = load_summary(session, customer_id, ctx)
    if summary is None:
        raise CrmError("not_found", "crm.customer.not_found", id=customer_id)
    chosen = action or (audit.VIEW_UNMASKED if unmasked else audit.VIEW)
    audit.record(session, actor_id, chosen, customer_id, call, {"masked": not unmasked, **(detail or {})}, at=at)
    return mask_customer(summary, verified=unmasked, role=role)
