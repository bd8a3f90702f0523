"""The supervisor's board and report."""

from __future__ import annotations

from pydantic import BaseModel, Field


class QueueStatsList(BaseModel):
    queues: list[dict[str, object]] = Field(description="queue_stats events (docs/API.md, WebSocket)")


class AgentCall(BaseModel):
    call: str
    caller: str | None
    queue: str | None
    answered: bool
    customer_name: str | None
    tier: str | None


class BoardAgent(BaseModel):
    agent: str
    name: str
    queues: list[str]
    state: dict[str, object] | None
    calls: list[AgentCall]
    handled_today: int


class BoardAgents(BaseModel):
    agents: list[BoardAgent]


class ReportRow(BaseModel):
    key: str
    queue: str | None
    offered: int
    answered: int
    answered_in_sl: int
    abandoned: int
    short_abandoned: int
    service_level: float | None
    service_level_perf: float | None
    service_level_perf2: float | None
    asa_s: float | None
    aht_s: float | None
    longest_wait_s: float | None
    abandon_rate: float | None


class Report(BaseModel):
    from_: str = Field(alias="from")
    to: str
    by: str
    interval_s: int
    rows: list[ReportRow]
