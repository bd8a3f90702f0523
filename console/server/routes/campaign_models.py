"""The response shapes of the campaign routes (docs/API.md "Campaigns"), for the OpenAPI document
and so that a route answers only what it declares."""

from __future__ import annotations

from pydantic import BaseModel


class CampaignOut(BaseModel):
    """A campaign as the list, create, edit and start/pause/stop answer it."""
    id: int
    name: str
    kind: str
    mode: str
    status: str
    queue: str
    window_start: str
    """``HH:MM:SS``, center time."""
    window_end: str
    max_attempts: int
    retry_busy_min: int
    retry_noanswer_min: int
    retry_failed_min: int
    caller_id: str
    product_risk: str | None
    script_slug: str | None
    agents: list[str]
    members_added: list[str]
    demo: bool
    created_at: str
    leads: dict[str, int]
    """Its leads by status."""


class CampaignList(BaseModel):
    campaigns: list[CampaignOut]


class CampaignStats(BaseModel):
    campaign: int
    attempts: int
    contacts: int
    right_party_contacts: int
    connected: int
    abandoned: int
    abandon_rate: float
    results: dict[str, int]
    dispositions: dict[str, int]
    leads: dict[str, int]
    leads_left: int
    excluded: dict[str, int]


class LineError(BaseModel):
    line: int
    reason: str


class LeadsReport(BaseModel):
    """What adding leads did: bad CSV rows by line (the good ones kept), exclusions by reason."""
    rows: int | None = None
    matched: int | None = None
    added: int
    duplicates: int
    excluded: dict[str, int]
    errors: list[LineError] = []
