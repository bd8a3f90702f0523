"""Shared bookkeeping: channels, calls, segments, and the events that rings and segments emit.

Every handler mixin builds on this class. The invariants kept here, whatever order events
arrive in: a ring announces itself at most once and stops at most once; a segment ends at most
once, and one ``(call, queue, pass)`` is never ended twice (``_ended_keys``).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from telephony.events import Answered, DomainEvent, Ended, HangupBy, Outcome, Ringing, RingStopped, RingStopReason
from telephony.tracker.state import (
    Call,
    Chan,
    Ring,
    Segment,
    clean_name,
    clean_number,
    device_of,
    digits_agent,
    is_local,
    local_base,
)

log = logging.getLogger(__name__)
_ENDED_MEMORY = 100_000  # calls remembered as ended (a busy center's day or two)


class CallBook:
    def __init__(self, agent_map: Mapping[str, str] | None = None) -> None:
        self.agent_map: dict[str, str] = dict(agent_map or {})
        self.device_agents: dict[str, str] = {}  # StateInterface / member interface -> agent
        self._now = 0.0  # the t of the message being fed
        self._fed = 0  # how many messages were fed: their order, where times tie
        self._sees_hangup_requests = False  # recordings filtered of HangupRequest exist
        self._reset_calls()
        # (call, queue, pass) already ended -> when, oldest first; bounded, so a long-running bridge
        # stays small
        self._ended_keys: dict[tuple[str, str | None, int], float] = {}

    def _reset_calls(self) -> None:
        self.channels: dict[str, Chan] = {}  # uniqueid -> channel
        self.by_name: dict[str, str] = {}  # channel name -> uniqueid
        self.calls: dict[str, Call] = {}  # linkedid -> call
        self.ring_by_chan: dict[str, Ring] = {}  # dest or real leg name -> ring
        # Local pair base -> (segment, the ring keyed by its ;1 or None, the outermost pair)
        self.hops: dict[str, tuple[Segment, str | None, str]] = {}
        self.local_real: dict[str, str] = {}  # Local pair base -> real leg its ;2 dialled
        # Local pairs an Originate dialled first: what their ;2 dials is the originate's own
        # first leg (the agent's phone for click-to-dial), never a pop.
        self.originate_hops: set[str] = set()
        self.segs_by_caller: dict[str, list[Segment]] = {}  # caller uniqueid -> segments
        self.bridges: dict[str, set[str]] = {}  # BridgeUniqueid -> uniqueids in it now

    # -- lookups ---------------------------------------------------------------------------
    def agent_of(self, interface: str) -> str | None:
        """The agent behind a member interface or a device (config first, then the digits)."""
        mapped = self.agent_map.get(interface) or self.device_agents.get(interface)
        return mapped if mapped is not None else digits_agent(interface)

    def agent_of_channel(self, channel: str) -> str | None:
        return None if is_local(channel) else self.agent_of(device_of(channel))

    def _chan(self, m: Mapping[str, str], prefix: str = "") -> Chan | None:
        """The channel an event is about (``prefix`` "Dest" for the other side), learnt if new."""
        uid = m.get(prefix + "Uniqueid")
        name = m.get(prefix + "Channel")
        if not uid or uid == "<unknown>" or not name:
            return None
        chan = self.channels.get(uid)
        if chan is None:
            chan = Chan(name=name, uniqueid=uid, linkedid=m.get(prefix + "Linkedid") or uid,
                        num=clean_number(m.get(prefix + "CallerIDNum")),
                        cid_name=clean_name(m.get(prefix + "CallerIDName")),
                        exten=m.get("Exten", "") if not prefix else "")
            self.channels[uid] = chan
            self.by_name[name] = uid
            self._call(chan.linkedid).channels.add(uid)
        elif not chan.num:  # Newchannel often has no number yet; later events do
            chan.num = clean_number(m.get(prefix + "CallerIDNum"))
        return chan

    def _chan_by_name(self, name: str | None) -> Chan | None:
        uid = self.by_name.get(name or "")
        return self.channels.get(uid) if uid else None

    def _leave_bridge(self, chan: Chan) -> None:
        members = self.bridges.get(chan.bridge or "")
        if members is not None:
            members.discard(chan.uniqueid)
            if not members:
                del self.bridges[chan.bridge or ""]
        chan.bridge = None

    def _bridged_with(self, bridge: str | None, not_uid: str | None) -> list[Chan]:
        """The channels in a bridge now, but one."""
        return [self.channels[uid] for uid in self.bridges.get(bridge or "", ())
                if uid != not_uid and uid in self.channels]

    def _call(self, linkedid: str) -> Call:
        call = self.calls.get(linkedid)
        if call is None:
            call = self.calls[linkedid] = Call(linkedid, first_t=self._now)
        return call

    def _open_segment(self, call: str, queue: str | None) -> Segment | None:
        c = self.calls.get(call)
        if c is None:
            return None
        for seg in reversed(c.segments):
            if seg.queue == queue and not seg.ended:
                return seg
        return None

    def _new_segment(self, call: str, queue: str | None, caller: Chan | None,
                     m: Mapping[str, str], t: float, new_pass: bool = False) -> Segment:
        """A segment of ``call``. Only a real new pass (``new_pass``: a QueueCallerJoin, a refused
        Queue()) after an earlier one in that queue gets the next pass number; any other late
        or snapshot event that opens one belongs to the latest pass, whose end is already kept."""
        passes = [s.pass_no for s in self._call(call).segments if s.queue == queue] if queue else ()
        seg = Segment(
            call=call, queue=queue,
            caller=caller.num if caller else clean_number(m.get("CallerIDNum")),
            caller_name=caller.cid_name if caller else clean_name(m.get("CallerIDName")),
            caller_channel=caller.name if caller else m.get("Channel", ""),
            caller_uid=caller.uniqueid if caller else m.get("Uniqueid", ""),
            vars=dict(caller.vars) if caller else {}, start_t=t,
            pass_no=max(passes) + (1 if new_pass else 0) if passes else 1,
        )
        if caller is not None:
            caller.vars_frozen = True
        self._call(call).segments.append(seg)
        self.segs_by_caller.setdefault(seg.caller_uid, []).append(seg)
        return seg

    # -- rings -----------------------------------------------------------------------------
    def _add_ring(self, seg: Segment, agent: str | None, dest: str, real: str | None,
                  t: float, out: list[DomainEvent], via: str | None = None) -> Ring:
        ring = Ring(seg=seg, agent=agent, dest=dest, agent_channel=real, t=t, via=via)
        seg.rings.append(ring)
        self.ring_by_chan[dest] = ring
        if real:
            self.ring_by_chan[real] = ring
        self._announce(ring, t, out)  # if the phone is already known to ring
        return ring

    def _rings_now(self, ring: Ring) -> bool:
        """The ring's phone really rings: a dial to a phone on do-not-disturb, offline or
        forwarding everything ends (BUSY, CHANUNAVAIL, CANCEL) without ever ringing, and is no pop."""
        if ring.rang:
            return True
        chan = self._chan_by_name(ring.agent_channel or (None if is_local(ring.dest) else ring.dest))
        ring.rang = chan is not None and chan.ringing
        return ring.rang

    def _rang(self, channel: str, t: float, out: list[DomainEvent]) -> None:
        """A channel's device rings (Newstate Ringing, DialState RINGING/PROGRESS)."""
        chan = self._chan_by_name(channel)
        if chan is not None:
            chan.ringing = True
        ring = self.ring_by_chan.get(channel)
        if ring is not None and (ring.agent_channel or ring.dest) == channel:
            ring.rang = True
            self._announce(ring, t, out)

    def _announce(self, ring: Ring, t: float, out: list[DomainEvent], answered: bool = False) -> None:
        if ring.announced or ring.agent is None or ring.stopped:
            return
        if not answered and ((ring.agent_channel is None and is_local(ring.dest)) or not self._rings_now(ring)):
            return  # a Local hop's real phone is not known yet, or it does not ring (yet)
        ring.announced = True
        seg = ring.seg
        out.append(Ringing(
            t=t, call=seg.call, agent=ring.agent, caller=seg.caller, caller_name=seg.caller_name,
            queue=seg.queue, wait_s=round(max(0.0, t - seg.start_t), 3), vars=dict(seg.vars),
            caller_channel=seg.caller_channel, agent_channel=ring.agent_channel or ring.dest,
        ))

    def _stop_ring(self, ring: Ring, reason: RingStopReason, t: float, out: list[DomainEvent]) -> None:
        if ring.stopped or ring.answered:
            return
        ring.stopped = True
        ring.reason = reason
        # A phone that never rang had no pop: nothing to clear (nor for a ring of no agent,
        # which never pops: only a ring with an agent is announced).
        if ring.announced and ring.agent is not None:
            out.append(RingStopped(t=t, call=ring.seg.call, agent=ring.agent, reason=reason))

    def _cancel_reason(self, seg: Segment) -> RingStopReason:
        """Why a ring was cancelled: another ring won, or the caller gave up. Asterisk sends a
        HangupRequest when the caller hangs up; if this PBX sends them and the caller sent
        none, the call went on elsewhere (a pickup, a forward, a redirect)."""
        if any(r.answered or r.picked_up for r in seg.rings):
            return "answered_elsewhere"
        caller = self.channels.get(seg.caller_uid)
        if caller is None or caller.hangup_requested_t is not None or not self._sees_hangup_requests:
            return "caller_left"
        return "answered_elsewhere"

    def _answer(self, ring: Ring, t: float, wait_s: float | None, out: list[DomainEvent]) -> None:
        seg = ring.seg
        if ring.answered or seg.ended:
            return
        placed = seg.placed_by
        if placed is not None and ring.agent is None and not placed.answered:
            # The customer picked up an agent's outbound call: the agent's own leg is answered
            # (the answering leg is the customer, should the agent have dialled several).
            ring.picked_up = True
            if (ring.agent_channel or ring.dest) != seg.caller_channel:
                self._recaller(seg, ring.agent_channel or ring.dest)
            ring = placed
        if not ring.announced:
            self._announce(ring, t, out, answered=True)  # a pickup answers without ringing
        ring.answered = True
        ring.stopped = False
        seg.agent, seg.agent_channel = ring.agent, ring.agent_channel or ring.dest
        seg.answered_t = t
        seg.wait_s = wait_s if wait_s is not None else round(t - seg.start_t, 3)
        if ring.agent is not None and not seg.consult and ring is not placed:
            out.append(Answered(t=t, call=seg.call, agent=ring.agent, queue=seg.queue,
                                wait_s=seg.wait_s, caller_channel=seg.caller_channel,
                                agent_channel=seg.agent_channel))
        for other in seg.rings:
            if other is not ring:
                self._stop_ring(other, "answered_elsewhere", t, out)

    # -- ending ----------------------------------------------------------------------------
    def _end(self, seg: Segment, t: float, outcome: Outcome, hangup_by: HangupBy, out: list[DomainEvent],
             cause: int | None = None, wait_s: float | None = None) -> None:
        if seg.ended:
            return
        seg.ended, seg.ended_t = True, t
        for ring in seg.rings:
            self._stop_ring(ring, "caller_left" if outcome != "answered" else "answered_elsewhere", t, out)
        if seg.consult or (seg.queue is None and seg.handed_from is None
                           and not any(r.agent for r in seg.rings)):
            return  # a consult leg, or a non-queue dial that rang no agent (nor was placed by one)
        if seg.key in self._ended_keys:
            log.debug("second end of %s suppressed", seg.key)
            return
        self._ended_keys[seg.key] = t
        if len(self._ended_keys) > _ENDED_MEMORY:
            del self._ended_keys[next(iter(self._ended_keys))]
        if wait_s is None:
            wait_s = seg.wait_s if seg.wait_s is not None else t - seg.start_t
        talk = seg.talk_s
        if talk is None:
            talk = t - seg.answered_t if seg.answered_t is not None else 0.0
        out.append(Ended(
            t=t, call=seg.call, caller=seg.caller, agent=seg.agent, queue=seg.queue,
            outcome=outcome, hangup_by=hangup_by, cause=cause, wait_s=round(max(0.0, wait_s), 3),
            talk_s=round(max(0.0, talk), 3) if outcome == "answered" else 0.0,
            caller_channel=seg.caller_channel, direction=seg.direction, pass_no=seg.pass_no,
            recording=call.recording if (call := self.calls.get(seg.call)) is not None else None,
        ))

    def _recaller(self, seg: Segment, channel: str | None) -> None:
        """Another channel becomes the segment's caller: the transferee (the old agent leg) after
        a transfer by the caller, or the customer's leg of an agent's outbound call."""
        chan = self._chan_by_name(channel)
        if chan is None:
            return
        mine = self.segs_by_caller.get(seg.caller_uid, [])
        if seg in mine:
            mine.remove(seg)
        self.segs_by_caller.setdefault(chan.uniqueid, []).append(seg)
        seg.caller = chan.num or self.agent_of_channel(chan.name) or seg.caller
        seg.caller_name, seg.caller_channel, seg.caller_uid = chan.cid_name, chan.name, chan.uniqueid

    # -- forgetting ------------------------------------------------------------------------
    def _forget_channel(self, uid: str, name: str) -> None:
        chan = self.channels.pop(uid, None)
        if chan is not None:
            self._leave_bridge(chan)
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

    # Originate legs (originate.py) hook into DialBegin/DialEnd without a Channel.
    def _originate_leg(self, m: Mapping[str, str], t: float, out: list[DomainEvent]) -> None:
        return None

    def _originate_dial_end(self, m: Mapping[str, str], t: float, out: list[DomainEvent]) -> None:
        return None

    def _click_to_call(self, channel: str) -> bool:
        """The channel is an Originate's first leg on an agent's phone (originate.py)."""
        return False
