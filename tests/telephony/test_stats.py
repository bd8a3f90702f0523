"""Queue metrics: hand-computed cases for every figure, and properties over random calls."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from telephony.events import Ended
from telephony.stats import QueueCall, by_interval, compute

SL, SHORT = 20, 5


def call(outcome, wait, talk=0.0, wrap=0.0, at=0.0, queue="retail"):
    return QueueCall(queue=queue, offered_at=at, outcome=outcome, wait_s=wait, talk_s=talk, wrapup_s=wrap)


def test_no_calls_gives_zero_counts_and_no_ratios():
    m = compute([], service_level_s=SL, short_abandon_s=SHORT)
    assert (m.offered, m.answered, m.abandoned, m.longest_wait_s) == (0, 0, 0, 0.0)
    assert m.service_level is m.asa_s is m.aht_s is m.abandon_rate is None
    assert m.service_level_perf is m.service_level_perf2 is None


def test_mixed_day_by_hand():
    calls = [
        call("answered", 10, talk=100, wrap=20),   # in SL
        call("answered", 20, talk=200, wrap=10),   # exactly at SL: in SL
        call("answered", 45, talk=60),             # late
        call("abandoned", 3),                      # short: apart
        call("abandoned", 12),                     # before SL: neither helps nor hurts ours
        call("abandoned", 30),                     # after SL
        call("callback_requested", 25),            # offered, neither answered nor abandoned
    ]
    m = compute(calls, service_level_s=SL, short_abandon_s=SHORT)
    assert m.short_abandoned == 1
    assert m.offered == 6
    assert (m.answered, m.answered_in_sl) == (3, 2)
    assert (m.abandoned, m.abandoned_after_sl) == (2, 1)
    assert m.service_level == pytest.approx(2 / 4)
    assert m.service_level_perf == pytest.approx(2 / 3)
    # Asterisk's Perf2 counts every abandon, short ones too: (2 + 2 within SL) / (3 + 3)
    assert m.service_level_perf2 == pytest.approx(4 / 6)
    assert m.asa_s == pytest.approx((10 + 20 + 45) / 3)
    assert m.aht_s == pytest.approx((120 + 210 + 60) / 3)
    assert m.longest_wait_s == 45
    assert m.abandon_rate == pytest.approx(2 / 6)


def test_all_abandoned():
    m = compute([call("abandoned", 25), call("abandoned", 40)], service_level_s=SL, short_abandon_s=SHORT)
    assert (m.offered, m.abandoned, m.answered) == (2, 2, 0)
    assert m.service_level == 0.0
    assert m.service_level_perf is None and m.asa_s is None
    assert m.abandon_rate == 1.0


def test_abandon_exactly_at_the_short_threshold_is_a_real_abandon():
    m = compute([call("abandoned", SHORT), call("abandoned", SHORT - 0.01)],
                service_level_s=SL, short_abandon_s=SHORT)
    assert (m.abandoned, m.short_abandoned, m.offered) == (1, 1, 1)


def test_abandon_exactly_at_the_service_level_is_not_after_it():
    m = compute([call("abandoned", SL), call("answered", 5)], service_level_s=SL, short_abandon_s=SHORT)
    assert m.abandoned_after_sl == 0 and m.service_level == 1.0


def test_calls_belong_to_the_interval_they_were_offered_in():
    # offered at 890 s, answered at 930 s: it counts in the first 15-minute interval only
    calls = [call("answered", 40, talk=300, at=890), call("abandoned", 30, at=900), call("answered", 5, at=1799.9)]
    rows = by_interval(calls, start=0, end=2700, interval_s=900, service_level_s=SL, short_abandon_s=SHORT)
    assert [t for t, _ in rows] == [0, 900, 1800]
    assert [(m.offered, m.answered, m.abandoned) for _, m in rows] == [(1, 1, 0), (2, 1, 1), (0, 0, 0)]


def test_calls_outside_the_period_are_left_out():
    rows = by_interval([call("answered", 1, at=-1), call("answered", 1, at=60)],
                       start=0, end=60, interval_s=30, service_level_s=SL, short_abandon_s=SHORT)
    assert sum(m.offered for _, m in rows) == 0


def test_a_transferred_call_counts_once_in_each_queue_it_passed():
    first = QueueCall.from_ended(Ended(t=100, call="1.0", caller="1", agent="1001", queue="retail",
                                      outcome="answered", hangup_by="agent", wait_s=10, talk_s=30))
    second = QueueCall.from_ended(Ended(t=200, call="1.0", caller="1", agent="1002", queue="vip",
                                       outcome="answered", hangup_by="caller", wait_s=5, talk_s=60))
    assert first.offered_at == 60 and second.offered_at == 135
    for q in ("retail", "vip"):
        m = compute([c for c in (first, second) if c.queue == q], service_level_s=SL, short_abandon_s=SHORT)
        assert (m.offered, m.answered) == (1, 1)


outcomes = st.sampled_from(["answered", "abandoned", "no_answer", "callback_requested", "cancelled"])
calls_st = st.lists(st.builds(call, outcomes, st.floats(0, 600), st.floats(0, 3600), st.floats(0, 120),
                              st.floats(0, 86_399)), max_size=60)


@given(calls_st)
def test_counts_add_up_and_ratios_stay_in_range(calls):
    m = compute(calls, service_level_s=SL, short_abandon_s=SHORT)
    assert m.offered + m.short_abandoned == len(calls)
    assert m.answered + m.abandoned <= m.offered
    assert m.answered_in_sl <= m.answered and m.abandoned_after_sl <= m.abandoned
    for r in (m.service_level, m.service_level_perf, m.service_level_perf2, m.abandon_rate):
        assert r is None or 0.0 <= r <= 1.0


@given(calls_st)
def test_intervals_partition_the_day(calls):
    rows = by_interval(calls, start=0, end=86_400, interval_s=900, service_level_s=SL, short_abandon_s=SHORT)
    whole = compute(calls, service_level_s=SL, short_abandon_s=SHORT)
    assert len(rows) == 96
    assert sum(m.offered for _, m in rows) == whole.offered
    assert sum(m.answered_in_sl for _, m in rows) == whole.answered_in_sl
    assert max((m.longest_wait_s for _, m in rows), default=0) == whole.longest_wait_s
