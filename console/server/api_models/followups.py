"""Follow-ups (call-backs owed to customers)."""

from __future__ import annotations

from pydantic import BaseModel


class FollowUp(BaseModel):
    id: int
    customer_id: int
    interaction_id: int | None
    due_at: str | None
    owner_id: int | None
    pool: bool
    reason: str
    kind: str
    status: str
    result: str | None
    created_by: int | None
    created_at: str | None
    completed_at: str | None
    due: bool
    overdue: bool


class FollowUpListed(FollowUp):
    customer_name: str | None


class FollowUpList(BaseModel):
    followups: list[FollowUpListed]
