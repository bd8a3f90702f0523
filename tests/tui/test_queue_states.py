"""The state line across queues (console/tui/agent/queue_states.py): pure, so tested here
exhaustively over small histories; the status bar's rendering of it is in test_screen.py."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from console.tui.agent.queue_states import QueueStates, Shown
from telephony.events import AGENT_STATE_URGENCY

STATES = ["logged_out", "available", "ringing", "on_call", "wrap_up", "paused"]


def test_an_auto_pause_in_one_queue_is_shown_though_another_queue_says_free_last() -> None:
    states = QueueStates()
    states.update("available", None, "retail")
    states.update("available", None, "vip")
    states.update("paused", "Auto-Pause", "retail")  # the ring in retail timed out
    shown = states.update("available", None, "vip")  # vip's status came last
    assert shown == Shown("available", None, (("retail", "Auto-Pause"),))
    assert states.update("available", None, "retail") == Shown("available")  # unpaused (F8)


def test_a_call_wins_over_any_queue_and_a_pause_everywhere_is_a_pause() -> None:
    states = QueueStates()
    states.update("paused", "break", "retail")
    assert states.update("paused", "break", "vip") == Shown("paused", "break")
    assert states.update("ringing", None, "vip") == Shown("ringing")
    assert states.update("on_call", None, "retail") == Shown("on_call")


def test_a_reconnect_starts_from_what_the_server_knows() -> None:
    states = QueueStates()
    states.update("paused", "Auto-Pause", "retail")
    assert states.reset([("available", None, "vip")]) == Shown("available")
    both = [("paused", "Auto-Pause", "retail"), ("available", None, "vip")]
    assert states.reset(both) == Shown("available", None, (("retail", "Auto-Pause"),))
    assert QueueStates().shown() == Shown("logged_out")


def test_a_state_that_names_no_queue_gives_way_to_the_queues() -> None:
    states = QueueStates()
    states.update("paused", "break", None)  # an older server's frame
    assert states.update("available", None, "retail") == Shown("available")


@given(st.lists(st.tuples(st.sampled_from(STATES), st.sampled_from([None, "break", "Auto-Pause"]),
                          st.sampled_from(["retail", "vip", "margin"])), min_size=1, max_size=12))
def test_the_line_is_the_most_pressing_last_state_of_a_queue(history) -> None:
    states = QueueStates()
    last: dict[str, tuple[str, str | None]] = {}
    for state, reason, queue in history:
        shown = states.update(state, reason, queue)
        last[queue] = (state, reason)
    order = list(AGENT_STATE_URGENCY)
    assert shown.state == min((s for s, _ in last.values()), key=order.index)
    if shown.state == "available":
        assert shown.paused_in == tuple(sorted((q, r) for q, (s, r) in last.items() if s == "paused"))
    else:
        assert shown.paused_in == ()
    if shown.state == "paused":
        assert (shown.state, shown.reason) in last.values()
