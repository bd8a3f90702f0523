"""Random traffic for simulated hours: nothing leaks, every call ends once, the tracker never trips."""

from __future__ import annotations

from collections import Counter

from telephony.simulator import center
from telephony.simulator.runner import Simulator, SimulatorConfig
from telephony.simulator.traffic import Customer, TrafficConfig
from telephony.tracker import Tracker


def test_two_hours_of_traffic_then_quiet() -> None:
    customers = [Customer(f"1380000{i:04d}", f"3100000{i:05d}", "vip" if i % 10 == 0 else "") for i in range(200)]
    traffic = TrafficConfig(calls_per_hour=900, customers=customers, talk_median_s=60, patience_mean_s=60)
    sim = Simulator(SimulatorConfig(manual_clock=True, seed=11, epoch=0.0, traffic=traffic,
                                    agents=center.AgentSetup(count=8)))
    tracker = Tracker(wrapup_s=3.0)
    events: Counter[str] = Counter()
    ended_calls: Counter[tuple[str, str | None, int]] = Counter()
    outcomes: Counter[str] = Counter()

    def feed(fields) -> None:
        for event in tracker.feed(dict(fields), sim.clock.now):
            events[event.name] += 1
            if event.name == "ended":
                ended_calls[(event.call, event.queue, event.pass_no)] += 1
                outcomes[event.outcome] += 1

    sim.pbx.subscribers.append(feed)
    sim.traffic.start()
    sim.clock.run_until(2 * 3600)
    traffic.calls_per_hour = 0  # no new callers; what is in progress finishes
    sim.clock.run_until(4 * 3600)
    pbx = sim.pbx
    assert sim.traffic.placed > 1500
    assert not pbx.calls and not pbx.channels
    assert all(not q.entries for q in pbx.queues.values())
    assert all(not p.busy and not p.ringing for p in pbx.phones.values())
    assert tracker.skipped == 0
    assert max(ended_calls.values()) == 1  # one ended per call, queue and pass
    # Agents transfer some callers back into the queue they came from (8001 = retail): a second pass.
    assert any(pass_no == 2 for _, _, pass_no in ended_calls)
    assert events["ended"] >= sim.traffic.placed  # every caller's call ends (some pass two queues)
    for outcome in ("answered", "abandoned", "callback_requested", "busy"):
        assert outcomes[outcome] > 0, outcomes
    assert events["ring_stopped"] > 0 and events["callback_requested"] == outcomes["callback_requested"]
    habits = sim.traffic.habits
    assert habits.transfers > 0 and events["transferred"] == habits.transfers
    assert habits.breaks > 0
