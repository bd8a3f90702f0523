"""The live-call registry keeps ended calls a while (wrap-up), bounded, oldest forgotten first."""

from __future__ import annotations

from console.server.callstate import ENDED_KEPT, CallRegistry


def test_ended_calls_are_kept_bounded_oldest_forgotten_first() -> None:
    calls = CallRegistry()
    for n in range(ENDED_KEPT + 5):
        calls.open("main", f"c{n}", "13800138000")
        calls.end(f"c{n}")
    assert calls.get("c0") is None and calls.get("c4") is None
    assert calls.get("c5") is not None and calls.get(f"c{ENDED_KEPT + 4}").ended


def test_a_call_that_comes_back_is_live_again_and_not_forgotten() -> None:
    calls = CallRegistry()
    calls.open("main", "again", "13800138000")
    calls.end("again")
    live = calls.open("main", "again", "13800138000")  # through a second queue
    live.agent = "1002"
    for n in range(ENDED_KEPT + 1):
        calls.open("main", f"c{n}", "13800138000")
        calls.end(f"c{n}")
    assert calls.get("again") is live and not live.ended
    assert [c.call for c in calls.calls_of_agent("1002")] == ["again"]


def test_verification_belongs_to_the_call() -> None:
    calls = CallRegistry()
    calls.open("main", "c1", "13800138000")
    assert calls.mark_verified("c1", 7, "questions") and calls.is_verified("c1", 7)
    assert not calls.is_verified("c1", 8) and not calls.is_verified(None, 7)
    assert not calls.mark_verified("nope", 7, "questions")
