"""Frames as `calldesk serve` sends them (docs/API.md), for tests that run the console offline.

These are data, not a stand-in server: the offline tests feed them through the same
``message_for`` the stream worker uses.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

FROZEN = dt.datetime(2026, 11, 23, 2, 30, 0, tzinfo=dt.UTC)  # 10:30 in Shanghai


def frozen_clock() -> dt.datetime:
    return FROZEN


def customer(**over: Any) -> dict[str, Any]:
    base = {
        "id": 42, "client_no": "310000123456", "name": "张三", "name_pinyin": "zhang san",
        "tier": "gold", "aum_band": "500万-1000万", "risk_level": "C3", "risk_assessed_on": "2024-03-01",
        "risk_expired": True, "investor_type": "ordinary",
        "manager": {"id": 7, "name": "李经理", "extension": "8001"}, "branch": "上海浦东营业部",
        "flags": {"vip": True, "open_complaint": True, "churn_risk": True, "do_not_call": False,
                  "margin": True, "star": True, "chinext": False},
        "churn": {"score": 62, "level": "high", "reasons": [
            {"factor": "aum_decline", "points": 25.0, "value": 25.0},
            {"factor": "complaints", "points": 20.0, "value": 1},
            {"factor": "abandoned_calls", "points": 16.0, "value": 3}]},
        "phones": ["138****0001"], "id_number": "3101**********1234", "status": "active",
    }
    return {**base, **over}


def pop(match: str = "known", call: str = "1700000000.1", **over: Any) -> dict[str, Any]:
    frame: dict[str, Any] = {
        "seq": 3, "kind": "pop", "call": call,
        "ringing": {"event": "ringing", "t": 1.0, "call": call, "agent": "1001", "caller": "13800000001",
                    "caller_name": None, "queue": "vip", "wait_s": 12.0, "vars": {}},
        "match": match, "number": "+8613800000001",
        "customer": customer() if match == "known" else None,
        "candidates": [customer(), customer(id=43, name="张珊", client_no="310000654321", tier="silver",
                                            branch="北京营业部")] if match == "ambiguous" else [],
        "contacts": [{"id": 1, "started_at": "2026-11-20T06:05:00+00:00", "direction": "inbound",
                      "agent": "1002", "outcome": "answered", "disposition": "resolved",
                      "notes": "咨询两融额度"}] if match == "known" else [],
        "tickets": [{"id": 9, "number": "T-000009", "category": "complaint", "priority": "high",
                     "status": "open", "subject": "转账延迟", "sla_due_at": "2026-11-23T08:00:00+00:00",
                     "version": 1}] if match == "known" else [],
        "followups": [], "verified": False, "ivr": {"account": "310000123456", "verified": True},
        "latency_ms": 3.2,
    }
    frame.update(over)
    return frame


def event(frame_kind: str, **fields: Any) -> dict[str, Any]:
    return {"seq": 4, "kind": frame_kind, "event": {"event": frame_kind, "t": 2.0, **fields}}


CENTER = {
    "center_name": "华安证券客户服务中心", "time_zone": "Asia/Shanghai", "locale": "zh_CN",
    "ticket_categories": ["account_service", "trading", "margin", "complaint", "information", "other"],
    "dispositions": ["resolved", "callback", "escalated", "no_action"],
    "pause_reasons": ["break", "meeting", "training"],
}
