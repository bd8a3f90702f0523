"""The traffic of `calldesk bench bus`: what the server holding a PBX's AMI connection would put
on the bus for the other servers, call after call, as the Hub's publish calls make it today.

Each message is one Hub publish: ``{"users": [...], "kind": ..., "body": ..., "latest": ...}``,
encoded as the Hub encodes frames (compact JSON, UTF-8, Chinese names as they are). A call makes
ten: queue_stats (the caller joins), pop (~1.5 KB: the masked customer, last contacts, open
tickets and follow-ups), agent_state ringing, answered, agent_state on_call, queue_stats, ended,
agent_state wrap_up, agent_state available, queue_stats. Calls overlap (``concurrent`` of them
at a time, across two PBXs), so one call's events are interleaved with others', as on a floor.
The generator is seeded: two runs publish the same bytes.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from telephony.events import AgentState, Answered, Ended, QueueStats, Ringing

PBXS = ("sh", "bj")
QUEUES = ("retail", "vip", "margin")
EVENTS_PER_CALL = 10


@dataclass(frozen=True, slots=True)
class Message:
    """One bus message: its subject, the call (ordering key) and its place in that call."""

    subject: str
    pbx: str
    call: str
    index: int
    """0..9: this message's place among its call's messages (per-call order is checked on it)."""
    body: bytes


def _dumps(obj: Any) -> bytes:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode()


def _customer(rng: random.Random, n: int) -> dict[str, Any]:
    return {
        "id": 100_000 + n, "client_no": f"31{n:08d}", "name": "张伟明", "name_pinyin": "zhang wei ming",
        "tier": rng.choice(["gold", "silver", "standard"]), "aum": None, "aum_band": "50万-100万",
        "risk_level": "C3", "risk_assessed_on": "2025-03-14", "risk_expired": False,
        "investor_type": "ordinary", "manager": {"id": 17, "name": "李娜", "extension": "2017"},
        "branch": "上海浦东南路营业部", "churn": {"level": "low", "reasons": []},
        "flags": {"vip": False, "open_complaint": False, "churn_risk": False, "do_not_call": False,
                  "margin": True, "star": False, "chinext": True},
        "phones": [{"number": "+86 138****5678", "kind": "mobile"}], "id_number": "310***********1234",
        "birth_date": None, "status": "active", "version": 3, "masked": True,
    }


def _pop(rng: random.Random, ringing: Ringing, n: int) -> dict[str, Any]:
    contacts = [{"id": 900_000 + n * 5 + i, "linkedid": f"17{n:08d}.{i}", "direction": "inbound",
                 "queue": ringing.queue, "started_at": f"2026-10-{10 + i:02d}T09:1{i}:00+00:00",
                 "outcome": "answered", "talk_s": 95 + i, "disposition": "咨询-交易规则",
                 "notes": "客户询问科创板交易规则", "agent_name": "王芳"} for i in range(2)]
    tickets = [{"id": 5000 + n, "number": f"T2026{n:06d}", "category": "complaint", "priority": "normal",
                "status": "open", "subject": "转账到账延迟", "sla_due_at": "2026-11-02T08:00:00+00:00",
                "created_at": "2026-10-30T08:00:00+00:00"}]
    followups = [{"id": 7000 + n, "kind": "callback", "reason": "回复开户进度", "due_at": "2026-11-01T06:00:00+00:00",
                  "owner_id": 17, "status": "open"}] if rng.random() < 0.3 else []
    return {"call": ringing.call, "ringing": ringing.to_json(), "match": "known", "number": "+86 138****5678",
            "matched_by": "phone", "customer": _customer(rng, n), "candidates": [], "contacts": contacts,
            "tickets": tickets, "followups": followups, "verified": False,
            "ivr": {"account": None, "verified": False}, "unavailable": False, "latency_ms": 3.2}


def _stats(queue: str, t: float, n: int) -> dict[str, Any]:
    return QueueStats(t=t, queue=queue, waiting=n % 7, longest_wait_s=12.5,
                      agents={"available": 12, "on_call": 30, "wrap_up": 4, "paused": 3},
                      offered=n, answered=n - n // 20, abandoned=n // 20, service_level=0.87,
                      asa_s=9.4, aht_s=188.0).to_json()


def _call(rng: random.Random, n: int) -> list[tuple[str, dict[str, Any]]]:
    """One call's ten messages as (subject suffix, Hub publish) pairs."""
    queue = QUEUES[n % len(QUEUES)]
    call, agent, t = f"{1_700_000_000 + n}.{n % 97}", str(1001 + n % 200), 1_700_000_000.0 + n
    caller = f"+86138{n % 100_000_000:08d}"
    agent_user, supervisors = [1000 + n % 200], [2, 3]
    channel, agent_channel = f"PJSIP/trunk-{n:08x}", f"PJSIP/{agent}-{n:08x}"
    ringing = Ringing(t=t, call=call, agent=agent, caller=caller, queue=queue, wait_s=4.0,
                      vars={"IVR_ACCOUNT": ""}, caller_channel=channel, agent_channel=agent_channel)

    def state(name: str) -> tuple[str, dict[str, Any]]:
        event = AgentState(t=t, agent=agent, state=name, queue=queue).to_json()  # type: ignore[arg-type]
        return f"agent.{agent}", {"users": agent_user + supervisors, "kind": "agent_state", "body": {"event": event}}

    def stats() -> tuple[str, dict[str, Any]]:
        return f"queue.{queue}", {"users": supervisors, "kind": "queue_stats",
                                  "body": {"event": _stats(queue, t, n)}, "latest": queue}

    on_call = f"call.{call.replace('.', '_')}"
    answered = Answered(t=t + 6, call=call, agent=agent, queue=queue, wait_s=10.0, caller_channel=channel,
                        agent_channel=agent_channel).to_json()
    ended = Ended(t=t + 200, call=call, caller=caller, agent=agent, queue=queue, outcome="answered",
                  hangup_by="caller", cause=16, wait_s=10.0, talk_s=190.0, caller_channel=channel).to_json()
    return [
        stats(),
        (on_call, {"users": agent_user, "kind": "pop", "body": _pop(rng, ringing, n)}),
        state("ringing"),
        (on_call, {"users": agent_user, "kind": "answered", "body": {"event": answered}}),
        state("on_call"),
        stats(),
        (on_call, {"users": agent_user, "kind": "ended", "body": {"event": ended}}),
        state("wrap_up"),
        state("available"),
        stats(),
    ]


def traffic(seed: int = 15, concurrent: int = 40) -> Iterator[Message]:
    """An endless stream of messages: ``concurrent`` calls in flight, each next event drawn from
    a random one of them, a finished call replaced by a new one."""
    rng = random.Random(seed)
    live: list[tuple[int, Iterator[tuple[int, tuple[str, dict[str, Any]]]]]] = []
    started = 0
    while True:
        while len(live) < concurrent:
            live.append((started, enumerate(_call(rng, started))))
            started += 1
        slot = rng.randrange(len(live))
        n, steps = live[slot]
        step = next(steps, None)
        if step is None:
            live.pop(slot)
            continue
        index, (suffix, publish) = step
        pbx = PBXS[n % len(PBXS)]
        yield Message(f"calldesk.pbx.{pbx}.{suffix}", pbx, str(n), index, _dumps(publish))
