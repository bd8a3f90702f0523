"""calldesk settings: ``config.toml`` -> one validated, typed :class:`Settings`.

    from console.config import load_settings, Settings
    settings = load_settings()          # $CALLDESK_CONFIG or ./config.toml, plus CALLDESK_… env

Errors raise :class:`ConfigError` (a CalldeskError) naming the file, the key and the problem.
"""

from console.config.loader import ConfigError, default_path, load_settings
from console.config.models import (
    TICKET_CATEGORIES,
    TIER_IDS,
    BusSettings,
    CallbackSettings,
    CenterSettings,
    ChurnSettings,
    ConsoleSettings,
    DatabaseSettings,
    DialerSettings,
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
    ServerSettings,
    StatsSettings,
    TicketSettings,
    TierSettings,
    WrapupSettings,
)
from console.config.settings import Settings

__all__ = [
    "TICKET_CATEGORIES",
    "TIER_IDS",
    "BusSettings",
    "CallbackSettings",
    "CenterSettings",
    "ChurnSettings",
    "ConfigError",
    "ConsoleSettings",
    "DatabaseSettings",
    "DialerSettings",
    "ManagerSettings",
    "PasswordSettings",
    "PbxSettings",
    "QaSettings",
    "QueueSettings",
    "ReconcileSettings",
    "RecordingSettings",
    "RiskSettings",
    "RoutingSettings",
    "SearchSettings",
    "ServerSettings",
    "Settings",
    "StatsSettings",
    "TicketSettings",
    "TierSettings",
    "WrapupSettings",
    "default_path",
    "load_settings",
]
