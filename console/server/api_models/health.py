"""The health check."""

from __future__ import annotations

from pydantic import BaseModel


class AmiHealth(BaseModel):
    connected: bool
    reconnects: int


class Health(BaseModel):
    ok: bool
    ami: dict[str, AmiHealth]
    database: bool
    outbox: int
