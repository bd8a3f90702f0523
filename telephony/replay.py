"""Offline replay: a recorded transcript through the tracker, domain events out.

Our captures (``*.jsonl``) carry every byte both ways and, for reconnect scenarios, the TCP
connection each line belongs to (``conn``). The replay plays the bridge's part at connection
boundaries exactly as the live connection does: ``connection_lost`` when a connection ends,
``resync_done`` once the new connection's snapshot (the QueueStatus / CoreShowChannels it sent
after logging in) has been answered in full. Peer recordings (a JSON array of events, no
timing) are fed in order with ``t`` = the event's index.

``bench_tracker(n)`` measures the tracker alone on real traffic (events per second).
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator, Mapping
from pathlib import Path

from telephony.events import DomainEvent
from telephony.tracker import Tracker
from telephony.transcripts import Transcript, load, parse_frame_headers

_SNAPSHOT_ACTIONS = frozenset({"queuestatus", "coreshowchannels", "status"})
_LIST_COMPLETE = frozenset({"QueueStatusComplete", "CoreShowChannelsComplete", "StatusComplete"})


def replay(path: str | Path, agent_map: Mapping[str, str] | None = None,
           wrapup_s: float = 0.0) -> Iterator[DomainEvent]:
    """Every domain event the transcript at ``path`` gives, in order."""
    transcript = load(path)
    tracker = Tracker(agent_map=agent_map, wrapup_s=wrapup_s)
    if transcript.events is not None:
        for index, message in enumerate(transcript.events):
            yield from tracker.feed(message, float(index))
        return
    yield from _replay_frames(transcript, tracker)


def _replay_frames(transcript: Transcript, tracker: Tracker) -> Iterator[DomainEvent]:
    conn: int | None = None
    pending_snapshot: set[str] = set()  # ActionIDs of snapshot lists not yet complete
    resync_open = False
    last_t = 0.0
    # When each connection closed, where the capture says (its header's capture.connections).
    closed = {c.get("conn"): float(c["t"]) for c in transcript.header.get("capture", {}).get("connections", [])
              if str(c.get("event", "")).startswith("closed") and "t" in c}
    for frame in transcript.frames:
        if conn is not None and frame.conn != conn:
            # The calls the link loses ended, for all we know, when it closed.
            yield from tracker.connection_lost(closed.get(conn, last_t))
            resync_open, pending_snapshot = True, set()
        last_t = frame.t
        conn = frame.conn
        if frame.is_banner:
            continue
        headers = parse_frame_headers(frame.raw)
        if frame.dir == "sent":
            if resync_open and headers.get("Action", "").lower() in _SNAPSHOT_ACTIONS:
                pending_snapshot.add(headers.get("ActionID", ""))
            continue
        yield from tracker.feed(headers, frame.t)
        if resync_open and headers.get("Event") in _LIST_COMPLETE:
            pending_snapshot.discard(headers.get("ActionID", ""))
            if not pending_snapshot:
                yield from tracker.resync_done(frame.t)
                resync_open = False
    if resync_open:  # the last connection never finished a snapshot: what was not seen is gone
        yield from tracker.resync_done(last_t)


def _bench_messages() -> list[tuple[dict[str, str], float]]:
    """Every received event of the single-connection captures, parsed once."""
    folder = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "ami-transcripts"
    messages: list[tuple[dict[str, str], float]] = []
    for path in sorted(folder.glob("*.jsonl")):
        transcript = load(path)
        if any(f.conn != 1 for f in transcript.frames):
            continue  # the restart capture would measure restarts, not calls
        messages.extend((parse_frame_headers(f.raw), f.t) for f in transcript.received()
                        if not f.is_banner)
    return [(m, t) for m, t in messages if m.get("Event") not in ("FullyBooted", None)]


_ID_KEYS = ("Uniqueid", "Linkedid", "DestUniqueid", "DestLinkedid", "Channel", "DestChannel",
            "TransfererChannel", "TransfereeChannel", "OrigTransfererChannel",
            "SecondTransfererChannel", "TransferTargetChannel")


_SEQ = re.compile(r"-([0-9a-fA-F]{8})(;\d)?$")


def _renumber(value: str, round_no: int) -> str:
    """The same id or channel name in another round: ``PJSIP/1001-00000001`` -> ``-00010001``."""
    if "/" not in value:
        return f"{value}.{round_no}"
    return _SEQ.sub(lambda m: f"-{(int(m.group(1), 16) + (round_no << 16)) & 0xFFFFFFFF:08x}{m.group(2) or ''}", value)


def bench_tracker(n_events: int = 100_000) -> float:
    """Events per second through ``Tracker.feed`` on real captured traffic (about 60 % VarSet).

    The captures are repeated with fresh channel names and ids each round, so every round is
    new calls (not replays of finished ones); building the messages is not timed.
    """
    base = _bench_messages()
    if not base:
        raise RuntimeError("no captures to benchmark with")
    feed: list[tuple[dict[str, str], float]] = []
    round_no = 0
    while len(feed) < n_events:
        offset = round_no * 100.0
        for message, t in base:
            fresh = dict(message)
            for key in _ID_KEYS:
                value = fresh.get(key)
                if value and value != "<unknown>":
                    fresh[key] = _renumber(value, round_no)
            feed.append((fresh, t + offset))
            if len(feed) >= n_events:
                break
        round_no += 1
    tracker = Tracker()
    started = time.perf_counter()
    for message, t in feed:
        tracker.feed(message, t)
    elapsed = time.perf_counter() - started
    return len(feed) / elapsed if elapsed > 0 else float("inf")
