"""`calldesk bench ingest`: how fast AMI events get from a socket into the tracker.

Three figures from one run over the same stream (real capture events repeated to ``--events``):
the tracker alone (offline), the full connection path over loopback (framing, the panoramisk
based protocol, the Bridge and the tracker's ``feed``), and a bare asyncio
``readuntil(b"\\r\\n\\r\\n")`` reader that splits lines into dicts (the yardstick). The server is a
blocking socket in a thread, so its work stays off the measured event loop. ``ratio`` is
connection ÷ bare reader; the last line printed is the JSON object.
"""

from __future__ import annotations

import argparse
import json
import socket
import threading
import time
from pathlib import Path

from console.cli import bench_subparsers
from console.errors import CalldeskError

DEFAULT_CAPTURES = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "ami-transcripts"
SENTINEL = b"Event: UserEvent\r\nUserEvent: BenchDone\r\n\r\n"  # an event the filter keeps
BANNER = b"Asterisk Call Manager/11.0.0\r\n"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = bench_subparsers(subparsers).add_parser("ingest", help="AMI ingest: tracker, connection path, bare reader")
    parser.add_argument("--events", type=int, default=100_000, help="events per measurement (default 100000)")
    parser.add_argument("--captures", type=Path, default=DEFAULT_CAPTURES, help="folder of *.jsonl captures")
    parser.add_argument("--runs", type=int, default=3, help="runs per figure; the median is printed")
    parser.add_argument("--json", action="store_true", help="print only the JSON line")
    parser.set_defaults(func=run)


def load_events(folder: Path, n: int) -> tuple[list[bytes], list[list[dict[str, str]]]]:
    """Event frames (bytes, terminated) repeated to ``n``; and each capture's events as dicts."""
    from telephony.framing import parse_headers
    from telephony.transcripts import load

    paths = sorted(folder.glob("*.jsonl"))
    if not paths:
        raise CalldeskError(f"no *.jsonl captures in {folder}")
    frames: list[bytes] = []
    per_capture: list[list[dict[str, str]]] = []
    for path in paths:
        raws = [f.raw for f in load(path).received()
                if f.raw.startswith(b"Event: ") and not f.raw.startswith(b"Event: Shutdown")]  # Shutdown ends a link
        frames += [raw + b"\r\n" for raw in raws]
        per_capture.append([parse_headers(raw.decode("utf-8")) for raw in raws])
    return (frames * (n // len(frames) + 1))[:n], per_capture


class BlastServer:
    """Answers login/resync actions minimally, then writes the whole blob at once."""

    def __init__(self, blob: bytes, *, handshake: bool) -> None:
        self.blob, self.handshake = blob, handshake
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        conn, _ = self.sock.accept()
        with conn:
            conn.sendall(BANNER)
            buf = b""
            while self.handshake:
                data = conn.recv(65536)
                if not data:
                    return
                buf += data
                *actions, buf = buf.split(b"\r\n\r\n")
                for raw in actions:
                    head = dict(line.split(": ", 1) for line in raw.decode().split("\r\n") if ": " in line)
                    aid = head.get("ActionID", "")
                    name = head.get("Action", "")
                    if name in ("QueueStatus", "CoreShowChannels"):
                        conn.sendall(f"Response: Success\r\nActionID: {aid}\r\nEventList: start\r\n\r\n"
                                     f"Event: {name}Complete\r\nActionID: {aid}\r\nEventList: Complete\r\n"
                                     f"ListItems: 0\r\n\r\n".encode())
                        if name == "CoreShowChannels":
                            self.handshake = False
                    else:
                        conn.sendall(f"Response: Success\r\nActionID: {aid}\r\nMessage: ok\r\n\r\n".encode())
                        if name == "Login":
                            conn.sendall(b"Event: FullyBooted\r\nUptime: 9\r\nStatus: Fully Booted\r\n\r\n")
            conn.sendall(self.blob + SENTINEL)
            while conn.recv(65536):  # until the client leaves
                pass

    def close(self) -> None:
        self.sock.close()
        self.thread.join(timeout=5)


async def bare_reader(blob: bytes, n: int) -> float:
    import asyncio

    server = BlastServer(blob, handshake=False)
    reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
    start = time.perf_counter()
    count = 0
    while True:
        frame = await reader.readuntil(b"\r\n\r\n")
        message = dict(line.split(": ", 1) for line in frame.decode().split("\r\n") if ": " in line)
        if message.get("UserEvent") == "BenchDone":
            break
        count += 1
    elapsed = time.perf_counter() - start
    writer.close()
    server.close()
    return n / elapsed


async def connection_path(blob: bytes, n: int, tracker_factory) -> float:
    import asyncio

    from telephony.bridge import Bridge

    done = asyncio.Event()
    server = BlastServer(blob, handshake=True)
    bridge = Bridge("bench", "127.0.0.1", server.port, "bench", "bench", tracker_factory=tracker_factory,
                    ping_interval_s=3600, clock=time.time)
    inner_feed = bridge.tracker.feed

    def feed(message, t):  # the sentinel ends the measurement
        if message.get("UserEvent") == "BenchDone":
            done.set()
        return inner_feed(message, t)

    bridge.tracker.feed = feed
    task = asyncio.create_task(bridge.run())
    while not bridge.connected:  # noqa: ASYNC110 - the Bridge signals no event of its own for this
        await asyncio.sleep(0.001)
    start = time.perf_counter()
    await done.wait()
    elapsed = time.perf_counter() - start
    await bridge.close()
    await task
    server.close()
    return n / elapsed


def tracker_offline(per_capture: list[list[dict[str, str]]], n: int, tracker_factory) -> float:
    try:
        from telephony.replay import bench_tracker  # the tracker's own benchmark, when present
    except ImportError:
        bench_tracker = None
    if bench_tracker is not None:
        result = bench_tracker(n)
        return float(result["tracker_events_per_s"] if isinstance(result, dict) else result)
    fed = 0
    start = time.perf_counter()
    while fed < n:
        for events in per_capture:
            tracker = tracker_factory(None)
            for t, message in enumerate(events):
                tracker.feed(message, float(t))
            fed += len(events)
    return fed / (time.perf_counter() - start)


def run(args: argparse.Namespace) -> int:
    import asyncio
    import statistics

    from telephony.tracker import Tracker

    frames, per_capture = load_events(args.captures, args.events)
    blob = b"".join(frames)
    figures: dict[str, list[float]] = {"tracker": [], "connection": [], "bare": []}
    for _ in range(max(1, args.runs)):
        figures["tracker"].append(tracker_offline(per_capture, args.events, Tracker))
        figures["bare"].append(asyncio.run(bare_reader(blob, args.events)))
        figures["connection"].append(asyncio.run(connection_path(blob, args.events, Tracker)))
        if not args.json:
            print({k: round(v[-1]) for k, v in figures.items()})
    med = {k: statistics.median(v) for k, v in figures.items()}
    print(json.dumps({
        "tracker_events_per_s": round(med["tracker"]),
        "connection_events_per_s": round(med["connection"]),
        "bare_reader_events_per_s": round(med["bare"]),
        "ratio": round(med["connection"] / med["bare"], 3),
    }))
    return 0
