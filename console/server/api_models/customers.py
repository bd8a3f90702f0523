"""Customers: the (masked) summary, the profile, search, history and suitability.

Masking (console/crm/masking.py): unless `masked` is false, `phones[].number` is `138****8000`,
`id_number` `3101**********123X`, `aum` and `birth_date` null.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from console.server.api_models.churn import CustomerChurn


class Phone(BaseModel):
    number: str = Field(description="E.164 when unmasked; national digits with the middle starred when masked")
    kind: str


class ManagerRef(BaseModel):
    id: int
    name: str
    extension: str | None


class CustomerFlags(BaseModel):
    vip: bool
    open_complaint: bool
    churn_risk: bool
    do_not_call: bool
    margin: bool
    star: bool
    chinext: bool


class CustomerSummary(BaseModel):
    id: int
    client_no: str
    name: str
    name_pinyin: str
    tier: str
    aum: str | None = Field(description="Decimal as a string; null when masked")
    aum_band: str
    risk_level: str | None
    risk_assessed_on: str | None
    risk_expired: bool
    investor_type: str | None
    manager: ManagerRef | None
    branch: str | None
    flags: CustomerFlags
    phones: list[Phone]
    id_number: str | None
    status: str
    churn: CustomerChurn
    masked: bool


class CustomerProfile(CustomerSummary):
    birth_date: str | None = Field(description="YYYY-MM-DD; null when masked")
    version: int = Field(description="Send it back with PATCH (optimistic locking)")


class SearchResults(BaseModel):
    results: list[CustomerSummary]


class Interaction(BaseModel):
    id: int
    call: str
    pbx: str
    direction: str
    queue: str | None
    agent_id: int | None
    agent_ext: str | None
    agent_name: str | None
    caller_number: str | None = Field(description="Masked unless verified on the named call")
    started_at: str | None
    answered_at: str | None
    ended_at: str | None
    wait_s: float | None
    talk_s: float | None
    outcome: str | None
    hangup_by: str | None
    disposition: str | None
    notes: str | None
    campaign_id: int | None


class InteractionList(BaseModel):
    interactions: list[Interaction] = Field(description="Newest first")
    masked: bool


class Suitability(BaseModel):
    customer_id: int
    product_risk: str
    ok: bool
    reason: str
    may_override: bool
    customer_risk: str | None
    max_product_risk: str | None
    investor_type: str | None
    risk_assessed_on: str | None
    message: str
