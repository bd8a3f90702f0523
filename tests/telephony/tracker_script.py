"""A small script language for tracker tests: AMI event dicts shaped as Asterisk 22 sends them.

The captures cover what the lab recorded; these scripts cover what the README describes but
no capture in this folder shows (LEAVEEMPTY, JOINEMPTY, a Local queue member ringing, a caller
leaving a ring-all queue, a redirect into another queue, reconnects). Field names and event
order follow tests/fixtures/ami-transcripts/README.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from telephony.tracker import Tracker


@dataclass
class Chan:
    name: str
    uid: str
    linkedid: str
    num: str = ""
    cid_name: str = "<unknown>"

    def fields(self, prefix: str = "") -> dict[str, str]:
        return {
            f"{prefix}Channel": self.name, f"{prefix}Uniqueid": self.uid,
            f"{prefix}Linkedid": self.linkedid, f"{prefix}CallerIDNum": self.num or "<unknown>",
            f"{prefix}CallerIDName": self.cid_name,
        }


@dataclass
class Script:
    tracker: Tracker = field(default_factory=Tracker)
    out: list[dict[str, Any]] = field(default_factory=list)
    t: float = 0.0
    fed: list[tuple[dict[str, str], float]] = field(default_factory=list)  # every message, with its t

    def send(self, event: str, at: float | None = None, caller: Chan | None = None,
             dest: Chan | None = None, **fields: str) -> list[dict[str, Any]]:
        if at is not None:
            self.t = at
        msg: dict[str, str] = {"Event": event}
        if caller is not None:
            msg.update(caller.fields())
        if dest is not None:
            msg.update(dest.fields("Dest"))
        msg.update(fields)
        self.fed.append((msg, self.t))
        got = [e.to_json() for e in self.tracker.feed(msg, self.t)]
        self.out.extend(got)
        return got

    def of(self, kind: str, **where: Any) -> list[dict[str, Any]]:
        return [e for e in self.out if e["event"] == kind and all(e.get(k) == v for k, v in where.items())]

    # -- building blocks ---------------------------------------------------------------------
    def inbound(self, caller: Chan, account: str | None = None, at: float | None = None) -> None:
        self.send("Newchannel", at, caller, Exten="95555", Context="from-carrier")
        if account:
            self.send("VarSet", None, caller, Variable="__CUSTOMER_ACCOUNT", Value=account)
            self.send("VarSet", None, caller, Variable="READSTATUS", Value="OK")

    def join(self, caller: Chan, queue: str, at: float | None = None) -> None:
        self.send("QueueCallerJoin", at, caller, Queue=queue, Position="1", Count="1")

    def ring(self, caller: Chan, leg: Chan, queue: str, interface: str, at: float | None = None) -> None:
        self.send("Newchannel", at, leg)
        self.send("AgentCalled", None, caller, leg, Queue=queue, Interface=interface, MemberName="x")
        self.send("DialBegin", None, caller, leg, DialString=interface)
        self.send("Newstate", None, leg, ChannelState="5", ChannelStateDesc="Ringing")  # the phone rings

    def connect(self, caller: Chan, leg: Chan, queue: str, interface: str, hold: int,
                at: float | None = None) -> None:
        self.send("DialEnd", at, caller, leg, DialStatus="ANSWER")
        self.send("QueueCallerLeave", None, caller, Queue=queue, Position="1", Count="0")
        self.send("AgentConnect", None, caller, leg, Queue=queue, Interface=interface,
                  HoldTime=str(hold), RingTime="2")

    def hangup(self, chan: Chan, cause: str = "16", at: float | None = None, request: bool = True) -> None:
        if request:
            self.send("HangupRequest", at, chan)
        self.send("Hangup", at, chan, Cause=cause)


def carrier(seq: int, num: str, name: str = "<unknown>") -> Chan:
    uid = f"1795370000.{seq}"
    return Chan(f"PJSIP/carrier-{seq:08x}", uid, uid, num, name)


def leg(device: str, seq: int, linkedid: str) -> Chan:
    return Chan(f"{device}-{seq:08x}", f"1795370001.{seq}", linkedid, device.split("/")[-1], "Agent")
