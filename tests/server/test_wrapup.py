"""Wrap-up: disposition and notes land on the agent's Interaction, also when the wrap-up
arrives before the recorder has written the call (the race with ``ended``)."""

from __future__ import annotations

from typing import Any

from console.crm.wrapup import DISPOSITIONS, PENDING
from console.server import keys
from telephony.events import Ended
from tests.server.conftest import KNOWN_NUMBER, START, bearer
from tests.server.crm_helpers import error_of, live_call


def interaction_rows(engine: Any, call: str) -> list[tuple]:
    from sqlmodel import select

    from console.store.db import session_scope
    from console.store.models import Interaction

    with session_scope(engine) as s:
        rows = s.exec(select(Interaction).where(Interaction.linkedid == call).order_by(Interaction.id))
        return [(r.agent_ext, r.disposition, r.notes) for r in rows]


async def wrapup(client, token, call, **body):
    return await client.post(f"/api/interactions/{call}/wrapup", json=body, headers=bearer(token))


async def test_wrapup_onto_a_recorded_call(client, seed, agent2_token, seeded_engine):
    live_call(client, "hist-0", KNOWN_NUMBER, agent="1002")
    resp = await wrapup(client, agent2_token, "hist-0", disposition="info_given", notes="解释了两融平仓线")
    assert resp.status == 202, await resp.text()
    await client.server.app[keys.OUTBOX].drained()
    assert interaction_rows(seeded_engine, "hist-0") == [("1002", "info_given", "解释了两融平仓线")]


async def test_wrapup_before_the_call_is_recorded_is_applied_when_it_is(client, seed, agent_token, seeded_engine):
    app = client.server.app
    live_call(client, "c-race", KNOWN_NUMBER, agent="1001")
    resp = await wrapup(client, agent_token, "c-race", disposition="callback_needed", notes="客户稍后回电")
    assert resp.status == 202, await resp.text()
    await app[keys.OUTBOX].drained()
    assert interaction_rows(seeded_engine, "c-race") == []  # not recorded yet: the wrap-up waits
    app[keys.RECORDER].ended("main", Ended(t=START.timestamp(), call="c-race", caller=KNOWN_NUMBER, agent="1001",
                                           queue="retail", outcome="answered", hangup_by="caller", wait_s=3,
                                           talk_s=90))
    await app[keys.RECORDER].idle()
    assert interaction_rows(seeded_engine, "c-race") == [("1001", "callback_needed", "客户稍后回电")]
    assert PENDING.take("c-race", "1001", seed.staff["agent1"]) is None  # consumed, not left behind


async def test_disposition_must_be_known(client, agent_token):
    live_call(client, "c1", KNOWN_NUMBER, agent="1001")
    resp = await wrapup(client, agent_token, "c1", disposition="happy", notes="")
    assert resp.status == 400 and (await error_of(resp))["field"] == "disposition"
    resp = await wrapup(client, agent_token, "c1", notes="no disposition")
    assert resp.status == 400 and (await error_of(resp))["field"] == "disposition"


async def test_an_agent_cannot_wrap_up_a_colleagues_call(client, agent2_token, seeded_engine):
    live_call(client, "c1", KNOWN_NUMBER, agent="1001")
    resp = await wrapup(client, agent2_token, "c1", disposition="resolved", notes="")
    assert resp.status in (403, 404)
    assert interaction_rows(seeded_engine, "c1") == []


async def test_dispositions_are_offered_in_the_config(client, agent_token):
    resp = await client.get("/api/config", headers=bearer(agent_token))
    assert (await resp.json())["dispositions"] == list(DISPOSITIONS)
