"""Call recordings: who may hear which, where a recording's file is, which are past retention.

A recording is the file Asterisk's MixMonitor wrote for a call, stored on the Interaction as
Asterisk named it (``/var/spool/asterisk/monitor/1795372966.0.wav``). calldesk's server finds
it under ``[recordings] root``, the PBX's monitor folder mounted or synced there: the name's path
below ``pbx_folder`` is its path below ``root``. Nothing outside that folder is ever served, so a
forged or odd name (``..``, another absolute path) cannot reach other files.

Pure rules: no I/O (the route checks that the file exists), no clock (``now`` is passed in).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from console.store.models import ROLES

_RANK = {role: rank for rank, role in enumerate(ROLES)}


class RecordingUnavailable(Exception):
    """Why a call's recording cannot be served; ``key`` is its i18n message key."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


@dataclass(frozen=True, slots=True)
class RecordingPolicy:
    """``[recordings]`` as the rules need it."""

    root: Path | None
    pbx_folder: str = "/var/spool/asterisk/monitor"
    min_role: str = "qa"
    agents_own_calls: bool = True
    retention_days: int = 1095

    def may_hear(self, role: str, user_id: int, call_agent_id: int | None) -> bool:
        """Whether a user of ``role`` may play or save the recording of a call taken by
        ``call_agent_id``: from ``min_role`` up any call; an agent their own calls if allowed."""
        if _RANK.get(role, -1) >= _RANK[self.min_role]:
            return True
        return self.agents_own_calls and call_agent_id is not None and call_agent_id == user_id

    def locate(self, recording: str | None) -> Path:
        """Where the file of ``recording`` is on this server; RecordingUnavailable if the call has
        none, no root is configured, or the name is outside ``pbx_folder``."""
        if not recording:
            raise RecordingUnavailable("server.recording.none")
        if self.root is None:
            raise RecordingUnavailable("server.recording.no_root")
        name = PurePosixPath(recording)
        folder = PurePosixPath(self.pbx_folder)
        try:
            relative = name.relative_to(folder)
        except ValueError:
            raise RecordingUnavailable("server.recording.outside") from None
        if not relative.parts or any(part in ("..", ".", "") for part in relative.parts) or "\x00" in recording:
            raise RecordingUnavailable("server.recording.outside")
        return self.root.joinpath(*relative.parts)

    def expired_before(self, now: dt.datetime) -> dt.datetime:
        """Calls that ended before this instant have recordings past retention."""
        return now - dt.timedelta(days=self.retention_days)
