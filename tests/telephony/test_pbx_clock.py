"""The PBX's clock between its events: the smallest delay seen is the offset."""

from __future__ import annotations

from telephony.pbx_clock import PbxClock


class Local:
    def __init__(self, t: float = 1000.0) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t


def test_no_stamp_yet_is_local_time() -> None:
    local = Local()
    assert PbxClock(local).now() == 1000.0


def test_a_pbx_clock_ahead_is_followed_and_late_reads_do_not_move_it() -> None:
    local = Local()
    clock = PbxClock(local)
    clock.observe(1000.0 + 5 - 0.02)  # the PBX is 5 s ahead; 20 ms on the way
    local.t = 1001.0
    clock.observe(1001.0 + 5 - 0.1)  # 100 ms on the way
    assert round(clock.now(), 3) == 1005.98  # the smallest delay wins
    local.t = 1020.0
    clock.observe(1010.0)  # a stalled reader (SIGSTOP) reads a 10 s old event: ignored
    assert round(clock.now(), 3) == 1024.98


def test_a_pbx_clock_stepped_back_is_followed_within_two_windows() -> None:
    local = Local()
    clock = PbxClock(local, window_s=60)
    clock.observe(1000.0)
    local.t = 1070.0
    clock.observe(1065.0)  # the PBX's clock was stepped 5 s back: the last window still holds
    assert clock.now() == 1070.0
    local.t = 1140.0
    clock.observe(1135.0)
    assert clock.now() == 1135.0


def test_a_pbx_clock_stepped_forward_is_followed_at_once() -> None:
    local = Local()
    clock = PbxClock(local, window_s=60)
    clock.observe(995.0)  # 5 s behind
    local.t = 1001.0
    clock.observe(1001.0)  # corrected
    assert clock.now() == 1001.0
