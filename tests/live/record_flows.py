"""Record what the real Asterisk sends for the flows the tracker's offline tests pin.

Run by hand (not collected by default: its name does not start with ``test_``)::

    .venv/bin/python -m pytest -p no:cacheprovider tests/live/record_flows.py

Each flow lands in ``tests/fixtures/lab-recordings/<name>.jsonl`` in the captures' format (our
own lab runs: Asterisk 22.10.1 with docs/asterisk laid over the lab's configuration), and
``tests/telephony/test_tracker_lab_recordings.py`` replays them through the tracker. Where
Asterisk's event order varies, the flow is repeated until each variant was seen once.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from tests.live.floor import LiveFloor, answered_call
from tests.live.sipp import SippLab

OUT = Path(__file__).resolve().parents[1] / "fixtures" / "lab-recordings"


async def _agent_floor(floor: LiveFloor, sipp: SippLab, *exts: str) -> dict:
    await floor.start()
    consoles = {ext: await floor.console(f"agent{ext}") for ext in exts}
    for ext in exts:
        await sipp.phone(ext, ring_ms=1000)
    await floor.log_in_queue(exts[0])
    return consoles


async def test_record_attended_transfer_variants(floor: LiveFloor, sipp: SippLab) -> None:
    consoles = await _agent_floor(floor, sipp, "1001", "1002")
    seen: set[bool] = set()
    for _ in range(12):
        mark = floor.observer.mark()
        call, _caller = await answered_call(floor, sipp, consoles["1001"], hold_ms=12_000)
        await floor.call_api("agent1001", "POST", f"/api/calls/{call}/transfer", {"to": "1002", "kind": "attended"})
        await asyncio.sleep(3.5)  # 1002 answers the consult after 1 s
        floor.lab.cli("channel request hangup " + next(c for c in floor.lab.channels() if c.startswith("PJSIP/1001")))
        await floor.wait_until(lambda: not floor.lab.channels(), "the caller to hang up", timeout=20)
        transfer = floor.observer.events("AttendedTransfer")[-1]
        headers = "TransferTargetChannel" in transfer
        if headers not in seen:
            seen.add(headers)
            name = "atxfer-target-headers" if headers else "atxfer-no-target-headers"
            floor.observer.save(OUT / f"{name}.jsonl", name, "AMI Atxfer of a retail call from 1001 to "
                                "1002@transfer-targets; 1002 answers the consult, 1001's leg is hung up, the "
                                "caller hangs up ~12 s after keying the account", since=mark)
        if len(seen) == 2:
            return
    raise AssertionError(f"only saw variants {seen} in 12 runs")


async def test_record_agent_hung_up_by_calldesk(floor: LiveFloor, sipp: SippLab) -> None:
    consoles = await _agent_floor(floor, sipp, "1001")
    mark = floor.observer.mark()
    call, _caller = await answered_call(floor, sipp, consoles["1001"])
    await asyncio.sleep(2)
    from console.server import keys

    channel = floor.app[keys.CALLS].get(call).talking("1001").channel
    await floor.call_api("agent1001", "POST", f"/api/calls/{call}/hangup")
    await consoles["1001"].wait("ended", call=call)
    await asyncio.sleep(1)
    floor.observer.save(OUT / "agent-hangup-by-ami.jsonl", "agent-hangup-by-ami",
                        "1001 answers a retail call; calldesk hangs 1001's leg up with AMI Hangup (the agent's "
                        "hang-up key): AgentComplete says Reason: caller", since=mark,
                        calldesk_hangup={"channel": channel, "by": "agent"})


CUSTOMERS = {"answered": "13900139001", "busy": "13700137001", "no_answer": "13600136001", "unavailable": "13500135001"}


async def test_record_click_to_call(floor: LiveFloor, sipp: SippLab) -> None:
    await floor.start()
    await floor.console("agent1001")
    await sipp.phone("1001", ring_ms=1000)
    await sipp.customers()
    for outcome, number in CUSTOMERS.items():
        mark = floor.observer.mark()
        reply = await floor.call_api("agent1001", "POST", "/api/calls/originate", {"number": number})
        await floor.observer.wait("OriginateResponse", timeout=20, ActionID=reply["action_id"])
        await floor.wait_until(lambda: not floor.lab.channels(), f"the {outcome} call to end", timeout=60)
        await asyncio.sleep(0.5)
        floor.observer.save(OUT / f"click-to-call-{outcome}.jsonl", f"click-to-call-{outcome}",
                            f"AMI Originate Channel=PJSIP/1001 Context=outbound Exten={number} (the agent's "
                            f"click-to-call); 1001 answers after 1 s; the customer: {outcome}", since=mark,
                            originate={"action_id": reply["action_id"], "agent": "1001", "number": number})


async def test_record_campaign_busy_orders(floor: LiveFloor, sipp: SippLab) -> None:
    await floor.start()
    await sipp.customers()
    seen: set[bool] = set()
    for n in range(10):
        mark = floor.observer.mark()
        action_id = await floor.bridge.originate(
            f"PJSIP/{CUSTOMERS['busy']}@carrier", exten="s", context="campaign", caller_id="95555",
            variables={"CALLDESK_LEAD": str(n), "CALLDESK_CAMPAIGN": "1", "CALLDESK_QUEUE": "retail",
                       "CALLDESK_NUMBER": CUSTOMERS["busy"]}, action_id=f"dialer-1-{n}-1-{n}")
        response = await floor.observer.wait("OriginateResponse", timeout=20, ActionID=action_id)
        await asyncio.sleep(0.5)
        stamps = [float(m["Timestamp"]) for m in floor.observer.events("Hangup")
                  if m.get("Channel", "").startswith("PJSIP/carrier")]
        hangup_first = bool(stamps) and max(stamps) <= float(response["Timestamp"])
        if hangup_first not in seen:
            seen.add(hangup_first)
            name = "campaign-busy-hangup-first" if hangup_first else "campaign-busy-response-first"
            floor.observer.save(OUT / f"{name}.jsonl", name, f"dialer Originate of a busy customer "
                                f"(PJSIP/{CUSTOMERS['busy']}@carrier, 486) into [campaign]", since=mark,
                                originate={"action_id": action_id, "number": CUSTOMERS["busy"]})
        if len(seen) == 2:
            return
    raise AssertionError(f"only saw orders {seen} (Hangup first?) in 10 runs")
