"""Channels and dials: Newchannel, DialBegin/DialEnd, HangupRequest, Hangup.

A dial that no queue made is a *direct* ring: the caller dialled an extension (or a ring group
dialled several). Dials through ``Local/...;1`` are followed to the real phone leg that the
``;2`` half dials, so every ring names the real channel; a queue's Local member (FreePBX style
``Local/1004@agents/n``) is resolved the same way.
"""

from __future__ import annotations

from collections.abc import Mapping

from telephony.events import DomainEvent
from telephony.tracker.calls import CallBook
from telephony.tracker.state import Chan, Ring, Segment, clean_name, clean_number, is_local, local_base, to_int

_STOP_REASON = {"NOANSWER": "timeout", "BUSY": "rejected", "CONGESTION": "rejected",
                "CHANUNAVAIL": "rejected", "DONTCALL": "rejected", "TORTURE": "rejected"}
_CAUSE_REASON = {26: "answered_elsewhere", 17: "rejected", 21: "rejected", 19: "timeout", 18: "timeout"}


def _left_bridge(chan: Chan | None) -> float | None:
    """When the channel left its last bridge for good (None: still in it, or never bridged)."""
    if chan is None or chan.bridge_leave_t is None:
        return None
    if chan.bridge_enter_t is not None and chan.bridge_enter_t > chan.bridge_leave_t:
        return None
    return chan.bridge_leave_t


class Dials(CallBook):
    def _on_newchannel(self, m: Mapping[str, str], t: float, out: list[DomainEvent]) -> None:
        self._chan(m)

    def _customer(self, call_id: str, dialler: Chan | None) -> Chan | None:
        """Who the call is for: the first segment's caller, else the call's first channel."""
        call = self.calls.get(call_id)
        if call is not None and call.segments:
            return self.channels.get(call.segments[0].caller_uid) or dialler
        return self.channels.get(call_id) or dialler

    def _on_dial_begin(self, m: Mapping[str, str], t: float, out: list[DomainEvent]) -> None:
        dest = m.get("DestChannel") or ""
        self._chan(m, "Dest")
        src = m.get("Channel") or ""
        if not dest:
            return
        if not src:
            if is_local(dest):
                self.originate_hops.add(local_base(dest))
            self._originate_leg(m, t, out)
            return
        if is_local(src) and src.endswith(";2") and local_base(src) in self.originate_hops:
            if is_local(dest):
                self.originate_hops.add(local_base(dest))
            return
        if is_local(src) and self._continue_hop(src, dest, t, out):
            return
        xchan = self._chan(m)
        if xchan is None:
            return
        if is_local(src) and src.endswith(";2"):
            self.local_real.setdefault(local_base(src), dest)
        for seg in self.segs_by_caller.get(xchan.uniqueid, ()):
            if seg.queue is not None and seg.left_t is None and not seg.ended:
                if is_local(dest):  # a queue's Local member: the ;2 will dial the phone
                    self.hops.setdefault(local_base(dest), (seg, dest, local_base(dest)))
                return  # the queue dialling a member: AgentCalled makes that ring
        self._direct_dial(xchan, m, dest, t, out)

    def _direct_dial(self, xchan: Chan, m: Mapping[str, str], dest: str, t: float,
                     out: list[DomainEvent]) -> None:
        call_id = xchan.linkedid
        if xchan.uniqueid == call_id:  # the call's own first channel dials: its CallerID counts
            xchan.num = clean_number(m.get("CallerIDNum")) or xchan.num
            xchan.cid_name = clean_name(m.get("CallerIDName")) or xchan.cid_name
        seg = self._open_segment(call_id, None)
        if seg is None:
            customer = self._customer(call_id, xchan)
            seg = self._new_segment(call_id, None, customer, m, t)
            # A second party dialling out while the customer talks to an agent: a consult.
            call = self.calls[call_id]
            seg.consult = customer is not xchan and any(
                s.answered_t is not None and not s.ended for s in call.segments if s is not seg)
        if is_local(dest):
            self.hops[local_base(dest)] = (seg, None, local_base(dest))
        elif dest not in self.ring_by_chan:
            self._add_ring(seg, self.agent_of_channel(dest), dest, dest, t, out)

    def _continue_hop(self, src: str, dest: str, t: float, out: list[DomainEvent]) -> bool:
        hop = self.hops.get(local_base(src))
        if hop is None or not src.endswith(";2"):
            return False
        seg, key, root = hop
        if is_local(dest):
            self.hops[local_base(dest)] = hop
            return True
        parent = self.ring_by_chan.get(key) if key else None
        if parent is not None and parent.agent_channel is None:
            parent.agent_channel = dest
            self.ring_by_chan[dest] = parent
            self._announce(parent, t, out)
        elif dest not in self.ring_by_chan and not seg.ended:
            self._add_ring(seg, self.agent_of_channel(dest), dest, dest, t, out, via=root)
        return True

    def _on_dial_end(self, m: Mapping[str, str], t: float, out: list[DomainEvent]) -> None:
        dest = m.get("DestChannel") or ""
        status = m.get("DialStatus") or ""
        if not m.get("Channel"):
            self._originate_dial_end(m, t, out)
        ring = self.ring_by_chan.get(dest)
        if ring is None:
            hop = self.hops.get(local_base(dest)) if is_local(dest) else None
            src = m.get("Channel") or ""
            # After a blonde transfer the old dialler's Dial ends (NOANSWER) while the target
            # still rings for the transferee: only the segment's own caller (or a hop) counts.
            if hop is not None and status != "ANSWER" and (is_local(src) or src == hop[0].caller_channel):
                seg, _, root = hop
                for r in seg.rings:
                    if r.via == root:
                        self._ring_done(r, status, t, out)
            return
        if status == "ANSWER":
            ring.picked_up = True
            if ring.seg.queue is None:
                self._answer(ring, t, None, out)
            return
        self._ring_done(ring, status, t, out)

    def _ring_done(self, ring: Ring, status: str, t: float, out: list[DomainEvent]) -> None:
        if ring.stopped or ring.answered:
            return
        ring.status = status or None
        reason = _STOP_REASON.get(status) or (self._cancel_reason(ring.seg) if status == "CANCEL" else "timeout")
        self._stop_ring(ring, reason, t, out)

    def _on_hangup_request(self, m: Mapping[str, str], t: float, out: list[DomainEvent]) -> None:
        self._sees_hangup_requests = True
        chan = self.channels.get(m.get("Uniqueid") or "")
        if chan is None or chan.hangup_requested_t is not None:
            return
        chan.hangup_requested_t = t
        for seg in self.segs_by_caller.get(chan.uniqueid, ()):
            if not seg.ended and seg.abandon_wait is not None and seg.answered_t is None:
                self._end(seg, t, "abandoned", "caller", out, wait_s=seg.abandon_wait)

    def _hangup_by(self, seg: Segment, agent_leg_first: bool) -> str:
        if seg.complete_reason in ("caller", "agent"):
            return seg.complete_reason
        caller = self.channels.get(seg.caller_uid)
        agent = self._chan_by_name(seg.agent_channel)
        c_req = caller.hangup_requested_t if caller else None
        a_req = agent.hangup_requested_t if agent else None
        if c_req is not None and (a_req is None or c_req <= a_req):
            return "caller"
        if a_req is not None:
            return "agent"
        # No HangupRequest (older Asterisk, filtered recordings): who left the bridge first.
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

    def _on_bridge_leave(self, m: Mapping[str, str], t: float, out: list[DomainEvent]) -> None:
        chan = self.channels.get(m.get("Uniqueid") or "")
        if chan is not None:
            chan.bridge_leave_t = t

    def _on_hangup(self, m: Mapping[str, str], t: float, out: list[DomainEvent]) -> None:
        uid = m.get("Uniqueid") or ""
        name = m.get("Channel") or ""
        chan = self.channels.get(uid)
        cause = to_int(m.get("Cause"))
        ring = self.ring_by_chan.get(name)
        if ring is not None and not ring.answered and not ring.stopped:
            reason = _CAUSE_REASON.get(cause or 0) or self._cancel_reason(ring.seg)
            self._stop_ring(ring, reason, t, out)
        if ring is not None and ring.answered and not ring.seg.ended and ring.seg.agent_channel == (ring.agent_channel or ring.dest):
            seg = ring.seg
            if seg.consult:
                self._end(seg, t, "answered", "agent", out, cause=cause)
            else:
                self._end(seg, t, "answered", self._hangup_by(seg, True), out, cause=cause)
        for seg in list(self.segs_by_caller.get(uid, ())):
            if not seg.ended:
                self._caller_gone(seg, chan, t, cause, out)
        self._forget_channel(uid, name)

    def _caller_gone(self, seg: Segment, chan: Chan | None, t: float, cause: int | None,
                     out: list[DomainEvent]) -> None:
        requested = chan is not None and chan.hangup_requested_t is not None
        if seg.answered_t is not None:
            self._end(seg, t, "answered", self._hangup_by(seg, False), out, cause=cause)
        elif seg.queue is not None:
            if seg.abandon_wait is not None or seg.left_t is None:
                self._end(seg, t, "abandoned", "caller", out, cause=cause,
                          wait_s=seg.abandon_wait)
            else:
                self._end(seg, t, "cancelled", "caller" if requested else "system", out, cause=cause)
        else:
            self._end_direct_unanswered(seg, requested, t, cause, out)

    def _end_direct_unanswered(self, seg: Segment, requested: bool, t: float, cause: int | None,
                               out: list[DomainEvent]) -> None:
        """A non-queue call nobody answered: why, from how its rings ended."""
        rings = [r for r in seg.rings if r.agent]
        reasons = {r.reason for r in rings}
        if seg.handed_from is not None:  # transferred on, nobody took it: still the agent's call
            seg.agent, seg.talk_s = seg.handed_from
            self._end(seg, t, "answered", "caller" if requested else "system", out, cause=cause)
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

    def _forget_channel(self, uid: str, name: str) -> None:
        chan = self.channels.pop(uid, None)
        if self.by_name.get(name) == uid:
            del self.by_name[name]
        self.segs_by_caller.pop(uid, None)
        ring = self.ring_by_chan.get(name)
        if ring is not None and (ring.stopped or ring.seg.ended):
            del self.ring_by_chan[name]
        if is_local(name) and name.endswith(";2"):
            self.hops.pop(local_base(name), None)
            self.local_real.pop(local_base(name), None)
            self.originate_hops.discard(local_base(name))
        if chan is not None:
            call = self.calls.get(chan.linkedid)
            if call is not None:
                call.channels.discard(uid)
                if not call.channels and not call.open_segments():
                    self._drop_call(call.linkedid)

    def _drop_call(self, linkedid: str) -> None:
        call = self.calls.pop(linkedid, None)
        if call is None:
            return
        for seg in call.segments:
            for ring in seg.rings:
                for key in (ring.dest, ring.agent_channel):
                    if key and self.ring_by_chan.get(key) is ring:
                        del self.ring_by_chan[key]
