"""The screen pop's lookup on PostgreSQL: the customer and everything its pop shows, in ONE statement.

The portable path (pop_queries.py) takes five round trips for a known caller (customer, phones,
tickets, contacts, follow-ups); on a 1M-customer store each is a separate plan and index probe,
and the p99 of the pop is the sum of their tails. Here each candidate row carries its phones,
open tickets, last contacts and due follow-ups as json arrays built by correlated subqueries
(index lookups on customer_id), so a known caller is one statement. psycopg prepares a
statement on the server after a few executions, so the plan is made once per connection.
Times come back as json strings and are normalised to the portable path's ISO UTC text.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import bindparam, text

from console.server.pop_queries import MAX_CANDIDATES, OPEN_TICKET_STATUSES

_STATUSES = ", ".join(f"'{s}'" for s in OPEN_TICKET_STATUSES)
_TIMES = ("started_at", "sla_due_at", "created_at", "due_at")
_DETAIL = f"""
SELECT c.id, c.client_no, c.name, c.name_pinyin, c.id_number, c.branch, c.tier, c.aum,
       c.risk_level, c.risk_assessed_on, c.investor_type, c.margin, c.star, c.chinext,
       c.status, c.do_not_call, c.churn_risk, c.churn_reasons, c.manager_id, c.birth_date, c.version,
       m.name AS manager_name, m.extension AS manager_extension,
       (SELECT coalesce(json_agg(json_build_object('id', p.id, 'customer_id', p.customer_id,
                                                   'e164', p.e164, 'kind', p.kind) ORDER BY p.id), '[]')
          FROM customer_phone p WHERE p.customer_id = c.id) AS pop_phones,
       (SELECT coalesce(json_agg(t ORDER BY t.created_at DESC), '[]') FROM (
          SELECT id, number, category, priority, status, subject, sla_due_at, created_at FROM ticket
           WHERE customer_id = c.id AND status IN ({_STATUSES}) ORDER BY created_at DESC LIMIT 20) t
       ) AS pop_tickets,
       (SELECT coalesce(json_agg(i ORDER BY i.started_at DESC, i.id DESC), '[]') FROM (
          SELECT x.id, x.linkedid, x.direction, x.queue, x.started_at, x.outcome, x.talk_s,
                 x.disposition, x.notes, a.name AS agent_name, x.recording_ref IS NOT NULL AS recording
            FROM interaction x LEFT JOIN staff a ON a.id = x.agent_id
           WHERE x.customer_id = c.id ORDER BY x.started_at DESC, x.id DESC LIMIT 5) i
       ) AS pop_contacts,
       (SELECT coalesce(json_agg(f ORDER BY f.due_at), '[]') FROM (
          SELECT id, kind, reason, due_at, owner_id, status FROM follow_up
           WHERE customer_id = c.id AND status = 'open' AND due_at <= :until ORDER BY due_at LIMIT 20) f
       ) AS pop_followups
  FROM customer c LEFT JOIN staff m ON m.id = c.manager_id
"""
BY_CLIENT_NO = text(_DETAIL + " WHERE c.client_no = :client_no").bindparams(bindparam("until"))
BY_PHONE = text(_DETAIL + f""" JOIN customer_phone cp ON cp.customer_id = c.id
 WHERE cp.e164 = :e164 ORDER BY c.id LIMIT {MAX_CANDIDATES + 1}""").bindparams(bindparam("until"))
DETAIL_KEYS = ("pop_phones", "pop_tickets", "pop_contacts", "pop_followups")


def _items(raw: Any) -> list[dict[str, Any]]:
    items = json.loads(raw) if isinstance(raw, str) else list(raw or [])
    for item in items:
        for key in _TIMES:
            if isinstance(item.get(key), str):
                item[key] = dt.datetime.fromisoformat(item[key]).astimezone(dt.UTC).isoformat()
    return items


def split(row: dict[str, Any]) -> tuple[dict[str, Any], dict[str, list[dict[str, Any]]]]:
    """(the customer columns, {phones, tickets, contacts, followups}) of one result row."""
    detail = {key.removeprefix("pop_"): _items(row.pop(key)) for key in DETAIL_KEYS}
    return row, detail
