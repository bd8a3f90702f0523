"""Channels and dials: Newchannel, DialBegin, DialEnd.

A dial that no queue made is a *direct* ring: the caller dialled an extension (or a ring group
dialled several). Dials through ``Local/...;1`` are followed to the real phone leg that the
``;2`` half dials, so every ring names the real channel; a queue's Local member (FreePBX style
``Local/1004@agents/n``) is resolved the same way.
"""

from __future__ import annotations

from collections.abc import Mapping

from telephony.events import DomainEvent, RingStopReason
from telephony.tracker.calls import CallBook
from telephony.tracker.state import Chan, Ring, clean_name, clean_number, is_local, local_base

_STOP_REASON: dict[str, RingStopReason] = {"NOANSWER": "timeout", "BUSY": "rejected", "CONGESTION": "rejected",
                "CHANUNAVAIL": "rejected", "DONTCALL": "rejected", "TORTURE": "rejected"}


class Dials(CallBook):
    def _on_newchannel(self, m: Mapping[str, str], t: float, out: list[DomainEvent]) -> None:
        self._chan(m)

    def _on_newstate(self, m: Mapping[str, str], t: float, out: list[DomainEvent]) -> None:
        if m.get("ChannelStateDesc") == "Ringing" or m.get("ChannelState") == "5":
            self._rang(m.get("Channel") or "", t, out)

    def _on_dial_state(self, m: Mapping[str, str], t: float, out: list[DomainEvent]) -> None:
        if m.get("DialStatus") in ("RINGING", "PROGRESS", "PROCEEDING"):
            self._rang(m.get("DestChannel") or "", t, out)

    def _customer(self, call_id: str, dialler: Chan | None) -> Chan | None:
        """Who the call is for: the first segment's caller, else the call's first channel."""
        call = self.calls.get(call_id)
        if call is not None and call.segments:
            return self.channels.get(call.segments[0].caller_uid) or dialler
        return self.channels.get(call_id) or dialler

    def _on_dial_begin(self, m: Mapping[str, str], t: float, out: list[DomainEvent]) -> None:
        dest = m.get("DestChannel") or ""
        dest_chan = self._chan(m, "Dest")
        if dest_chan is not None:
            dest_chan.dialled = True
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
            call = self.calls.get(xchan.linkedid)
            if call is not None and any(s.queue and s.left_t is None and not s.ended for s in call.segments):
                return  # a queue's Local member, its AgentCalled still to come: that makes the ring
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
        elif parent is None and key and not seg.ended:
            # The queue's Local member reached its phone before AgentCalled came: the ring is
            # keyed by the ;1 the queue named, so AgentCalled finds it and pops nothing twice.
            self._add_ring(seg, self.agent_of_channel(dest), key, dest, t, out)
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
