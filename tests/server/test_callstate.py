"""The live-call registry: a call follows every agent it reaches; ended calls are kept a while
(wrap-up), bounded, oldest forgotten first."""

from __future__ import annotations

from console.server.callstate import ENDED_KEPT, CallRegistry


def _talked_and_ended(calls: CallRegistry, call: str, agent: str = "1001") -> None:
    live = calls.open("main", call, "13800138000")
    live.ringing(agent, f"PJSIP/{agent}-1")
    live.answered(agent, f"PJSIP/{agent}-1")
    calls.part_over(call, agent)


def test_ended_calls_are_kept_bounded_oldest_forgotten_first() -> None:
    calls = CallRegistry()
    for n in range(ENDED_KEPT + 5):
        _talked_and_ended(calls, f"c{n}")
    assert calls.get("c0") is None and calls.get("c4") is None
    assert calls.get("c5") is not None and calls.get(f"c{ENDED_KEPT + 4}").ended


def test_a_call_that_comes_back_is_live_again_and_not_forgotten() -> None:
    calls = CallRegistry()
    _talked_and_ended(calls, "again")
    live = calls.get("again")
    calls.ring(live, "1002", "PJSIP/1002-2")  # through a second queue
    for n in range(ENDED_KEPT + 1):
        _talked_and_ended(calls, f"c{n}")
    assert calls.get("again") is live and not live.ended
    assert [c.call for c in calls.calls_of_agent("1002")] == ["again"]


def test_after_a_transfer_the_call_is_the_target_agents() -> None:
    """The first agent's `ended` closes their part only: the target rings, answers and acts."""
    calls = CallRegistry()
    live = calls.open("main", "x", "13800138000")
    live.ringing("1001", "PJSIP/1001-1")
    live.answered("1001", "PJSIP/1001-1")
    live.ringing("1002", "PJSIP/1002-2")  # an attended transfer's consult rings the target first
    calls.part_over("x", "1001")  # the transferer hangs up: their pass ended
    assert not live.ended and not live.is_on("1001") and live.is_on("1002")
    live.answered("1002", "PJSIP/1002-2")
    assert live.agent == "1002" and live.talking("1002").channel == "PJSIP/1002-2"
    assert live.current_channel() == "PJSIP/1002-2"
    assert [c.call for c in calls.calls_of_agent("1002")] == ["x"] and calls.calls_of_agent("1001") == []
    assert live.talked("1001") and live.took_part("1001")  # the first agent still owes a wrap-up
    calls.part_over("x", "1002")
    assert live.ended


def test_a_blind_transfer_gap_reopens_the_call() -> None:
    """A blind transfer ends the first pass before the target's phone rings: nobody is on the
    call for a moment, then the target's ring opens it again."""
    calls = CallRegistry()
    _talked_and_ended(calls, "b")
    live = calls.get("b")
    assert live.ended
    calls.ring(live, "1002", "PJSIP/1002-3")
    assert not live.ended and live.is_on("1002")
    calls.part_over("b", "1002")
    assert live.ended
    assert calls.answered("b", "1002", "PJSIP/1002-3") is live and not live.ended  # a pickup, say


def test_a_ring_that_stops_is_over_but_rings_again() -> None:
    calls = CallRegistry()
    live = calls.open("main", "r", "13800138000")
    live.ringing("1001", "PJSIP/1001-1")
    live.ringing("1002", "PJSIP/1002-1")
    calls.part_over("r", "1001")
    assert not live.ended and not live.is_on("1001")
    live.ringing("1001", "PJSIP/1001-4")  # the queue tries 1001 again
    assert live.parts["1001"].state == "ringing" and not live.talked("1001")


def test_verification_belongs_to_the_call() -> None:
    calls = CallRegistry()
    calls.open("main", "c1", "13800138000")
    assert calls.mark_verified("c1", 7, "questions") and calls.is_verified("c1", 7)
    assert not calls.is_verified("c1", 8) and not calls.is_verified(None, 7)
    assert not calls.mark_verified("nope", 7, "questions")


def test_an_agent_has_a_state_in_each_queue_and_the_most_pressing_one_stands_for_all() -> None:
    """A ring that times out pauses the agent in that queue only: a later state of another queue
    must not hide it (a reconnecting console once showed "idle" while retail's callers waited)."""
    from telephony.events import AgentState

    calls = CallRegistry()
    assert calls.agent_state("1001") is None and calls.queue_states("1001") == []
    calls.set_agent_state(AgentState(t=1.0, agent="1001", state="available", queue="retail"))
    calls.set_agent_state(AgentState(t=2.0, agent="1001", state="paused", reason="Auto-Pause", queue="retail"))
    calls.set_agent_state(AgentState(t=3.0, agent="1001", state="available", queue="vip"))
    assert [(s["queue"], s["state"], s["reason"]) for s in calls.queue_states("1001")] == [
        ("retail", "paused", "Auto-Pause"), ("vip", "available", None)]
    assert calls.agent_state("1001")["queue"] == "vip"  # free somewhere: calls can reach them
    calls.set_agent_state(AgentState(t=4.0, agent="1001", state="ringing", queue="retail"))
    assert calls.agent_state("1001")["state"] == "ringing"
    assert sorted((e.agent, e.queue) for e in calls.agent_states()) == [("1001", "retail"), ("1001", "vip")]
