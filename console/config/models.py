"""The typed settings model: one pydantic model per section of ``config.toml``.

Every field carries its documentation as an attribute docstring (pydantic turns it into the
field's description), so the model is the reference and ``config.toml`` mirrors it. Unknown
keys are refused: a typo in a key must not silently fall back to a default.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Literal, get_args
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationInfo, field_validator, model_validator

TIER_IDS = ("standard", "silver", "gold", "platinum", "diamond")
# The ticket categories, declared here once (the API, the rules, the KB and the consoles use
# these). transfer_out: enquiries about moving the account to another broker (转户咨询), a
# churn factor (console/crm/churn.py).
TicketCategory = Literal[
    "account_service", "trading", "margin", "ipo", "bank_transfer",
    "password", "suitability", "complaint", "transfer_out", "information", "other",
]
TICKET_CATEGORIES: tuple[str, ...] = get_args(TicketCategory)
TierId = Literal["standard", "silver", "gold", "platinum", "diamond"]
Priority = Literal["low", "normal", "high", "urgent"]


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True, frozen=True)


class CenterSettings(Section):
    name: str = "示范证券客户服务中心"
    """The call center's name, shown in the console's title bar."""
    time_zone: str = "Asia/Shanghai"
    """IANA time zone in which times are shown (the store keeps UTC)."""
    locale: Literal["zh_CN", "en"] = "zh_CN"
    """Language of the user interface: zh_CN (Simplified Chinese) or en."""

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r} (expected an IANA name such as Asia/Shanghai)") from None
        return value


class DatabaseSettings(Section):
    url: SecretStr = SecretStr("sqlite:///var/calldesk.db")
    """SQLAlchemy URL of the store. A relative SQLite path is taken relative to the config
    file's directory (or the working directory when there is no file). Secret: it may hold a
    password. Environment: CALLDESK_DATABASE_URL."""


class PbxSettings(Section):
    name: str = "main"
    """Short name of this PBX; recorded with every call (calls are unique per PBX and linkedid)."""
    host: str = "127.0.0.1"
    """Host name or address of the Asterisk Manager Interface. Environment: CALLDESK_PBX_HOST (first PBX)."""
    port: int = Field(5038, ge=1, le=65535)
    """TCP port of the AMI. Environment: CALLDESK_PBX_PORT (first PBX)."""
    username: str = "calldesk"
    """AMI user (manager.conf section)."""
    secret: SecretStr = SecretStr("calldesk")
    """AMI password. Environment: CALLDESK_AMI_SECRET (first PBX)."""
    auth: Literal["plain", "md5"] = "plain"
    """Login method: "plain" sends the secret; "md5" asks for a Challenge and sends
    MD5(challenge + secret), so the secret never crosses the wire (manager.conf allows both)."""
    encoding: str = "utf-8"
    """Character encoding of the AMI stream (caller names may be Chinese)."""
    ping_interval_s: float = Field(20, gt=0)
    """Seconds between keep-alive pings on an idle connection."""
    ping_timeout_s: float = Field(10, gt=0)
    """Seconds to wait for a ping's answer before the connection is declared dead and re-opened."""
    queue_log_table: str = Field("", pattern=r"^([A-Za-z_][A-Za-z0-9_]{0,62})?$")
    """The table of calldesk's database that this PBX's Asterisk writes its queue_log into
    (realtime, docs/asterisk.md "queue_log in PostgreSQL"; the migrations make ``queue_log``);
    calls no server saw are recorded from it. Empty: not read."""
    agent_map: dict[str, str] = {}
    """Queue member interface -> agent id, for interfaces whose extension digits are not the
    agent id (e.g. "Local/8001@agents" = "1001"). Unmapped interfaces use their digits."""
    state_interfaces: dict[str, str] = {}
    """Queue member interface -> the device whose state Asterisk follows for it (QueueAdd
    StateInterface), for Local members: "Local/1004@agents/n" = "PJSIP/1004". Without it a
    Local member shows "not in use" while its phone talks, and the queue rings it again."""
    outbound_context: str = Field("outbound", min_length=1, max_length=80)
    """Dialplan context in which an agent's click-to-dial call (Originate from the agent's
    phone) dials the customer's number."""
    transfer_context: str = Field("transfer-targets", min_length=1, max_length=80)
    """Dialplan context of blind and attended transfer targets (extensions, queues)."""
    queue_transfer_exten: dict[str, str] = {"retail": "8001", "vip": "8002"}
    """Queue name -> the extension of transfer_context that puts a caller in that queue
    (transfer to a queue). Queues not listed here cannot be transfer targets."""
    spy_context: str = Field("agents", min_length=1, max_length=80)
    """Context through which a supervisor's own phone is rung for listen/whisper/barge
    (Originate of Local/<supervisor extension>@spy_context into ChanSpy)."""

    @field_validator("encoding")
    @classmethod
    def _known_encoding(cls, value: str) -> str:
        import codecs

        try:
            codecs.lookup(value)
        except LookupError:
            raise ValueError(f"unknown encoding {value!r}") from None
        return value


class ServerSettings(Section):
    host: str = "127.0.0.1"
    """Address `calldesk serve` listens on (loopback by default; consoles connect to it)."""
    port: int = Field(8421, ge=1, le=65535)
    """TCP port of the HTTP API and WebSocket."""
    token_ttl_min: int = Field(720, gt=0)
    """Minutes a login token stays valid."""
    ws_buffer: int = Field(500, gt=0)
    """WebSocket frames kept per user so that a reconnecting console can catch up."""
    tls_cert: str | None = None
    """PEM file of the server's certificate (its chain after it): with tls_key, `calldesk serve`
    speaks https and wss only. A relative path is taken relative to the config file's directory.
    Unset (the default): plain http, for loopback or behind a TLS-terminating proxy (docs/security.md)."""
    tls_key: str | None = None
    """PEM file of the private key of tls_cert (unencrypted; readable by the server's user only)."""
    trusted_proxies: list[str] = []
    """Addresses or networks (CIDR) of reverse proxies whose X-Forwarded-For and
    X-Forwarded-Proto headers are believed; from anyone else those headers are ignored and the
    client is the connection's peer. Example: ["127.0.0.1", "10.0.8.0/24"]."""

    @field_validator("trusted_proxies")
    @classmethod
    def _networks(cls, value: list[str]) -> list[str]:
        import ipaddress

        for entry in value:
            try:
                ipaddress.ip_network(entry, strict=False)
            except ValueError:
                raise ValueError(f"{entry!r} is not an IP address or network (CIDR such as 10.0.8.0/24)") from None
        return value

    @model_validator(mode="after")
    def _cert_and_key(self) -> ServerSettings:
        if bool(self.tls_cert) != bool(self.tls_key):
            given, missing = ("tls_cert", "tls_key") if self.tls_cert else ("tls_key", "tls_cert")
            raise ValueError(f"{given} is set but {missing} is not: TLS needs both the certificate and its key")
        return self


class TierSettings(Section):
    name: TierId
    """Tier id: standard, silver, gold, platinum or diamond (普通/银卡/金卡/白金/钻石)."""
    min_aum: Decimal = Field(ge=0)
    """Assets under management (CNY) from which a customer is in this tier."""
    vip: bool = False
    """Whether customers of this tier are VIPs (routed to the vip queue, flagged on the pop)."""


class TicketSettings(Section):
    default_sla_hours: float = Field(48, gt=0)
    """SLA in hours for a category/tier pair not listed in sla_hours."""
    sla_hours: dict[TicketCategory, dict[TierId, float]] = {
        "complaint": {"gold": 12, "platinum": 8, "diamond": 4},
        "bank_transfer": {"platinum": 4, "diamond": 2},
    }
    """SLA hours by category, then by tier: sla_hours.complaint.diamond = 4."""
    category_default_hours: dict[TicketCategory, float] = {
        "complaint": 24, "bank_transfer": 8, "password": 4, "trading": 8, "margin": 8, "transfer_out": 24,
    }
    """SLA hours of a category for the tiers not listed under sla_hours.<category>."""
    default_priority: dict[TicketCategory, Priority] = {
        "complaint": "high", "bank_transfer": "high", "margin": "high", "transfer_out": "high", "information": "low",
    }
    """Priority a new ticket of this category gets (normal when not listed)."""

    def sla_for(self, category: str, tier: str) -> float:
        """Hours to resolve a ticket of this category for a customer of this tier."""
        # The ignores: looking up a plain str in a dict keyed by a Literal is fine at run time, but
        # dict.get takes only the key type; the annotations put back the type the ignore loses.
        by_tier: dict[str, float] = self.sla_hours.get(category, {})  # type: ignore[call-overload]
        if tier in by_tier:
            return by_tier[tier]
        hours: float = self.category_default_hours.get(category, self.default_sla_hours)  # type: ignore[call-overload]
        return hours


class QueueSettings(Section):
    name: str
    """Asterisk queue name."""
    service_level_s: int = Field(20, gt=0)
    """A call answered within this many seconds counts as within the service level."""
    target_pct: float = Field(80, gt=0, le=100)
    """Share of calls (percent) to be answered within service_level_s."""
    wrapup_s: float = Field(0, ge=0)
    """After-call work per answered call (Asterisk's wrapuptime): how long the queue's agents show
    ``wrap_up`` after its calls, and what the average handle time counts for it."""


class BusSettings(Section):
    url: str = ""
    """The NATS server (with JetStream) that several `calldesk serve` share, e.g.
    ``nats://127.0.0.1:4222``; empty: one server on its own, no bus (the default, the demo).
    docs/bus.md says what goes over it."""
    prefix: str = Field("calldesk", pattern=r"^[A-Za-z0-9_-]{1,32}$")
    """Names of the streams, subjects and key-value bucket: one prefix per floor on one NATS."""
    server_id: str = Field("", max_length=64)
    """This server's name on the bus (who holds which PBX); empty: host name and process id."""
    lease_ttl_s: float = Field(5.0, ge=1.0, le=60.0)
    """A server that holds a PBX's AMI link and stops renewing its lease loses it after this
    long; another server then takes the link over."""
    keep_minutes: int = Field(60, ge=5, le=24 * 60)
    """How long the journal of every PBX stays in the stream."""


class ReconcileSettings(Section):
    every_s: float = Field(60.0, ge=5.0, le=3600.0)
    """How often the server holding a PBX's link reads the PBX's queue_log for calls no server
    saw ([[pbx]] queue_log_table; console/server/reconcile.py)."""
    settle_s: float = Field(30.0, ge=0.0, le=3600.0)
    """A queue pass is reconciled only this long after it ended: the live recorder goes first."""


class SearchSettings(Section):
    snapshot: str = "var/search-index.snapshot"
    """File where the server keeps the customer search index between starts (relative to
    config.toml). A start loads it and takes in the customers written since, instead of
    rebuilding the index from every customer (minutes at ten million). Empty: rebuilt at each
    start. Used for stores of 50,000 customers and more; one file per server (docs/search.md)."""


class RoutingSettings(Section):
    agi_port: int = Field(0, ge=0, le=65535)
    """Port of calldesk's FastAGI server, which the dialplan asks where a caller goes
    (``AGI(agi://<host>:<port>/route,<queue>)``, docs/asterisk.md); 0 leaves it off."""
    agi_host: str = "127.0.0.1"
    """Address the FastAGI server listens on (the Asterisk host must reach it)."""
    answer_within_ms: int = Field(500, gt=0, le=10000)
    """A route not decided within this (the database is slow or down) is the default route."""
    vip_queue: str = "vip"
    """The queue of callers whose tier is a VIP tier ([[tiers]] vip = true)."""
    default_queue: str = "retail"
    """The queue of every other caller, unless the dialplan names one (the DID's)."""
    manager_first: bool = True
    """Ring the customer's own account manager first when their phone is free."""
    manager_ring_s: int = Field(20, gt=0, le=120)
    """How long the account manager's phone rings before the caller goes to the queue."""
    priority: dict[TierId, int] = {"diamond": 10, "platinum": 8, "gold": 5}
    """Queue priority (app_queue QUEUE_PRIO) by tier: higher is answered first."""
    blocked: list[str] = []
    """Numbers calldesk does not serve (harassment, fraud): they hear the announcement
    calldesk-blocked and are hung up. Any format phonenumbers reads; kept as E.164."""

    @field_validator("blocked")
    @classmethod
    def _numbers(cls, value: list[str]) -> list[str]:
        if not value:
            return value  # phonenumbers costs 25 ms to import: not for every console's start-up
        from console.crm.phones import normalize

        out = []
        for raw in value:
            phone = normalize(raw)
            if not phone.valid:
                raise ValueError(f"{raw!r} is not a phone number")
            out.append(phone.e164)
        return out


class WrapupSettings(Section):
    hold_max_s: float = Field(120, ge=0)
    """After an answered call the agent is held out of the queues (QueuePause with
    pause_reason, shown as wrap-up) until their console sends the disposition, or for at most
    this many seconds; the after-call work measured so is stored with the call and is what
    the average handle time counts. 0: never hold (the queue's own wrapuptime only)."""
    pause_reason: str = Field("after_call", min_length=1, max_length=32)
    """The PausedReason of that hold. A member paused with it shows as wrap-up (not paused),
    whoever paused it."""


class StatsSettings(Section):
    short_abandon_s: float = Field(5, ge=0)
    """Callers who hang up within this many seconds are short abandons: left out of the abandon rate."""


class SupervisorSettings(Section):
    vip_wait_alert_s: float = Field(30, gt=0)
    """Alert the supervisor when a VIP caller has waited longer than this many seconds."""
    wrapup_alert_min: float = Field(3, gt=0)
    """Alert when an agent has been in wrap-up longer than this many minutes."""
    pause_alert_min: float = Field(15, gt=0)
    """Alert when an agent has been paused longer than this many minutes."""


class DialerSettings(Section):
    window_start: dt.time = dt.time(9, 0)
    """Earliest local time (center time zone) at which outbound calls are placed."""
    window_end: dt.time = dt.time(20, 0)
    """Latest local time at which outbound calls are placed."""
    weekdays: list[int] = [1, 2, 3, 4, 5]
    """ISO weekdays on which outbound calls are placed (1 = Monday … 7 = Sunday)."""
    holidays: list[dt.date] = [dt.date(2026, 10, d) for d in (1, 2, 5, 6, 7)]
    """Dates on which no outbound calls are placed (public holidays)."""
    abandon_cap: float = Field(0.03, ge=0, le=1)
    """Predictive mode keeps the share of answered calls with no free agent below this."""
    max_attempts: int = Field(3, ge=1)
    """Default number of attempts per lead before it is given up."""
    channel: str = "PJSIP/{number}@carrier"
    """Originate channel of a campaign call; {number} is the lead's national number
    (13812348000, 02162345678), e.g. "PJSIP/{number}@carrier" (the trunk endpoint)."""
    context: str = "campaign"
    """Dialplan context an answered campaign call runs (exten s): it queues the customer in the
    campaign queue, named by the channel variable CALLDESK_QUEUE."""
    direct_context: str = "campaign-direct"
    """Dialplan context of a preview call (exten = the agent's extension): it dials that agent."""
    abandon_after_s: float = Field(2.0, gt=0)
    """An answered campaign call not taken by an agent within this many seconds is abandoned
    (campaign statistics, the predictive pacer's abandon rate)."""
    allow_demo_campaigns: bool = False
    """Let campaigns made by `calldesk seed` (demo leads) dial a real PBX. Off: they dial only
    the PBX simulator, so a seeded database can never ring real customers' numbers."""
    abandon_context: str = "campaign-abandon"
    """Dialplan context (exten s) a customer abandoned on answer is redirected to after
    abandon_after_s: it plays a short apology and hangs up; the lead is retried like a failed
    call. Empty: the customer is left waiting in the queue."""

    @field_validator("channel")
    @classmethod
    def _channel_template(cls, value: str) -> str:
        try:
            dialled = value.format(number="13800000000")
        except (KeyError, IndexError, ValueError) as exc:
            raise ValueError(f"{value!r} may hold only the placeholder {{number}} ({exc})") from None
        if "{number}" not in value or dialled == value:
            raise ValueError(f"{value!r} must contain {{number}}, e.g. \"PJSIP/{{number}}@carrier\"")
        if "/" not in value or any(ch.isspace() for ch in value):
            raise ValueError(f"{value!r} is not a channel (TECH/resource, no spaces), "
                             'e.g. "PJSIP/{number}@carrier"')
        return value

    @field_validator("context", "direct_context", "abandon_context")
    @classmethod
    def _dialplan_context(cls, value: str, info: ValidationInfo) -> str:
        if not value and info.field_name == "abandon_context":
            return value
        if not re.fullmatch(r"[A-Za-z0-9_-]{1,79}", value):
            raise ValueError(f"{value!r} is not a dialplan context name (letters, digits, - and _, at most 79)")
        return value

    @field_validator("weekdays")
    @classmethod
    def _iso_weekdays(cls, value: list[int]) -> list[int]:
        bad = [d for d in value if not 1 <= d <= 7]
        if bad:
            raise ValueError(f"weekdays are 1 (Monday) … 7 (Sunday), got {bad}")
        return value

    @model_validator(mode="after")
    def _window_order(self) -> DialerSettings:
        if self.window_start >= self.window_end:
            raise ValueError("window_start must be before window_end")
        return self


class CallbackSettings(Section):
    create_on_abandon: bool = True
    """Create a callback follow-up for every caller who abandons (after short_abandon_s)."""
    sla_minutes: dict[TierId, int] = {
        "standard": 240, "silver": 240, "gold": 120, "platinum": 60, "diamond": 30,
    }
    """Minutes within which a callback is due, by tier."""


class RiskSettings(Section):
    assessment_valid_days: int = Field(730, gt=0)
    """Days a risk-tolerance (suitability) assessment stays valid; older ones count as expired."""


class ConsoleSettings(Section):
    keys: dict[str, str] = {}
    """Key remapping of the consoles: action id -> key (e.g. answer = "f5"). Actions not listed keep
    their built-in key."""
    recordings_dir: str = "~/calldesk-recordings"
    """Where the console saves a call's recording the agent asks for (Ctrl+R on the history)."""
    player: str = Field("", max_length=500)
    """The command that plays a saved recording, {file} standing for it (e.g. "aplay {file}",
    "mpv --no-video {file}", "xdg-open {file}"); empty: the console only saves it and says where."""
    servers: list[str] = Field(default_factory=list, max_length=16)
    """The servers the agent and supervisor consoles may use, in order of preference (each
    ``http://`` or ``https://host:port``). When the one in use stops answering, the console moves
    to the next within seconds, logs in there if it must, and restores the call on screen from that
    server's ``hello``. Empty: the one server of ``[server]`` host and port. ``--server`` (one
    address or several, comma-separated) overrides it."""

    @field_validator("servers")
    @classmethod
    def _server_addresses(cls, value: list[str]) -> list[str]:
        for address in value:
            if not address.startswith(("http://", "https://")) or len(address) > 200:
                raise ValueError(f"{address[:200]!r} is not a server address (expected http://host:port or "
                                 "https://host:port)")
        return [address.rstrip("/") for address in value]

    ca_file: str | None = None
    """PEM file of the CA that signed an https server's certificate, for the consoles and the
    CLI's API clients (--ca FILE overrides it). Unset: the system's trust store. A relative path
    is taken relative to the config file's directory."""


class PasswordSettings(Section):
    min_length: int = Field(10, ge=6, le=128)
    """Fewest characters of a password set by an administrator (staff add, password reset, CSV
    import). Seeded demo accounts keep the demo password; the policy applies to every other."""
    min_classes: int = Field(3, ge=1, le=4)
    """Fewest kinds of character a password must mix: lowercase letters, uppercase letters,
    digits, other characters (symbols, spaces, Chinese)."""


class RecordingSettings(Section):
    root: str | None = None
    """Where calldesk's server finds the PBX's recordings: the PBX's monitor folder mounted or
    synced here. Unset: calldesk stores each call's file name but serves none (404 saying so)."""
    pbx_folder: str = Field("/var/spool/asterisk/monitor", min_length=1)
    """The folder as Asterisk names it in MIXMONITOR_FILENAME; a recording is looked for at its
    path under this folder, below ``root``. A file outside it is never served."""
    min_role: Literal["agent", "qa", "supervisor", "manager", "admin"] = "qa"
    """The least role that may play or save any call's recording (qa: the QA reviewers, and
    supervisors and up)."""
    agents_own_calls: bool = True
    """Whether an agent (below min_role) may play their own calls' recordings."""
    retention_days: int = Field(1095, ge=1)
    """How long recordings are kept; `calldesk recordings expired` lists those older."""


class ChurnWeight(Section):
    per_unit: float = Field(ge=0)
    """Points per unit of the factor (a complaint, a percentage point of AUM lost, a day…)."""
    cap: float = Field(ge=0, le=100)
    """The most points the factor can give."""


class ChurnSettings(Section):
    window_days: int = Field(90, ge=1, le=730)
    """How far back complaints, overdue tickets and transfer-out enquiries count."""
    abandon_window_days: int = Field(30, ge=1, le=365)
    """How far back the customer's abandoned calls count."""
    complaints: ChurnWeight = ChurnWeight(per_unit=20, cap=40)
    """Complaint tickets opened in the window."""
    overdue_tickets: ChurnWeight = ChurnWeight(per_unit=10, cap=20)
    """Tickets of the window still unresolved past their SLA."""
    abandoned_calls: ChurnWeight = ChurnWeight(per_unit=8, cap=24)
    """Abandoned calls beyond the first (a second abandon is a pattern)."""
    aum_decline: ChurnWeight = ChurnWeight(per_unit=1, cap=30)
    """Per percentage point of assets lost between the two latest AUM snapshots."""
    transfer_out: ChurnWeight = ChurnWeight(per_unit=35, cap=50)
    """Enquiries about moving the account out (ticket category transfer_out)."""
    silence: ChurnWeight = ChurnWeight(per_unit=0.1, cap=15)
    """Per day without contact beyond silence_after_days."""
    silence_after_days: int = Field(180, ge=0)
    """Days without any contact that are still normal."""
    low_csat: ChurnWeight = ChurnWeight(per_unit=10, cap=25)
    """Per point the customer's mean survey answer (1-5) is below csat_ok."""
    csat_ok: float = Field(4.0, ge=1, le=5)
    """A mean survey answer from which satisfaction gives no risk."""
    medium_at: int = Field(30, ge=0, le=100)
    """A score from which the risk is medium."""
    high_at: int = Field(50, ge=0, le=100)
    """A score from which the risk is high: the pop's churn flag, the retention list."""

    @model_validator(mode="after")
    def _levels_in_order(self) -> ChurnSettings:
        if self.medium_at > self.high_at:
            raise ValueError(f"medium_at ({self.medium_at}) must not be above high_at ({self.high_at})")
        return self


class ManagerSettings(Section):
    alert_on_call: bool = True
    """Tell an account manager's console when one of their customers calls (once per call)."""
    alert_on_complaint: bool = True
    """Tell an account manager's console when a complaint is opened for one of their customers."""
    complaint_followup_hours: float = Field(4, ge=0, le=720)
    """A complaint also gives the account manager a follow-up they own, due this many hours
    later (0: no follow-up)."""
    alert_on_callback: bool = True
    """Tell an account manager's console when one of their customers asks for a callback."""
    own_callbacks: bool = False
    """A callback one of their customers asks for is the account manager's follow-up instead of
    the shared pool's (then no callback campaign takes it)."""


class LoginSettings(Section):
    max_failures: int = Field(10, ge=1, le=1000)
    """Failed log-ins allowed per user name within ``window_s``; the next attempt is refused
    (429 with Retry-After) until the oldest failure leaves the window."""
    address_max_failures: int = Field(30, ge=1, le=10000)
    """Failed log-ins allowed per client address within ``window_s`` (whatever names were
    tried), so that one machine cannot guess across many accounts."""
    window_s: int = Field(60, ge=1, le=86400)
    """Seconds over which failures are counted for throttling."""
    backoff_after: int = Field(5, ge=1, le=1000)
    """Failures within the window (of a user name, or of an address) after which each further
    attempt must wait: ``backoff_s``, doubling with every further failure."""
    backoff_s: float = Field(1.0, gt=0, le=3600)
    """The first wait of the backoff, in seconds."""
    backoff_max_s: int = Field(300, ge=1, le=86400)
    """The longest wait of the backoff, in seconds; also the Retry-After of a locked account."""
    lockout_after: int = Field(20, ge=0, le=100000)
    """Failed log-ins of one user name (none successful in between, each within
    ``lockout_window_min`` of the previous one) that lock it until a supervisor or an
    administrator unlocks it (calldesk staff unlock, the staff screen); 0: never lock."""
    lockout_window_min: int = Field(1440, ge=1, le=525600)
    """Minutes after which a user name's failures stop counting towards the lockout."""


class QaCriterion(Section):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]{0,31}$")
    """A short id (letters, digits, _), used in the API and the stored reviews."""
    label: str = Field(min_length=1, max_length=60)
    """What the reviewer checks, as the form shows it (the center's language)."""
    label_en: str = Field("", max_length=60)
    """The same in English (the English console; empty: the label)."""
    weight: float = Field(gt=0, le=100)
    """Its share of the score."""
    fatal: bool = False
    """Failing it makes the whole review 0 (a compliance breach), whatever the rest."""


class QaSettings(Section):
    criteria: list[QaCriterion] = [
        QaCriterion(id="greeting", label="标准开场与问候", label_en="Standard greeting", weight=10),
        QaCriterion(id="recording_notice", label="告知通话录音", label_en="Recording notice given", weight=10,
                    fatal=True),
        QaCriterion(id="identity_verified", label="披露账户信息前核实身份",
                    label_en="Identity verified before disclosure", weight=25, fatal=True),
        QaCriterion(id="risk_disclosure", label="产品销售时宣读风险揭示",
                    label_en="Risk disclosure read for a product sale", weight=20, fatal=True),
        QaCriterion(id="accuracy", label="解答准确完整", label_en="Accurate, complete answers", weight=25),
        QaCriterion(id="closing", label="规范结束语与小结", label_en="Proper closing and wrap-up", weight=10),
    ]
    """The QA form: every call is scored against these (a criterion that does not apply to the
    call, e.g. risk disclosure without a product sale, is marked n/a and left out)."""
    pass_mark: float = Field(80, ge=0, le=100)
    """A review scoring below this is a fail (reports count them)."""

    @field_validator("criteria")
    @classmethod
    def _unique_ids(cls, value: list[QaCriterion]) -> list[QaCriterion]:
        ids = [c.id for c in value]
        repeated = sorted({i for i in ids if ids.count(i) > 1})
        if repeated:
            raise ValueError(f"criterion ids must be unique: {', '.join(repeated)} repeated")
        if not value:
            raise ValueError("the QA form needs at least one criterion")
        return value
