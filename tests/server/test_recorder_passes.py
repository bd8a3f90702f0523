"""A call passing twice through the same queue, through the real Bridge and server: an Interaction
per pass, counted as two offered calls, and no duplicate after a reconnect, a restart with the
capture replayed again, or an outbox record applied twice.

The call is tests/telephony/test_tracker_passes.py's scripted blind transfer back into retail
(the captures show no such call), served by the replay server after capture 01's own call.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

from console.server import keys
from console.server.outbox import Outbox
from telephony.bridge import Bridge
from telephony.replay_plan import ConnPlan
from telephony.replay_server import ReplayServer
from telephony.transcripts import Frame, parse_frame_headers
from tests.server.floor import Floor, replay_floor
from tests.server.test_outbox import record
from tests.server.test_recorder import interactions
from tests.telephony.ami_helpers import transcript_of
from tests.telephony.test_tracker_passes import transferred_back

CALL = "1795370000.1"  # the scripted call's linkedid
PASSES = [("retail", 1, "1001", "answered"), ("retail", 2, "1002", "answered")]


def scripted_frames(after_t: float = 0.0) -> list[Frame]:
    return [Frame(t=f.t + after_t, dir=f.dir, raw=f.raw)
            for f in transcript_of(Path("transferred-back"), transferred_back().fed).frames]


def with_the_call_transferred_back(frames: list[Frame]) -> list[Frame]:
    """The capture's frames, with the scripted call streamed after its last event (before Logoff)."""
    end = next((i for i, f in enumerate(frames)
                if f.dir == "sent" and parse_frame_headers(f.raw).get("Action") == "Logoff"), len(frames))
    last = max(f.t for f in frames[:end])
    return frames[:end] + scripted_frames(after_t=last + 1.0) + frames[end:]


def passes_of(engine: Any) -> list[tuple[str, int, str | None, str]]:
    return [(r.queue, r.pass_no, r.agent_ext, r.outcome) for r in interactions(engine) if r.linkedid == CALL]


async def test_each_pass_is_recorded_and_counted_once_also_after_a_restart(make_client, seeded_engine, seed) -> None:
    for run in range(2):  # the second server rebuilds from the store, then gets the same events again
        async with replay_floor(make_client, "01-answered-caller-hangup", hold_until="CoreShowChannels",
                                edit=with_the_call_transferred_back) as floor:
            await floor.settle()
            stats = floor.client.app[keys.STATS]
            # capture 01's call and the two passes: three calls offered, three answered
            retail = stats.day.metrics("retail")
            assert (retail.offered, retail.answered) == (3, 3), run
            assert (stats.day.handled["1001"], stats.day.handled["1002"]) == (2, 1), run
        assert passes_of(seeded_engine) == PASSES, run


async def test_a_reconnect_during_the_second_pass_records_each_pass_once(make_client, seeded_engine, seed) -> None:
    """The link drops while the caller talks to 1002 in pass 2; the snapshot shows the call still
    up, and its end is pass 2's, once; pass 1's is not repeated."""
    frames = scripted_frames()
    hangup = next(i for i, f in enumerate(frames) if parse_frame_headers(f.raw).get("Event") == "HangupRequest"
                  and f.t > 19)
    caller, agent = (parse_frame_headers(f.raw) for f in (frames[0], frames[hangup - 1]))
    assert caller["Event"] == "Newchannel" and agent["Event"] == "AgentConnect"
    snapshot = [{"Event": "CoreShowChannel", "Channel": caller["Channel"], "Uniqueid": caller["Uniqueid"],
                 "Linkedid": caller["Linkedid"], "CallerIDNum": caller["CallerIDNum"], "Application": "Queue",
                 "ChannelState": "6", "ChannelStateDesc": "Up"},
                {"Event": "CoreShowChannel", "Channel": agent["DestChannel"], "Uniqueid": agent["DestUniqueid"],
                 "Linkedid": agent["DestLinkedid"], "CallerIDNum": agent["DestCallerIDNum"],
                 "Application": "AppQueue", "ChannelState": "6", "ChannelStateDesc": "Up"}]
    server = ReplayServer([ConnPlan(frames[:hangup], then="close"),
                           ConnPlan(frames[hangup:], snapshot={"CoreShowChannels": snapshot})])
    await server.start()
    bridge = Bridge("main", "127.0.0.1", server.port, server.username, server.secret)
    floor = Floor(await make_client(bridges={"main": bridge}), server, bridge)
    try:
        await floor.settle()
        stats = floor.client.app[keys.STATS]
        assert server.connections == 2
        assert stats.day.metrics("retail").offered == 2
    finally:
        await floor.close()
        await server.close()
    assert passes_of(seeded_engine) == PASSES


async def test_the_passes_outbox_records_applied_twice_are_written_once(migrated_engine, tmp_path: Path) -> None:
    """Pass 1 as a record journalled before passes were numbered (no ``pass_no``), pass 2 with it;
    written, then found in the journal again (a crash between the commit and the delete) and
    replayed by the restarted server's outbox: nothing more."""
    journal = tmp_path / "outbox.sqlite3"
    records = [record(CALL, outcome="answered", agent="1001"),
               record(CALL, outcome="abandoned", t=1795372990.0, pass_no=2)]
    for replay in (False, True):
        if replay:
            crashed = Outbox(journal, migrated_engine)
            await asyncio.to_thread(crashed._open)
            for rec in records:
                await asyncio.to_thread(crashed._append, "interaction", json.dumps(rec))
            crashed._db.close()
        outbox = Outbox(journal, migrated_engine)
        await outbox.start()
        for rec in records if not replay else ():
            await outbox.submit("interaction", rec)
        await asyncio.wait_for(outbox.drained(), 20)
        await outbox.stop()
        assert passes_of(migrated_engine) == [("retail", 1, "1001", "answered"), ("retail", 2, None, "abandoned")]
