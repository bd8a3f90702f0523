"""CRM-driven routing on the real Asterisk: the hotline's dialplan asks calldesk's FastAGI where a
caller goes (docs/asterisk/extensions.conf, [ivr] and [calldesk-route]); when calldesk does not
answer, the dialplan routes by itself (issue 14)."""

from __future__ import annotations

from console.server import keys
from tests.live.floor import (
    CRM_VIP_ACCOUNT,
    CRM_VIP_NUMBER,
    KNOWN_ACCOUNT,
    KNOWN_NUMBER,
    LiveFloor,
    live_settings,
)
from tests.live.lab import free_port
from tests.live.sipp import SippLab


async def _routed_floor(floor: LiveFloor) -> int:
    port = free_port()
    await floor.start(live_settings(floor.lab, routing={"agi_port": port}, wrapup={"hold_max_s": 0}))
    floor.lab.cli(f"dialplan set global CALLDESK_AGI 127.0.0.1:{port}")
    return port


async def test_a_crm_vip_goes_to_the_vip_queue_and_a_customer_to_their_manager(floor: LiveFloor,
                                                                               sipp: SippLab) -> None:
    await _routed_floor(floor)
    try:
        vip_agent = await floor.agent_at_phone(sipp, "1002", queue="vip")
        await floor.log_in_queue("1001")  # retail has a free agent too: the VIP must not land there
        await sipp.phone("1001", ring_ms=1000)
        manager = await floor.console("mgr1")  # 陈经理, extension 1003: 赵敏's account manager
        await sipp.phone("1003", ring_ms=1000)
        # A VIP in the CRM only (the lab's AstDB would route this account to retail).
        await sipp.caller(CRM_VIP_NUMBER, keys=CRM_VIP_ACCOUNT + "#", hold_ms=4000)
        join = await floor.observer.wait("QueueCallerJoin", CallerIDNum=CRM_VIP_NUMBER)
        assert join["Queue"] == "vip"
        pop = await vip_agent.wait("pop")
        variables = pop["ringing"]["vars"]
        assert variables["CALLDESK_ROUTE"] == "queue" and variables["CUSTOMER_TIER"] == "platinum"
        assert pop["customer"]["name"] == "周大福"
        # A customer with an account manager who is free: the manager's phone rings first.
        await sipp.caller(KNOWN_NUMBER, keys=KNOWN_ACCOUNT + "#", hold_ms=4000)
        dial = await floor.observer.wait("DialBegin", DestChannel=lambda c: c.startswith("PJSIP/1003"))
        assert dial["CallerIDNum"] == KNOWN_NUMBER
        mpop = await manager.wait("pop")
        assert (mpop["ringing"]["queue"], mpop["customer"]["name"]) == (None, "赵敏")
        await manager.wait("answered", call=mpop["call"])
        ended = await manager.wait("ended", call=mpop["call"], timeout=20)
        assert ended["event"]["agent"] == "1003"
        assert not floor.observer.events("QueueCallerJoin", CallerIDNum=KNOWN_NUMBER)  # never queued
        body = await floor.client.get("/metrics")
        text = await body.text()
        assert 'calldesk_routes_total{route="vip"} 1.0' in text and 'calldesk_routes_total{route="manager"} 1.0' in text
    finally:
        floor.lab.cli("dialplan set global CALLDESK_AGI \"\"")


async def test_calldesk_not_answering_leaves_the_dialplans_own_route(floor: LiveFloor, sipp: SippLab) -> None:
    await _routed_floor(floor)
    try:
        agent = await floor.agent_at_phone(sipp, "1001")
        await floor.app[keys.ROUTING].stop()  # calldesk's routing is gone mid-call-setup
        await sipp.caller(CRM_VIP_NUMBER, keys=CRM_VIP_ACCOUNT + "#", hold_ms=3000)
        join = await floor.observer.wait("QueueCallerJoin", CallerIDNum=CRM_VIP_NUMBER)
        assert join["Queue"] == "retail"  # the AstDB route: not a VIP there
        pop = await agent.wait("pop")
        assert "CALLDESK_ROUTE" not in pop["ringing"]["vars"]
        status = list(floor.observer.events("VarSet", Variable="AGISTATUS"))
        assert status and status[-1]["Value"] == "FAILURE"
    finally:
        floor.lab.cli("dialplan set global CALLDESK_AGI \"\"")
