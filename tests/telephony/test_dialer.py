"""Pacing: exhaustive rules over small inputs, and a simulated campaign per answer rate."""

import random
from collections import deque

import pytest
from hypothesis import given
from hypothesis import strategies as st

from telephony.dialer import PacingInput, Window, decide, expected_overflow


def test_preview_never_dials_by_itself():
    assert decide(PacingInput("preview", free_agents=5, in_flight=0, leads_ready=9)).dial == 0


@pytest.mark.parametrize(
    "free, in_flight, leads, expected",
    [(3, 0, 10, 3), (3, 2, 10, 1), (3, 3, 10, 0), (3, 5, 10, 0), (5, 0, 2, 2), (0, 0, 9, 0), (4, 0, 0, 0)],
)
def test_progressive_dials_one_per_free_agent(free, in_flight, leads, expected):
    assert decide(PacingInput("progressive", free, in_flight, leads)).dial == expected


def test_predictive_paces_one_to_one_until_the_window_has_enough_calls():
    d = decide(PacingInput("predictive", 4, 0, 50, Window(attempts=5, answered=1)))
    assert d.dial == 4 and "1:1" in d.reason


def test_predictive_over_dials_when_few_answer_and_not_when_most_do():
    low = decide(PacingInput("predictive", 10, 0, 500, Window(200, 40, 0))).dial
    high = decide(PacingInput("predictive", 10, 0, 500, Window(200, 180, 0))).dial
    assert low > high >= 10 - 1
    assert low <= 30  # max_ratio 3


def test_predictive_falls_back_to_one_to_one_when_the_window_is_over_the_cap():
    d = decide(PacingInput("predictive", 10, 0, 500, Window(200, 100, 10)))
    assert d.dial == 10 and "1:1" in d.reason


def test_expected_overflow_by_hand():
    # 2 calls, p = 0.5, 1 agent: X = 2 with probability 1/4, overflow 1 then
    assert expected_overflow(2, 0.5, 1) == pytest.approx((0.25, 1.0))
    assert expected_overflow(0, 0.5, 1) == (0.0, 0.0)


@given(
    mode=st.sampled_from(["preview", "progressive", "predictive"]),
    free=st.integers(0, 30), in_flight=st.integers(0, 40), leads=st.integers(0, 200),
    attempts=st.integers(0, 400), answered_share=st.floats(0, 1), abandoned_share=st.floats(0, 0.2),
)
def test_decisions_stay_within_leads_and_the_ratio(
        mode, free, in_flight, leads, attempts, answered_share, abandoned_share):
    answered = int(attempts * answered_share)
    window = Window(attempts, answered, int(answered * abandoned_share))
    d = decide(PacingInput(mode, free, in_flight, leads, window))
    assert 0 <= d.dial <= leads
    assert d.dial + in_flight <= max(in_flight, 3 * free)
    if free == 0:
        assert d.dial == 0


def simulate(answer_rate, *, agents=10, ticks=3000, seed=7, window_size=300):
    """A campaign in ticks: calls resolve within a tick; a connected call holds its agent a while."""
    rng = random.Random(seed)
    busy_until: list[int] = []
    recent: deque[tuple[bool, bool]] = deque(maxlen=window_size)  # (answered, abandoned)
    answered_total = abandoned_total = 0
    for tick in range(ticks):
        busy_until = [t for t in busy_until if t > tick]
        free = agents - len(busy_until)
        window = Window(len(recent), sum(a for a, _ in recent), sum(b for _, b in recent))
        n = decide(PacingInput("predictive", free, 0, 10_000, window)).dial
        for _ in range(n):
            answered = rng.random() < answer_rate
            abandoned = answered and free == 0
            if answered and not abandoned:
                free -= 1
                busy_until.append(tick + 1 + int(rng.expovariate(1 / 6)))
            recent.append((answered, abandoned))
            answered_total += answered
            abandoned_total += abandoned
    return answered_total, abandoned_total


@pytest.mark.parametrize("seed", [1, 7])
@pytest.mark.parametrize("answer_rate", [0.1, 0.2, 0.3, 0.5, 0.7, 0.9])
def test_simulated_campaign_keeps_the_abandon_rate_under_the_cap(answer_rate, seed):
    answered, abandoned = simulate(answer_rate, seed=seed)
    assert answered > 500
    assert abandoned / answered <= 0.03
