"""Today's figures kept call by call (telephony.stats_live): hand-computed cases."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from telephony.events import AgentState, Ended, event_from_json
from telephony.stats import QueueCall, by_interval, compute
from telephony.stats_live import DayStats, QueueTarget, live_queue, queue_stats

DAY = 1_795_334_400.0  # some local midnight, epoch seconds
TARGETS = {"retail": QueueTarget(20, 80, wrapup_s=3), "vip": QueueTarget(15, 90)}


def day() -> DayStats:
    return DayStats(day_start=DAY, targets=TARGETS, short_abandon_s=5)


def qc(outcome, wait, at, talk=0.0, queue="retail", agent=None):
    return QueueCall(queue, DAY + at, outcome, wait, talk, 0.0, agent)


def test_an_empty_day_has_a_zero_board_and_a_flat_sparkline():
    stats = queue_stats(day(), "retail", live_queue("retail", [], {}, DAY + 1000), DAY + 1000)
    assert (stats.offered, stats.answered, stats.abandoned, stats.waiting) == (0, 0, 0, 0)
    assert stats.service_level is None and stats.asa_s is None and stats.aht_s is None
    assert stats.sparkline == [0, 0]  # midnight..00:15, 00:15..00:30 (1000 s is in the second)
    assert (stats.service_level_s, stats.target_pct) == (20, 80)


def test_the_same_pass_counts_once_and_other_days_not_at_all():
    d = day()
    assert d.add(("main", "1.1", "retail"), qc("answered", 4, 100, talk=60, agent="1001"))
    assert not d.add(("main", "1.1", "retail"), qc("answered", 4, 100, talk=60, agent="1001"))
    assert not d.add(("main", "0.9", "retail"), qc("answered", 4, -1))  # yesterday 23:59:59
    assert not d.add(("main", "2.0", "retail"), qc("answered", 4, 86_400))  # tomorrow 00:00
    assert d.metrics("retail").offered == 1 and d.handled == {"1001": 1}


def test_each_pass_through_the_same_queue_is_an_offered_call_of_its_own():
    """A caller transferred back into retail: the tracker numbers the passes, and the day counts
    both (as app_queue counts a caller joining again); each pass again (a resync) adds nothing."""
    from tests.telephony.test_tracker_passes import transferred_back

    ends = [event_from_json({**e, "t": DAY + 100 + e["t"]}) for e in transferred_back().of("ended")]
    assert [(e.queue, e.pass_no) for e in ends] == [("retail", 1), ("retail", 2)]
    d = day()
    for _ in range(2):
        for e in ends:
            d.add(("main", e.call, e.queue or "", e.pass_no), QueueCall.from_ended(e))
    m = d.metrics("retail")
    assert (m.offered, m.answered, m.asa_s) == (2, 2, 2.5) and d.handled == {"1001": 1, "1002": 1}


def test_an_ended_frame_without_a_pass_number_is_a_first_pass():
    frame = {"event": "ended", "t": 1.0, "call": "1.1", "caller": "13800138000", "agent": None,
             "queue": "retail", "outcome": "abandoned", "hangup_by": "caller"}
    assert event_from_json(frame).pass_no == 1
    assert event_from_json({**frame, "pass_no": 2}).to_json()["pass_no"] == 2


def test_aht_adds_the_queues_wrapup_to_each_answered_call_only():
    d = day()
    d.add(("m", "a", "retail"), qc("answered", 10, 10, talk=100, agent="1001"))
    d.add(("m", "b", "retail"), qc("answered", 30, 20, talk=50, agent="1002"))
    d.add(("m", "c", "retail"), qc("abandoned", 40, 30))
    m = d.metrics("retail")
    assert m.aht_s == pytest.approx((103 + 53) / 2)
    assert m.asa_s == pytest.approx(20)
    assert m.service_level == pytest.approx(1 / 3)  # 1 in SL of 2 answered + 1 abandoned after SL


def test_aht_counts_the_measured_after_call_work_in_place_of_the_configured_one():
    """The agent was held for the disposition: those seconds replace retail's 3 s wrap-up, live
    (after_call) and when read back from the store (acw_s on the call)."""
    d = day()
    d.add(("m", "a", "retail", 1), qc("answered", 10, 10, talk=100, agent="1001"))
    d.add(("m", "b", "retail", 1), qc("answered", 30, 20, talk=50, agent="1002"))
    assert d.metrics("retail").aht_s == pytest.approx((103 + 53) / 2)
    assert d.after_call("a", "1001", 40.0) == "retail"
    assert d.after_call("a", "1002", 9.0) is None and d.after_call("x", "1001", 9.0) is None  # not theirs
    assert d.metrics("retail").aht_s == pytest.approx((140 + 53) / 2)
    assert d.after_call("a", "1001", 20.0) == "retail"  # measured again (the hold ran out first)
    assert d.metrics("retail").aht_s == pytest.approx((120 + 53) / 2)
    stored = day()  # the same day rebuilt from the store after a restart
    stored.add(("m", "a", "retail", 1), QueueCall("retail", DAY + 10, "answered", 10, 100, agent="1001", acw_s=20.0))
    stored.add(("m", "b", "retail", 1), qc("answered", 30, 20, talk=50, agent="1002"))
    assert stored.metrics("retail") == d.metrics("retail")


def test_direct_calls_count_for_the_agent_not_for_a_queue():
    d = day()
    d.add(("m", "d", ""), qc("answered", 0, 50, talk=30, queue="", agent="1002"))
    assert d.calls == {} and d.handled == {"1002": 1}


def test_an_agents_outbound_call_counts_nowhere_as_in_the_store():
    """The store's figures read inbound Interactions only: live figures leave outbound out too."""
    d = day()
    placed = Ended(t=DAY + 100, call="o", caller="13900139000", agent="1001", queue=None, outcome="answered",
                   hangup_by="caller", wait_s=2, talk_s=8, direction="outbound")
    assert QueueCall.from_ended(placed).direction == "outbound"
    assert d.add(("m", "o", ""), QueueCall.from_ended(placed)) is False
    assert d.calls == {} and d.handled == {}


def test_a_transferred_call_counts_in_both_queues_and_for_both_agents():
    d = day()
    d.add(("m", "t", "retail"), qc("answered", 5, 100, talk=20, agent="1001"))
    d.add(("m", "t", "vip"), qc("answered", 8, 126, talk=40, queue="vip", agent="1003"))
    assert d.metrics("retail").answered == d.metrics("vip").answered == 1
    assert d.handled == {"1001": 1, "1003": 1}


def test_sparkline_puts_a_call_in_the_interval_it_was_offered_in():
    d = day()
    d.add(("m", "1", "retail"), qc("answered", 40, 890, talk=300))  # offered 00:14:50, answered 00:15:30
    d.add(("m", "2", "retail"), qc("abandoned", 30, 900))            # 00:15:00 exactly: second slot
    d.add(("m", "3", "retail"), qc("abandoned", 4.99, 950))          # short: not drawn
    d.add(("m", "4", "retail"), qc("abandoned", 5, 2699))            # at the short threshold: real
    assert d.sparkline("retail", DAY + 2700) == [1, 1, 1, 0]
    assert d.sparkline("retail", DAY - 50) == [1]  # a clock before midnight draws the first slot
    assert len(d.sparkline("retail", DAY + 10 * 86_400)) == 96  # never past the day


def test_live_queue_counts_waiting_and_ringing_callers_and_agents_by_state():
    rows = [
        {"queue": "retail", "state": "waiting", "since": 100.0, "vars": {"CUSTOMER_TIER": "diamond"}},
        {"queue": "retail", "state": "ringing", "since": 130.0, "vars": {}},
        {"queue": "retail", "state": "talking", "since": 10.0, "vars": {}},
        {"queue": "vip", "state": "waiting", "since": 50.0, "vars": {}},
    ]
    states = {
        "1001": {"retail": AgentState(t=1, agent="1001", state="available", queue="retail")},
        "1002": {"retail": AgentState(t=1, agent="1002", state="paused", reason="lunch", queue="retail"),
                 "vip": AgentState(t=1, agent="1002", state="paused", queue="vip")},
        "1003": {"retail": AgentState(t=1, agent="1003", state="logged_out", queue="retail")},
    }
    live = live_queue("retail", rows, states, 160.0, is_vip=lambda r: r["vars"].get("CUSTOMER_TIER") == "diamond")
    assert (live.waiting, live.longest_wait_s) == (2, 60.0)
    assert (live.vip_waiting, live.longest_vip_wait_s) == (1, 60.0)
    assert live.agents == {"available": 1, "paused": 1}
    # a PBX clock ahead of ours never gives a negative wait
    assert live_queue("vip", rows, states, 40.0).longest_wait_s == 0.0


outcomes = st.sampled_from(["answered", "abandoned", "no_answer", "callback_requested"])
passes = st.lists(st.tuples(st.sampled_from(["retail", "vip"]), outcomes, st.floats(0, 300), st.floats(0, 900),
                            st.floats(-3600, 90_000)), max_size=80)


@given(passes)
def test_running_figures_equal_the_figures_of_the_days_calls(rows):
    """What the board keeps call by call is what compute() and by_interval() say over the same calls."""
    d = day()
    for n, (queue, outcome, wait, talk, at) in enumerate(rows):
        d.add(("m", str(n), queue), qc(outcome, wait, at, talk=talk, queue=queue, agent="1001"))
    for queue, target in TARGETS.items():
        kept = d.calls.get(queue, [])
        assert d.metrics(queue) == compute(kept, service_level_s=target.service_level_s, short_abandon_s=5)
        per_slot = by_interval(kept, start=DAY, end=DAY + 86_400, interval_s=900,
                               service_level_s=target.service_level_s, short_abandon_s=5)
        assert d.sparkline(queue, DAY + 86_399) == [m.offered for _, m in per_slot]
