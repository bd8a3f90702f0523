"""The root settings model, its built-in defaults and the cross-section checks."""

from __future__ import annotations

from decimal import Decimal
from itertools import pairwise
from pathlib import Path

from pydantic import Field, PrivateAttr, field_validator

from console.config.models import (
    TIER_IDS,
    BusSettings,
    CallbackSettings,
    CenterSettings,
    ChurnSettings,
    ConsoleSettings,
    DatabaseSettings,
    DialerSettings,
    LoginSettings,
    ManagerSettings,
    PasswordSettings,
    PbxSettings,
    QaSettings,
    QueueSettings,
    ReconcileSettings,
    RecordingSettings,
    RiskSettings,
    RoutingSettings,
    SearchSettings,
    Section,
    ServerSettings,
    StatsSettings,
    SupervisorSettings,
    TicketSettings,
    TierSettings,
    WrapupSettings,
)

DEFAULT_TIERS = [
    TierSettings(name="standard", min_aum=Decimal(0)),
    TierSettings(name="silver", min_aum=Decimal(100000)),
    TierSettings(name="gold", min_aum=Decimal(500000)),
    TierSettings(name="platinum", min_aum=Decimal(2000000), vip=True),
    TierSettings(name="diamond", min_aum=Decimal(10000000), vip=True),
]
DEFAULT_QUEUES = [
    QueueSettings(name="retail"),
    QueueSettings(name="vip", service_level_s=15, target_pct=90),
    QueueSettings(name="ringall"),
]


class Settings(Section):
    """Everything calldesk reads from config.toml (and CALLDESK_… environment variables)."""

    center: CenterSettings = CenterSettings()
    """The call center: name, time zone, language."""
    database: DatabaseSettings = DatabaseSettings()
    """Where the store lives."""
    pbx: list[PbxSettings] = Field(default_factory=lambda: [PbxSettings()])
    """The Asterisk servers (one [[pbx]] table each); the first one is the default for outbound calls."""
    server: ServerSettings = ServerSettings()
    """The `calldesk serve` process."""
    tiers: list[TierSettings] = Field(default_factory=lambda: list(DEFAULT_TIERS))
    """Service tiers by AUM, lowest first; all five ids, thresholds rising, the first at 0."""
    tickets: TicketSettings = TicketSettings()
    """Ticket SLAs and default priorities."""
    queues: list[QueueSettings] = Field(default_factory=lambda: list(DEFAULT_QUEUES))
    """The queues and their service-level targets."""
    stats: StatsSettings = StatsSettings()
    """Queue statistics."""
    bus: BusSettings = BusSettings()
    """The message bus of several servers (NATS JetStream); off by default."""
    reconcile: ReconcileSettings = ReconcileSettings()
    """Calls no server saw, recorded from Asterisk's queue_log."""
    search: SearchSettings = SearchSettings()
    """The customer search index: where it is kept between starts."""
    routing: RoutingSettings = RoutingSettings()
    """Where inbound callers go, decided from the CRM (FastAGI)."""
    wrapup: WrapupSettings = WrapupSettings()
    """After-call work: how long an agent is held out of the queues for the disposition."""
    supervisor: SupervisorSettings = SupervisorSettings()
    """Alert thresholds of the supervisor's wallboard."""
    dialer: DialerSettings = DialerSettings()
    """Outbound dialing rules."""
    callbacks: CallbackSettings = CallbackSettings()
    """Callbacks for abandoned and callback-requested calls."""
    risk: RiskSettings = RiskSettings()
    """Suitability (risk-tolerance) rules."""
    console: ConsoleSettings = ConsoleSettings()
    """The Textual consoles."""
    passwords: PasswordSettings = PasswordSettings()
    """The password policy of staff accounts (not of the seeded demo accounts)."""
    recordings: RecordingSettings = RecordingSettings()
    """Call recordings: where the server finds them, who may hear them, how long they are kept."""
    churn: ChurnSettings = ChurnSettings()
    """The churn warning's weights (console/crm/churn.py)."""
    managers: ManagerSettings = ManagerSettings()
    """What account managers are told about their customers (console/server/manager_alerts.py)."""
    login: LoginSettings = LoginSettings()
    """Log-in throttling and lockout."""
    qa: QaSettings = QaSettings()
    """The QA form calls are scored against (console/crm/qa.py)."""

    _source: Path | None = PrivateAttr(default=None)

    @field_validator("tiers")
    @classmethod
    def _tier_ladder(cls, tiers: list[TierSettings]) -> list[TierSettings]:
        names = [t.name for t in tiers]
        if names != list(TIER_IDS):
            raise ValueError(f"must list {', '.join(TIER_IDS)}, each once, lowest first; "
                             f"got {', '.join(names) or 'none'}")
        if tiers[0].min_aum != 0:
            raise ValueError("the first tier must start at min_aum = 0")
        for low, high in pairwise(tiers):
            if high.min_aum <= low.min_aum:
                raise ValueError(f"{high.name}.min_aum must be above {low.name}.min_aum")
        return tiers

    @field_validator("pbx", "queues")
    @classmethod
    def _unique_names(cls, items: list[PbxSettings] | list[QueueSettings]) -> list[PbxSettings] | list[QueueSettings]:
        seen = [item.name for item in items]
        dupes = sorted({n for n in seen if seen.count(n) > 1})
        if dupes:
            raise ValueError(f"duplicate name {', '.join(dupes)}")
        if not items:
            raise ValueError("must not be empty")
        return items

    # -- derived answers other modules ask for --------------------------------------------
    @property
    def source(self) -> Path | None:
        """The file these settings were read from (None: built-in defaults)."""
        return self._source

    def tier_for(self, aum: Decimal) -> str:
        """The tier id of a customer with these assets under management."""
        tier = self.tiers[0].name
        for candidate in self.tiers:
            if aum >= candidate.min_aum:
                tier = candidate.name
        return tier

    def is_vip(self, tier: str) -> bool:
        return any(t.name == tier and t.vip for t in self.tiers)

    def queue(self, name: str) -> QueueSettings | None:
        return next((q for q in self.queues if q.name == name), None)
