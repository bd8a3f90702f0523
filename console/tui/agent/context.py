"""What the agent screen is given: the server client, who I am, the center, a clock, drafts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from console.tui.agent.drafts import DraftStore
from console.tui.client import Client
from console.tui.models import CenterConfig, User
from console.tui.recording_player import RecordingPlayer


def system_clock() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass
class AgentContext:
    user: User
    center: CenterConfig = field(default_factory=CenterConfig)
    client: Client | None = None  # None: offline (widget tests, snapshots)
    clock: Callable[[], dt.datetime] = system_clock
    drafts: DraftStore = field(default_factory=DraftStore)
    recordings: RecordingPlayer | None = None  # None: offline, or recordings not offered

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.center.time_zone)

    @property
    def agent_id(self) -> str:
        return self.user.extension or self.user.username
