"""Tickets and their event log."""

from __future__ import annotations

from pydantic import BaseModel, Field


class Ticket(BaseModel):
    id: int
    number: str = Field(description="T<yyyymmdd>-<id, 6 digits>")
    customer_id: int
    interaction_id: int | None
    category: str
    priority: str
    status: str
    subject: str
    description: str
    assignee_id: int | None
    created_by: int | None
    sla_due_at: str | None
    supervisor_attention: bool
    created_at: str | None
    updated_at: str | None
    version: int
    next_statuses: list[str]
    overdue: bool


class TicketEvent(BaseModel):
    id: int
    at: str | None
    actor_id: int | None
    author: str | None
    kind: str = Field(description="created, comment, status, assign or priority")
    from_: str | None = Field(alias="from")
    to: str | None
    body: str | None


class TicketDetail(Ticket):
    events: list[TicketEvent]


class TicketList(BaseModel):
    tickets: list[Ticket] = Field(description="Newest first")


class TicketDefaults(BaseModel):
    priority: str
    sla_due_at: str
    supervisor_attention: bool
