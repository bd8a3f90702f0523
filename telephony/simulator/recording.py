"""MixMonitor's file, as the simulator writes it when given a folder (the demo's recordings).

Asterisk writes what was said; the simulator has no voices, so the file is a quiet 440 Hz tone of
the call's length (at most ``MAX_S``: a demo must not fill the disk), 8 kHz mono, 16-bit PCM:
the kind of file calldesk serves, saves and hands to a player.
"""

from __future__ import annotations

import math
import struct
import wave
from pathlib import Path

RATE = 8000
MAX_S = 5.0


def write(path: Path, seconds: float) -> None:
    frames = int(RATE * max(0.5, min(seconds, MAX_S)))
    samples = (int(2000 * math.sin(2 * math.pi * 440 * n / RATE)) for n in range(frames))
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(b"".join(struct.pack("<h", s) for s in samples))
