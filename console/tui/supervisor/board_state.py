"""What the supervisor's board knows: the latest figures per queue and state per agent.

Plain data, no Textual: the screen feeds it frames and snapshots and asks it for rows and
alerts. Times are epoch seconds; ``now`` is always passed in (the app's clock), never read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from console.i18n import t
from console.tui.text import duration

SPARK = "▁▂▃▄▅▆▇█"


@dataclass(frozen=True)
class Thresholds:
    vip_wait_alert_s: float = 30
    wrapup_alert_min: float = 3
    pause_alert_min: float = 15


@dataclass(frozen=True)
class Alert:
    key: str
    text: str


def sparkline(counts: list[int], width: int = 16) -> str:
    """The last ``width`` intervals as block characters, scaled to the busiest of them."""
    tail = counts[-width:]
    top = max(tail, default=0)
    if not top:
        return SPARK[0] * len(tail)
    return "".join(SPARK[min(len(SPARK) - 1, round(c / top * (len(SPARK) - 1)))] for c in tail)


def pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"


def secs(value: float | None) -> str:
    return "—" if value is None else duration(value)


@dataclass
class BoardState:
    queues: dict[str, dict[str, Any]] = field(default_factory=dict)
    agents: dict[str, dict[str, Any]] = field(default_factory=dict)

    def waited(self, queue: str, now: float, key: str = "longest_wait_s") -> float:
        """A queue's longest wait now: the figure when it was sent plus the time since."""
        stats = self.queues.get(queue) or {}
        base = float(stats.get(key) or 0)
        count = stats.get("vip_waiting" if key == "longest_vip_wait_s" else "waiting") or 0
        sent = stats.get("t")
        return base + max(0.0, now - float(now if sent is None else sent)) if count else 0.0

    def set_agent_state(self, event: dict[str, Any]) -> dict[str, Any] | None:
        row = self.agents.get(str(event.get("agent")))
        if row is None:
            return None  # not one of this supervisor's agents
        row["state"] = event
        return row

    def in_state(self, agent: str, now: float) -> float:
        state = (self.agents.get(agent) or {}).get("state") or {}
        since = state.get("t")
        return max(0.0, now - float(now if since is None else since))

    def alerts(self, now: float, th: Thresholds) -> list[Alert]:
        out: list[Alert] = []
        for name, q in sorted(self.queues.items()):
            sl, target = q.get("service_level"), q.get("target_pct")
            if sl is not None and target is not None and sl * 100 < target:
                out.append(Alert(f"sl:{name}", t("sup.alert.sl", queue=name, sl=pct(sl), target=f"{target:.0f}%")))
            vip = self.waited(name, now, "longest_vip_wait_s")
            if vip > th.vip_wait_alert_s:
                out.append(Alert(f"vip:{name}", t("sup.alert.vip", queue=name, wait=duration(vip))))
        for agent, row in sorted(self.agents.items()):
            state = ((row.get("state") or {}).get("state")) or ""
            limit = {"wrap_up": th.wrapup_alert_min, "paused": th.pause_alert_min}.get(state)
            spent = self.in_state(agent, now)
            if limit is not None and spent > limit * 60:
                out.append(Alert(f"{state}:{agent}", t(f"sup.alert.{state}", agent=agent, name=row.get("name", ""),
                                                       time=duration(spent))))
        return out
