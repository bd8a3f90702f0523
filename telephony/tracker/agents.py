"""Agent states, per agent and queue, from the QueueMember* events and the QueueStatus snapshot.

The snapshot's ``QueueMember`` names its fields ``Location``/``Name``; the change events call
them ``Interface``/``MemberName``. ``Status`` is the device state: 1 not in use, 2 in use,
3 busy, 4 invalid, 5 unavailable, 6 ringing, 7 ringing while in use, 8 on hold. Wrap-up is not
an Asterisk event: it starts at AgentComplete and lasts ``wrapup_s`` of PBX time; it ends at the
first event or ``Tracker.tick`` at or after that time (the bridge ticks it on the PBX's clock: a
real PBX sends nothing between calls).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from telephony.events import AgentState, AgentStateName, DomainEvent
from telephony.tracker.calls import CallBook

LATE_COMPLETE_S = 2.0  # an AgentComplete this long after its pass ended is a late report
_DEVICE_STATE: dict[str, AgentStateName] = {"1": "available", "0": "available", "2": "on_call", "3": "on_call",
                 "6": "ringing", "7": "on_call", "8": "on_call", "4": "logged_out", "5": "logged_out"}


@dataclass(slots=True)
class Member:
    paused: bool = False
    reason: str | None = None
    device: AgentStateName = "available"
    wrap_until: float | None = None
    removed: bool = False

    def state(self, acw_reason: str | None = None) -> tuple[AgentStateName, str | None]:
        if self.removed:
            return "logged_out", None
        if self.paused:  # held for after-call work: that is wrap-up, not a pause
            return ("wrap_up" if acw_reason and self.reason == acw_reason else "paused"), self.reason
        if self.wrap_until is not None and self.device == "available":
            return "wrap_up", None
        return self.device, None


class Agents(CallBook):
    wrapup_s: float = 0.0
    queue_wrapup_s: Mapping[str, float] = {}
    acw_reason: str | None = None  # a member paused with this reason is in wrap-up

    def _init_agents(self) -> None:
        self.members: dict[tuple[str, str], Member] = {}
        self.last_state: dict[tuple[str, str], AgentState] = {}
        self._wrap_due: float | None = None

    def _member(self, m: Mapping[str, str], snapshot: bool = False) -> tuple[str, str, Member] | None:
        interface = m.get("Location" if snapshot else "Interface") or m.get("Interface") or ""
        queue = m.get("Queue") or ""
        agent = self.agent_of(interface) if interface else None
        if not agent or not queue:
            return None
        state_interface = m.get("StateInterface")
        if state_interface and state_interface != interface:
            self.device_agents.setdefault(state_interface, agent)
        member = self.members.get((agent, queue))
        if member is None:
            member = self.members[(agent, queue)] = Member()
        return agent, queue, member

    def _apply(self, m: Mapping[str, str], member: Member) -> None:
        if "Paused" in m:
            member.paused = m["Paused"] in ("1", "true", "True", "yes")
            reason = m.get("PausedReason", m.get("Reason", "")) if member.paused else ""
            member.reason = reason or None
        status = m.get("Status")
        if status in _DEVICE_STATE:
            member.device = _DEVICE_STATE[status]
        member.removed = False

    def _publish(self, agent: str, queue: str, member: Member, t: float,
                 out: list[DomainEvent]) -> None:
        state, reason = member.state(self.acw_reason)
        last = self.last_state.get((agent, queue))
        if last is not None and last.state == state and last.reason == reason:
            return
        event = AgentState(t=t, agent=agent, state=state, reason=reason, queue=queue)
        self.last_state[(agent, queue)] = event
        out.append(event)

    def _on_member_change(self, m: Mapping[str, str], t: float, out: list[DomainEvent]) -> None:
        found = self._member(m)
        if found is None:
            return
        agent, queue, member = found
        self._apply(m, member)
        if member.device != "available" or (member.wrap_until is not None and t >= member.wrap_until):
            member.wrap_until = None  # on the phone again, or the wrap-up is over
        self._publish(agent, queue, member, t, out)

    def _on_member_snapshot(self, m: Mapping[str, str], t: float, out: list[DomainEvent]) -> None:
        found = self._member(m, snapshot=True)
        if found is not None:
            agent, queue, member = found
            self._apply(m, member)
            self._publish(agent, queue, member, t, out)

    def _on_member_removed(self, m: Mapping[str, str], t: float, out: list[DomainEvent]) -> None:
        found = self._member(m)
        if found is not None:
            agent, queue, member = found
            member.removed, member.paused, member.reason, member.wrap_until = True, False, None, None
            self._publish(agent, queue, member, t, out)

    def _on_agent_complete_state(self, m: Mapping[str, str], t: float, out: list[DomainEvent]) -> None:
        if self._late_complete(m, t):
            return  # a late report (the caller was redirected long ago): the agent moved on
        found = self._member(m)
        if found is None:
            return
        agent, queue, member = found
        member.wrap_until = t + self.queue_wrapup_s.get(queue, self.wrapup_s)
        self._wrap_due = member.wrap_until if self._wrap_due is None else min(self._wrap_due, member.wrap_until)
        state, _reason = member.state(self.acw_reason)
        # The device may still read in use (its status comes next) or free already (it came first).
        if state in ("on_call", "available", "wrap_up") and not member.paused:
            last = AgentState(t=t, agent=agent, state="wrap_up", reason=None, queue=queue)
            if self.last_state.get((agent, queue)) != last:
                self.last_state[(agent, queue)] = last
                out.append(last)

    def _late_complete(self, m: Mapping[str, str], t: float) -> bool:
        """An AgentComplete about a pass that was over long before (app_queue reports a
        redirected caller's first agent only when the caller finally hangs up). Asterisk 22 may
        leave the Dest* headers out of one that comes just after the agent's leg hung up: its
        pass then ended a moment ago, and it still starts the agent's wrap-up."""
        dest = m.get("DestChannel")
        if dest and dest in self.by_name:
            return False
        # The agent's leg is gone, or not named: late only if its pass ended long before. (With
        # the queue_log written to PostgreSQL, app_queue's AgentComplete comes after the agent
        # leg's Hangup now and then: seen on the lab's Asterisk 22.)
        linkedid, queue = m.get("Linkedid") or "", m.get("Queue")
        call = self.calls.get(linkedid)
        if call is None:  # over and forgotten: when did its pass in this queue end?
            ended = [at for (c, q, _), at in self._ended_keys.items() if c == linkedid and q == queue]
            return not ended or t - max(ended) > LATE_COMPLETE_S
        passes = [s for s in call.segments if s.queue == queue]
        last = passes[-1] if passes else None
        return last is None or (last.ended_t is not None and t - last.ended_t > LATE_COMPLETE_S)

    def _release_wraps(self, t: float, out: list[DomainEvent]) -> None:
        """Wrap-ups whose time is up (checked as event time passes) become available again."""
        due = None
        for (agent, queue), member in self.members.items():
            if member.wrap_until is None or member.device != "available":
                continue  # still on the phone: its QueueMemberStatus will end the wrap-up
            if t >= member.wrap_until:
                ended_at, member.wrap_until = member.wrap_until, None
                self._publish(agent, queue, member, ended_at, out)  # when it ended, not when we looked
            else:
                due = member.wrap_until if due is None else min(due, member.wrap_until)
        self._wrap_due = due
