"""The rows the dialer reads, as the columns it uses (dialer_records.py selects them).

They are SQLAlchemy rows, not model instances: these protocols name the columns each query
selects, so the checker sees which one is read where (a lead due for dialling carries more than
a lead left ``dialing`` at start-up).
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol

from telephony.dialer import Mode


class CampaignRow(Protocol):
    """A whole ``campaign`` row."""

    id: int
    name: str
    kind: str
    mode: Mode  # campaign_admin.CampaignSpec lets no other value in
    status: str
    queue: str
    window_start: dt.time
    window_end: dt.time
    max_attempts: int
    retry_busy_min: int
    retry_noanswer_min: int
    retry_failed_min: int
    caller_id: str
    script_slug: str | None
    agents: list[str] | None
    members_added: list[str] | None
    demo: bool


class LeadRow(Protocol):
    """What claiming and dialling a lead needs."""

    id: int
    number: str  # E.164
    customer_id: int | None
    version: int
    attempts: int  # before this attempt
    followup_id: int | None


class DueLead(LeadRow, Protocol):
    """A lead due for dialling, with what a preview offer shows of it."""

    priority: int
    source: str


class StuckLead(LeadRow, Protocol):
    """A lead left ``dialing`` by a stop (start-up reconciliation): its campaign too."""

    campaign_id: int
