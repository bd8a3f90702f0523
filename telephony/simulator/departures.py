"""Callers leaving a queue without an agent: hanging up (QueueCallerAbandon, captures 03 and 15)
or pressing the exit key for a callback (capture 19)."""

from __future__ import annotations

from collections.abc import Callable

from telephony.simulator import events as ev
from telephony.simulator import legs, talk
from telephony.simulator.model import Call, Leg, Queue
from telephony.simulator.pbx import Pbx


def abandon(pbx: Pbx, call: Call) -> None:
    """The caller hangs up while waiting (or while agents ring): QueueCallerAbandon."""
    if call.done or call.connected is not None or call.queue is None:
        return
    queue = pbx.queues[call.queue]
    rung = list(call.legs)
    stop_ringing(call)
    pbx.emit(ev.on_channel("HangupRequest", call.caller))
    _record_abandoned(pbx, call, queue, rung)
    pbx.emit(ev.on_channel("SoftHangupRequest", call.caller, Cause="16"))
    talk.finish(pbx, call, caller_cause=0)


def _record_abandoned(pbx: Pbx, call: Call, queue: Queue, rung: list[Leg], logged: str = "ABANDON") -> None:
    """app_queue's record_abandoned, shared by a caller hanging up and by LEAVEEMPTY: the rung
    legs are cancelled, QueueCallerAbandon then QueueCallerLeave, the legs hang up (cause 0).
    ``logged``: the queue_log's event (LEAVEEMPTY writes EXITEMPTY)."""
    announce_abandon(pbx, call, queue, rung, logged)
    leave_abandoned(pbx, call, queue, rung)


def announce_abandon(pbx: Pbx, call: Call, queue: Queue, rung: list[Leg], logged: str = "ABANDON") -> None:
    legs.cancel_twice(pbx, call.caller, rung)
    pbx.set_var(call.caller, "ABANDONED", "TRUE")
    pbx.emit(ev.on_channel("QueueCallerAbandon", call.caller, "agent", Queue=queue.name,
                           Position=str(call.position), OriginalPosition=str(call.original_position),
                           HoldTime=str(int(pbx.clock.now - call.joined_at))))
    pbx.ledger.log_queue(pbx.clock.unix(), call.caller.uniqueid, queue.name, "NONE", logged, call.position,
                         call.original_position, int(pbx.clock.now - call.joined_at))


def leave_abandoned(pbx: Pbx, call: Call, queue: Queue, rung: list[Leg]) -> None:
    leave(pbx, call)
    for leg in rung:
        legs.hang_up(pbx, leg, 0)
    queue.abandoned += 1


def redirected(pbx: Pbx, call: Call) -> None:
    """The waiting caller was redirected (AMI Redirect): app_queue sees the async goto as a
    hang-up check, records an abandon (QueueCallerAbandon, no HangupRequest) and leaves; the
    channel goes on in the new context."""
    if call.done or call.connected is not None or call.queue is None:
        return
    queue, rung = pbx.queues[call.queue], list(call.legs)
    stop_ringing(call)
    _record_abandoned(pbx, call, queue, rung)


def refuse(pbx: Pbx, call: Call, status: str) -> None:
    """Queue() returned at once (JOINEMPTY): no queue events, only QUEUESTATUS, then Hangup()."""
    pbx.set_var(call.caller, "QUEUESTATUS", status)
    pbx.emit(ev.on_channel("SoftHangupRequest", call.caller, Cause="16"))
    talk.finish(pbx, call, caller_cause=16)


def leave_empty(pbx: Pbx, call: Call, usable: Callable[[Pbx, Queue], bool]) -> None:
    """leavewhenempty: the last usable member went away while the caller waited (README, 20)."""
    call.leaving_empty = False
    if call.done or call.connected is not None or call.queue is None:
        return
    queue = pbx.queues[call.queue]
    if usable(pbx, queue):
        return
    rung = list(call.legs)
    stop_ringing(call)
    _record_abandoned(pbx, call, queue, rung, "EXITEMPTY")
    pbx.set_var(call.caller, "QUEUESTATUS", "LEAVEEMPTY")
    pbx.emit(ev.on_channel("SoftHangupRequest", call.caller, Cause="16"))
    talk.finish(pbx, call, caller_cause=16)


def exit_key(pbx: Pbx, call: Call, digit: str) -> None:
    """The caller presses an exit key: leaves to ``queue-exit`` and asks for a callback (capture 19)."""
    if call.done or call.connected is not None or call.queue is None:
        return
    queue_name, rung = call.queue, list(call.legs)
    stop_ringing(call)
    legs.cancel_twice(pbx, call.caller, rung)
    pbx.ledger.log_queue(pbx.clock.unix(), call.caller.uniqueid, queue_name, "NONE", "EXITWITHKEY", digit,
                         call.position, call.original_position, int(pbx.clock.now - call.joined_at))
    caller = call.caller
    caller.context, caller.exten, caller.priority = "queue-exit", digit, 1
    leave(pbx, call)
    for leg in rung:
        legs.hang_up(pbx, leg, 0)
    caller.priority = 2
    pbx.set_var(caller, "CALLBACK_REQUESTED", "1")
    caller.priority = 4
    pbx.emit(ev.on_channel("UserEvent", caller, "user", UserEvent="CallbackRequest", Number=caller.caller_num,
                           Account=call.spec.account or "", Queue=queue_name))

    def goodbye() -> None:  # Playback(auth-thankyou), then Hangup()
        pbx.emit(ev.on_channel("SoftHangupRequest", caller, Cause="16"))
        talk.finish(pbx, call, caller_cause=16)

    pbx.clock.call_later(0.5, goodbye)


def stop_ringing(call: Call) -> None:
    for leg in call.legs:
        if leg.timer:
            leg.timer.cancel()
    if call.ring_timer:
        call.ring_timer.cancel()
        call.ring_timer = None
    call.legs = []


def leave(pbx: Pbx, call: Call) -> None:
    queue = pbx.queue_of(call)
    position = queue.entries.index(call) + 1
    queue.entries.remove(call)
    for later in queue.entries[position - 1:]:
        later.position -= 1
    call.attempt = "idle"
    call.queue = None
    pbx.emit(ev.on_channel("QueueCallerLeave", call.caller, "agent", Queue=queue.name,
                           Position=str(position), Count=str(len(queue.entries))))

