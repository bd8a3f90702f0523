"""Screen pops end to end: a real capture through the replay server, the Bridge and the server,
read by consoles on real WebSockets."""

from __future__ import annotations

from console.server import keys
from tests.server.conftest import KNOWN_ACCOUNT, KNOWN_NUMBER, SHARED_NUMBER
from tests.server.floor import replay_floor


async def test_known_caller_pops_on_the_rung_agent_only(make_client, seed) -> None:
    async with replay_floor(make_client, "01-answered-caller-hangup") as floor:
        await floor.connect("agent1", "agent2")
        await floor.go()
        pop = await floor.consoles["agent1"].read_until("pop")
        await floor.consoles["agent1"].read_until("ended")
        await floor.settle()
        others = await floor.consoles["agent2"].drain()

    assert pop["match"] == "known" and pop["matched_by"] == "account"
    assert pop["number"] == "+86" + KNOWN_NUMBER
    customer = pop["customer"]
    assert customer["id"] == seed.known and customer["client_no"] == KNOWN_ACCOUNT
    assert customer["tier"] == "gold" and customer["aum_band"] == "50万–200万"
    assert customer["manager"]["extension"] == "2001"
    assert customer["risk_expired"] is True  # assessed 2023-01-05, valid 730 days
    assert customer["flags"]["open_complaint"] is True and customer["flags"]["margin"] is True
    # Not verified on this call: PII masked.
    assert pop["verified"] is False and customer["masked"] is True
    assert customer["phones"][0]["number"] == "138****8000"
    assert customer["id_number"] == "3101**********1234" and customer["aum"] is None
    assert len(pop["contacts"]) == 5
    assert [t["subject"] for t in pop["tickets"]] == ["成交回报延迟"]
    assert [f["reason"] for f in pop["followups"]] == ["回访两融风险提示"]  # the one due within a day
    assert pop["ivr"] == {"account": KNOWN_ACCOUNT, "verified": False}
    assert pop["ringing"]["agent"] == "1001" and pop["latency_ms"] >= 0
    assert "pop" not in [f["kind"] for f in others] and "ended" not in [f["kind"] for f in others]


async def test_shared_number_pops_a_candidate_list(make_client, seed) -> None:
    async with replay_floor(make_client, "18-direct-extension-call") as floor:
        await floor.connect("agent2")
        await floor.go()
        pop = await floor.consoles["agent2"].read_until("pop")
    assert pop["match"] == "ambiguous" and pop["customer"] is None
    assert pop["number"] == "+86" + SHARED_NUMBER[1:]
    assert sorted(c["id"] for c in pop["candidates"]) == sorted(seed.shared)
    assert all(c["masked"] for c in pop["candidates"])
    assert pop["contacts"] == [] and pop["tickets"] == []


async def test_unknown_caller_pops_with_the_number(make_client, seed) -> None:
    async with replay_floor(make_client, "14-ringall-third-agent-answers") as floor:
        await floor.connect("agent3")
        await floor.go()
        pop = await floor.consoles["agent3"].read_until("pop")
    assert pop["match"] == "unknown" and pop["customer"] is None and pop["candidates"] == []
    assert pop["number"] == "+8613911140014"
    assert pop["ivr"]["account"] == "310014141414"


async def test_ring_all_pops_every_rung_console_and_clears_the_others(make_client, seed) -> None:
    async with replay_floor(make_client, "14-ringall-third-agent-answers") as floor:
        await floor.connect("agent1", "agent2", "agent3")
        await floor.go()
        await floor.settle()
        frames = {name: [f for f in await c.drain() if f["kind"] not in ("hello", "agent_state", "queue_stats")]
                  for name, c in floor.consoles.items()}
    call = "1795374963.34"
    for name in ("agent1", "agent2"):
        kinds = [f["kind"] for f in frames[name]]
        assert kinds[:2] == ["pop", "ring_stopped"], (name, kinds)
        assert frames[name][1]["event"]["reason"] == "answered_elsewhere"
        assert "answered" not in kinds
    kinds3 = [f["kind"] for f in frames["agent3"]]
    assert kinds3 == ["pop", "answered", "ended"]
    assert {f["call"] for name in frames for f in frames[name] if f["kind"] == "pop"} == {call}


async def test_blind_transfer_moves_the_pop_to_the_target_with_the_customer(make_client, seed) -> None:
    async with replay_floor(make_client, "06-blind-transfer") as floor:
        await floor.connect("agent1", "agent2")
        await floor.go()
        await floor.settle()
        first = [f for f in await floor.consoles["agent1"].drain() if f["kind"] in ("pop", "transferred")]
        second = [f for f in await floor.consoles["agent2"].drain() if f["kind"] in ("pop", "transferred")]
    assert [f["kind"] for f in first] == ["pop", "transferred"]
    assert [f["kind"] for f in second] == ["transferred", "pop"]
    pop = second[1]
    assert pop["customer"]["id"] == seed.transfer  # the customer, not the transferring agent
    assert pop["ringing"]["caller"] == "13811112222" and pop["ringing"]["agent"] == "1002"
    assert first[0]["customer"]["id"] == seed.transfer


async def test_viewing_the_popped_profile_is_audited_with_the_call(make_client, seeded_engine, seed) -> None:
    from sqlalchemy import select

    from console.store.models import AuditEvent
    from tests.server.conftest import bearer, login

    async with replay_floor(make_client, "01-answered-caller-hangup", cut_at=7.0) as floor:
        await floor.connect("agent1")
        await floor.go()
        pop = await floor.consoles["agent1"].read_until("pop")
        await floor.settle()
        client = floor.client
        resp = await client.get(f"/api/customers/{seed.known}?call={pop['call']}",
                                headers=bearer(await login(client, "agent1")))
        assert resp.status == 200
        profile = await resp.json()
        await client.app[keys.RECORDER].idle()
    assert profile["masked"] is True and profile["phones"][0]["number"] == "138****8000"
    with seeded_engine.connect() as conn:
        rows = conn.execute(select(AuditEvent).where(AuditEvent.customer_id == seed.known)
                            .order_by(AuditEvent.id)).all()
    # The pop itself (written off its path, by the outbox) and the profile view.
    agent1 = seed.staff["agent1"]
    assert [(r.actor_id, r.action, r.linkedid) for r in rows] == [
        (agent1, "customer.pop", pop["call"]), (agent1, "customer.view", pop["call"])]


def _ivr_verified(frames):
    """Capture 01 as if the IVR had checked the caller's PIN: CUSTOMER_VERIFIED=1 next to the account."""
    import dataclasses

    out = []
    for f in frames:
        out.append(f)
        if f.dir == "recv" and f.raw.startswith(b"Event: VarSet") and b"Variable: __CUSTOMER_ACCOUNT" in f.raw:
            out.append(dataclasses.replace(f, raw=f.raw.replace(b"__CUSTOMER_ACCOUNT", b"__CUSTOMER_VERIFIED")
                                           .replace(KNOWN_ACCOUNT.encode(), b"1")))
    return out


async def test_ivr_verified_caller_pops_unmasked_and_stays_verified_on_the_call(make_client, seed) -> None:
    from tests.server.conftest import bearer, login

    async with replay_floor(make_client, "01-answered-caller-hangup", cut_at=7.0, edit=_ivr_verified) as floor:
        await floor.connect("agent1")
        await floor.go()
        pop = await floor.consoles["agent1"].read_until("pop")
        await floor.settle()
        client = floor.client
        headers = bearer(await login(client, "agent1"))
        on_call = await (await client.get(f"/api/customers/{seed.known}?call={pop['call']}", headers=headers)).json()
        off_call = await (await client.get(f"/api/customers/{seed.known}", headers=headers)).json()
    assert pop["ivr"] == {"account": KNOWN_ACCOUNT, "verified": True} and pop["verified"] is True
    assert pop["customer"]["masked"] is False and pop["customer"]["phones"][0]["number"] == "+86" + KNOWN_NUMBER
    assert pop["customer"]["id_number"] == "310101198001011234"
    assert on_call["masked"] is False and off_call["masked"] is True


async def test_attended_transfer_pops_the_customer_on_the_target_not_the_transferring_agent(make_client, seed) -> None:
    async with replay_floor(make_client, "07-attended-transfer") as floor:
        await floor.connect("agent1", "agent2")
        await floor.go()
        await floor.settle()
        target = [f for f in await floor.consoles["agent2"].drain() if f["kind"] in ("pop", "transferred")]
    pops = [f for f in target if f["kind"] == "pop"]
    assert len(pops) == 1 and "transferred" in [f["kind"] for f in target]
    assert pops[0]["number"] == "+8613833334444" and pops[0]["ringing"]["caller"] == "13833334444"
    assert pops[0]["ivr"]["account"] == "310012121212"


async def test_a_hanging_database_does_not_hold_pops_back(make_client, seeded_engine, seed, tmp_path) -> None:
    """The database host stops answering (no error, no reply): the first pop goes out with the
    number after the lookup timeout, and the next ones at once instead of queueing behind it."""
    import pytest

    from console.store.db import make_engine
    from tests.server.tcp_proxy import TcpProxy

    if seeded_engine.url.get_backend_name() != "postgresql":
        pytest.skip("a hanging database is made with a TCP proxy to PostgreSQL")
    proxy = TcpProxy("127.0.0.1", 5432)
    await proxy.start()
    url = seeded_engine.url.render_as_string(hide_password=False).replace("127.0.0.1:5432", f"127.0.0.1:{proxy.port}")
    via_proxy = make_engine(url.replace("postgresql+psycopg://", "postgresql://"))
    try:
        async with replay_floor(make_client, "14-ringall-third-agent-answers", engine=via_proxy,
                                outbox_path=tmp_path / "outbox.sqlite3") as floor:
            await floor.connect("agent1", "agent2", "agent3")
            proxy.blackhole = True
            await floor.go()
            pops = [await floor.consoles[name].read_until("pop") for name in ("agent1", "agent2", "agent3")]
            await proxy.cut()  # lets the stuck threads fail, so that the server can stop
    finally:
        await proxy.cut()
        via_proxy.dispose()
    assert [p["unavailable"] for p in pops] == [True, True, True]
    assert {p["number"] for p in pops} == {"+8613911140014"}
