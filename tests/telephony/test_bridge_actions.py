"""The Bridge's actions over TCP, GBK-speaking PBXs, and the event filter's promise."""

from __future__ import annotations

import asyncio
import random
from pathlib import Path

import pytest

from telephony.bridge import Bridge
from telephony.connection import AmiActionError
from telephony.event_filter import filter_for
from telephony.framing import FrameDecoder
from telephony.replay import replay
from telephony.replay_plan import ConnPlan
from telephony.replay_server import ReplayServer
from telephony.tracker import Tracker
from telephony.transcripts import Frame, Transcript, load

from .ami_helpers import SleepLog, run_through_bridge, without_t

FIXTURES = Path(__file__).parents[1] / "fixtures" / "ami-transcripts"
CAPTURES = sorted(FIXTURES.glob("*.jsonl"))


def reencoded(path: Path, encoding: str) -> Transcript:
    tr = load(path)
    frames = [Frame(f.t, f.dir, f.raw.decode("utf-8").encode(encoding), f.conn) for f in tr.frames]
    return Transcript(path=tr.path, header=tr.header, frames=frames)


@pytest.mark.parametrize("encoding", ["gbk", "gb18030"])
async def test_gbk_caller_name_is_readable_byte_by_byte(encoding: str) -> None:
    path = next(FIXTURES.glob("16-*.jsonl"))
    got, _, _ = await run_through_bridge(reencoded(path, encoding), encoding=encoding, chunk=1, timestamps=True)
    rings = [e for e in got if e.name == "ringing"]
    assert [r.caller_name for r in rings] == ["张三丰"]
    assert without_t(got) == without_t(list(replay(path)))


@pytest.mark.parametrize("path", CAPTURES, ids=lambda p: p.stem)
def test_the_filter_drops_nothing_the_tracker_needs(path: Path) -> None:
    """Feeding only what the Bridge's filter lets through gives the same events as feeding all."""
    tr = load(path)
    if any(f.conn != 1 for f in tr.frames):
        pytest.skip("multi-connection capture: covered over TCP in test_replay_server")
    filtered, everything = Tracker(), Tracker()
    picky, plain = FrameDecoder(event_filter=filter_for(filtered)), FrameDecoder()
    got, want, kept, total = [], [], 0, 0
    for f in tr.received():
        data = f.raw if f.is_banner else f.raw + b"\r\n"
        for m in picky.feed(data):
            kept += 1
            got += filtered.feed(m, f.t)
        for m in plain.feed(data):
            total += 1
            want += everything.feed(m, f.t)
    assert kept < total * 0.6  # the point of it: most of the stream is never parsed
    assert without_t(got) == without_t(want)


async def running_bridge(server: ReplayServer) -> tuple[Bridge, asyncio.Task]:
    bridge = Bridge("pbx", "127.0.0.1", server.port, server.username, server.secret,
                    sleep=SleepLog(), rng=random.Random(1), clock=lambda: 0.0, boot_timeout_s=5)
    task = asyncio.create_task(bridge.run())
    async with asyncio.timeout(10):
        while not bridge.connected:
            await asyncio.sleep(0.01)
    return bridge, task


async def test_actions_are_sent_as_asterisk_expects_and_answered() -> None:
    async with ReplayServer([ConnPlan([])], errors={"QueueRemove": "Unable to remove interface: Not there"}) as server:
        bridge, task = await running_bridge(server)
        action_id = await bridge.originate("PJSIP/1001", "13900139000", "outbound", caller_id="95555",
                                           variables={"LEAD": "42"}, action_id="cc-42")
        assert action_id == "cc-42"
        assert (await bridge.hangup("PJSIP/1001-00000001"))["Response"] == "Success"
        await bridge.redirect("PJSIP/carrier-00000001", "s", "vip")
        await bridge.blind_transfer("PJSIP/1001-00000001", "1002", "transfer-targets")
        await bridge.atxfer("PJSIP/1001-00000001", "1002", "transfer-targets")
        await bridge.queue_pause("PJSIP/1001", True, reason="lunch")
        await bridge.queue_add("retail", "PJSIP/1003", "王芳", penalty=1, paused=False, state_interface="PJSIP/1003")
        await bridge.chanspy("1009", "PJSIP/1001-00000001", "whisper")
        assert await bridge.queue_status() == [] and await bridge.core_show_channels() == []
        with pytest.raises(AmiActionError, match="Not there"):
            await bridge.queue_remove("retail", "PJSIP/1003")
        await bridge.close()
        await task
    sent = {a["Action"]: a for a in reversed(server.actions)}  # the first of each
    assert sent["Originate"]["Async"] == "true" and sent["Originate"]["Variable"] == "LEAD=42"
    assert sent["Originate"]["ActionID"] == "cc-42"
    assert sent["QueueAdd"]["MemberName"] == "王芳"
    spy = [a for a in server.actions if a["Action"] == "Originate"][-1]
    assert spy["Channel"] == "Local/1009@agents" and spy["Data"] == "PJSIP/1001-00000001,qEw"
    assert [a["Action"] for a in server.actions][:4] == ["Login", "Events", "QueueStatus", "CoreShowChannels"]


class RecordingTracker(Tracker):
    def __init__(self, agent_map=None) -> None:
        super().__init__(agent_map)
        self.hooks: list[str] = []

    def connection_lost(self, t: float):
        self.hooks.append("lost")
        return super().connection_lost(t)

    def resync_done(self, t: float):
        self.hooks.append("done")
        return super().resync_done(t)


async def test_a_refused_channel_list_is_no_resync_the_link_is_retried() -> None:
    async with ReplayServer([ConnPlan([])], errors={"CoreShowChannels": "Permission denied"}) as server:
        bridge = Bridge("pbx", "127.0.0.1", server.port, server.username, server.secret, sleep=SleepLog(),
                        rng=random.Random(1), clock=lambda: 0.0, boot_timeout_s=5, tracker_factory=RecordingTracker)
        task = asyncio.create_task(bridge.run())
        async with asyncio.timeout(10):
            while server.connections < 3:
                await asyncio.sleep(0.01)
        await bridge.close()
        await task
    assert "done" not in bridge.tracker.hooks and bridge.tracker.hooks[:2] == ["lost", "lost"]
    assert "Permission denied" in (bridge.last_error or "")
