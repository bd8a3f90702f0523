"""Login, the logged-in user, the console's configuration."""

from __future__ import annotations

from pydantic import BaseModel, Field


class User(BaseModel):
    id: int
    username: str
    name: str
    role: str
    extension: str | None
    queues: list[str]


class LoginResult(BaseModel):
    token: str = Field(description="Send as `Authorization: Bearer <token>`")
    expires_at: str = Field(description="ISO 8601 with offset")
    user: User


class Me(User):
    state: dict[str, object] | None = Field(description="The agent's state (agent_state event) that says most "
                                                        "across their queues (a call first, a pause last), null "
                                                        "without an extension or before the PBX reported it")
    states: list[dict[str, object]] = Field(default_factory=list, description="The agent's last state in each "
                                                                              "queue (agent_state events)")


class CenterConfig(BaseModel):
    center_name: str
    time_zone: str
    locale: str
    ticket_categories: list[str]
    dispositions: list[str]
    pause_reasons: list[str]
    queues: list[str]
    roles: list[str] = Field(description="Lowest first")
