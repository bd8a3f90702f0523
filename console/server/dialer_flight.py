"""The dialer's calls: one campaign call in flight (``Flight``), the register of them all
(``Flights``), and the JSON the dialer sends about leads (pop and preview).

A flight is known by our Originate's ActionID from the dial on, and by the PBX's call (linkedid)
once the customer answered. A finished flight is kept a while by its lead: the service pops on
its own schedule and may ask for a call's lead after the dialer saw it end.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from console.crm.campaigns import NextStep
from console.crm.masking import mask_customer, mask_phone
from console.server.dialer_rows import CampaignRow, DueLead
from telephony.events import Ended

RECENT_MAX = 500
"""Finished flights kept for late pops."""


@dataclass
class Flight:
    action_id: str
    pbx: str
    campaign_id: int
    lead_id: int
    number: str
    customer_id: int | None
    attempts: int  # counting this one
    followup_id: int | None
    dialled_at: dt.datetime
    agent: str | None = None  # the agent it rang or reached (preview: the agent who dialled it)
    call: str | None = None  # the PBX linkedid, once the customer answered
    answered_t: float | None = None
    at_agent: bool = False  # rung or answered by an agent (``agent``): no longer in flight for the pacer
    wait_s: float = 0.0
    rounds: int = 0  # pacing rounds it has been in flight through
    abandon_checked: bool = False  # looked at once abandon_after_s had passed with no agent
    redirected: bool = False  # abandoned on answer: sent to the apology, will never need an agent

    @property
    def in_flight(self) -> bool:
        """Still to reach an agent: the pacer counts it against the free agents."""
        return not self.at_agent and not self.redirected

    def lead_json(self) -> dict[str, Any]:
        return {"id": self.lead_id, "number": mask_phone(self.number), "customer_id": self.customer_id,
                "attempt": self.attempts, "followup_id": self.followup_id}

    def record(self, result: str, step: NextStep, now: dt.datetime, t: float, linkedid: str | None,
               ended: Ended | None) -> dict[str, Any]:
        """The outbox record of this attempt (recorder-shaped, plus the lead's next step)."""
        return {
            "pbx": self.pbx, "linkedid": (ended.call if ended else None) or linkedid or f"orig-{self.action_id}",
            "queue": (ended.queue if ended else None) or "", "t": t, "caller": self.number,
            "agent": ended.agent if ended else None, "outcome": ended.outcome if ended else result,
            "hangup_by": ended.hangup_by if ended else None, "cause": ended.cause if ended else None,
            "wait_s": float(ended.wait_s) if ended else 0.0, "talk_s": float(ended.talk_s) if ended else 0.0,
            "customer_id": self.customer_id, "account": None, "direction": "outbound", "callback": None,
            "campaign_id": self.campaign_id, "lead_id": self.lead_id, "attempts": self.attempts,
            "followup_id": self.followup_id, "result": result, "next_status": step.status,
            "next_attempt_at": step.next_attempt_at.isoformat() if step.next_attempt_at else None,
            "lead_result": result, "now": now.isoformat(),
        }


class Flights:
    """Every campaign call not yet finished, by ActionID and by call, and the last finished
    flight of each lead."""

    def __init__(self) -> None:
        self._by_action: dict[str, Flight] = {}
        self._by_call: dict[str, Flight] = {}
        self._recent: dict[str, Flight] = {}  # lead id -> its last finished flight (late pops)

    def __iter__(self) -> Iterator[Flight]:
        return iter(self._by_action.values())

    def __len__(self) -> int:
        return len(self._by_action)

    def add(self, flight: Flight) -> None:
        self._by_action[flight.action_id] = flight

    def get(self, action_id: str) -> Flight | None:
        return self._by_action.get(action_id)

    def of_call(self, call: str) -> Flight | None:
        return self._by_call.get(call)

    def answered(self, flight: Flight, call: str) -> None:
        """The customer answered (or an adopted call was recognised): the flight is this call."""
        flight.call = call
        self._by_call[call] = flight

    def finish(self, flight: Flight) -> None:
        self._by_action.pop(flight.action_id, None)
        self._recent[str(flight.lead_id)] = flight
        while len(self._recent) > RECENT_MAX:
            self._recent.pop(next(iter(self._recent)))
        if flight.call:
            self._by_call.pop(flight.call, None)

    def of_lead(self, lead_id: str) -> Flight | None:
        """The lead's flight, or its last finished one (the pop of a short call comes late)."""
        flight = next((f for f in self._by_action.values() if str(f.lead_id) == lead_id), None)
        return flight or self._recent.get(lead_id)

    def agents(self) -> set[str]:
        """Agents our calls rang, reached, or (preview) were dialled by."""
        return {f.agent for f in self._by_action.values() if f.agent}

    def in_flight(self) -> list[Flight]:
        """The flights still to reach an agent."""
        return [f for f in self._by_action.values() if f.in_flight]


def lead_frame(campaign: CampaignRow, lead: DueLead, customer_name: str | None = None) -> dict[str, Any]:
    """The body of a ``preview`` frame: the lead offered to an agent, to dial or skip. The
    customer is shown as to an unverified caller (masking.mask_customer: the name stays, the
    number is masked), so the console need not look them up."""
    customer = None
    if lead.customer_id is not None and customer_name is not None:
        customer = {"id": lead.customer_id,
                    "name": mask_customer({"name": customer_name}, verified=False)["name"]}
    return {
        "campaign": {"id": campaign.id, "name": campaign.name, "kind": campaign.kind},
        "lead": {"id": lead.id, "number": mask_phone(lead.number), "customer_id": lead.customer_id,
                 "attempt": lead.attempts + 1, "priority": lead.priority, "source": lead.source},
        "customer": customer,
        "script": campaign.script_slug,
    }
