"""Helpers of the CRM route tests (the fixtures themselves are server-core's conftest.py)."""

from __future__ import annotations

import json
from typing import Any

from aiohttp.test_utils import TestClient

from console.server import keys


def live_call(client: TestClient, call: str, caller: str, agent: str | None = "1001") -> Any:
    """Put a call answered by ``agent`` in the server's call registry, as the service does on
    ``ringing`` and ``answered``."""
    registry = client.server.app[keys.CALLS]
    live = registry.open("main", call, caller)
    if agent:
        live.ringing(agent, f"PJSIP/{agent}-00000001")
        live.answered(agent, f"PJSIP/{agent}-00000001")
    return live


def audit_rows(engine: Any, customer_id: int | None = None) -> list[dict[str, Any]]:
    from sqlmodel import col, select

    from console.store.db import session_scope
    from console.store.models import AuditEvent

    with session_scope(engine) as s:
        statement = select(AuditEvent).order_by(col(AuditEvent.id))
        if customer_id is not None:
            statement = statement.where(AuditEvent.customer_id == customer_id)
        return [{"actor_id": r.actor_id, "action": r.action, "customer_id": r.customer_id, "call": r.linkedid,
                 "at": r.at, "detail": json.loads(r.detail)} for r in s.exec(statement)]


async def error_of(resp: Any) -> dict[str, Any]:
    return (await resp.json())["error"]
