"""Query parameters of the GET routes, one model per route (a field per parameter).

They document what the handlers read from ``request.query`` (the handlers parse it themselves,
with their own messages); schemathesis checks in CI that the two agree.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

MAX_ID = 2**31 - 1


class CallQuery(BaseModel):
    call: str | None = Field(default=None, description="The call (linkedid) the customer is viewed on: "
                                                       "unmasked when verified on it")


class CustomerSearchQuery(BaseModel):
    q: str = Field(min_length=1, description="Name, pinyin, initials, phone, client number or id last 4")
    limit: int = Field(default=20, ge=1, le=100)


class InteractionsQuery(CallQuery):
    limit: int = Field(default=20, ge=1, le=200)


class SuitabilityQuery(BaseModel):
    product_risk: Literal["R1", "R2", "R3", "R4", "R5"]


class TicketListQuery(BaseModel):
    customer: int | None = Field(default=None, ge=0, le=MAX_ID)
    status: str | None = Field(default=None, description="Comma-separated statuses")
    assignee: str | None = Field(default=None, description="me, none, any or a staff id")
    category: str | None = None
    attention: bool | None = None
    limit: int = Field(default=50, ge=1, le=200)


class TicketDefaultsQuery(BaseModel):
    customer_id: int = Field(ge=1, le=MAX_ID)
    category: str


class FollowUpListQuery(BaseModel):
    due: bool | None = None
    owner: str | None = Field(default=None, description="me, pool, me,pool, all or a staff id")
    status: str | None = Field(default=None, description="open (default), done or cancelled")
    customer: int | None = Field(default=None, ge=0, le=MAX_ID)
    limit: int = Field(default=50, ge=1, le=200)


class KbSearchQuery(BaseModel):
    q: str | None = None
    category: str | None = None
    flags: str | None = Field(default=None, description="Comma-separated customer flags")
    limit: int = Field(default=20, ge=1, le=100)


class StaffListQuery(BaseModel):
    role: str | None = None
    active: bool | None = None


class PageQuery(BaseModel):
    limit: int = Field(default=50, ge=1, le=500)
    offset: int = Field(default=0, ge=0, le=10**9)


class ReportQuery(BaseModel):
    from_: str | None = Field(default=None, alias="from", description="YYYY-MM-DD (default: today)")
    to: str | None = Field(default=None, description="YYYY-MM-DD, at most 92 days after `from`")
    by: Literal["interval", "agent", "queue"] = "interval"
    interval: str = Field(default="15m", description="15m, 30m or 1h")
    queue: str | None = None
    format: Literal["json", "csv"] = "json"


class WebSocketQuery(BaseModel):
    """The stream authenticates with the Authorization header or its first message
    ``{"kind": "auth", "token": …}``; a ``token`` in the URL is refused (400) and revoked."""

    since: int | None = Field(default=None, description="The last seq seen: what was missed is replayed")
    epoch: str | None = Field(default=None, max_length=64,
                              description="The `epoch` of the hello that numbered `since`: another server's "
                                          "(or a restarted one's) answers `resync` instead of a replay")


class AtRiskQuery(BaseModel):
    level: Literal["medium", "high"] = "high"
    manager: str | None = Field(default=None, description="me, or an account manager's staff id")
    limit: int = Field(default=50, ge=1, le=500)
    offset: int = Field(default=0, ge=0, le=10**9)


class ExpiredRecordingsQuery(BaseModel):
    limit: int = Field(default=500, ge=1, le=5000)
    after_id: int = Field(default=0, ge=0, le=MAX_ID, description="The last id of the page before")


class QaReviewsQuery(BaseModel):
    agent: str | None = Field(default=None, description="me (default) or a staff id (supervisors)")
    limit: int = Field(default=50, ge=1, le=500)


class QaCallsQuery(BaseModel):
    day: str | None = Field(default=None, description="YYYY-MM-DD in the centre's zone (default: today)")
    agent: str | None = Field(default=None, description="An agent's extension")
    limit: int = Field(default=500, ge=1, le=2000)


class ManyQuery(BaseModel):
    limit: int = Field(default=100, ge=1, le=500)
    offset: int = Field(default=0, ge=0, le=10**9)
