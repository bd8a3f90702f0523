"""The PBX going down and coming back (capture 12): a clean `core restart now`, or a crash.

Clean: every call gets ``SoftHangupRequest`` Cause 4, queue calls their ``AgentComplete``, the
channels their ``Hangup``, then ``Shutdown`` (Cleanly, Restart: True) and the connections close.
Crash: the connections just close; calls are gone without a word. Either way queue members
survive (persistentmembers = yes), channel-name counters restart from 0 and Uniqueids go on.
"""

from __future__ import annotations

from telephony.simulator import departures, events as ev, talk
from telephony.simulator.model import Call
from telephony.simulator.pbx import Pbx


def shut_down_cleanly(pbx: Pbx) -> None:
    for call in list(pbx.calls):
        _hang_up_for_shutdown(pbx, call)
    pbx.emit(ev.header("Shutdown", "system") + [("Shutdown", "Cleanly"), ("Restart", "True")])


def _hang_up_for_shutdown(pbx: Pbx, call: Call) -> None:
    leg = call.connected
    if leg is None:
        pbx.emit(ev.on_channel("SoftHangupRequest", call.caller, Cause="4"))
        if call.queue is not None:
            departures.abandon(pbx, call)
        else:
            talk.caller_hangs_up(pbx, call)
        return
    pbx.emit(ev.on_channel("SoftHangupRequest", talk.agent_channel(leg), Cause="4"))
    pbx.emit(ev.on_channel("SoftHangupRequest", call.caller, Cause="4"))
    if leg.member is not None:
        talk.agent_complete(pbx, call, leg, "agent")
    pbx.emit(ev.on_channel("SoftHangupRequest", call.caller, Cause="16"))
    talk.end_leg(pbx, call, leg)
    talk.finish(pbx, call, caller_cause=16)


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
    finally:
        pbx.subscribers = subscribers


def boot(pbx: Pbx) -> None:
    """Counters and uptime start again; Uniqueids keep growing (they carry the time)."""
    pbx.reboot()
