"""Outbound calls an agent's own phone places (dialled on the phone, not through an Originate).

An agent's device channel (``PJSIP/1001-…``: not Local, its digits an agent) whose Dial, directly
or through Local hops, reaches a party that is no agent (a trunk leg such as ``PJSIP/carrier-…``)
places an outbound call, if that segment is no queue pass, no consult, was not handed on by a
transfer and rang no agent. A click-to-call is one too: the Originate rang the agent's phone
first, which then dials the customer (``originate.py`` holds its result until that dial ends).
Other calls an Originate started are left out: their first leg is a customer's (a campaign) or a
Local pair, and the Originate has its own result.

At that dial the segment turns round, so that everything else treats it like an inbound direct
call: the dialled leg (the customer) becomes its caller, the number dialled its ``caller``, and
the agent's own leg an answered-to-be ring that never pops (``Segment.placed_by``). Hang-ups
(who hung up, from the HangupRequests) and transfers (the agent is the transferer) then need
nothing of their own. When the customer picks up nothing is emitted (there is no pop to answer);
the ``ended`` says ``direction`` "outbound", and when nobody answered its outcome is the dialled
leg's: ``CANCEL`` (the agent gave up) -> no_answer by the agent, else ``dial_failure``
(BUSY / cause 17 -> busy; NOANSWER / cause 18, 19 -> no_answer; else failed), by the system.
"""

from __future__ import annotations

from collections.abc import Mapping

from telephony.events import DomainEvent, HangupBy, Outcome
from telephony.tracker.calls import CallBook
from telephony.tracker.originate import OriginateLeg
from telephony.tracker.state import Ring, Segment, dial_failure


def unanswered_outcome(seg: Segment, cause: int | None) -> tuple[Outcome, HangupBy]:
    """(outcome, hangup_by) of an outbound call the customer never answered."""
    leg = next((r for r in seg.rings if r.agent is None and (r.agent_channel or r.dest) == seg.caller_channel), None)
    status = leg.status if leg is not None else None
    if status == "CANCEL":
        return "no_answer", "agent"
    found = dial_failure(status, cause)
    return (found[0] if found else "no_answer"), "system"


class Outbound(CallBook):
    orig_legs: dict[str, OriginateLeg]  # Originates: the first legs of Originates, by channel name

    def _on_outbound_dial(self, m: Mapping[str, str], t: float, out: list[DomainEvent]) -> None:
        """After Dials: a ring on an outside party may be an agent placing a call."""
        dest = m.get("DestChannel") or ""
        ring = self.ring_by_chan.get(dest)
        if ring is None or ring.agent is not None or ring.agent_channel != dest:
            return
        seg = ring.seg
        if (seg.queue is not None or seg.consult or seg.ended or seg.placed_by is not None
                or seg.handed_from is not None or seg.answered_t is not None
                or any(r.agent for r in seg.rings)):
            return
        dialler = self.channels.get(seg.caller_uid)
        if dialler is None or dialler.name in self.ring_by_chan:
            return
        if dialler.name in self.orig_legs and not self._click_to_call(dialler.name):
            return  # a campaign's customer leg dialling on: the Originate has its own result
        agent = self.agent_of_channel(dialler.name)
        if agent is None:
            return
        placed = Ring(seg=seg, agent=agent, dest=dialler.name, agent_channel=dialler.name, t=t,
                      announced=True, stopped=True)
        seg.rings.append(placed)
        self.ring_by_chan[dialler.name] = placed
        seg.placed_by, seg.direction = placed, "outbound"
        seg.agent, seg.agent_channel = agent, dialler.name
        self._recaller(seg, dest)
        customer = self._chan_by_name(dest)
        if customer is None or not customer.num:
            seg.caller = _dialled_number(m.get("DialString") or "")


def _dialled_number(dial_string: str) -> str:
    """``13900139000@carrier``, ``carrier/sip:13900139000@host`` -> ``13900139000``."""
    resource = dial_string.rsplit("/", 1)[-1]
    return resource.split("@", 1)[0].removeprefix("sip:")
