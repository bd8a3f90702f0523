"""What the supervisor app is given: the server client, who I am, the center, a clock, thresholds."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from console.tui.models import CenterConfig, User
from console.tui.recording_player import RecordingPlayer
from console.tui.supervisor.board_state import Thresholds
from console.tui.supervisor.client import SupervisorClient


def system_clock() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass
class SupervisorContext:
    user: User
    client: SupervisorClient
    center: CenterConfig = field(default_factory=CenterConfig)
    clock: Callable[[], dt.datetime] = system_clock
    thresholds: Thresholds = field(default_factory=Thresholds)
    recordings: RecordingPlayer | None = None  # a call's recording, saved then played (QA reviews)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.center.time_zone)

    def now(self) -> float:
        return self.clock().timestamp()
