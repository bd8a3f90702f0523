"""Outbound campaigns (supervisor) and their leads."""

from __future__ import annotations

from pydantic import BaseModel, Field

from console.server.api_models.staff import RowError


class Campaign(BaseModel):
    id: int
    name: str
    kind: str
    mode: str
    status: str = Field(description="draft, running, paused or stopped")
    queue: str
    window_start: str
    window_end: str
    max_attempts: int
    caller_id: str
    product_risk: str | None
    script_slug: str | None
    agents: list[str]
    demo: bool
    created_at: str | None
    leads: dict[str, int] = Field(description="Lead counts by status")


class CampaignList(BaseModel):
    campaigns: list[Campaign]


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


class LeadsAdded(BaseModel):
    added: int
    excluded: dict[str, int] = Field(description="Leads left out, by reason")
    duplicates: int


class LeadsImported(LeadsAdded):
    rows: int
    errors: list[RowError]


class LeadsFiltered(LeadsAdded):
    matched: int
