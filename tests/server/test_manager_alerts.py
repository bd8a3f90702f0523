"""Account managers served: their customer's call and complaint reach their console at once."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from console.config import ManagerSettings
from console.store.models import FollowUp
from tests.server.conftest import KNOWN_ACCOUNT, START, bearer, login, server_settings
from tests.server.floor import replay_floor


async def test_the_account_manager_is_told_when_their_customer_calls(make_client, seed) -> None:
    async with replay_floor(make_client, "01-answered-caller-hangup") as floor:
        await floor.connect("agent1", "mgr1", "agent2")
        await floor.go()
        pop = await floor.consoles["agent1"].read_until("pop")
        alert = await floor.consoles["mgr1"].read_until("customer_alert")
        await floor.consoles["agent1"].read_until("ended")
        await floor.settle()
        later = await floor.consoles["mgr1"].drain()
        others = await floor.consoles["agent2"].drain()
    assert (alert["reason"], alert["call"], alert["agent"], alert["queue"]) == ("call", pop["call"], "1001", "retail")
    assert alert["customer"]["id"] == seed.known and alert["customer"]["client_no"] == KNOWN_ACCOUNT
    assert set(alert["customer"]) == {"id", "client_no", "name", "tier", "churn"}  # no number, no id number
    assert [f["kind"] for f in later].count("customer_alert") == 1  # once per call
    assert "customer_alert" not in [f["kind"] for f in others]


async def test_alerts_can_be_switched_off(make_client, seed) -> None:
    settings = server_settings(managers=ManagerSettings(alert_on_call=False))
    async with replay_floor(make_client, "01-answered-caller-hangup", settings=settings) as floor:
        await floor.connect("agent1", "mgr1")
        await floor.go()
        await floor.consoles["agent1"].read_until("ended")
        await floor.settle()
        frames = await floor.consoles["mgr1"].drain()
    assert "customer_alert" not in [f["kind"] for f in frames]


async def test_a_complaint_tells_the_manager_and_gives_them_a_followup(make_client, seed, seeded_engine) -> None:
    async with replay_floor(make_client, "01-answered-caller-hangup", hold_until="never") as floor:
        await floor.connect("mgr1")
        client = floor.client
        resp = await client.post("/api/tickets", json={"customer_id": seed.known, "category": "complaint",
                                                       "subject": "投诉佣金收取"},
                                 headers=bearer(await login(client, "agent1")))
        ticket = await resp.json()
        alert = await floor.consoles["mgr1"].read_until("customer_alert")
        # A customer without a manager: nobody to tell.
        await client.post("/api/tickets", json={"customer_id": seed.other, "category": "complaint",
                                                "subject": "s"}, headers=bearer(await login(client, "agent1")))
    assert alert["reason"] == "complaint" and alert["ticket"]["number"] == ticket["number"]
    assert alert["customer"]["name"] == "赵敏"
    with seeded_engine.connect() as conn:
        (fu,) = conn.execute(select(FollowUp).where(FollowUp.owner_id == seed.staff["mgr1"])).all()
    assert fu.customer_id == seed.known and fu.due_at == START + dt.timedelta(hours=4)
    assert fu.reason == f"您的客户投诉（{ticket['number']}）：投诉佣金收取，请联系客户跟进"


async def test_an_account_manager_lists_their_customers_most_at_risk_first(client, seed, seeded_engine) -> None:
    agent = await login(client, "agent1")
    await client.post("/api/tickets", json={"customer_id": seed.transfer, "category": "transfer_out",
                                            "subject": "转户咨询"}, headers=bearer(agent))
    mine = await (await client.get("/api/customers/mine", headers=bearer(await login(client, "mgr1")))).json()
    assert mine["total"] == 2
    first, second = mine["customers"]
    assert (first["id"], first["churn"]["score"], first["churn"]["reasons"][0]["factor"]) == (
        seed.transfer, 35, "transfer_out")
    assert first["open_tickets"] == 1 and second["id"] == seed.known
    assert second["open_tickets"] == 1 and second["followups_due"] == 1 and second["last_contact"]
    assert set(first) == {"id", "client_no", "name", "tier", "status", "churn", "open_tickets", "followups_due",
                          "last_contact"}  # no number, no id number
    nobody = await (await client.get("/api/customers/mine", headers=bearer(agent))).json()
    assert nobody == {"total": 0, "customers": []}


async def test_a_callback_request_tells_the_manager_and_can_be_theirs(make_client, seed, seeded_engine) -> None:
    from sqlalchemy import update

    from console.store.models import Customer

    with seeded_engine.begin() as conn:  # capture 19's caller (吴静) is mgr1's customer here
        conn.execute(update(Customer.__table__).where(Customer.__table__.c.id == seed.callback)
                     .values(manager_id=seed.staff["mgr1"]))
    settings = server_settings(managers=ManagerSettings(own_callbacks=True))
    async with replay_floor(make_client, "19-queue-exit-callback-request", settings=settings) as floor:
        await floor.connect("mgr1")
        await floor.go()
        alert = await floor.consoles["mgr1"].read_until("customer_alert")
        await floor.settle()
    assert (alert["reason"], alert["customer"]["id"], alert["customer"]["name"]) == ("callback", seed.callback, "吴静")
    with seeded_engine.connect() as conn:
        (fu,) = conn.execute(select(FollowUp).where(FollowUp.customer_id == seed.callback)).all()
    assert (fu.kind, fu.owner_id) == ("callback", seed.staff["mgr1"])
