"""``Dial(PJSIP/<ext>,20)`` from a caller's channel: the direct line (capture 18) and the leg to a
blind-transfer target (capture 06). No queue events; the pop is ``DialBegin``."""

from __future__ import annotations

from telephony.simulator import events as ev
from telephony.simulator import legs, talk
from telephony.simulator.departures import stop_ringing
from telephony.simulator.model import Call, Leg
from telephony.simulator.pbx import Pbx

DIAL_TIMEOUT_S = 20.0


def dial(pbx: Pbx, call: Call, extension: str, timeout: float = DIAL_TIMEOUT_S) -> None:
    caller = call.caller
    caller.application, caller.app_data = "Dial", f"PJSIP/{extension},{timeout:g}"
    pbx.set_var(caller, "DIALSTATUS", "")
    phone = pbx.phone_by_extension(extension)
    if phone is None:
        pbx.set_var(caller, "DIALSTATUS", "CHANUNAVAIL")
        pbx.emit(ev.on_channel("SoftHangupRequest", caller, Cause="16"))
        talk.finish(pbx, call, caller_cause=16)
        return
    if phone.busy:  # the phone answers 486 Busy Here at once; the phone's own call is untouched
        refused = pbx.agent_channel(phone, caller.linkedid)
        pbx.emit(ev.on_pair("DialBegin", caller, refused, DialString=phone.extension))
        pbx.emit(ev.on_pair("DialEnd", caller, refused, DialStatus="BUSY"))
        pbx.destroy(refused, 17)
        pbx.set_var(caller, "DIALSTATUS", "BUSY")
        pbx.emit(ev.on_channel("SoftHangupRequest", caller, Cause="16"))
        talk.finish(pbx, call, caller_cause=16)
        return
    leg = legs.dial_phone(pbx, caller, phone)
    call.legs = [leg]
    phone.answer = lambda: answer(pbx, call, leg)
    if (delay := pbx.answer_delay(phone)) is not None and delay < timeout:
        leg.timer = pbx.clock.call_later(delay, phone.answer)
    call.ring_timer = pbx.clock.call_later(timeout, lambda: no_answer(pbx, call, leg))


def _stop(call: Call, leg: Leg) -> None:
    if leg.timer:  # the leg may already have left call.legs
        leg.timer.cancel()
    stop_ringing(call)


def answer(pbx: Pbx, call: Call, leg: Leg) -> None:
    if leg not in call.legs:
        return
    _stop(call, leg)
    legs.answered(pbx, leg)
    pbx.set_var(call.caller, "DIALSTATUS", "ANSWER")
    pbx.emit(ev.on_pair("DialEnd", call.caller, leg.channel, DialStatus="ANSWER"))
    call.joined_at = call.joined_at or leg.dialed_at
    talk.connect(pbx, call, leg)


def no_answer(pbx: Pbx, call: Call, leg: Leg) -> None:
    if leg not in call.legs:
        return
    _stop(call, leg)
    pbx.emit(ev.on_pair("DialEnd", call.caller, leg.channel, DialStatus="NOANSWER"))
    pbx.set_var(call.caller, "DIALSTATUS", "NOANSWER")
    pbx.emit(ev.on_channel("SoftHangupRequest", call.caller, Cause="16"))
    legs.hang_up(pbx, leg, 0)
    talk.finish(pbx, call, caller_cause=16)


def rejected(pbx: Pbx, call: Call, leg: Leg) -> None:
    """The agent declined (AMI Hangup of the ringing leg): the caller hears busy."""
    _stop(call, leg)
    pbx.emit(ev.on_pair("DialEnd", call.caller, leg.channel, DialStatus="BUSY"))
    pbx.set_var(call.caller, "DIALSTATUS", "BUSY")
    legs.hang_up(pbx, leg, 21)
    pbx.emit(ev.on_channel("SoftHangupRequest", call.caller, Cause="16"))
    talk.finish(pbx, call, caller_cause=16)


def caller_gave_up(pbx: Pbx, call: Call) -> None:
    """The caller hangs up while the phone still rings (or before anything was dialled)."""
    ringing = list(call.legs)
    for leg in ringing:
        _stop(call, leg)
    pbx.emit(ev.on_channel("HangupRequest", call.caller, Cause="16"))
    for leg in ringing:
        pbx.emit(ev.on_pair("DialEnd", call.caller, leg.channel, DialStatus="CANCEL"))
        legs.hang_up(pbx, leg, 0)
    talk.finish(pbx, call, caller_cause=16)
