"""Customer search straight from SQL, for when the in-memory index (console.crm.search) is absent.

Every branch uses an index and bound parameters (never string formatting): the client
number exactly, a full phone number by its normalised E.164 key, the id number's last four,
and name / pinyin / initials by prefix (``LIKE 'q%'`` with ``%``/``_`` escaped; PostgreSQL
serves it from the varchar_pattern_ops indexes). What it cannot do cheaply it does not do: a
phone fragment from the middle of a number, typos — that is the search index's job.
"""

from __future__ import annotations

import re

from sqlmodel import Session, col, or_, select

from console.crm.names import pinyin_of
from console.crm.phones import normalize
from console.store.models import Customer, CustomerPhone

_ID_TAIL = re.compile(r"^\d{3}[\dXx]$")


def _like_prefix(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped + "%"


def fallback_search(session: Session, query: str, limit: int = 20) -> list[int]:
    """Customer ids matching ``query``, best kinds of match first, at most ``limit``."""
    q = query.strip()
    if not q:
        return []
    found: list[int] = []

    def add(ids: object) -> None:
        for cid in ids:  # type: ignore[attr-defined]
            if cid not in found:
                found.append(cid)

    compact = q.replace(" ", "").replace("-", "")
    if compact.isdigit() and len(compact) <= 12:
        add(session.exec(select(Customer.id).where(Customer.client_no == compact)))
    if _ID_TAIL.match(compact):
        add(session.exec(select(Customer.id).where(Customer.id_last4 == compact.upper()).limit(limit)))
    if sum(ch.isdigit() for ch in compact) >= 7:
        phone = normalize(q)
        if phone.valid:
            add(session.exec(select(CustomerPhone.customer_id).where(CustomerPhone.e164 == phone.e164).limit(limit)))
    if not compact.isdigit():
        lowered = q.lower()
        spaced_pinyin = pinyin_of(q) if not q.isascii() else lowered
        statement = (
            select(Customer.id)
            .where(or_(
                col(Customer.name).like(_like_prefix(q), escape="\\"),
                col(Customer.name_pinyin).like(_like_prefix(spaced_pinyin), escape="\\"),
                col(Customer.name_initials).like(_like_prefix(lowered.replace(" ", "")), escape="\\"),
            ))
            .order_by(col(Customer.name), col(Customer.id))
            .limit(limit)
        )
        add(session.exec(statement))
    return found[:limit]
