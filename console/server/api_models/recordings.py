"""Call recordings past retention."""

from __future__ import annotations

from pydantic import BaseModel


class ExpiredRecording(BaseModel):
    id: int
    call: str
    ended_at: str | None
    queue: str | None
    agent_ext: str | None
    recording: str


class ExpiredRecordings(BaseModel):
    before: str
    retention_days: int
    recordings: list[ExpiredRecording]
    next_after_id: int | None
