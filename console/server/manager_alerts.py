"""Account managers served (专属客户经理): told at once when one of their customers calls,
complains or asks for a callback.

A ``customer_alert`` frame goes to the manager's consoles: ``reason`` ``call`` (the customer's
call popped on an agent's screen: once per call, and not when the call rings the manager
themselves), ``complaint`` (a complaint ticket was opened for the customer) or ``callback`` (they
asked for a callback while waiting; with ``own_callbacks`` the callback is the manager's), with the customer
as a pop shows them to an unverified caller (name, client number, tier, churn warning: never a
number or an id number) and the call or the ticket. A complaint also gives the manager a
follow-up they own (``[managers] complaint_followup_hours``; 0: none), written with the ticket.
``[managers]`` switches each alert.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.exc import SQLAlchemyError

from console.config.models import ManagerSettings
from console.server.callstate import LiveCall
from console.server.hub import Hub
from console.store.models import Customer
from console.store.tables import table_of
from telephony.events import CallbackRequested

log = logging.getLogger(__name__)
_c = table_of(Customer).c


def customer_brief(summary: dict[str, Any]) -> dict[str, Any]:
    """What an alert says of the customer: nothing a masked pop would not show."""
    return {key: summary.get(key) for key in ("id", "client_no", "name", "tier", "churn")}


class ManagerAlerts:
    def __init__(self, hub: Hub, config: ManagerSettings) -> None:
        self._hub = hub
        self._config = config

    def call(self, live: LiveCall, customer: dict[str, Any], agent: str) -> bool:
        """The customer of ``live`` rings ``agent``: tell their account manager, once per call."""
        manager = customer.get("manager") or {}
        if not self._config.alert_on_call or not manager.get("id") or live.manager_told:
            return False
        if manager.get("extension") and manager["extension"] == agent:
            return False  # the call rings the manager themselves (routed to them): they see the pop
        live.manager_told = True
        self._hub.publish([int(manager["id"])], "customer_alert", {
            "reason": "call", "call": live.call, "agent": agent, "queue": live.queue,
            "customer": customer_brief(customer),
        })
        return True

    async def callback_requested(self, engine: Engine, event: CallbackRequested) -> bool:
        """The caller asked for a callback from the queue: tell their account manager. Looked up
        off the call's path (the pops never wait for this), in a thread."""
        if not self._config.alert_on_callback:
            return False
        from console.server.recorder import manager_of_caller

        def find() -> tuple[int, int, dict[str, Any]] | None:
            with engine.connect() as conn:
                found = manager_of_caller(conn, event.caller, event.account)
                if found is None:
                    return None
                customer_id, manager_id = found
                if manager_id is None:
                    return None
                row = conn.execute(select(_c.id, _c.client_no, _c.name, _c.tier).where(_c.id == customer_id)).one()
                return customer_id, manager_id, dict(row._mapping)
        try:
            found = await asyncio.to_thread(find)
        except SQLAlchemyError as exc:
            log.warning("callback request of call %s: its account manager not told: %s", event.call,
                        str(exc).splitlines()[0])
            return False
        if found is None:
            return False
        _customer_id, manager_id, customer = found
        self._hub.publish([manager_id], "customer_alert", {
            "reason": "callback", "call": event.call, "queue": event.queue, "customer": customer_brief(customer),
        })
        return True

    def complaint(self, manager_id: int | None, customer: dict[str, Any], ticket: dict[str, Any]) -> bool:
        """A complaint ticket was opened for a customer of ``manager_id``."""
        if not self._config.alert_on_complaint or manager_id is None:
            return False
        self._hub.announce([manager_id], "customer_alert", {
            "reason": "complaint", "customer": customer_brief(customer),
            "ticket": {key: ticket.get(key) for key in ("id", "number", "subject", "priority", "sla_due_at")},
        })
        return True
