"""The supervisor's board (the report's models are in console/server/routes/supervisor_report.py)."""

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
    states: list[dict[str, object]] = Field(default_factory=list, description="The agent's last state in each "
                                                                             "queue (agent_state events)")
    calls: list[AgentCall]
    handled_today: int


class BoardAgents(BaseModel):
    agents: list[BoardAgent]
