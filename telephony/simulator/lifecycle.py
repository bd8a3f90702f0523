"""The PBX going down and coming back (capture 12): a clean `core restart now`, or a crash.

Clean: every channel gets ``SoftHangupRequest`` Cause 4, waiting callers an abandon (no
HangupRequest), answered queue calls their ``AgentComplete``, the channels their ``Hangup``, then
``Shutdown`` (Cleanly, Restart: True) and the connections close (``Simulator.restart`` spaces
these as the lab's Asterisk did). Crash: the connections just close; calls are gone without a
word. Either way queue members survive (persistentmembers = yes), channel-name counters restart
from 0 and Uniqueids go on.
"""

from __future__ import annotations

from telephony.simulator import departures, talk
from telephony.simulator import events as ev
from telephony.simulator.model import Call, Channel, Leg
from telephony.simulator.pbx import Pbx


def shut_down_cleanly(pbx: Pbx) -> None:
    hang_up_for_shutdown(pbx)
    announce_shutdown(pbx)


def announce_shutdown(pbx: Pbx) -> None:
    """The last event before the connections close (in the lab about 1.1 s after the hang-ups)."""
    pbx.emit(ev.header("Shutdown", "system") + [("Shutdown", "Cleanly"), ("Restart", "True")])


def hang_up_for_shutdown(pbx: Pbx) -> None:
    """Asterisk soft-hangs-up every channel first (Cause 4), then the calls wind down in their own
    threads, interleaved as the lab showed: waiting callers' QueueCallerAbandon, what the answered
    calls send up to their AgentComplete, the waiting callers' leave and Hangup, then the rest of
    the answered calls. Which of an answered call's two channels goes first varies (variant
    ``shutdown``), and AgentComplete names that side: Reason agent (capture 12) or caller (live);
    so does the order of the rest (``shutdown_end``)."""
    waiting = [c for c in pbx.calls if c.connected is None and c.queue is not None]
    answered = [(c, c.connected) for c in pbx.calls if c.connected is not None]
    answered_calls = [c for c, _ in answered]
    others = [c for c in pbx.calls if c not in waiting and c not in answered_calls]
    first: dict[int, str] = {}
    for call in waiting + others:
        pbx.emit(ev.on_channel("SoftHangupRequest", call.caller, Cause="4"))
    for call, leg in answered:
        first[id(call)] = pbx.variants.pick("shutdown")
        for ch in _sides(call, leg, first[id(call)]):
            pbx.emit(ev.on_channel("SoftHangupRequest", ch, Cause="4"))
    rung: dict[int, list[Leg]] = {}
    for call in waiting:
        rung[id(call)] = list(call.legs)
        departures.stop_ringing(call)
        departures.announce_abandon(pbx, call, pbx.queue_of(call), rung[id(call)])
    rest: dict[int, tuple[Leg, list[str]]] = {}
    for call, leg in answered:
        steps = pbx.variants.pick("shutdown_end").split()
        upto = next(i for i, step in enumerate(steps) if step.startswith("complete")) + 1
        reason, agent_first = ("agent", True) if first[id(call)] == "agent_first" else ("caller", False)
        talk.end_in_order(pbx, call, leg, steps[:upto], reason, agent_leaves_first=agent_first)
        rest[id(call)] = leg, steps[upto:]
    for call in waiting:  # app_queue's abandon, then the dialplan's Hangup(); no BYE, no HangupRequest
        departures.leave_abandoned(pbx, call, pbx.queue_of(call), rung[id(call)])
        pbx.emit(ev.on_channel("SoftHangupRequest", call.caller, Cause="16"))
        talk.finish(pbx, call, caller_cause=0)
    for call in others:
        talk.caller_hangs_up(pbx, call)
    for call, _ in answered:
        leg, steps = rest[id(call)]
        talk.end_in_order(pbx, call, leg, steps, "", agent_leaves_first=first[id(call)] == "agent_first")
        talk.finish(pbx, call, caller_cause=16)


def _sides(call: Call, leg: Leg, order: str) -> tuple[Channel, Channel]:
    """The answered call's two channels (``leg`` its agent's), the one soft-hung-up first first."""
    agent = talk.agent_channel(leg)
    return (agent, call.caller) if order == "agent_first" else (call.caller, agent)


def crash(pbx: Pbx) -> None:
    """Everything in progress vanishes, silently (SIGKILL)."""
    subscribers, pbx.subscribers = pbx.subscribers, []
    try:
        for call in list(pbx.calls):
            call.complete_on_hangup = None
            for leg in call.legs:
                if leg.timer:
                    leg.timer.cancel()
            talk.finish(pbx, call, caller_cause=0)
        for phone in pbx.phones.values():
            phone.channel, phone.ringing, phone.answer = None, False, None
        for queue in pbx.queues.values():
            queue.entries.clear()
        pbx.channels.clear()
        pbx.bridges.clear()
    finally:
        pbx.subscribers = subscribers


def boot(pbx: Pbx) -> None:
    """Counters and uptime start again; Uniqueids keep growing (they carry the time)."""
    pbx.reboot()
