"""Reconnects and restarts: no call lost, none recorded twice.

When the AMI link drops, every tracked call becomes *unconfirmed*: nothing is emitted, because
the call may well still be up. After the reconnect, any event that names one of its channels
(the ``CoreShowChannel`` / ``QueueEntry`` / ``Status`` snapshot, or live traffic) confirms it;
``resync_done`` then ends, once, every call the snapshot did not show (``hangup_by`` "system").
``FullyBooted`` with an ``Uptime`` shorter than a call's age means the PBX restarted under it:
such calls are over at once. Without an ``Uptime`` (older Asterisk, peer recordings) a
``FullyBooted`` only marks the calls unconfirmed, like a reconnect.
"""

from __future__ import annotations

from collections.abc import Mapping

from telephony.events import DomainEvent, Outcome
from telephony.tracker.calls import CallBook
from telephony.tracker.state import Call, Ring, clean_name, clean_number, to_float, to_int

_RESTART_SLACK_S = 2.0
_RINGING = "5"  # CoreShowChannel's ChannelState of a ringing channel (AST_STATE_RINGING)


class Resync(CallBook):
    def _init_resync(self) -> None:
        self._resyncing = False  # between connection_lost and resync_done: events confirm calls
        # When the link dropped: a call the PBX no longer has ended at the latest then (its talk
        # time must not include the outage).
        self._lost_t: float | None = None
        self._snapshot_bridges: dict[str, list[str]] = {}  # BridgeId -> uniqueids, this snapshot
        self._snapshot_rings: list[str] = []  # agents' legs the snapshot shows ringing (uniqueids)

    def connection_lost(self, t: float) -> list[DomainEvent]:
        """The AMI link dropped: nothing is emitted yet; every call waits for the snapshot."""
        for call in self.calls.values():
            call.unconfirmed = True
        self._resyncing = True
        if self._lost_t is None:
            self._lost_t = t
        return []

    def resync_done(self, t: float) -> list[DomainEvent]:
        """The snapshot after a reconnect is complete: calls it did not show are over."""
        out: list[DomainEvent] = []
        for call in [c for c in self.calls.values() if c.unconfirmed]:
            self._lose_call(call, t, out)
        self._resyncing = False
        self._snapshot_bridges = {}
        self._lost_t = None
        return out

    def _confirm(self, m: Mapping[str, str]) -> None:
        for key in ("Linkedid", "DestLinkedid"):
            call = self.calls.get(m.get(key) or "")
            if call is not None:
                call.unconfirmed = False
        chan = self.channels.get(m.get("Uniqueid") or "")
        call = self.calls.get(chan.linkedid) if chan else None
        if call is not None:
            call.unconfirmed = False

    def _lose_call(self, call: Call, t: float, out: list[DomainEvent]) -> None:
        """The PBX no longer has this call: end what is open, forget its channels. It was last
        known up when the link dropped (if it did): that is when it ended, for all we know."""
        if self._lost_t is not None:
            t = max(min(t, self._lost_t), call.first_t)
        for seg in call.open_segments():
            outcome: Outcome = "answered" if seg.answered_t is not None else "failed"
            self._end(seg, t, outcome, "system", out)
        for uid in list(call.channels):
            chan = self.channels.get(uid)
            self._forget_channel(uid, chan.name if chan else "")
        self._drop_call(call.linkedid)

    def _on_fully_booted(self, m: Mapping[str, str], t: float, out: list[DomainEvent]) -> None:
        uptime = to_int(m.get("Uptime"))
        if uptime is None:
            self.connection_lost(t)
            return
        booted_at = t - uptime - _RESTART_SLACK_S
        for call in [c for c in self.calls.values() if c.first_t < booted_at]:
            self._lose_call(call, t, out)

    def _on_shutdown(self, m: Mapping[str, str], t: float, out: list[DomainEvent]) -> None:
        self.connection_lost(t)

    def _on_queue_entry(self, m: Mapping[str, str], t: float, out: list[DomainEvent]) -> None:
        """A caller waiting in a queue, from the QueueStatus snapshot: track it from here on."""
        chan = self._chan(m)
        queue = m.get("Queue")
        if chan is None or not queue:
            return
        chan.num = chan.num or clean_number(m.get("CallerIDNum"))
        name = m.get("CallerIDName")
        chan.cid_name = chan.cid_name or (None if name == "unknown" else clean_name(name))  # QueueEntry's way
        if self._open_segment(chan.linkedid, queue) is None:
            self._new_segment(chan.linkedid, queue, chan, m, t - to_float(m.get("Wait")))

    def _on_core_show_channel(self, m: Mapping[str, str], t: float, out: list[DomainEvent]) -> None:
        """A channel from the snapshot (confirmation already happened in feed()). A call we
        never saw is tracked from here on: a caller in ``Queue``/``Dial`` opens its segment, and
        the leg sharing its ``BridgeId`` is its agent (answered before we knew: no pop)."""
        chan = self._chan(m)
        if chan is None:
            return
        # CoreShowChannel names; a Status reply says Data, BridgeID and Seconds instead.
        app, bridge = m.get("Application", ""), m.get("BridgeId") or m.get("BridgeID") or ""
        if app in ("Queue", "Dial") and not any(not s.ended for s in self.segs_by_caller.get(chan.uniqueid, ())):
            chan.num = chan.num or clean_number(m.get("CallerIDNum"))
            data = m.get("ApplicationData") or m.get("Data") or ""
            queue = data.split(",", 1)[0] if app == "Queue" else None
            age = _duration(m.get("Duration")) if "Duration" in m else to_float(m.get("Seconds"))
            self._new_segment(chan.linkedid, queue or None, chan, m, t - age)
        if bridge:
            members = self._snapshot_bridges.setdefault(bridge, [])
            members.append(chan.uniqueid)
            self._pair_snapshot_bridge(members, t, out)
        elif m.get("ChannelState") == _RINGING and self.agent_of_channel(chan.name) is not None:
            chan.ringing = True
            self._snapshot_rings.append(chan.uniqueid)

    def _on_snapshot_complete(self, m: Mapping[str, str], t: float, out: list[DomainEvent]) -> None:
        self._snapshot_bridges = {}
        self._pop_snapshot_rings(t, out)

    def _pop_snapshot_rings(self, t: float, out: list[DomainEvent]) -> None:
        """An agent's phone the snapshot shows ringing for a caller still waiting, rung while we
        were not connected (the link was down, or its holder died: console.server.pbx_relay):
        it rings now, so it pops now. A ring we already knew is left as it was."""
        rings, self._snapshot_rings = self._snapshot_rings, []
        for uid in rings:
            chan = self.channels.get(uid)
            if chan is None or chan.name in self.ring_by_chan:
                continue
            call = self.calls.get(chan.linkedid)
            waiting = [seg for seg in (call.segments if call else ()) if not seg.ended and seg.answered_t is None
                       and seg.caller_uid != uid]
            if waiting:
                self._add_ring(waiting[-1], self.agent_of_channel(chan.name), chan.name, chan.name, t, out)

    def _pair_snapshot_bridge(self, members: list[str], t: float, out: list[DomainEvent]) -> None:
        """A caller and an agent's leg in one bridge: the call was answered while we were away.
        The agent gets the pop now (a card for the caller they are talking to) and the call is
        answered from here on; a ring of it we had popped is the one answered."""
        callers = [seg for uid in members for seg in self.segs_by_caller.get(uid, ()) if not seg.ended]
        for seg in callers:
            if seg.answered_t is not None:
                continue
            for uid in members:
                leg = self.channels.get(uid)
                agent = self.agent_of_channel(leg.name) if leg is not None else None
                if leg is None or uid == seg.caller_uid or agent is None:
                    continue
                ring = next((r for r in seg.rings if r.agent == agent and not r.answered), None)
                if ring is None:
                    ring = Ring(seg=seg, agent=agent, dest=leg.name, agent_channel=leg.name, t=t, rang=True)
                    seg.rings.append(ring)
                self.ring_by_chan[leg.name] = ring
                ring.agent_channel = ring.agent_channel or leg.name
                self._answer(ring, t, 0.0, out)  # how long it waited is not known: 0, as before
                break


def _duration(value: str | None) -> float:
    """``00:01:05`` -> 65.0 (CoreShowChannel's Duration); 0 when absent or odd."""
    try:
        hours, minutes, seconds = (int(part) for part in (value or "").split(":"))
    except ValueError:
        return 0.0
    return float(hours * 3600 + minutes * 60 + seconds)
