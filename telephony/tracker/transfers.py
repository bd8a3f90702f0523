"""Blind, attended and blonde transfers: the customer stays the caller.

* Blind (``BlindTransfer``): the agent's pass ends (answered, by the agent) and the customer's
  channel dials the target as a new non-queue segment of the same call.
* Attended (``AttendedTransfer``, the consult leg answered) and blonde (the consult leg still
  ringing when the transferer completes): the consult segment — rings that did not count as a
  call of their own — becomes the call's non-queue segment with the target as its agent. A consult
  made as a separate call (a phone's own transfer key: another Linkedid) is folded in the same way.
"""

from __future__ import annotations

from collections.abc import Mapping

from telephony.events import DomainEvent, Transferred
from telephony.tracker.calls import CallBook
from telephony.tracker.state import Ring, Segment, is_local, local_base


class Transfers(CallBook):
    def _segment_of_agent_leg(self, *channels: str | None) -> Segment | None:
        for name in channels:
            ring = self.ring_by_chan.get(name or "")
            if ring is not None and ring.answered and not ring.seg.ended:
                return ring.seg
        for name in channels:  # the transferer may be the customer side of a direct call
            uid = self.by_name.get(name or "")
            for seg in self.segs_by_caller.get(uid or "", ()):
                if not seg.ended and seg.answered_t is not None:
                    return seg
        return None

    def _on_blind_transfer(self, m: Mapping[str, str], t: float, out: list[DomainEvent]) -> None:
        if m.get("Result", "Success") != "Success":
            return
        transferer = m.get("TransfererChannel")
        seg = self._segment_of_agent_leg(transferer)
        if seg is None:
            return
        from_agent = seg.agent if seg.agent_channel == transferer else None
        out.append(Transferred(
            t=t, call=seg.call, from_agent=from_agent, to=m.get("Extension") or "",
            kind="blind", caller_channel=seg.caller_channel, to_channel=None,
        ))
        self._hand_over(seg, t, out)

    def _hand_over(self, seg: Segment, t: float, out: list[DomainEvent]) -> None:
        """The transferer is gone from the call: its pass ends (a queue pass) or is re-ringing."""
        if seg.queue is not None:
            self._end(seg, t, "answered", "agent", out)
        else:
            seg.agent = seg.agent_channel = None
            for ring in seg.rings:
                ring.stopped = True

    def _on_attended_transfer(self, m: Mapping[str, str], t: float, out: list[DomainEvent]) -> None:
        if m.get("Result", "Success") != "Success":
            return
        orig = m.get("OrigTransfererChannel")
        second = m.get("SecondTransfererChannel")
        seg = self._segment_of_agent_leg(orig, second)
        target_name = m.get("TransferTargetChannel") or ""
        target = self._target_ring(target_name)
        if seg is None and target is None:
            return
        if seg is None:
            seg = target.seg
        from_agent = seg.agent
        consult = target.seg if target is not None else None
        kind = "attended" if target is None or target.answered or target.picked_up else "blonde"
        to = (target.agent if target is not None else None) or m.get("TransferTargetCallerIDNum") or target_name
        to_channel = (target.agent_channel or target.dest) if target is not None else target_name or None
        out.append(Transferred(t=t, call=seg.call, from_agent=from_agent, to=to, kind=kind,
                               caller_channel=seg.caller_channel, to_channel=to_channel))
        if consult is None or consult is seg:
            self._hand_over(seg, t, out)
            return
        if seg.queue is not None:
            self._end(seg, t, "answered", "agent", out)
        else:
            seg.ended = True  # folded into the consult segment, which carries the call on
        self._adopt(seg, consult, target, t, out)

    def _target_ring(self, name: str) -> Ring | None:
        ring = self.ring_by_chan.get(name)
        if ring is None and is_local(name):
            hop = self.hops.get(local_base(name))
            real = self.local_real.get(local_base(name))
            if real:
                ring = self.ring_by_chan.get(real)
            elif hop is not None:
                seg, _, root = hop
                ring = next((r for r in seg.rings if r.via == root and not r.stopped), None)
        return ring

    def _adopt(self, old: Segment, consult: Segment, target: Ring, t: float,
               out: list[DomainEvent]) -> None:
        """The consult segment carries the call on: the customer of ``old`` is its caller now."""
        previous = self.calls.get(consult.call)
        if previous is not None and consult.call != old.call and consult in previous.segments:
            previous.segments.remove(consult)
        if consult.caller_uid != old.caller_uid:
            mine = self.segs_by_caller.get(consult.caller_uid, [])
            if consult in mine:
                mine.remove(consult)
            self.segs_by_caller.setdefault(old.caller_uid, []).append(consult)
        consult.consult = False
        consult.call = old.call
        consult.caller, consult.caller_name = old.caller, old.caller_name
        consult.caller_channel, consult.caller_uid = old.caller_channel, old.caller_uid
        consult.vars = dict(old.vars)
        consult.start_t = t
        if consult not in self._call(old.call).segments:
            self._call(old.call).segments.append(consult)
        if target.answered or target.picked_up:
            target.answered = False
            consult.answered_t = None
            self._answer(target, t, 0.0, out)
        # blonde: the target still rings; its DialEnd ANSWER answers the adopted segment.
