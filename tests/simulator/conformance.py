"""Domain events through the tracker, reduced to what a scenario must reproduce (ids and times aside)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from telephony.framing import Message
from telephony.tracker import Tracker
from telephony.transcripts import load, parse_frame_headers

CAPTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ami-transcripts"
# What must match: event names, agents, queues, outcomes, hang-up sides, kinds, reasons, states.
KEPT = ("agent", "queue", "outcome", "hangup_by", "kind", "reason", "state", "from_agent", "to", "caller",
        "caller_name", "vars", "account", "number")
WRAPUP_S = 3.0


def reduce(events: Iterable) -> list[tuple]:
    out = []
    for event in events:
        data = event.to_json()
        if data["event"] == "queue_stats":
            continue
        kept = tuple((k, data[k]) for k in KEPT if data.get(k) not in (None, "", {}))
        out.append((data["event"], *((k, tuple(sorted(v.items())) if isinstance(v, dict) else v) for k, v in kept)))
    return out


def through_tracker(messages: Iterable[tuple[float, Message]]) -> list[tuple]:
    tracker = Tracker(wrapup_s=WRAPUP_S)
    events = []
    for t, msg in messages:
        events.extend(tracker.feed(msg, t))
    return reduce(events)


def capture_messages(name: str) -> list[tuple[float, Message]]:
    transcript = load(CAPTURES / name)
    return [(f.t, parse_frame_headers(f.raw)) for f in transcript.received() if not f.is_banner]
