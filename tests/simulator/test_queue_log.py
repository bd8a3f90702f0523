"""The simulator's queue_log (what app_queue writes) tells the same queue passes as the tracker
reading its AMI events: the reconciliation from queue_log (console/server/reconcile.py) and the
live recorder agree on every call, queue, pass and outcome."""

from __future__ import annotations

from telephony.queue_log import Row, passes
from telephony.simulator import center
from telephony.simulator.runner import Simulator, SimulatorConfig
from telephony.simulator.traffic import Customer, TrafficConfig
from telephony.tracker import Tracker


def test_queue_log_and_the_tracker_tell_the_same_passes() -> None:
    customers = [Customer(f"1380000{i:04d}", f"3100000{i:05d}", "vip" if i % 10 == 0 else "") for i in range(100)]
    traffic = TrafficConfig(calls_per_hour=1200, customers=customers, talk_median_s=40, patience_mean_s=40,
                            direct_share=0.0)
    sim = Simulator(SimulatorConfig(manual_clock=True, seed=5, epoch=1_796_600_000.0, traffic=traffic,
                                    agents=center.AgentSetup(count=6)))
    tracker = Tracker(wrapup_s=3.0)
    ended = {}

    def feed(fields) -> None:
        for event in tracker.feed(dict(fields), sim.clock.now):
            if event.name == "ended" and event.queue:
                ended[(event.call, event.queue, event.pass_no)] = (event.outcome, event.agent)

    sim.pbx.subscribers.append(feed)
    assert sim.traffic is not None
    sim.traffic.start()
    sim.clock.run_until(3600)
    sim.traffic.stop()
    sim.clock.run_until(3 * 3600)
    lines = sim.pbx.ledger.queue_log
    rows = (Row(t, callid, queue, agent, event, *data) for t, callid, queue, agent, event, data in lines)
    logged = {(p.call, p.queue, p.pass_no): (p.outcome, p.agent) for p in passes(rows)}
    names = {phone.name: phone.extension for phone in sim.pbx.phones.values()}
    assert len(logged) > 300 and set(logged) == set(ended)
    for key, (outcome, member) in logged.items():
        assert (outcome, names.get(member or "")) == ended[key], key
    outcomes = {outcome for outcome, _ in logged.values()}
    assert {"answered", "abandoned", "callback_requested"} <= outcomes
    assert any(pass_no == 2 for _, _, pass_no in logged)  # a caller transferred back into a queue
