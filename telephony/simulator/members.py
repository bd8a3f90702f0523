"""Queue membership from the console: QueueAdd, QueueRemove, QueuePause, QueuePenalty (capture 08).

Each function returns the AMI response message, or raises ``ActionError`` with Asterisk's.
"""

from __future__ import annotations

from telephony.simulator import events as ev
from telephony.simulator.model import Member
from telephony.simulator.pbx import Pbx


class ActionError(Exception):
    """An action Asterisk refuses: the message is what its Response: Error says."""


def add(pbx: Pbx, queue: str, interface: str, name: str = "", penalty: int = 0,
        paused: bool = False, reason: str = "", state_interface: str = "") -> str:
    if queue not in pbx.queues:
        raise ActionError("Unable to add interface to queue: No such queue")
    members = pbx.queues[queue].members
    if interface in members:
        raise ActionError("Unable to add interface: Already there")
    now = pbx.unix()
    member = Member(
        queue=queue, interface=interface, name=name or interface, state_interface=state_interface or interface,
        penalty=penalty, paused=paused, paused_reason=reason if paused else "",
        last_pause=now if paused else 0, login_time=now,
    )
    members[interface] = member
    pbx.member_index.setdefault(member.state_interface, {})[queue] = member
    pbx.emit(ev.member_event("QueueMemberAdded", member, pbx.phone_of(member)))
    pbx.wake()
    return "Added interface to queue"


def remove(pbx: Pbx, queue: str, interface: str) -> str:
    if queue not in pbx.queues:
        raise ActionError("Unable to remove interface from queue: No such queue")
    member = pbx.queues[queue].members.pop(interface, None)
    if member is None:
        raise ActionError("Unable to remove interface: Not there")
    pbx.member_index.get(member.state_interface, {}).pop(queue, None)
    pbx.emit(ev.member_event("QueueMemberRemoved", member, pbx.phone_of(member)))
    pbx.wake()  # a queue left empty may send its callers out (leavewhenempty)
    return "Removed interface from queue"


def pause(pbx: Pbx, interface: str, paused: bool, reason: str = "", queue: str | None = None) -> str:
    """Without a queue, every membership of the interface is (un)paused, each with its own event,
    even where nothing changes (as app_queue does)."""
    targets = [
        q.members[interface] for q in reversed(list(pbx.queues.values()))
        if interface in q.members and (queue is None or q.name == queue)
    ]
    if not targets:
        raise ActionError("Interface not found")
    for member in targets:
        member.paused = paused
        member.paused_reason = reason if paused else ""
        member.last_pause = pbx.unix() if paused else member.last_pause
        pbx.emit(ev.member_event("QueueMemberPause", member, pbx.phone_of(member)))
    pbx.wake()
    return "Interface paused successfully" if paused else "Interface unpaused successfully"


def penalty(pbx: Pbx, interface: str, value: int, queue: str | None = None) -> str:
    targets = [
        q.members[interface] for q in pbx.queues.values()
        if interface in q.members and (queue is None or q.name == queue)
    ]
    if not targets:
        raise ActionError("Invalid interface, queuename or penalty")
    for member in targets:
        member.penalty = value
        pbx.emit(ev.member_event("QueueMemberPenalty", member, pbx.phone_of(member)))
    pbx.wake()
    return "Interface penalty set successfully"
