"""What the replay server serves on each client connection, taken from a transcript.

A :class:`ConnPlan` is one connection's recorded ``recv`` frames (without the banner and the
login response, which the server makes itself), what to do after the last one, and the lists
to answer ``QueueStatus``/``CoreShowChannels`` with. :func:`cut` splits a plan mid-stream, as
when Asterisk drops a connection mid-call, and gives the second half the snapshot a real
Asterisk would report at that point (:mod:`telephony.replay_snapshot`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from telephony.framing import Message, parse_headers
from telephony.transcripts import Frame, Transcript

Then = Literal["idle", "close", "silent"]
DEFAULT_BANNER = b"Asterisk Call Manager/11.0.0\r\n"


@dataclass(slots=True)
class ConnPlan:
    """What one client connection gets after login."""

    frames: list[Frame]
    then: Then = "idle"  # after the last frame: keep answering, close (EOF), or go silent
    snapshot: dict[str, list[Message]] = field(default_factory=dict)  # action -> list events


def _headers(frame: Frame, encoding: str = "utf-8") -> Message:
    return parse_headers(frame.raw.decode(encoding, "replace"))


def action_ids(frames: Iterable[Frame], action: str, *, plain: bool = False) -> list[str]:
    """ActionIDs of the recorded actions of that name (``plain``: with no header but ActionID)."""
    out = []
    for f in frames:
        if f.dir == "sent":
            h = _headers(f)
            if h.get("Action", "").lower() == action.lower() and (len(h) <= 2 or not plain):
                out.append(h.get("ActionID", ""))
    return out


def list_events(frames: list[Frame], action_id: str, encoding: str = "utf-8") -> list[Message]:
    out = []
    for f in frames:
        if f.dir == "recv" and f.raw.startswith(b"Event: "):
            h = _headers(f, encoding)
            if h.get("ActionID") == action_id and h.get("EventList", "").lower() != "complete":
                out.append(h)
    return out


def _initial_snapshot_ids(frames: list[Frame], action: str) -> list[str]:
    """Recorded snapshot actions sent before any call traffic: what a resync would be told."""
    out = []
    for f in frames:
        if f.dir == "recv" and b"\r\nLinkedid: " in f.raw and not _headers(f).get("ActionID"):
            break
        if f.dir == "sent":
            h = _headers(f)
            if h.get("Action", "").lower() == action.lower() and len(h) <= 2:
                out.append(h.get("ActionID", ""))
    return out


def plans_from_transcript(transcript: Transcript, snapshots: Literal["recorded", "empty"] = "recorded",
                          encoding: str = "utf-8") -> list[ConnPlan]:
    """One plan per recorded connection; each but the last ends with EOF, as recorded.

    With ``snapshots="recorded"``, a QueueStatus / CoreShowChannels the capture client sent
    right after login (before any call traffic) answers the client's own request instead,
    and its recorded reply leaves the stream (else the tracker would read it twice).
    """
    conns = sorted({f.conn for f in transcript.frames}) or [1]
    plans = []
    for conn in conns:
        frames = [f for f in transcript.frames if f.conn == conn]
        skip = set(action_ids(frames, "Login"))
        snapshot: dict[str, list[Message]] = {}
        if snapshots == "recorded":
            for action in ("QueueStatus", "CoreShowChannels"):
                ids = _initial_snapshot_ids(frames, action)
                if ids:
                    snapshot[action] = list_events(frames, ids[0], encoding)
                    skip.add(ids[0])
        streamed = [
            f for f in frames
            if f.dir == "recv" and not f.is_banner and _headers(f).get("ActionID") not in skip
        ]
        plans.append(ConnPlan(streamed, "close" if conn != conns[-1] else "idle", snapshot))
    return plans


def recorded_secret(transcript: Transcript) -> tuple[str, str]:
    for f in transcript.frames:
        if f.dir == "sent" and f.raw.startswith(b"Action: Login"):
            h = _headers(f)
            return h.get("Username", ""), h.get("Secret", "")
    return "calldesk", "secret"


def frame_bytes(headers: dict[str, str], encoding: str = "utf-8") -> bytes:
    return "".join(f"{k}: {v}\r\n" for k, v in headers.items()).encode(encoding) + b"\r\n"


def cut(plan: ConnPlan, at: int, *, then: Then = "close", resume: int | None = None) -> list[ConnPlan]:
    """Split one connection's plan at frame ``at`` into two successive connections.

    The first ends there (``then``: EOF, or ``"silent"`` for a half-open socket); the second
    streams from ``resume`` (default ``at``: nothing lost; later: what happened while the
    link was down is missed) and answers the resync with the snapshot of that point.
    """
    from telephony.replay_snapshot import snapshot_at

    resume = at if resume is None else resume
    snapshot = snapshot_at(plan.frames[:resume], plan.snapshot.get("QueueStatus", []))
    return [ConnPlan(plan.frames[:at], then, plan.snapshot), ConnPlan(plan.frames[resume:], plan.then, snapshot)]
