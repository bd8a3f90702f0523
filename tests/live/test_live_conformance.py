"""The simulator against the real Asterisk: the same scripted flow on both, the same domain events.

Each flow of ``tests/simulator/flows.py`` runs first on the lab's Asterisk 22 (sipp phones,
callers and customers; an AMI login recording everything in the capture format), then on the
simulator with the options the real one took where it varies (``Floor.saw`` -> pins). Both
recordings go through ``telephony.replay`` (the tracker, as ``calldesk replay``) and must give the
same domain events; the calls' skeletons (hang-ups, dial ends, queue and transfer events, with
channels named by role) must match too. Each test also states what Asterisk itself did.

``CALLDESK_LIVE_RECORD=DIR`` keeps the real recordings (``DIR/<flow>.jsonl``, the pins in the
header): ``tests/simulator/recorded/`` holds such a set, replayed offline against the simulator.
Cost: about two minutes of real time in all, most of it the click-to-call's 30 s no-answer dial
and the restart.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import time
from pathlib import Path
from typing import Any

from tests.live.lab import Lab
from tests.live.sipp import SippLab
from tests.simulator.compare import domain, skeleton, snapshots
from tests.simulator.floor import Floor
from tests.simulator.flows import FLOWS, run
from tests.simulator.recorded import save
from tests.simulator.recorder import Recorder
from tests.simulator.simfloor import SimFloor


class LabFloor(Floor):
    """The flows' floor on the lab's Asterisk: sipp for phones, callers and customers."""

    def __init__(self, lab: Lab, sipp: SippLab) -> None:
        super().__init__()
        self.lab, self.sipp = lab, sipp
        self.pins: dict[str, list[str]] = {}
        self.recorder = Recorder(time.time())

    async def start(self) -> None:
        if not self.lab.alive():
            await asyncio.to_thread(self.lab.start)
        await asyncio.to_thread(self.lab.reset)
        # The simulator routes as the sample dialplan does without calldesk's FastAGI routing.
        await asyncio.to_thread(self.lab.cli, 'dialplan set global CALLDESK_AGI ""')
        await self.connect(self.lab.ami_port)

    async def stop(self) -> None:
        for client in self.clients:
            if not client._task.done():
                with contextlib.suppress(Exception):
                    await client.close()
        await self.sipp.stop_all()
        if self.lab.alive():
            await asyncio.to_thread(self.lab.reset)

    async def phone(self, ext: str, ring_s: float = 0.8) -> None:
        await self.sipp.phone(ext, ring_ms=int(ring_s * 1000))

    async def customers(self) -> None:
        await self.sipp.customers()

    async def caller(self, number: str, account: str = "", did: str = "95555") -> None:
        await self.sipp.caller(number, did=did, keys=account + "#" if account else "")

    def now(self) -> float:
        return time.monotonic()

    async def tick(self) -> None:
        await asyncio.sleep(0.05)

    async def restart(self, clean: bool) -> None:
        pid = self.lab.pid
        assert pid is not None
        if clean:
            await asyncio.to_thread(self.lab.cli, "core restart now")
        else:
            os.kill(pid, signal.SIGKILL)
        await asyncio.wait_for(self.client._task, 20)
        if not clean:
            await self._relaunch(pid)
        await self._reconnect()

    async def _reconnect(self) -> None:
        """Connect again as the bridge does: a restarting Asterisk may take the connection and drop
        it, or not answer the login yet; such an attempt is left out of the recording."""
        deadline = time.monotonic() + 30
        while True:
            before = len(self.clients)
            try:
                await self.connect(self.lab.ami_port, snapshot=True, patience_s=30.0)
                return
            except (TimeoutError, ConnectionError) as exc:
                if time.monotonic() > deadline:
                    raise AssertionError(f"Asterisk did not come back within 30 s: {exc!r}") from exc
                if len(self.clients) > before:  # connected, then dropped or not answered
                    failed = self.clients.pop()
                    failed._task.cancel()
                    failed.writer.close()
                    self.recorder.lines = [line for line in self.recorder.lines if line["conn"] != failed.conn]
                    self.recorder.conn -= 1
                await asyncio.sleep(0.2)

    async def _relaunch(self, pid: int) -> None:
        """Start it again once the killed process is gone (a zombie still counts as running)."""
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and _alive(pid):
            await asyncio.sleep(0.05)
        with contextlib.suppress(FileNotFoundError):
            (self.lab.prefix / "var" / "run" / "asterisk" / "asterisk.pid").unlink()
        await asyncio.to_thread(self.lab.start)

    def saw(self, name: str, option: str) -> None:
        self.pins.setdefault(name, []).append(option)


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


async def _both(name: str, lab: Lab, sipp: SippLab,
                tmp_path: Path) -> tuple[dict[str, Any], dict[str, Any], LabFloor, SimFloor]:
    real_floor = LabFloor(lab, sipp)
    started = time.monotonic()
    try:
        real = await run(real_floor, FLOWS[name])
    finally:  # kept when the flow fails too: what the real Asterisk said is the first thing to read
        raw_path = real_floor.recorder.write(tmp_path / "real-raw.jsonl")
    print(f"{name}: {time.monotonic() - started:.1f} s on the real Asterisk, pins {real_floor.pins}")
    # What the simulator never sends (RTCP, CDRs, DTMF, bridge bookkeeping…) left out, as kept.
    real_path = save(raw_path, tmp_path / "real.jsonl", name, real_floor.pins)
    if keep := os.environ.get("CALLDESK_LIVE_RECORD"):
        shutil.copy(real_path, Path(keep) / f"{name}.jsonl")
    sim_floor = SimFloor(real_floor.pins)
    sim = await run(sim_floor, FLOWS[name])
    sim_path = sim_floor.recorder.write(tmp_path / "sim.jsonl")
    if domain(raw_path) != domain(real_path):  # the tracker's doing, not the simulator's: say so
        print(f"{name}: the tracker's events change with the events left out:\n"
              f"  all: {domain(raw_path)}\n  kept: {domain(real_path)}")
    assert domain(sim_path) == domain(real_path)
    assert skeleton(sim_floor.messages) == skeleton(real_floor.messages)
    return real, sim, real_floor, sim_floor


async def test_hung_up_by_calldesk(lab: Lab, sipp: SippLab, tmp_path: Path) -> None:
    """Cases 1, 4, 5: silence between calls; an AMI Hangup of the agent is Reason caller;
    CoreShowChannels' fields (ApplicationData of a caller in Queue())."""
    real, sim, _, _ = await _both("hung-up-by-calldesk", lab, sipp, tmp_path)
    assert real["between_calls"] == [] and sim["between_calls"] == []
    end = [m["Event"] for m in real["end"] if m["Event"] in ("HangupRequest", "SoftHangupRequest", "AgentComplete")]
    assert end == ["SoftHangupRequest", "AgentComplete"]  # no HangupRequest: nobody hung up but the PBX
    assert next(m for m in real["end"] if m["Event"] == "AgentComplete")["Reason"] == "caller"
    (waiting,) = real["waiting"]
    assert (waiting["Application"], waiting["ApplicationData"]) == ("Queue", "retail,t,,,600")
    assert snapshots(sim["waiting"], sim["talking"]) == snapshots(real["waiting"], real["talking"])


async def test_attended_transfer_header_variants(lab: Lab, sipp: SippLab, tmp_path: Path) -> None:
    """Case 2: AttendedTransfer comes with or without TransferTarget* (seen: 1 in 2-4 runs)."""
    real, sim, real_floor, _ = await _both("attended-transfer", lab, sipp, tmp_path)
    print("AttendedTransfer variants:", real_floor.pins["attended_transfer"])
    for theirs, ours in zip(real["transfers"], sim["transfers"], strict=True):
        assert sorted(k for k in ours if k != "Timestamp") == sorted(k for k in theirs if k != "Timestamp")


async def test_campaign_outcomes(lab: Lab, sipp: SippLab, tmp_path: Path) -> None:
    """Case 3: busy (486), unreachable (480), unanswered and answered campaign calls; where the
    OriginateResponse falls among the failed channel's events varies."""
    real, sim, _, _ = await _both("campaign", lab, sipp, tmp_path)
    reasons = {k: (m["Response"], m["Reason"]) for k, m in real["responses"].items()}
    assert reasons == {"busy": ("Failure", "0"), "unavailable": ("Failure", "0"), "noanswer": ("Failure", "3"),
                       "answer": ("Success", "4")}
    assert {k: (m["Response"], m["Reason"]) for k, m in sim["responses"].items()} == reasons


async def test_click_to_call(lab: Lab, sipp: SippLab, tmp_path: Path) -> None:
    """Case 6: the agent's phone rings and answers (OriginateResponse Success), then the customer
    leg: answered (calldesk hangs up), busy, 480, no answer (the dialplan's 30 s)."""
    real, _, _, _ = await _both("click-to-call", lab, sipp, tmp_path)
    for outcome, events in real["ends"].items():
        response = next(m for m in events if m["Event"] == "OriginateResponse")
        assert (response["Response"], response["Reason"]) == ("Success", "4"), outcome


async def test_restart_and_kill(lab: Lab, sipp: SippLab, tmp_path: Path) -> None:
    """Case 7: `core restart now` mid-call (SoftHangupRequest Cause 4 for every channel,
    AgentComplete, the waiting caller's abandon, Hangups, Shutdown), then SIGKILL (silence)."""
    real, _, _, _ = await _both("restart-and-kill", lab, sipp, tmp_path)
    names = [m["Event"] for m in real["shutdown"]]
    assert names[-1] == "Shutdown"
    assert "HangupRequest" not in names[names.index("SoftHangupRequest"):]
