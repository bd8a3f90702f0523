"""Originate results: OriginateResponse, with DialEnd and the Hangup cause to tell failures apart.

Asterisk gives ``Reason`` 4 for answered and 3 for "rang until the Originate Timeout", but 0 for
both 486 Busy and 480 Unavailable; the first leg's ``DialEnd DialStatus`` (BUSY / NOANSWER) or
its hang-up cause (17 / 19) says which. The response, the DialEnd and the leg's Hangup come in
any order (a busy leg's Hangup often comes before the response), so a Reason 0 waits for the
leg's outcome and a leg is kept until its response has been read. On failure ``Channel`` is the
dial string (``PJSIP/13700137000@carrier``) and ``Uniqueid`` is ``<unknown>``: the leg is found by
the dial string its ``DialBegin`` (the one with no ``Channel``) carried, and the call by the leg's
Linkedid.

A **click-to-call** is an Originate whose first leg is an agent's phone (``Channel=PJSIP/1001``,
``Context=outbound``, ``Exten=<customer>``): its response only says the agent's phone answered.
Its result waits for the customer's leg, which the agent's channel then dials: ``answered`` when
the customer picks up, else what that dial came to (busy, no answer, failed); the call itself is
the agent's outbound call (``outbound.py``), recorded with that outcome.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from telephony.events import DomainEvent, OriginateOutcome, OriginateResult
from telephony.tracker.calls import CallBook
from telephony.tracker.state import dial_failure, is_local, to_int

# An outcome and, unless answered, why.
Result = tuple[OriginateOutcome, str | None]

_BY_REASON: dict[str, Result] = {"4": ("answered", None), "3": ("no_answer", "rang until the originate timeout"),
              "5": ("busy", "busy"), "8": ("failed", "congestion"), "1": ("failed", "hung up")}
_AGENT_PHONE = {"3": "no answer", "5": "busy", "8": "congestion", "1": "hung up", "0": "unreachable"}
_MAX_LEGS = 1000


@dataclass(slots=True)
class OriginateLeg:
    dest: str
    dial_string: str
    linkedid: str | None
    agent: str | None = None  # the first leg is this agent's phone: a click-to-call
    status: str | None = None
    cause: int | None = None
    waiting: Mapping[str, str] | None = None  # an OriginateResponse waiting for the outcome
    responded: bool = False
    gone: bool = False  # its Hangup came (before the response, perhaps)
    customer_status: str | None = None  # click-to-call: how the customer's dial ended
    customer_cause: int | None = None


class Originates(CallBook):
    def _init_originates(self) -> None:
        self.orig_legs: dict[str, OriginateLeg] = {}  # leg channel name -> leg
        self.orig_by_dial: dict[str, OriginateLeg] = {}  # "PJSIP/1370...@carrier" -> leg

    def _originate_leg(self, m: Mapping[str, str], t: float, out: list[DomainEvent]) -> None:
        dest = m.get("DestChannel") or ""
        tech = dest.split("/", 1)[0]
        leg = OriginateLeg(dest=dest, dial_string=m.get("DialString") or "",
                           linkedid=m.get("DestLinkedid") or None,
                           agent=None if is_local(dest) else self.agent_of_channel(dest))
        self.orig_legs[dest] = leg
        self.orig_by_dial[f"{tech}/{leg.dial_string}"] = leg
        if len(self.orig_legs) > _MAX_LEGS:  # never settled: do not grow without bound
            self._drop_leg(self.orig_legs[next(iter(self.orig_legs))])

    def _drop_leg(self, leg: OriginateLeg) -> None:
        self.orig_legs.pop(leg.dest, None)
        tech = leg.dest.split("/", 1)[0]
        if self.orig_by_dial.get(f"{tech}/{leg.dial_string}") is leg:
            del self.orig_by_dial[f"{tech}/{leg.dial_string}"]

    def _click_to_call(self, channel: str) -> bool:
        leg = self.orig_legs.get(channel)
        return leg is not None and leg.agent is not None

    def _originate_dial_end(self, m: Mapping[str, str], t: float, out: list[DomainEvent]) -> None:
        leg = self.orig_legs.get(m.get("DestChannel") or "")
        if leg is not None:
            leg.status = m.get("DialStatus") or leg.status
            self._settle_leg(leg, t, out)

    def _on_originate_dial_end(self, m: Mapping[str, str], t: float, out: list[DomainEvent]) -> None:
        """A click-to-call's agent leg dialled the customer: that dial's end is the result."""
        leg = self.orig_legs.get(m.get("Channel") or "")
        if leg is None or leg.agent is None or leg.customer_status is not None:
            return
        leg.customer_status = m.get("DialStatus") or "CANCEL"
        self._settle_leg(leg, t, out)

    def _on_originate_hangup(self, m: Mapping[str, str], t: float, out: list[DomainEvent]) -> None:
        name = m.get("Channel") or ""
        leg = self.orig_legs.get(name)
        if leg is None:
            owner = self._customer_of_click(name)
            if owner is not None:  # the customer's leg of a click-to-call: its cause (480: 19)
                owner.customer_cause = to_int(m.get("Cause")) or owner.customer_cause
            return
        leg.cause = to_int(m.get("Cause")) or leg.cause
        if m.get("Event") != "Hangup":
            return
        leg.gone = True
        self._settle_leg(leg, t, out, final=True)
        if leg.responded and leg.waiting is None:
            self._drop_leg(leg)

    def _customer_of_click(self, name: str) -> OriginateLeg | None:
        ring = self.ring_by_chan.get(name)
        placed = ring.seg.placed_by if ring is not None else None
        return self.orig_legs.get(placed.dest) if placed is not None else None

    def _outcome(self, leg: OriginateLeg, final: bool) -> Result | None:
        """What the Originate came to, once known (``final``: the leg is gone, say something)."""
        if leg.agent is None:
            found = dial_failure(leg.status, leg.cause)
            return found or (("failed", "no outcome from the PBX") if final else None)
        if leg.customer_status == "ANSWER":
            return "answered", None
        if leg.customer_status == "CANCEL":
            return "no_answer", "the agent hung up before the customer answered"
        if leg.customer_status is not None:
            found = dial_failure(leg.customer_status, leg.customer_cause)
            return found or ("failed", f"{leg.customer_status.lower()}")
        return ("failed", "the agent hung up before the customer was dialled") if final else None

    def _settle_leg(self, leg: OriginateLeg, t: float, out: list[DomainEvent], final: bool = False) -> None:
        if leg.waiting is None:
            return
        outcome = self._outcome(leg, final)
        if outcome is None:
            return
        response, leg.waiting = leg.waiting, None
        self._emit_originate(response, t, outcome, leg, out)
        if leg.gone:
            self._drop_leg(leg)

    def _on_originate_response(self, m: Mapping[str, str], t: float, out: list[DomainEvent]) -> None:
        reason = m.get("Reason", "")
        channel = m.get("Channel") or ""
        leg = self.orig_legs.get(channel) or self.orig_by_dial.get(channel)
        success = m.get("Response") == "Success"
        if leg is not None:
            leg.responded = True
            if leg.agent is not None and m.get("Application"):
                leg.agent = None  # the phone runs an application (a supervisor's ChanSpy): no click-to-call
            if leg.agent is not None:
                if success:  # only the agent's phone answered: the customer's dial will tell
                    leg.waiting = m
                    self._settle_leg(leg, t, out)
                else:
                    why = _AGENT_PHONE.get(reason, f"reason {reason or '?'}")
                    self._emit_originate(m, t, ("failed", f"the agent's phone: {why}"), leg, out)
                return
        if success or reason in _BY_REASON:
            outcome = _BY_REASON.get(reason, ("answered", None)) if success else _BY_REASON[reason]
            self._emit_originate(m, t, outcome, leg, out)
        elif leg is None:
            self._emit_originate(m, t, ("failed", f"reason {reason or '?'}"), None, out)
        else:
            leg.waiting = m  # the DialEnd or the Hangup tells, if they have not already
            self._settle_leg(leg, t, out, final=leg.gone)
            return
        if leg is not None and leg.gone:
            self._drop_leg(leg)

    def _emit_originate(self, m: Mapping[str, str], t: float, outcome: Result,
                        leg: OriginateLeg | None, out: list[DomainEvent]) -> None:
        uid = m.get("Uniqueid") or ""
        chan = self.channels.get(uid)
        call = chan.linkedid if chan else (uid if uid and uid != "<unknown>" else None)
        if call is None and leg is not None:
            leg_chan = self._chan_by_name(leg.dest)
            call = leg_chan.linkedid if leg_chan else leg.linkedid
        out.append(OriginateResult(t=t, call=call, action_id=m.get("ActionID", ""),
                                   number=self._originate_number(m, leg),
                                   outcome=outcome[0], reason=outcome[1]))

    @staticmethod
    def _originate_number(m: Mapping[str, str], leg: OriginateLeg | None) -> str:
        exten = m.get("Exten") or ""
        if len(exten) >= 3 and exten.lstrip("+").isdigit():
            return exten
        dial = leg.dial_string if leg is not None else (m.get("Channel") or "").split("/", 1)[-1]
        return dial.split("@", 1)[0].split("/", 1)[0]
