"""Typed views of what `calldesk serve` sends (docs/API.md).

Tolerant by design: unknown keys are ignored and most fields have defaults, so that a server
one release ahead does not crash an agent's screen. The server decides; these only carry.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator


class Model(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class User(Model):
    id: int | str | None = None
    username: str
    name: str = ""
    role: str = "agent"
    extension: str | None = None
    queues: list[str] = []


class Login(Model):
    token: str
    expires_at: str | None = None
    user: User


class CenterConfig(Model):
    center_name: str = ""
    time_zone: str = "Asia/Shanghai"
    locale: str = "zh_CN"
    ticket_categories: list[Any] = []
    dispositions: list[Any] = []
    pause_reasons: list[Any] = []
    queues: list[str] = []
    """The configured queues (what a staff account may be a member of)."""
    roles: list[str] = []
    """The staff roles, lowest first (the server's vocabulary)."""


class Manager(Model):
    id: int | str | None = None
    name: str = ""
    extension: str | None = None


class Flags(Model):
    vip: bool = False
    open_complaint: bool = False
    churn_risk: bool = False
    do_not_call: bool = False
    margin: bool = False
    star: bool = False
    chinext: bool = False

    def active(self) -> list[str]:
        return [name for name, on in self.model_dump().items() if on]


class ChurnReason(Model):
    factor: str
    points: float = 0
    value: float = 0


class Churn(Model):
    """The churn warning (console/crm/churn.py): score 0–100, level, the heaviest reasons."""

    score: int = 0
    level: str = "low"
    reasons: list[ChurnReason] = []


class Phone(Model):
    number: str
    kind: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _bare_number(cls, value: Any) -> Any:
        return {"number": value} if isinstance(value, str) else value


class Customer(Model):
    """The customer summary of a pop, a search hit or a profile (masked unless verified)."""

    id: int | str
    client_no: str = ""
    name: str = ""
    name_pinyin: str = ""
    tier: str = "standard"
    aum_band: str | None = None
    risk_level: str | None = None
    risk_assessed_on: str | None = None
    risk_expired: bool = False
    investor_type: str | None = None
    manager: Manager | None = None
    branch: str | None = None
    flags: Flags = Flags()
    churn: Churn = Churn()
    phones: list[Phone] = []
    id_number: str | None = None
    status: str | None = None


class Interaction(Model):
    id: int | str | None = None
    started_at: str | None = None
    direction: str | None = None
    queue: str | None = None
    agent: str | None = None
    agent_name: str | None = None
    outcome: str | None = None
    disposition: str | None = None
    notes: str | None = None
    talk_s: float | None = None
    recording: bool = False  # the PBX recorded the call (Ctrl+R plays it)


class TicketEvent(Model):
    at: str | None = None
    kind: str | None = None
    body: str | None = None
    to: str | None = None
    author: str | None = None


class Ticket(Model):
    id: int | str
    number: str = ""
    customer_id: int | str | None = None
    category: str = "other"
    priority: str = "normal"
    status: str = "open"
    subject: str = ""
    description: str = ""
    sla_due_at: str | None = None
    version: int = 1
    events: list[TicketEvent] = []


class FollowUp(Model):
    id: int | str
    customer_id: int | str | None = None
    customer_name: str | None = None
    due_at: str | None = None
    owner: Any = None
    reason: str = ""
    status: str = "open"


class Ivr(Model):
    account: str | None = None
    verified: bool = False


class Ringing(Model):
    call: str
    agent: str = ""
    caller: str = ""
    caller_name: str | None = None
    queue: str | None = None
    wait_s: float = 0.0
    vars: dict[str, str] = {}


class Pop(Model):
    """The `pop` frame: everything the agent needs the moment the phone rings."""

    call: str
    ringing: Ringing
    match: Literal["known", "ambiguous", "unknown"] = "unknown"
    number: str = ""
    customer: Customer | None = None
    candidates: list[Customer] = []
    contacts: list[Interaction] = []
    tickets: list[Ticket] = []
    followups: list[FollowUp] = []
    verified: bool = False
    ivr: Ivr = Ivr()
    latency_ms: float | None = None


class KbArticle(Model):
    slug: str
    title: str = ""
    title_en: str = ""
    snippet: str = ""
    kind: str = "faq"
    tags: list[str] = []
    categories: list[str] = []
    score: float | None = None
    body: str = Field("", description="Markdown; only in GET /api/kb/{slug}")


class LiveCall(Model):
    """One entry of ``hello.calls``: a call of mine ringing or in talk when the stream (re)connected."""

    pop: Pop
    state: str = "ringing"  # ringing | talking (anything else that is live reads as talking)

    @property
    def talking(self) -> bool:
        return self.state != "ringing"


class AfterCall(Model):
    """``hello.after_call``: my call whose wrap-up the server still waits for (I am held out of the queues)."""

    call: str
    ended_t: float | None = None  # epoch seconds
