"""The audit rows of campaign changes: who created, edited, started, paused or stopped a campaign,
or added leads to it, and when; written in the transaction of the change (a change is never stored
without its row). The detail names the campaign, the changed fields with their old and new values
(campaign settings, no personal data) and, for leads, the counts: never a number or a customer.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import insert

from console.store.models import AuditEvent
from console.store.tables import table_of

_INSERT = insert(table_of(AuditEvent))
CREATE = "campaign.create"
UPDATE = "campaign.update"
MOVE = "campaign.{action}"  # campaign.start, campaign.pause, campaign.stop
LEADS_IMPORT = "campaign.leads_import"
LEADS_FILTER = "campaign.leads_filter"


def record(conn: Any, actor_id: int | None, action: str, now: dt.datetime | None, detail: dict[str, Any]) -> None:
    """One AuditEvent on ``conn`` (a Core connection in the change's transaction)."""
    values: dict[str, Any] = {"actor_id": actor_id, "action": action, "customer_id": None,
                              "detail": json.dumps(detail, ensure_ascii=False, sort_keys=True, default=str)}
    if now is not None:
        values["at"] = now
    conn.execute(_INSERT.values(**values))


def changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """``{field: [old, new]}`` of the fields whose value changed."""
    return {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}
