"""Hang-ups: who hung up, and how each kind of call ends when its parties go.

Who hung up comes from, in order: what calldesk knows for sure (it hung the leg up itself on an
agent's or supervisor's behalf, or the PBX announced its shutdown); AgentComplete's ``Reason``
(queue calls; an agent leg hung up through AMI reads "caller" there); the first
``HangupRequest`` (a party's own BYE; a dialplan or PBX hang-up gives only SoftHangupRequest);
who left the bridge first (recordings without HangupRequest); which leg hung up first. Asterisk
22 hangs the agent leg up before the caller even when the caller hung up, so the last is a
fallback only.
"""

from __future__ import annotations

from collections.abc import Mapping

from telephony.events import DomainEvent, HangupBy, Outcome, RingStopReason
from telephony.tracker.calls import CallBook
from telephony.tracker.outbound import unanswered_outcome
from telephony.tracker.state import Chan, Segment, party, to_int

_CAUSE_REASON: dict[int, RingStopReason] = {
    26: "answered_elsewhere", 17: "rejected", 21: "rejected", 19: "timeout", 18: "timeout",
}


def _left_bridge(chan: Chan | None) -> tuple[float, int] | None:
    """When the channel left its last bridge for good (None: still in it, or never bridged), as
    (t, arrival order): events of one burst may share a time, their order still tells."""
    if chan is None or chan.bridge_leave_t is None:
        return None
    if chan.bridge_enter_t is not None and chan.bridge_enter_t > chan.bridge_leave_t:
        return None
    return chan.bridge_leave_t, chan.bridge_leave_order


class Hangups(CallBook):
    def _on_hangup_request(self, m: Mapping[str, str], t: float, out: list[DomainEvent]) -> None:
        self._sees_hangup_requests = True
        chan = self.channels.get(m.get("Uniqueid") or "")
        if chan is None or chan.hangup_requested_t is not None:
            return
        chan.hangup_requested_t = t
        for seg in self.segs_by_caller.get(chan.uniqueid, ()):
            if not seg.ended and seg.abandon_wait is not None and seg.answered_t is None:
                self._end(seg, t, "abandoned", "caller", out, wait_s=seg.abandon_wait)

    def expect_hangup(self, channel: str, by: HangupBy, t: float) -> None:
        """calldesk is about to hang this channel up on behalf of ``by`` ("agent": the call's agent
        pressed hang-up; "system": a supervisor or the dialer). Asterisk cannot say so: the
        AgentComplete of an agent leg hung up through AMI says ``Reason: caller``."""
        chan = self._chan_by_name(channel)
        if chan is not None and chan.hangup_by is None:
            chan.hangup_by, chan.hangup_by_t = by, t

    def _on_soft_hangup_request(self, m: Mapping[str, str], t: float, out: list[DomainEvent]) -> None:
        # Cause is app_queue's soft-hangup flag here, not a Q.850 cause: 4 = the PBX shutting down.
        chan = self.channels.get(m.get("Uniqueid") or "")
        if chan is not None and m.get("Cause") == "4" and chan.hangup_by is None:
            chan.hangup_by, chan.hangup_by_t = "system", t

    def _hangup_by(self, seg: Segment, agent_leg_first: bool) -> HangupBy:
        caller = self.channels.get(seg.caller_uid)
        agent = self._chan_by_name(seg.agent_channel)
        c_req = caller.hangup_requested_t if caller else None
        for chan in (agent, caller):  # known for sure, unless the caller's own BYE came first
            if chan is not None and chan.hangup_by is not None and (
                    chan is caller or c_req is None or chan.hangup_by_t <= c_req):
                return chan.hangup_by
        completed_by = party(seg.complete_reason)
        if completed_by is not None:
            return completed_by
        a_req = agent.hangup_requested_t if agent else None
        if c_req is not None and (a_req is None or c_req <= a_req):
            return "caller"
        if a_req is not None:
            return "agent"
        if self._sees_hangup_requests:  # neither party hung up: a redirect, or the PBX did
            return "agent" if agent_leg_first else "caller"
        # No HangupRequest at all (filtered recordings): who left the bridge first.
        c_left, a_left = _left_bridge(caller), _left_bridge(agent)
        if c_left is not None and (a_left is None or c_left < a_left):
            return "caller"
        if a_left is not None and (c_left is None or a_left < c_left):
            return "agent"
        return "agent" if agent_leg_first else "caller"

    def _on_bridge_enter(self, m: Mapping[str, str], t: float, out: list[DomainEvent]) -> None:
        chan = self.channels.get(m.get("Uniqueid") or "")
        if chan is not None:
            chan.bridge_enter_t = t
            self._leave_bridge(chan)
            chan.bridge = m.get("BridgeUniqueid") or None
            if chan.bridge:
                self.bridges.setdefault(chan.bridge, set()).add(chan.uniqueid)

    def _on_bridge_leave(self, m: Mapping[str, str], t: float, out: list[DomainEvent]) -> None:
        chan = self.channels.get(m.get("Uniqueid") or "")
        if chan is not None:
            chan.bridge_leave_t, chan.bridge_leave_order = t, self._fed
            self._leave_bridge(chan)


    def _on_hangup(self, m: Mapping[str, str], t: float, out: list[DomainEvent]) -> None:
        uid = m.get("Uniqueid") or ""
        name = m.get("Channel") or ""
        chan = self.channels.get(uid)
        cause = to_int(m.get("Cause"))
        ring = self.ring_by_chan.get(name)
        if ring is not None and not ring.answered and not ring.stopped:
            reason = _CAUSE_REASON.get(cause or 0) or self._cancel_reason(ring.seg)
            self._stop_ring(ring, reason, t, out)
        seg = ring.seg if ring is not None and ring.answered and not ring.seg.ended else None
        if ring is not None and seg is not None and seg.agent_channel == (ring.agent_channel or ring.dest):  # agent leg
            if seg.consult:
                self._end(seg, t, "answered", "agent", out, cause=cause)
            else:
                self._end(seg, t, "answered", self._hangup_by(seg, True), out, cause=cause)
        for seg in list(self.segs_by_caller.get(uid, ())):
            if not seg.ended:
                self._caller_gone(seg, chan, t, cause, out)
        self._forget_channel(uid, name)
        call = self.calls.get(chan.linkedid) if chan is not None else None
        if call is not None and not call.channels:
            # Every channel of the call is gone: whatever is still open is over too.
            for seg in call.open_segments():
                self._caller_gone(seg, None, t, cause, out)
            self._drop_call(call.linkedid)

    def _caller_gone(self, seg: Segment, chan: Chan | None, t: float, cause: int | None,
                     out: list[DomainEvent]) -> None:
        requested = chan is not None and chan.hangup_requested_t is not None
        if seg.answered_t is not None:
            self._end(seg, t, "answered", self._hangup_by(seg, False), out, cause=cause)
        elif seg.queue is not None:
            if seg.abandon_wait is not None or seg.left_t is None:
                # The PBX shutting down hangs waiting callers up too (SoftHangupRequest cause 4).
                by = chan.hangup_by if chan is not None and chan.hangup_by else "caller"
                self._end(seg, t, "abandoned", by, out, cause=cause, wait_s=seg.abandon_wait)
            else:
                self._end(seg, t, "cancelled", "caller" if requested else "system", out, cause=cause)
        else:
            self._end_direct_unanswered(seg, requested, t, cause, out)

    def _end_direct_unanswered(self, seg: Segment, requested: bool, t: float, cause: int | None,
                               out: list[DomainEvent]) -> None:
        """A non-queue call nobody answered: why, from how its rings ended."""
        rings = [r for r in seg.rings if r.agent]
        reasons = {r.reason for r in rings}
        outcome: Outcome
        by: HangupBy
        if seg.handed_from is not None:  # transferred on, nobody took it: still the agent's call
            seg.agent, seg.talk_s = seg.handed_from
            if seg.handed_caller is not None:  # the caller had transferred the agent away
                seg.caller, seg.caller_name = seg.handed_caller
            self._end(seg, t, "answered", "caller" if requested else "system", out, cause=cause)
            return
        if seg.placed_by is not None:  # an agent's outbound call: what the dialled leg came to
            outcome, by = unanswered_outcome(seg, cause)
            self._end(seg, t, outcome, by, out, cause=cause)
            return
        if any(not r.stopped for r in rings) or "caller_left" in reasons:
            outcome, by = "cancelled", "caller"
        elif "timeout" in reasons:
            outcome, by = "no_answer", "caller" if requested else "system"
        elif any(r.status == "BUSY" for r in rings):
            outcome, by = "busy", "system"
        elif "rejected" in reasons:
            outcome, by = "rejected", "system"
        else:
            outcome, by = "no_answer", "caller" if requested else "system"
        self._end(seg, t, outcome, by, out, cause=cause)
