"""The log-in throttle, pure: windows per user name and per address, the backoff, its bounds."""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import given, settings
from hypothesis import strategies as st

from console.server.login_throttle import LoginThrottle, ThrottlePolicy, retry_after

POLICY = ThrottlePolicy(max_failures=10, address_max_failures=30, window_s=60, backoff_after=5, backoff_s=1,
                        backoff_max_s=300)


@dataclass
class Clock:
    now: float = 1_000.0

    def __call__(self) -> float:
        return self.now


def fail(throttle: LoginThrottle, user: str = "agent1", address: str = "10.0.0.1") -> float:
    return throttle.begin(user, address)


def test_the_first_failures_cost_nothing_then_the_backoff_doubles() -> None:
    clock = Clock()
    throttle = LoginThrottle(POLICY, clock)
    for _ in range(5):
        assert fail(throttle) == 0
    waits = []
    for _ in range(5):  # failures 6..10: each waits 1, 2, 4, 8, 16 s after the previous one
        wait = throttle.wait("agent1", "10.0.0.1")
        waits.append(wait)
        assert fail(throttle) == wait  # too early: refused, and not counted
        clock.now += wait
        assert fail(throttle) == 0
    assert waits == [1, 2, 4, 8, 16]


def test_the_eleventh_failure_in_a_minute_waits_for_the_window() -> None:
    clock = Clock()
    throttle = LoginThrottle(POLICY, clock)
    start = clock.now
    for _ in range(10):
        clock.now += throttle.wait("agent1", "10.0.0.1")
        assert fail(throttle) == 0
    assert clock.now - start == 31  # 1 + 2 + 4 + 8 + 16: ten tries fit in a minute
    # The eleventh waits for the longer of the backoff (32 s) and the window (the first five
    # failures leave it at 60 s).
    assert fail(throttle) == 32
    clock.now = start + 59
    assert fail(throttle) == 4
    clock.now = start + 60  # five left the window; five remain, whose backoff (1 s after the last) is over
    assert fail(throttle) == 0
    assert throttle.wait("agent1", "10.0.0.1") == 2


def test_a_success_clears_the_name_but_not_the_address() -> None:
    clock = Clock()
    throttle = LoginThrottle(POLICY, clock)
    for _ in range(5):
        fail(throttle)
    assert throttle.wait("agent1", "10.0.0.1") == 1
    assert fail(throttle, "agent2", "10.0.0.2") == 0  # another name from another machine: free
    assert throttle.wait("agent1", "10.0.0.2") == 1  # the name is throttled from anywhere
    assert throttle.wait("agent2", "10.0.0.1") == 1  # and the address whatever it tries
    clock.now += 1
    assert fail(throttle) == 0
    throttle.succeeded("agent1", "10.0.0.1")
    assert throttle.wait("agent1", "10.0.0.2") == 0
    # The address keeps its five failures (the success is not one of them): a sixth waits 2 s.
    assert fail(throttle, "agent9", "10.0.0.1") == 0
    assert throttle.wait("agent8", "10.0.0.1") == 2


def test_an_address_guessing_across_names_is_stopped() -> None:
    policy = ThrottlePolicy(max_failures=10, address_max_failures=4, window_s=60, backoff_after=100, backoff_s=1,
                            backoff_max_s=300)
    clock = Clock()
    throttle = LoginThrottle(policy, clock)
    for n in range(4):
        assert throttle.begin(f"user{n}", "10.0.0.9") == 0
        clock.now += 1
    assert throttle.begin("user9", "10.0.0.9") == 56  # the first of the four leaves the window at 60
    assert throttle.begin("user9", "10.0.0.8") == 0


def test_parallel_attempts_count_before_they_fail() -> None:
    """A burst of requests cannot all pass the check before the first answer comes back."""
    throttle = LoginThrottle(POLICY, Clock())
    started = [throttle.begin("agent1", "10.0.0.1") for _ in range(20)]
    assert started[:5] == [0] * 5 and all(w > 0 for w in started[5:])


def test_memory_is_bounded() -> None:
    clock = Clock()
    throttle = LoginThrottle(POLICY, clock)
    throttle.MAX_KEYS = 50
    for n in range(200):
        throttle.begin(f"made-up-{n}", f"10.0.{n // 256}.{n % 256}")
    assert len(throttle) <= 50
    clock.now += 61
    assert throttle.wait("made-up-199", "10.0.0.199") == 0


def test_retry_after_is_whole_seconds_and_at_least_one() -> None:
    assert [retry_after(w) for w in (0.01, 1, 1.2, 59.9)] == [1, 1, 2, 60]


def test_the_policy_comes_from_the_login_settings() -> None:
    from console.config.models import LoginSettings

    assert ThrottlePolicy.of(LoginSettings()) == ThrottlePolicy()


steps = st.lists(st.tuples(st.sampled_from(["fail", "ok", "wait"]), st.sampled_from(["a", "b", "c"]),
                           st.sampled_from(["10.0.0.1", "10.0.0.2"]), st.floats(0, 90)), max_size=80)


@settings(max_examples=300, deadline=None)
@given(steps)
def test_never_more_failures_in_a_window_than_allowed_and_waits_are_honest(steps) -> None:
    """Whatever the sequence: no name and no address gets more than its limit of counted
    failures into any window; a refused attempt counts nothing; the wait is never negative,
    never above the longer of the window and the longest backoff, and once waited the attempt
    goes through (unless another key's wait grew meanwhile, which we do not do here)."""
    policy = ThrottlePolicy(max_failures=4, address_max_failures=6, window_s=60, backoff_after=2, backoff_s=1,
                            backoff_max_s=20)
    clock = Clock()
    throttle = LoginThrottle(policy, clock)
    counted: dict[str, list[float]] = {}
    for action, user, address, dt in steps:
        clock.now += dt
        wait = throttle.wait(user, address)
        assert 0 <= wait <= max(policy.window_s, policy.backoff_max_s)
        if action == "wait":
            clock.now += wait
            assert throttle.wait(user, address) == 0
            continue
        got = throttle.begin(user, address)
        assert got == wait
        if got > 0:
            continue
        for key in (f"u:{user}", f"a:{address}"):
            counted.setdefault(key, []).append(clock.now)
        if action == "ok":
            throttle.succeeded(user, address)
            counted[f"u:{user}"] = []
            counted[f"a:{address}"].pop()
        for key, times in counted.items():
            limit = policy.max_failures if key.startswith("u:") else policy.address_max_failures
            recent = [t for t in times if t > clock.now - policy.window_s]
            assert len(recent) <= limit, key
