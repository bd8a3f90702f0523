"""The health check."""

from __future__ import annotations

from pydantic import BaseModel


class AmiHealth(BaseModel):
    connected: bool
    reconnects: int


class SearchHealth(BaseModel):
    ready: bool
    """Whether the customer search index is ready (until then searches go through SQL, and the
    server is up all the same: ``ok`` does not wait for it)."""
    customers: int
    mode: str
    """"snapshot", "process" or "thread" (docs/search.md); "" until ready."""
    ready_s: float | None
    """Seconds from the start of the build to the index ready."""


class Health(BaseModel):
    ok: bool
    ami: dict[str, AmiHealth]
    database: bool
    outbox: int
    search: SearchHealth
