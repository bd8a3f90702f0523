"""The PBX model without sockets: strategies, penalties, wrap-up, weights, Local members, redirect."""

from __future__ import annotations

import pytest

from telephony.simulator import center, inbound, members, queues, talk, transfer
from telephony.simulator.clock import SimClock
from telephony.simulator.model import CallSpec, Member, QueueConfig
from telephony.simulator.pbx import Pbx
from telephony.simulator.strategy import Candidate, pick


def make_pbx(agents: int = 3, queue: QueueConfig | None = None, **setup) -> tuple[Pbx, list[dict[str, str]]]:
    pbx = Pbx(SimClock(epoch=1795372966.0))
    pbx.on_idle.append(lambda: queues.dispatch(pbx))
    center.build(pbx, center.AgentSetup(count=agents, queues=("q",), **setup), [queue or QueueConfig("q")])
    seen: list[dict[str, str]] = []
    pbx.subscribers.append(lambda fields: seen.append(dict(fields)))
    return pbx, seen


def rung(seen: list[dict[str, str]]) -> list[str]:
    return [e["Interface"] for e in seen if e["Event"] == "AgentCalled"]


def caller(number: str, **kw) -> CallSpec:
    return CallSpec(number=number, queue="q", account="310000000001", ivr_s=1.0, **kw)


def test_rrmemory_rotates_through_free_members() -> None:
    pbx, seen = make_pbx(queue=QueueConfig("q", "rrmemory", wrapuptime=0))
    for i in range(4):
        inbound.place_call(pbx, caller(f"1380000000{i}", talk_s=5.0))
        pbx.clock.advance(30)
    assert rung(seen) == ["PJSIP/1001", "PJSIP/1002", "PJSIP/1003", "PJSIP/1001"]


def test_leastrecent_rings_the_phone_idle_longest() -> None:
    pbx, seen = make_pbx(queue=QueueConfig("q", "leastrecent", wrapuptime=0))
    pbx.phones["PJSIP/1001"].last_call = 300
    pbx.phones["PJSIP/1002"].last_call = 100
    pbx.phones["PJSIP/1003"].last_call = 200
    inbound.place_call(pbx, caller("13800000001", talk_s=5.0))
    pbx.clock.advance(30)
    assert rung(seen) == ["PJSIP/1002"]


def test_lower_penalty_first_and_ringall_rings_all_of_it() -> None:
    pbx, seen = make_pbx(queue=QueueConfig("q", "ringall"))
    members.penalty(pbx, "PJSIP/1001", 1)
    inbound.place_call(pbx, caller("13800000001", talk_s=5.0))
    pbx.clock.advance(2)
    assert sorted(rung(seen)) == ["PJSIP/1002", "PJSIP/1003"]


def test_strategy_pick_is_pure() -> None:
    ms = [Member("q", f"PJSIP/100{i}", "x", f"PJSIP/100{i}") for i in range(3)]
    cands = [Candidate(i, m, 0) for i, m in enumerate(ms)]
    assert pick("rrmemory", cands, 2) == ([ms[2]], 3)
    assert pick("rrmemory", cands, 3) == ([ms[0]], 1)
    assert pick("ringall", [], 0) == ([], 0)


def test_wrap_up_keeps_a_member_out_then_it_rings_again() -> None:
    pbx, seen = make_pbx(agents=1, queue=QueueConfig("q", wrapuptime=10))
    inbound.place_call(pbx, caller("13800000001", talk_s=5.0))
    pbx.clock.run_until(10)  # answered at 4, hung up at 9
    inbound.place_call(pbx, caller("13800000002", talk_s=5.0))
    pbx.clock.run_until(18.9)  # joined at 11; wrap-up until 19
    assert len(rung(seen)) == 1
    pbx.clock.run_until(19.5)
    assert len(rung(seen)) == 2


def test_ring_timeout_auto_pauses_and_the_caller_retries() -> None:
    pbx, seen = make_pbx(agents=2, queue=QueueConfig("q", timeout=12, retry=2), ring_delay=None)
    inbound.place_call(pbx, caller("13800000001"))
    pbx.clock.run_until(1 + 12 + 2 + 0.5)
    names = [e["Event"] for e in seen]
    assert "AgentRingNoAnswer" in names
    paused = [e for e in seen if e["Event"] == "QueueMemberPause"]
    assert paused[0]["PausedReason"] == "Auto-Pause" and paused[0]["Interface"] == "PJSIP/1001"
    assert rung(seen) == ["PJSIP/1001", "PJSIP/1002"]


def test_heavier_queue_keeps_a_shared_member() -> None:
    pbx = Pbx(SimClock(epoch=0.0))
    pbx.on_idle.append(lambda: queues.dispatch(pbx))
    center.build(pbx, center.AgentSetup(count=1, queues=("light", "heavy")),
                 [QueueConfig("light"), QueueConfig("heavy", weight=10)])
    seen: list[dict[str, str]] = []
    pbx.subscribers.append(lambda fields: seen.append(dict(fields)))
    members.pause(pbx, "PJSIP/1001", True, "lunch")
    inbound.place_call(pbx, CallSpec("13800000001", queue="light", ivr_s=0.5, talk_s=5.0))
    inbound.place_call(pbx, CallSpec("13500000005", queue="heavy", ivr_s=1.0, talk_s=5.0))
    pbx.clock.run_until(2)
    members.pause(pbx, "PJSIP/1001", False)
    pbx.clock.run_until(40)
    assert [e["Queue"] for e in seen if e["Event"] == "AgentCalled"] == ["heavy", "light"]


def test_local_member_rings_through_a_local_pair() -> None:
    pbx, seen = make_pbx(agents=4, logged_in=False)
    members.add(pbx, "q", "Local/1004@agents/n", "陈杰", state_interface="PJSIP/1004")
    inbound.place_call(pbx, caller("13800000001", talk_s=5.0))
    pbx.clock.advance(5)
    called = next(e for e in seen if e["Event"] == "AgentCalled")
    assert called["Interface"] == "Local/1004@agents/n" and called["DestChannel"].endswith(";1")
    phone_dial = [e for e in seen if e["Event"] == "DialBegin" and e["DestChannel"].startswith("PJSIP/1004-")]
    assert phone_dial and phone_dial[0]["Channel"].endswith(";2")
    pbx.clock.advance(10)
    assert not pbx.channels  # every channel hung up


def test_redirect_defers_agent_complete_to_the_callers_hangup() -> None:
    pbx, seen = make_pbx(agents=2)
    call = inbound.place_call(pbx, caller("13800000001", talk_s=None))
    pbx.clock.advance(5)
    first = call.connected.phone.extension
    other = "1002" if first == "1001" else "1001"
    transfer.redirect(pbx, call, other, "transfer-targets")
    assert not [e for e in seen if e["Event"] == "AgentComplete"]
    pbx.clock.advance(10)
    assert call.connected is not None and call.connected.phone.extension == other
    talk.caller_hangs_up(pbx, call)
    completes = [e for e in seen if e["Event"] == "AgentComplete"]
    assert len(completes) == 1 and completes[0]["Reason"] == "caller"
    assert completes[0]["Interface"] == f"PJSIP/{first}"


@pytest.mark.parametrize("seed", [1, 2])
def test_traffic_is_reproducible_from_its_seed(seed: int) -> None:
    from telephony.simulator.runner import Simulator, SimulatorConfig
    from telephony.simulator.traffic import Customer, TrafficConfig

    def run(s: int) -> list[str]:
        config = SimulatorConfig(manual_clock=True, seed=s, epoch=0.0, traffic=TrafficConfig(
            calls_per_hour=600, customers=[Customer("13800138000", "310012345678", "vip")]))
        sim = Simulator(config)
        seen: list[str] = []
        sim.pbx.subscribers.append(lambda f: seen.append(f"{f[0][1]}:{dict(f).get('Channel', '')}"))
        sim.traffic.start()
        sim.clock.run_until(1800)
        return seen

    first = run(seed)
    assert first == run(seed)
    assert first != run(seed + 10)
    assert sum(1 for e in first if e.startswith("Newchannel:PJSIP/carrier")) > 150  # ~300 expected in 30 min


def test_click_to_dial_customer_hangs_up_or_agent_does() -> None:
    from telephony.simulator import originate
    from telephony.simulator.dialout import Dialout

    for who in ("customer", "agent"):
        pbx, _seen = make_pbx(agents=1)
        pbx.dialout = lambda number: Dialout("answer", 2.0, None)
        originate.start(pbx, originate.Request(channel="PJSIP/1001", action_id="a1", context="outbound",
                                               exten="13900139000"))
        pbx.clock.advance(10)
        call = next(iter(pbx.calls))
        assert call.customer is not None and call.customer.name in pbx.channels
        if who == "customer":
            originate.customer_hangs_up(pbx, call, call.customer)
        else:
            talk.caller_hangs_up(pbx, call)  # the agent's channel is this call's first leg
        assert not pbx.channels and not pbx.calls and not pbx.phones["PJSIP/1001"].busy


def test_a_failing_timer_is_logged_when_asked_and_raises_otherwise() -> None:
    errors: list[BaseException] = []
    clock = SimClock(epoch=0.0, on_error=errors.append)
    clock.call_later(1.0, lambda: 1 / 0)
    clock.call_later(2.0, lambda: errors.append(None))
    clock.run_until(3.0)
    assert isinstance(errors[0], ZeroDivisionError) and errors[1] is None
    strict = SimClock(epoch=0.0)
    strict.call_later(1.0, lambda: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        strict.run_until(2.0)
