"""app_queue: callers join, free members are rung by strategy, the first to answer gets the call.

Event order follows the captures (01, 03, 04, 14, 15, 19 in tests/fixtures/ami-transcripts):
one ``AgentCalled``/``DialBegin``/``DialState`` per rung member, ``QueueMemberStatus`` for every
queue of a phone whose state changes, two ``DialEnd CANCEL`` per cancelled leg, and
``AgentRingNoAnswer`` + ``Auto-Pause`` only when the ring times out.
"""

from __future__ import annotations

import functools

from telephony.simulator import events as ev
from telephony.simulator import legs, talk
from telephony.simulator.departures import abandon, exit_key, leave, leave_empty, refuse, stop_ringing
from telephony.simulator.model import Call, Leg, Member, Queue
from telephony.simulator.pbx import Pbx
from telephony.simulator.strategy import Candidate, pick

MONITOR_FOLDER = "/var/spool/asterisk/monitor"  # where a standard install's MixMonitor writes


def usable(pbx: Pbx, queue: Queue) -> bool:
    """joinempty = no counts only paused or invalid members as absent: a busy member is present."""
    return any(not m.paused and pbx.phone_of(m) is not None for m in queue.members.values())


def join(pbx: Pbx, call: Call, queue_name: str, max_wait_s: int = 600) -> None:
    """``Queue(<name>,t,,,<max_wait_s>)`` as the lab's dialplan runs it."""
    queue = pbx.queues[queue_name]
    if not queue.config.joinempty and not usable(pbx, queue):
        refuse(pbx, call, "JOINEMPTY")
        return
    call.queue, call.joined_at, call.attempt = queue_name, pbx.clock.now, "idle"
    queue.entries.append(call)
    call.position = call.original_position = len(queue.entries)
    options = "tc" if call.caller.vars.get("__CALLDESK_SURVEY") == "1" else "t"  # c: on to the survey
    call.caller.application, call.caller.app_data = "Queue", f"{queue_name},{options},,,{max_wait_s}"
    pbx.emit(ev.on_channel("QueueCallerJoin", call.caller, "agent", Queue=queue_name,
                           Position=str(call.position), Count=str(len(queue.entries))))
    pbx.ledger.joins[call.caller.linkedid] += 1
    pbx.ledger.log_queue(pbx.clock.unix(), call.caller.uniqueid, queue_name, "NONE", "ENTERQUEUE", "",
                         call.caller.caller_num or "", call.position)
    spec = call.spec
    if spec.patience_s is not None:
        call.timers.append(pbx.clock.call_later(spec.patience_s, lambda: abandon(pbx, call)))
    if spec.exit_key_after_s is not None and "1" in queue.config.exit_keys:
        call.timers.append(pbx.clock.call_later(spec.exit_key_after_s, lambda: exit_key(pbx, call, "1")))
    pbx.wake()


def dispatch(pbx: Pbx) -> None:
    """Ring free members for every caller not already ringing, higher queue weight first."""
    _check_empty(pbx)
    waiting = [c for q in pbx.queues.values() for c in q.entries if c.attempt == "idle"]
    if not waiting:
        return
    now, index = pbx.clock.now, pbx.member_index
    free = {
        i: p for i, p in pbx.phones.items()
        if not p.busy and p.wrapup_until <= now and any(not m.paused for m in index.get(i, {}).values())
    }
    if not free:
        return
    waiting.sort(key=lambda c: (-pbx.queue_of(c).config.weight, c.joined_at))
    orders: dict[str, dict[str, int]] = {}
    for call in waiting:
        queue = pbx.queue_of(call)
        if queue.name not in orders:
            orders[queue.name] = {m.interface: n for n, m in enumerate(queue.members.values())}
        order = orders[queue.name]
        candidates = []
        for interface, phone in free.items():
            member = index.get(interface, {}).get(queue.name)
            if member is not None and not member.paused and not _wanted_elsewhere(pbx, member, queue):
                candidates.append(Candidate(order[member.interface], member, phone.last_call))
        members, queue.rr_next = pick(queue.config.strategy, candidates, queue.rr_next)
        if members:
            ring(pbx, call, members)
            for m in members:
                free.pop(m.state_interface, None)
        if not free:
            return


def _check_empty(pbx: Pbx) -> None:
    """app_queue looks again after each ``retry`` wait: a queue left empty sends its callers out."""
    for queue in pbx.queues.values():
        if queue.config.leavewhenempty and queue.entries and not usable(pbx, queue):
            for call in queue.entries:
                if not call.leaving_empty:
                    call.leaving_empty = True
                    pbx.clock.call_later(queue.config.retry, functools.partial(leave_empty, pbx, call, usable))


def _wanted_elsewhere(pbx: Pbx, member: Member, queue: Queue) -> bool:
    """app_queue's compare_weight: a member of a heavier queue with callers is kept for it."""
    for other in pbx.member_index.get(member.state_interface, {}):
        heavier = pbx.queues[other]
        if heavier.config.weight > queue.config.weight and any(c.connected is None for c in heavier.entries):
            return True
    return False


def ring(pbx: Pbx, call: Call, members: list[Member]) -> None:
    """Dial each member. Phones' 180s and "ringing" statuses lag behind the dials (a separate
    thread in Asterisk): in capture 14 the earlier members' Newstate Ringing and status come just
    before the last member is dialled, the last member's status after every DialState."""
    call.attempt = "ringing"
    timeout = pbx.queue_of(call).config.timeout
    last = len(members) - 1
    for index, member in enumerate(members):
        if index and index == last:
            for earlier in call.legs:
                legs.phone_rings(pbx, earlier)
        # The members to ring were picked among the free phones: each has its phone.
        phone = pbx.phones[member.state_interface]
        leg = legs.dial_member(pbx, call, phone, member, rings_now=index == last)
        call.legs.append(leg)
        phone.answer = lambda leg=leg: answer(pbx, call, leg)
        if (delay := pbx.answer_delay(phone)) is not None and delay < timeout:
            leg.timer = pbx.clock.call_later(delay, phone.answer)
    for leg in call.legs:
        legs.ringing_announced(pbx, call.caller, leg)
    # A device-state thread that gets to the phone only once it is answered never says "ringing".
    if pbx.variants.pick("ring_status") == "sent":
        pbx.phone_changed(call.legs[-1].phone)
    call.ring_timer = pbx.clock.call_later(timeout, lambda: ring_timeout(pbx, call))


def answer(pbx: Pbx, call: Call, leg: Leg) -> None:
    if leg not in call.legs:
        return
    queue, member = pbx.queue_of(call), leg.queue_member()
    losers = [other for other in call.legs if other is not leg]
    stop_ringing(call)
    # Asterisk's device-state thread races app_queue: the "in use" QueueMemberStatus comes before
    # the DialEnd in some captures (01, 02, 09) and after AgentConnect in others (04, 06, 14).
    late = pbx.late_device_state()
    legs.answered(pbx, leg, announce=not late)
    pbx.emit(ev.on_pair("DialEnd", call.caller, leg.channel, DialStatus="ANSWER"))
    legs.cancel_twice(pbx, call.caller, losers)
    if queue.config.monitor:  # capture 01: after the MEMBER*/QUEUE* VarSets, before the caller leaves
        call.recording = call.recording or f"{call.caller.uniqueid}.wav"
        pbx.emit(ev.varset(call.caller, "MIXMONITOR_FILENAME", f"{MONITOR_FOLDER}/{call.recording}"))
        pbx.emit(ev.on_channel("MixMonitorStart", call.caller))
    leave(pbx, call)
    hold, ring_s = int(pbx.clock.now - call.joined_at), int(pbx.clock.now - leg.dialed_at)
    pbx.emit(ev.on_pair("AgentConnect", call.caller, leg.channel, "agent", Queue=queue.name,
                        Interface=member.interface, MemberName=member.name,
                        HoldTime=str(hold), RingTime=str(ring_s)))
    pbx.ledger.log_queue(pbx.clock.unix(), call.caller.uniqueid, queue.name, member.name, "CONNECT", hold,
                         leg.channel.uniqueid, ring_s)
    if late:
        pbx.phone_changed(leg.phone, in_call=True)
    for loser in losers:
        legs.hang_up(pbx, loser, 26)
    queue.holdtime_total += hold
    call.queue_of_answer = queue.name
    talk.connect(pbx, call, leg)


def ring_timeout(pbx: Pbx, call: Call) -> None:
    queue = pbx.queue_of(call)
    rung = list(call.legs)
    stop_ringing(call)
    for leg in rung:
        member = leg.queue_member()
        ring_ms = int((pbx.clock.now - leg.dialed_at) * 1000)
        pbx.emit(ev.on_pair("AgentRingNoAnswer", call.caller, leg.channel, "agent", Queue=queue.name,
                            Interface=member.interface, MemberName=member.name, RingTime=str(ring_ms)))
        pbx.ledger.log_queue(pbx.clock.unix(), call.caller.uniqueid, queue.name, member.name, "RINGNOANSWER", ring_ms)
        if queue.config.autopause:
            member.paused, member.paused_reason = True, "Auto-Pause"
            member.last_pause = pbx.unix()
            pbx.emit(ev.member_event("QueueMemberPause", member, leg.phone))
            pbx.on_auto_pause(member)
        pbx.emit(ev.on_pair("DialEnd", call.caller, leg.channel, DialStatus="NOANSWER"))
        pbx.emit(ev.on_pair("DialEnd", call.caller, leg.channel, DialStatus="CANCEL"))
        legs.hang_up(pbx, leg, 0)
    _retry_later(pbx, call, queue.config.retry)


def leg_rejected(pbx: Pbx, call: Call, leg: Leg) -> None:
    """The agent declined the ring (AMI Hangup of a ringing leg): try again after ``retry``."""
    call.legs.remove(leg)
    if leg.timer:
        leg.timer.cancel()
    pbx.emit(ev.on_pair("DialEnd", call.caller, leg.channel, DialStatus="BUSY"))
    legs.hang_up(pbx, leg, 21)
    if not call.legs:
        stop_ringing(call)
        _retry_later(pbx, call, pbx.queue_of(call).config.retry)


def _retry_later(pbx: Pbx, call: Call, retry: float) -> None:
    call.attempt = "retry"

    def again() -> None:
        if not call.done and call.connected is None and call.attempt == "retry":
            call.attempt = "idle"
            pbx.wake()

    pbx.clock.call_later(retry, again)
