"""Blind, attended and blonde transfers: the customer (the transferee) stays the caller.

* Blind (``BlindTransfer``): a queue pass ends there (answered, by the agent); the transferee's
  channel then dials the target as the call's non-queue segment. A non-queue segment is handed
  on: same segment, new rings.
* Attended (``AttendedTransfer``; the transferer's second call — the consult — answered) and
  blonde (``DestType: App``, or the consult still ringing): the consult segment carries the call
  on, with the transferee as its caller and the target as its agent. The consult may share the
  Linkedid (AMI ``Atxfer``) or be a call of its own (a phone's transfer key).

A party is found by channel: the answered agent leg of a segment, or a segment's caller. When the
transferer was the *caller* (an internal A calls B, then hands B on), B becomes the caller.
"""

from __future__ import annotations

from collections.abc import Mapping

from telephony.events import DomainEvent, Transferred
from telephony.tracker.calls import CallBook
from telephony.tracker.state import Chan, Ring, Segment, is_local, local_base


class Transfers(CallBook):
    def _party(self, channel: str | None) -> tuple[Segment | None, str]:
        ring = self.ring_by_chan.get(channel or "")
        # AgentComplete "transfer" may come before the transfer event: that pass still counts.
        if ring is not None and ring.answered and (not ring.seg.ended or ring.seg.complete_reason == "transfer"):
            return ring.seg, "agent"
        uid = self.by_name.get(channel or "")
        for seg in reversed(self.segs_by_caller.get(uid or "", [])):
            if not seg.ended:
                return seg, "caller"
        return None, ""

    def _on_blind_transfer(self, m: Mapping[str, str], t: float, out: list[DomainEvent]) -> None:
        if m.get("Result", "Success") != "Success":
            return
        transferer = m.get("TransfererChannel") or ""
        seg, role = self._party(transferer)
        if seg is None:
            return
        transferee = m.get("TransfereeChannel") or (seg.caller_channel if role == "agent" else seg.agent_channel)
        out.append(Transferred(
            t=t, call=seg.call, from_agent=self._transferer_agent(seg, role, transferer),
            to=m.get("Extension") or "", kind="blind",
            caller_channel=seg.caller_channel if role == "agent" else transferee, to_channel=None,
        ))
        if role == "agent" and seg.queue is not None:
            self._end(seg, t, "answered", "agent", out)
            return
        if role == "caller" and seg.answered_t is not None:
            seg.handed_caller = (seg.caller, seg.caller_name)
        if role == "caller":
            self._recaller(seg, transferee)
        self._hand_over(seg, t)

    def _transferer_agent(self, seg: Segment, role: str, channel: str) -> str | None:
        return seg.agent if role == "agent" else self.agent_of_channel(channel)

    def _hand_over(self, seg: Segment, t: float) -> None:
        """The segment's agent is gone; the segment waits for the target's rings (if nobody
        takes it, it stays the conversation it was: answered by that agent)."""
        if seg.answered_t is not None:
            seg.handed_from = (seg.agent, t - seg.answered_t)
        for ring in seg.rings:
            ring.stopped = True
            for key in (ring.dest, ring.agent_channel):
                if key and self.ring_by_chan.get(key) is ring:
                    del self.ring_by_chan[key]
        seg.rings = []
        seg.agent = seg.agent_channel = None
        seg.answered_t = seg.wait_s = None
        seg.complete_reason = None
        seg.start_t = t

    def _on_attended_transfer(self, m: Mapping[str, str], t: float, out: list[DomainEvent]) -> None:
        if m.get("Result", "Success") != "Success":
            return
        orig, second = m.get("OrigTransfererChannel") or "", m.get("SecondTransfererChannel") or ""
        seg1, role1 = self._party(orig)
        seg2, role2 = self._party(second)
        if seg1 is None:  # the transferer's first call rang no agent of ours (an outbound call)
            if seg2 is not None and role2 == "caller":
                self._consult_takes_over(m, seg2, orig, t, out)
            elif seg2 is not None:
                self._end(seg2, t, "answered", "agent", out)
            return
        target = self._target_ring(self._transfer_target(m), seg2 if role2 == "caller" else None)
        if target is not None and target.seg is not seg1 and (seg2 is seg1 or seg2 is None):
            seg2, role2 = target.seg, "caller"  # AMI Atxfer: the consult dials from a Local ;2
        transferee = m.get("TransfereeChannel") or (seg1.caller_channel if role1 == "agent" else seg1.agent_channel)
        blonde = m.get("DestType") == "App" or (target is not None and not (target.answered or target.picked_up))
        second_chan = self._chan_by_name(second)
        if target is not None and target.agent:
            to = target.agent
        elif role2 == "agent" and seg2 is not None:
            to = seg2.caller
        else:
            to = m.get("TransferTargetCallerIDNum") or (second_chan.exten if second_chan else "") or ""
        out.append(Transferred(
            t=t, call=seg1.call, from_agent=self._transferer_agent(seg1, role1, orig), to=to,
            kind="blonde" if blonde else "attended",
            caller_channel=seg1.caller_channel if role1 == "agent" else transferee,
            to_channel=((target.agent_channel or target.dest) if target is not None
                        else (self._transfer_target(m) or None)),
        ))
        if seg2 is None or seg2 is seg1 or role2 != "caller":
            # No consult of ours to carry on (the transferer was the agent of both calls): the
            # transferer's part is over in each.
            for seg in (seg1, seg2):
                if seg is not None and not seg.ended:
                    self._end(seg, t, "answered", "agent", out)
            return
        if role1 == "agent" and seg1.queue is not None:
            self._end(seg1, t, "answered", "agent", out)
        else:
            if role1 == "caller":
                self._recaller(seg1, transferee)
            else:
                seg2.handed_from = (seg1.agent, t - (seg1.answered_t or t))
            seg1.ended, seg1.ended_t = True, t  # folded into the consult segment, which carries the call on
        self._adopt(seg1, seg2, target, t, out)

    def _transfer_target(self, m: Mapping[str, str]) -> str:
        """The channel the transferee is now bridged with. Asterisk 22 leaves the
        ``TransferTarget*`` headers out when the transferer's consult bridge emptied before the
        merge (``SecondBridgeNumChannels: 0``, about one Atxfer in two): the target is then the
        other channel in the transferee's bridge (``DestBridgeUniqueid``)."""
        named = m.get("TransferTargetChannel")
        if named or m.get("DestType") != "Bridge":
            return named or ""
        transferee = self._chan_by_name(m.get("TransfereeChannel"))
        others = self._bridged_with(m.get("DestBridgeUniqueid"), transferee.uniqueid if transferee else None)
        return others[0].name if len(others) == 1 else ""

    def _consult_takes_over(self, m: Mapping[str, str], consult: Segment, orig: str, t: float,
                            out: list[DomainEvent]) -> None:
        """The transferee was on an untracked call (say an outbound one): it becomes the
        consult's caller, and the consult becomes that call's non-queue segment."""
        target = self._target_ring(self._transfer_target(m), consult)
        transferee = self._chan_by_name(m.get("TransfereeChannel"))
        if transferee is not None and is_local(transferee.name):  # a Local hop: the party behind it
            transferee = self._behind_local(transferee) or transferee
        call = transferee.linkedid if transferee else consult.call
        out.append(Transferred(
            t=t, call=call, from_agent=self.agent_of_channel(orig),
            to=(target.agent if target is not None else None) or m.get("TransferTargetCallerIDNum") or "",
            kind="blonde" if m.get("DestType") == "App" else "attended",
            caller_channel=transferee.name if transferee else None,
            to_channel=(target.agent_channel or target.dest) if target is not None else None,
        ))
        if transferee is None:
            return
        self._recaller(consult, transferee.name)
        if transferee.dialled and self.agent_of_channel(transferee.name) is None:
            consult.direction = "outbound"  # a customer our side dialled (a click-to-dial, say)
        if call != consult.call:
            previous = self.calls.get(consult.call)
            if previous is not None and consult in previous.segments:
                previous.segments.remove(consult)
            consult.call = call
            self._call(call).segments.append(consult)

    def _behind_local(self, chan: Chan, seen: set[str] | None = None) -> Chan | None:
        """The real (non-Local) party a Local channel stands for: through its other half, the
        channel that half is bridged with, and on through any further Local pairs."""
        seen = seen if seen is not None else set()
        base = local_base(chan.name)
        if base in seen:
            return None
        seen.add(base)
        other = self._chan_by_name(base + (";1" if chan.name.endswith(";2") else ";2"))
        for party in self._bridged_with(other.bridge, other.uniqueid) if other is not None else ():
            found = self._behind_local(party, seen) if is_local(party.name) else party
            if found is not None:
                return found
        return None

    def _target_ring(self, name: str, consult: Segment | None) -> Ring | None:
        ring = self.ring_by_chan.get(name) if name else None
        if ring is None and name and is_local(name):
            real = self.local_real.get(local_base(name))
            hop = self.hops.get(local_base(name))
            if real:
                ring = self.ring_by_chan.get(real)
            elif hop is not None:
                ring = next((r for r in hop[0].rings if r.via == hop[2] and not r.stopped), None)
        if ring is None and consult is not None:
            ring = next((r for r in consult.rings if r.answered), None) or next(
                (r for r in consult.rings if not r.stopped and r.agent), None)
        return ring

    def _adopt(self, old: Segment, consult: Segment, target: Ring | None, t: float,
               out: list[DomainEvent]) -> None:
        """The consult segment carries the call on, with ``old``'s caller as its caller."""
        previous = self.calls.get(consult.call)
        if previous is not None and consult.call != old.call and consult in previous.segments:
            previous.segments.remove(consult)
        mine = self.segs_by_caller.get(consult.caller_uid, [])
        if consult in mine:
            mine.remove(consult)
        self.segs_by_caller.setdefault(old.caller_uid, []).append(consult)
        consult.consult = False
        consult.call = old.call
        consult.caller, consult.caller_name = old.caller, old.caller_name
        consult.caller_channel, consult.caller_uid = old.caller_channel, old.caller_uid
        consult.vars = dict(old.vars)
        consult.direction = old.direction  # an outbound call handed on stays outbound
        consult.start_t = t
        self._call(old.call).segments.append(consult)
        if target is not None and (target.answered or target.picked_up):
            target.answered = False
            consult.answered_t = None
            self._answer(target, t, 0.0, out)
        # blonde: the target still rings; its DialEnd ANSWER answers the adopted segment.
