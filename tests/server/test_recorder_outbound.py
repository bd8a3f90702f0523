"""An agent's phone dialling out, through the real Bridge and server: one outbound Interaction.

Capture 09's click-to-dial with the Originate's own events taken out (the first leg's dial
events without a Channel, the OriginateResponse and the action's reply) is PJSIP/1001 dialling
13900139000 itself; the capture's campaign calls stay as recorded.
"""

from __future__ import annotations

from console.server import keys
from telephony.transcripts import Frame, parse_frame_headers
from tests.server.floor import replay_floor
from tests.server.test_recorder import interactions

CALL, PHONE = "1795373211.23", "PJSIP/1001-00000015"


def without_the_originate(frames: list[Frame]) -> list[Frame]:
    def originate_part(frame: Frame) -> bool:
        m = parse_frame_headers(frame.raw)
        if m.get("ActionID") == "cc-0003":  # its reply and its OriginateResponse
            return True
        return m.get("Event") in ("DialBegin", "DialState", "DialEnd") and not m.get("Channel") \
            and m.get("DestChannel") == PHONE
    return [f for f in frames if f.dir != "recv" or not originate_part(f)]


async def test_a_phone_dialled_call_is_recorded_as_the_agents_outbound_call(make_client, seeded_engine, seed) -> None:
    async with replay_floor(make_client, "09-outbound-callback-originate", hold_until="CoreShowChannels",
                            edit=without_the_originate) as floor:
        await floor.settle()
        stats = floor.client.app[keys.STATS]
        assert "1001" not in stats.day.handled  # not a queue's call, nor one the agent took
    (row,) = [r for r in interactions(seeded_engine) if r.linkedid == CALL]
    assert (row.direction, row.queue, row.agent_ext, row.agent_id) == ("outbound", "", "1001", seed.staff["agent1"])
    assert (row.caller_number, row.outcome, row.hangup_by, row.cause) == ("13900139000", "answered", "caller", 16)
    # the capture's other calls (campaign calls: Originates) are recorded as before, inbound through retail
    assert {(r.linkedid, r.queue, r.direction) for r in interactions(seeded_engine)
            if not r.linkedid.startswith("hist-") and r.linkedid != CALL} == {("1795373224.25", "retail", "inbound")}
