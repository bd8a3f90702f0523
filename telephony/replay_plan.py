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


def _headers(frame: Frame) -> Message:
    return parse_headers(frame.raw.decode("utf-8", "replace"))


def _action_ids(frames: Iterable[Frame], action: str) -> list[str]:
    out = []
    for f in frames:
        if f.dir == "sent":
            h = _headers(f)
            if h.get("Action", "").lower() == action.lower() and len(h) <= 2:
                out.append(h.get("ActionID", ""))
    return out


def _list_events(frames: list[Frame], action_id: str) -> list[Message]:
    out = []
    for f in frames:
        if f.dir == "recv" and f.raw.startswith(b"Event: "):
            h = _headers(f)
            if h.get("ActionID") == action_id and h.get("EventList", "").lower() != "complete":
                out.append(h)
    return out


def plans_from_transcript(transcript: Transcript, snapshots: Literal["recorded", "empty"] = "recorded") -> list[ConnPlan]:
    """One plan per recorded connection; each but the last ends with EOF, as recorded."""
    conns = sorted({f.conn for f in transcript.frames}) or [1]
    plans = []
    for conn in conns:
        frames = [f for f in transcript.frames if f.conn == conn]
        login_ids = set(_action_ids(frames, "Login"))
        streamed = [
            f for f in frames
            if f.dir == "recv" and not f.is_banner and _headers(f).get("ActionID") not in login_ids
        ]
        snapshot: dict[str, list[Message]] = {}
        if snapshots == "recorded":
            for action in ("QueueStatus", "CoreShowChannels"):
                ids = _action_ids(frames, action)
                if ids:
                    snapshot[action] = _list_events(frames, ids[0])
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
