"""The store's tables (sqlmodel). Every change here needs an Alembic migration.

Conventions: times are aware UTC (:class:`UTCDateTime`), money is Decimal (Numeric 18,2),
phone numbers are E.164, enumerations are short strings whose allowed values are the
tuples below (the CRM rules check them; the database only stores them).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import JSON, DateTime, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from console.store.types import BIG_ID, MONEY, UTCDateTime, utcnow

# Named constraints, so that migrations can drop and alter them on every database.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

TIERS = ("standard", "silver", "gold", "platinum", "diamond")
RISK_LEVELS = ("C1", "C2", "C3", "C4", "C5")
PRODUCT_RISKS = ("R1", "R2", "R3", "R4", "R5")
INVESTOR_TYPES = ("ordinary", "professional")
CUSTOMER_STATUSES = ("active", "dormant", "closed")
PHONE_KINDS = ("mobile", "landline", "other")
ROLES = ("agent", "qa", "supervisor", "manager", "admin")  # qa: reviews calls (QA), hears recordings
DIRECTIONS = ("inbound", "outbound")
TICKET_PRIORITIES = ("low", "normal", "high", "urgent")
TICKET_STATUSES = ("new", "open", "pending", "resolved", "closed")
TICKET_EVENT_KINDS = ("created", "comment", "status", "assign", "priority", "escalated")
FOLLOWUP_KINDS = ("callback", "followup")
FOLLOWUP_STATUSES = ("open", "done", "cancelled")
CAMPAIGN_KINDS = ("callback", "survey", "compliance", "marketing")
CAMPAIGN_MODES = ("preview", "progressive", "predictive")
CAMPAIGN_STATUSES = ("draft", "running", "paused", "stopped", "done")
LEAD_STATUSES = ("pending", "dialing", "done", "failed", "excluded")


class Staff(SQLModel, table=True):
    """A person who logs in: agent, supervisor, account manager or administrator."""

    __tablename__ = "staff"
    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=32, unique=True)
    name: str = Field(max_length=64)
    role: str = Field(max_length=16, default="agent")
    extension: str | None = Field(default=None, max_length=16, index=True)
    queues: str = Field(default="", max_length=255)
    """Queue names, comma-separated ("retail,vip")."""
    password_hash: str = Field(default="", max_length=255)
    active: bool = True

    @property
    def queue_list(self) -> list[str]:
        return [q.strip() for q in self.queues.split(",") if q.strip()]


class LoginLock(SQLModel, table=True):
    """Failed log-ins of a user name, and whether it is locked (console/crm/login_locks.py).

    Keyed by the name as typed, whether or not an account has it: a made-up name fails and locks
    exactly like a real one, so that the answers never tell which names exist. In the store, so
    that a restart does not lift a lock and several servers agree on it."""

    __tablename__ = "login_lock"
    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=32, unique=True)
    failures: int = 0
    """Failures since the last success or unlock (each within the lockout window of the last)."""
    last_failure_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    locked_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    """When the name was locked; null while it is not."""


class ApiSession(SQLModel, table=True):
    """A live login of the API (console/server/tokens.py): in the store, so that every server
    of the centre accepts the token and a restart keeps it.

    Only a SHA-256 of the token is kept (a dump of the table hands out no session); the row goes
    at logout or revocation, and is purged once expired. The user's name, role and queues are
    read from ``staff`` with it, so that an edited account counts on every server."""

    __tablename__ = "api_session"
    token_hash: str = Field(primary_key=True, max_length=64)
    """SHA-256 of the token, lowercase hex."""
    staff_id: int = Field(foreign_key="staff.id", index=True, ondelete="CASCADE")
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: dt.datetime = Field(sa_type=UTCDateTime, index=True)
    """The end of the session, fixed at login (no renewal)."""
    address: str = Field(default="", max_length=64)
    """The client address of the login (console/server/client_address.py), for an audit of who is logged in."""


class Customer(SQLModel, table=True):
    """A brokerage client (one securities account, client_no)."""

    __tablename__ = "customer"
    # Prefix search (LIKE 'zhang%') needs pattern ops on PostgreSQL when the collation is not C.
    # Name and initials have no index (0002): the search runs on its own in-memory index, and
    # two more indexes on a million rows cost seconds on every bulk load.
    __table_args__ = (
        Index("ix_customer_name_pinyin", "name_pinyin", postgresql_ops={"name_pinyin": "varchar_pattern_ops"}),
    )
    id: int | None = Field(default=None, primary_key=True)
    client_no: str = Field(max_length=12, unique=True)
    name: str = Field(max_length=64)
    name_pinyin: str = Field(max_length=128)
    """Lowercase full pinyin, one word per character: "shan tian fang" for 单田芳."""
    name_initials: str = Field(max_length=16)
    id_number: str = Field(max_length=18)
    """Full resident id number; the API masks it unless the caller is verified."""
    id_last4: str = Field(max_length=4, index=True)
    gender: str = Field(max_length=1, default="")
    birth_date: dt.date | None = None
    branch: str = Field(max_length=64, default="")
    manager_id: int | None = Field(default=None, foreign_key="staff.id", index=True)
    tier: str = Field(max_length=16, default="standard")
    aum: Decimal = Field(default=Decimal("0.00"), sa_type=MONEY)
    risk_level: str = Field(max_length=2, default="C1")
    risk_assessed_on: dt.date | None = None
    investor_type: str = Field(max_length=16, default="ordinary")
    margin: bool = False
    star: bool = False
    chinext: bool = False
    status: str = Field(max_length=16, default="active")
    do_not_call: bool = False
    churn_risk: float = 0.0
    """The churn warning's score over 100 (console/crm/churn.py), computed from the facts below."""
    churn_reasons: str | None = Field(default=None, sa_type=Text)
    """JSON list of the score's reasons, heaviest first: [{factor, points, value}]."""
    churn_scored_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    version: int = 1


class AumSnapshot(SQLModel, table=True):
    """A customer's assets on a date, imported from the brokerage's books (the churn warning
    reads the decline between the two latest)."""

    __tablename__ = "aum_snapshot"
    __table_args__ = (UniqueConstraint("customer_id", "as_of"),)
    id: int | None = Field(default=None, primary_key=True, sa_type=BIG_ID)
    customer_id: int = Field(foreign_key="customer.id", index=True, ondelete="CASCADE")
    as_of: dt.date
    aum: Decimal = Field(sa_type=MONEY)


class CustomerPhone(SQLModel, table=True):
    """A number of a customer; one number may belong to several customers (a family line)."""

    __tablename__ = "customer_phone"
    __table_args__ = (UniqueConstraint("customer_id", "e164"),)
    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id", index=True, ondelete="CASCADE")
    e164: str = Field(max_length=20, index=True)
    raw: str = Field(max_length=32, default="")
    kind: str = Field(max_length=10, default="mobile")
    valid: bool = True


class Campaign(SQLModel, table=True):
    """An outbound calling campaign."""

    __tablename__ = "campaign"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=128)
    kind: str = Field(max_length=16, default="callback")
    mode: str = Field(max_length=16, default="preview")
    status: str = Field(max_length=16, default="draft")
    queue: str = Field(max_length=32, default="")
    window_start: dt.time = dt.time(9, 0)
    window_end: dt.time = dt.time(20, 0)
    max_attempts: int = 3
    retry_busy_min: int = 10
    retry_noanswer_min: int = 60
    retry_failed_min: int = 30
    caller_id: str = Field(max_length=32, default="")
    product_risk: str | None = Field(default=None, max_length=2)
    """Risk class R1–R5 of the product a marketing campaign offers (suitability filter)."""
    script_slug: str | None = Field(default=None, max_length=128)
    agents: list[str] = Field(default_factory=list, sa_type=JSON)
    """Extensions of the agents who take its calls (members of ``queue`` while it runs); empty:
    every member of the queue."""
    members_added: list[str] = Field(default_factory=list, sa_type=JSON)
    """Extensions the dialer made members of ``queue`` (QueueAdd) for this campaign and removes
    when it pauses or stops; kept here so a restarted server still removes them."""
    demo: bool = Field(default=False, sa_column_kwargs={"server_default": "0"})
    """Made by `calldesk seed` with demo leads: dialled only on the PBX simulator (unless
    [dialer] allow_demo_campaigns), never through a real trunk by mistake."""
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Lead(SQLModel, table=True):
    """One number to call in a campaign."""

    __tablename__ = "lead"
    __table_args__ = (
        Index("ix_lead_due", "campaign_id", "status", "next_attempt_at"),
        Index("ix_lead_followup", "campaign_id", "followup_id", unique=True),
    )
    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id", ondelete="CASCADE")
    customer_id: int | None = Field(default=None, foreign_key="customer.id", index=True)
    number: str = Field(max_length=20)
    status: str = Field(max_length=16, default="pending")
    attempts: int = 0
    next_attempt_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_result: str | None = Field(default=None, max_length=32)
    result: str | None = Field(default=None, max_length=255)
    exclusion_reason: str | None = Field(default=None, max_length=64)
    version: int = 1
    priority: int = 0
    """Higher is dialled first among due leads (callbacks: from the tier's SLA)."""
    source: str = Field(default="", max_length=16)
    """Where the lead came from: csv, filter, followup, manual."""
    followup_id: int | None = None
    """The callback follow-up this lead answers (unique per campaign: imported once)."""


class Interaction(SQLModel, table=True):
    """One call (per pass through one queue) or other contact: the contact history."""

    __tablename__ = "interaction"
    __table_args__ = (
        UniqueConstraint("pbx", "linkedid", "queue", "pass_no"),
        Index("ix_interaction_customer_started", "customer_id", "started_at"),
        Index("ix_interaction_agent_started", "agent_id", "started_at"),
    )
    id: int | None = Field(default=None, primary_key=True, sa_type=BIG_ID)
    pbx: str = Field(max_length=32, default="")
    linkedid: str = Field(max_length=64)
    direction: str = Field(max_length=8, default="inbound")
    queue: str = Field(max_length=32, default="")
    """Queue name, '' for a call that went through no queue (keeps the unique key usable)."""
    pass_no: int = Field(default=1, sa_column_kwargs={"server_default": "1"})
    """Which pass of the call through ``queue``: 2 and on for a caller transferred or redirected
    back into a queue it already went through (the ``ended`` event's ``pass_no``)."""
    agent_id: int | None = Field(default=None, foreign_key="staff.id")
    agent_ext: str | None = Field(default=None, max_length=16)
    customer_id: int | None = Field(default=None, foreign_key="customer.id")
    caller_number: str = Field(max_length=32, default="", index=True)
    started_at: dt.datetime = Field(sa_type=UTCDateTime, index=True)
    answered_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    ended_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    wait_s: float = 0.0
    talk_s: float = 0.0
    outcome: str = Field(max_length=24, default="")
    hangup_by: str | None = Field(default=None, max_length=8)
    cause: int | None = None
    disposition: str | None = Field(default=None, max_length=32)
    notes: str | None = Field(default=None, sa_type=Text)
    acw_s: float | None = None
    """After-call work measured for this call: from its end until the agent sent the disposition
    (at most ``wrapup.hold_max_s``, while the agent was held out of the queues); None when not
    measured (the queue's configured wrap-up counts then)."""
    recording_ref: str | None = Field(default=None, max_length=255)
    csat: int | None = None
    """The caller's post-call survey answer, 1 (very unsatisfied) … 5 (very satisfied)."""
    campaign_id: int | None = Field(default=None, foreign_key="campaign.id", index=True)
    lead_id: int | None = Field(default=None, foreign_key="lead.id")


class Ticket(SQLModel, table=True):
    """A service request or complaint, with an SLA; ``version`` guards concurrent edits."""

    __tablename__ = "ticket"
    __table_args__ = (
        Index("ix_ticket_status_due", "status", "sla_due_at"),
        Index("ix_ticket_customer_status", "customer_id", "status"),
        Index("ix_ticket_assignee_status", "assignee_id", "status"),
    )
    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(max_length=20, unique=True)
    """T<yyyymmdd>-<6 digits>, e.g. T20261122-000123."""
    customer_id: int = Field(foreign_key="customer.id")
    interaction_id: int | None = Field(default=None, foreign_key="interaction.id", sa_type=BIG_ID)
    category: str = Field(max_length=24, default="other")
    priority: str = Field(max_length=8, default="normal")
    status: str = Field(max_length=8, default="new")
    subject: str = Field(max_length=200)
    description: str = Field(default="", sa_type=Text)
    assignee_id: int | None = Field(default=None, foreign_key="staff.id")
    created_by: int | None = Field(default=None, foreign_key="staff.id")
    sla_due_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    supervisor_attention: bool = False
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    version: int = 1


class TicketEvent(SQLModel, table=True):
    """Append-only log of what happened to a ticket."""

    __tablename__ = "ticket_event"
    id: int | None = Field(default=None, primary_key=True, sa_type=BIG_ID)
    ticket_id: int = Field(foreign_key="ticket.id", index=True, ondelete="CASCADE")
    at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    actor_id: int | None = Field(default=None, foreign_key="staff.id")
    kind: str = Field(max_length=16)
    from_value: str | None = Field(default=None, max_length=64)
    to_value: str | None = Field(default=None, max_length=64)
    body: str | None = Field(default=None, sa_type=Text)


class FollowUp(SQLModel, table=True):
    """A callback or follow-up due at a time; owner None means the shared pool."""

    __tablename__ = "follow_up"
    __table_args__ = (
        Index("ix_follow_up_owner_status_due", "owner_id", "status", "due_at"),
        Index("ix_follow_up_customer_status", "customer_id", "status"),
    )
    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id")
    interaction_id: int | None = Field(default=None, foreign_key="interaction.id", sa_type=BIG_ID)
    due_at: dt.datetime = Field(sa_type=UTCDateTime)
    owner_id: int | None = Field(default=None, foreign_key="staff.id")
    reason: str = Field(default="", max_length=255)
    kind: str = Field(max_length=16, default="followup")
    status: str = Field(max_length=16, default="open")
    result: str | None = Field(default=None, max_length=255)
    created_by: int | None = Field(default=None, foreign_key="staff.id")
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    completed_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)


class DoNotCall(SQLModel, table=True):
    """A number that outbound campaigns must never dial."""

    __tablename__ = "do_not_call"
    id: int | None = Field(default=None, primary_key=True)
    e164: str = Field(max_length=20, unique=True)
    customer_id: int | None = Field(default=None, foreign_key="customer.id")
    reason: str = Field(default="", max_length=255)
    added_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class QaReview(SQLModel, table=True):
    """A supervisor's QA review of one call (console/crm/qa.py): the marks per criterion of the
    form at the time, the score, a comment."""

    __tablename__ = "qa_review"
    __table_args__ = (Index("ix_qa_review_agent_at", "agent_id", "created_at"),)
    id: int | None = Field(default=None, primary_key=True)
    interaction_id: int = Field(foreign_key="interaction.id", index=True, sa_type=BIG_ID, ondelete="CASCADE")
    agent_id: int | None = Field(default=None, foreign_key="staff.id")
    """The agent whose call it was (copied from the Interaction: their scores are read by it)."""
    reviewer_id: int = Field(foreign_key="staff.id")
    marks: str = Field(sa_type=Text)
    """JSON object: criterion id -> pass | fail | na."""
    score: float
    fatal: bool = False
    comment: str = Field(default="", sa_type=Text)
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class AuditEvent(SQLModel, table=True):
    """Who saw or changed what, when (profile views, verification, edits)."""

    __tablename__ = "audit_event"
    id: int | None = Field(default=None, primary_key=True, sa_type=BIG_ID)
    at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    actor_id: int | None = Field(default=None, foreign_key="staff.id")
    action: str = Field(max_length=48)
    customer_id: int | None = Field(default=None, foreign_key="customer.id", index=True)
    linkedid: str | None = Field(default=None, max_length=64)
    """The call (Asterisk Linkedid) during which it happened, if any."""
    detail: str = Field(default="{}", sa_type=Text)
    """JSON object with the specifics."""


class QueueLog(SQLModel, table=True):
    """Asterisk's ``queue_log``, written by Asterisk itself through realtime (res_config_pgsql,
    docs/asterisk.md "queue_log in PostgreSQL"); calldesk only reads it, to record the calls no
    server saw (console/server/reconcile.py, telephony/queue_log.py). The column names are
    Asterisk's. ``time`` is UTC without a zone (``queue_log_realtime_use_gmt = yes``)."""

    __tablename__ = "queue_log"
    id: int | None = Field(default=None, primary_key=True, sa_type=BIG_ID)
    time: dt.datetime = Field(index=True, sa_type=DateTime)
    callid: str = Field(default="", max_length=80, index=True)
    queuename: str = Field(default="", max_length=256)
    agent: str = Field(default="", max_length=256)
    event: str = Field(default="", max_length=32)
    data1: str | None = Field(default=None, max_length=256)
    data2: str | None = Field(default=None, max_length=256)
    data3: str | None = Field(default=None, max_length=256)
    data4: str | None = Field(default=None, max_length=256)
    data5: str | None = Field(default=None, max_length=256)
    data: str | None = Field(default=None, max_length=1280)
    """Only in rows Asterisk wrote in its non-adaptive form: data1..data5 joined with ``|``
    (it chooses that form at start when the table or PostgreSQL was not there)."""


class ReconcileMark(SQLModel, table=True):
    """How far a PBX's queue_log has been reconciled into the contact history."""

    __tablename__ = "reconcile_mark"
    pbx: str = Field(primary_key=True, max_length=64)
    done_to: dt.datetime = Field(sa_type=UTCDateTime)
    """Every pass that ended in the queue_log before this has its Interaction."""
