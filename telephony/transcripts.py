"""Read recorded AMI traffic: our own captures and the peer (cacofonisk) recordings.

Our format (``*.jsonl``, see tests/fixtures/ami-transcripts/README.md): line 1 is a header,
every further line ``{"t", "dir": "recv"|"sent", "raw", ["raw_b64"], ["conn"]}`` holding one
whole AMI message without its terminating blank line. The peer format is a JSON array of
already-parsed events with no timing (see ../shared/ami-peer-fixtures/cacofonisk/FORMAT.md).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BANNER_PREFIX = b"Asterisk Call Manager/"


@dataclass(frozen=True, slots=True)
class Frame:
    """One recorded AMI message: the exact bytes, CRLF line endings, no terminating blank line."""

    t: float
    dir: str  # "recv" (from Asterisk) or "sent" (to Asterisk)
    raw: bytes
    conn: int = 1

    @property
    def is_banner(self) -> bool:
        return self.raw.startswith(BANNER_PREFIX) and b"\r\n" not in self.raw.rstrip(b"\r\n")


@dataclass(slots=True)
class Transcript:
    path: Path
    header: dict[str, Any] = field(default_factory=dict)
    frames: list[Frame] = field(default_factory=list)
    # Peer recordings come parsed already; for them ``frames`` is empty and ``events`` is set.
    events: list[dict[str, str]] | None = None

    def received(self) -> Iterator[Frame]:
        return (f for f in self.frames if f.dir == "recv")


def parse_frame_headers(raw: bytes, encoding: str = "utf-8") -> dict[str, str]:
    """Headers of one recorded message (repeated keys joined with a newline, as the reader does)."""
    out: dict[str, str] = {}
    for line in raw.decode(encoding, errors="replace").split("\r\n"):
        key, sep, value = line.partition(":")
        if not sep:
            continue
        key, value = key.strip(), value.strip()
        out[key] = f"{out[key]}\n{value}" if key in out else value
    return out


def load(path: str | Path) -> Transcript:
    """Load either format, chosen by content: a JSON array is a peer recording."""
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    if text.lstrip().startswith("["):
        events = [
            {k: str(v) for k, v in ev.items() if k != "content"} for ev in json.loads(text)
        ]
        return Transcript(path=path, events=events)
    lines = text.splitlines()
    if not lines:
        raise ValueError(f"{path}: empty transcript")
    transcript = Transcript(path=path, header=json.loads(lines[0]))
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
            raw = base64.b64decode(rec["raw_b64"]) if "raw_b64" in rec else rec["raw"].encode("utf-8")
            transcript.frames.append(
                Frame(t=float(rec["t"]), dir=rec["dir"], raw=raw, conn=int(rec.get("conn", 1)))
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"{path}:{number}: bad transcript line ({exc})") from exc
    return transcript
