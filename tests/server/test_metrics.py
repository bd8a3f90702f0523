"""/metrics and /healthz on a live floor."""

from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families

from tests.server.floor import replay_floor


def samples(text: str) -> dict[tuple[str, tuple], float]:
    out = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            out[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return out


async def test_metrics_count_calls_pops_and_the_ami_link(make_client, seed) -> None:
    async with replay_floor(make_client, "14-ringall-third-agent-answers", hold_until="CoreShowChannels") as floor:
        await floor.settle()
        resp = await floor.client.get("/metrics")
        assert resp.status == 200
        values = samples(await resp.text())
        health = await (await floor.client.get("/healthz")).json()
    assert values[("calldesk_calls_total", (("outcome", "answered"),))] == 1
    assert values[("calldesk_screenpops_total", (("match", "unknown"),))] == 3  # ring-all: three consoles
    assert values[("calldesk_screenpop_seconds_count", ())] == 3
    assert values[("calldesk_ami_connected", (("pbx", "main"),))] == 1
    assert values[("calldesk_ami_reconnects", (("pbx", "main"),))] == 0
    assert values[("calldesk_outbox_depth", ())] == 0
    assert set(health.pop("search")) == {"ready", "customers", "mode", "ready_s"}
    assert health == {"ok": True, "ami": {"main": {"connected": True, "reconnects": 0}}, "database": True, "outbox": 0}


async def test_healthz_says_when_the_database_is_unreachable(make_client, tmp_path) -> None:
    from sqlalchemy.pool import NullPool

    from console.server.routes.customer_index import index_ready
    from console.store.db import make_engine
    from console.store.migrate import upgrade
    from tests.server.conftest import PASSWORD, seed_floor

    store = tmp_path / "store"
    engine = make_engine(f"sqlite:///{store / 'calldesk.db'}", poolclass=NullPool)
    upgrade(engine)
    seed_floor(engine)
    client = await make_client(engine=engine)
    index = await index_ready(client.server.app)
    health = await (await client.get("/healthz")).json()
    search = {"ready": True, "customers": len(index), "mode": "thread", "ready_s": health["search"]["ready_s"]}
    assert health == {"ok": True, "ami": {}, "database": True, "outbox": 0, "search": search}
    assert len(index) > 0 and health["search"]["ready_s"] >= 0
    store.rename(tmp_path / "unplugged")
    resp = await client.get("/healthz")
    assert resp.status == 503
    assert await resp.json() == {"ok": False, "ami": {}, "database": False, "outbox": 0, "search": search}
    login = await client.post("/api/login", json={"username": "agent1", "password": PASSWORD})
    assert login.status == 503 and (await login.json())["error"]["code"] == "unavailable"
    (tmp_path / "unplugged").rename(store)
