"""Masking everywhere (issue 17): every kind of WebSocket frame the server sends, to every role,
scanned for phone numbers and id numbers the receiver may not see in clear.

A floor on the PBX simulator (the real Bridge in a real server, SQLite then PostgreSQL) with
consoles of every role connected: an inbound caller answered and blind-transferred, a caller
who hangs up while ringing, a click-to-call by customer id and one by a typed number, a preview
campaign's lead, a follow-up falling due, a console catching up. Every frame each console
received is then searched for every customer's number (national digits, in any form) and id
number. The rule, docs/API.md "PII masking": an id number never; a number only as the caller id
of an inbound call, or the number an agent typed, in frames to an agent on that call. A
customer dialled by id and a campaign's lead stay masked in every frame (``originate_result``,
``pop``, ``ended``, …).
"""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path
from typing import Any

from sqlmodel import select

from console.server import keys
from console.store.db import session_scope
from console.store.models import Customer, CustomerPhone
from telephony.simulator import inbound
from telephony.simulator.dialout import Dialout
from telephony.simulator.model import CallSpec
from tests.campaigns.floor import MONDAY_10, campaign_floor
from tests.server.conftest import KNOWN_ACCOUNT, KNOWN_NUMBER, FrozenClock, bearer, login

API_DOC = Path(__file__).resolve().parents[2] / "docs" / "API.md"
ROLES = {"agent1": "agent", "agent2": "agent", "agent3": "agent", "sup1": "supervisor", "mgr1": "manager",
         "admin": "admin"}
TYPED_NUMBER = "13700137000"  # 单田芳's number, typed by agent2 (allowed in clear to them)
LEAD_ONLY = "13933334444"  # a campaign lead with no customer behind it


def documented_kinds() -> set[str]:
    """The frame kinds of docs/API.md's WebSocket table: a new kind must be produced here too."""
    text = API_DOC.read_text(encoding="utf-8")
    table = text[text.index("| kind | to | body |"):]
    table = table[:table.index("\n\n")]
    kinds: set[str] = set()
    for line in table.splitlines()[2:]:
        kinds.update(re.findall(r"`([a-z_]+)`", line.split("|")[1]))
    return kinds


class Console:
    """One WebSocket of one user, every frame kept."""

    def __init__(self, username: str, ws: Any) -> None:
        self.username, self.ws, self.frames = username, ws, []
        self.task = asyncio.create_task(self._read())

    async def _read(self) -> None:
        async for message in self.ws:
            self.frames.append(json.loads(message.data))

    def of(self, kind: str, **match: Any) -> list[dict[str, Any]]:
        return [f for f in self.frames if f["kind"] == kind
                and all((f.get(k) if k in f else (f.get("event") or {}).get(k)) == v for k, v in match.items())]

    async def close(self) -> None:
        await self.ws.close()
        await self.task


async def until(predicate: Any, what: str, timeout_s: float = 30.0) -> Any:
    """Wait until ``predicate()`` is truthy (a guard against hanging, not a measure of speed)."""
    async with asyncio.timeout(timeout_s):
        while not (found := predicate()):
            await asyncio.sleep(0.02)
    assert found, what
    return found


def sensitive(engine: Any) -> tuple[dict[str, str], set[str]]:
    """Every customer's number as its national digits without a trunk 0 (found inside any form:
    E.164, national, with or without 0), by that needle -> the national number; every id number."""
    with session_scope(engine) as s:
        phones = [p.e164 for p in s.exec(select(CustomerPhone))]
        ids = {c.id_number for c in s.exec(select(Customer)) if c.id_number}
    needles = {e164.removeprefix("+86"): e164 for e164 in phones}
    needles[LEAD_ONLY] = "+86" + LEAD_ONLY
    return needles, ids


def frame_call(frame: dict[str, Any]) -> str | None:
    return frame.get("call") or (frame.get("event") or {}).get("call")


def leaks(consoles: dict[str, list[Console]], engine: Any, allowed: dict[str, set[tuple[str, str]]]) -> list[str]:
    """Every frame carrying a number or id its receiver may not see: ``allowed[username]`` holds
    the (call, needle) pairs that user may see in clear (their inbound callers, what they typed)."""
    needles, ids = sensitive(engine)
    found = []
    for username, sockets in consoles.items():
        for console in sockets:
            for frame in console.frames:
                text = json.dumps(frame, ensure_ascii=False)
                for id_number in ids:
                    if id_number in text:
                        found.append(f"{username} ({ROLES[username]}): id number in {frame['kind']}: {text[:200]}")
                for needle in needles:
                    if needle in text and (frame_call(frame), needle) not in allowed.get(username, set()):
                        found.append(f"{username} ({ROLES[username]}): {needle} in {frame['kind']}: {text[:300]}")
    return found


async def test_no_frame_of_any_kind_carries_a_number_or_id_its_receiver_may_not_see(make_client, seeded_engine,
                                                                                     seed) -> None:
    clock = FrozenClock(MONDAY_10)
    plan = lambda number, nth: Dialout("answer", 0.5, 2.0)  # noqa: E731 - every customer answers, talks 2 s
    async with campaign_floor(make_client, plan, agents=3, clock=clock) as floor:
        client, pbx = floor.client, floor.sim.pbx
        tokens = {u: await login(client, u) for u in ROLES}
        consoles = {u: [Console(u, await client.ws_connect("/ws", headers=bearer(tokens[u])))] for u in ROLES}
        allowed: dict[str, set[tuple[str, str]]] = {}
        everyone = lambda: [c for sockets in consoles.values() for c in sockets]  # noqa: E731

        def place(spec: CallSpec) -> None:
            pbx.clock.call_later(0, lambda: inbound.place_call(pbx, spec))

        async def wrap_up(username: str, call: str) -> None:
            resp = await client.post(f"/api/interactions/{call}/wrapup", json={"disposition": "resolved"},
                                     headers=bearer(tokens[username]))
            assert resp.status == 202, await resp.text()

        async def free(*agents: str) -> None:
            await until(lambda: set(agents) <= set(floor.dialer.free_agents("retail")), f"{agents} free")

        # 1. The known customer calls (account keyed in the IVR, not verified), talks, and is
        #    blind-transferred to 1003, who hangs up. Their caller id is theirs to see, masked elsewhere.
        place(CallSpec(KNOWN_NUMBER, account=KNOWN_ACCOUNT, talk_s=None))
        pop = await until(lambda: next((f for c in everyone() for f in c.of("pop")), None), "the inbound pop")
        call = pop["call"]
        first_user = next(u for u, s in consoles.items() if pop in s[0].frames)
        allowed.setdefault(first_user, set()).add((call, KNOWN_NUMBER))
        await until(lambda: consoles[first_user][0].of("answered", call=call), "answered")
        target_user = next(u for u in ("agent1", "agent2", "agent3") if u != first_user)
        target = {"agent1": "1001", "agent2": "1002", "agent3": "1003"}[target_user]
        allowed.setdefault(target_user, set()).add((call, KNOWN_NUMBER))
        resp = await client.post(f"/api/calls/{call}/transfer", json={"to": target},
                                 headers=bearer(tokens[first_user]))
        assert resp.status == 202, await resp.text()
        await until(lambda: consoles[target_user][0].of("answered", call=call), "the target answered")
        assert consoles[first_user][0].of("transferred", call=call)
        resp = await client.post(f"/api/calls/{call}/hangup", headers=bearer(tokens[target_user]))
        assert resp.status == 202, await resp.text()
        await until(lambda: consoles[target_user][0].of("ended", call=call), "the transferred call ended")
        await wrap_up(first_user, call)
        await wrap_up(target_user, call)
        await free("1001", "1002", "1003")

        # 2. A caller hangs up while an agent's phone rings: ring_stopped.
        place(CallSpec("13912345678", patience_s=0.1, talk_s=1.0))
        stopped = await until(lambda: next((f for c in everyone() for f in c.of("ring_stopped")), None),
                              "ring_stopped")
        for username in ("agent1", "agent2", "agent3"):
            allowed.setdefault(username, set()).add((frame_call(stopped), "13912345678"))
        await free("1001", "1002", "1003")

        # 3. Click-to-call: agent1 names a customer (the number stays masked), agent2 types one.
        resp = await client.post("/api/calls/originate", json={"customer_id": seed.other},
                                 headers=bearer(tokens["agent1"]))
        assert resp.status == 202, await resp.text()
        by_id = await until(lambda: consoles["agent1"][0].of("originate_result"), "agent1's originate_result")
        assert by_id[0]["event"]["number"] == "137****7000" and by_id[0]["event"]["outcome"] == "answered"
        ended = await until(lambda: consoles["agent1"][0].of("ended", call=by_id[0]["event"]["call"]),
                            "agent1's outbound call ended")
        assert ended[0]["event"]["caller"] == "137****7000" and ended[0]["event"]["direction"] == "outbound"
        resp = await client.post("/api/calls/originate", json={"number": TYPED_NUMBER},
                                 headers=bearer(tokens["agent2"]))
        assert resp.status == 202, await resp.text()
        typed = await until(lambda: consoles["agent2"][0].of("originate_result"), "agent2's originate_result")
        assert typed[0]["event"]["number"] == TYPED_NUMBER  # what they typed, they may see
        allowed.setdefault("agent2", set()).add((typed[0]["event"]["call"], TYPED_NUMBER))
        await until(lambda: consoles["agent2"][0].of("ended", call=typed[0]["event"]["call"]), "agent2's call ended")
        await free("1001", "1002", "1003")

        # 4. A preview campaign: the lead is offered masked, dialled, popped masked, and while it
        #    is live a second console of the agent catches up (hello with the call, and resync).
        campaign = await floor.create(mode="preview")
        await floor.import_csv(campaign, f"number,client_no\n{KNOWN_NUMBER},{KNOWN_ACCOUNT}\n{LEAD_ONLY},\n")
        await floor.move(campaign, "start")
        offer = await until(lambda: next((f for c in everyone() for f in c.of("preview")), None), "a preview offer")
        agent_user = next(u for u, s in consoles.items() if offer in s[0].frames)
        assert offer["lead"]["number"] == "138****8000"
        resp = await client.post(f"/api/campaigns/{campaign}/leads/{offer['lead']['id']}/dial",
                                 headers=bearer(tokens[agent_user]))
        assert resp.status == 202, await resp.text()
        campaign_pop = await until(lambda: next((f for f in consoles[agent_user][0].of("pop") if "campaign" in f),
                                                None), "the campaign call's pop")
        assert campaign_pop["number"] == "138****8000" and campaign_pop["ringing"]["caller"] == "138****8000"
        board = await (await client.get("/api/supervisor/agents", headers=bearer(tokens["sup1"]))).json()
        on_board = [c for a in board["agents"] for c in a["calls"] if c["call"] == campaign_pop["call"]]
        assert [c["caller"] for c in on_board] == ["138****8000"]  # the supervisor's board masks it too
        await floor.move(campaign, "stop")
        late = Console(agent_user, await client.ws_connect("/ws?since=0", headers=bearer(tokens[agent_user])))
        behind = Console(agent_user, await client.ws_connect("/ws?since=999999", headers=bearer(tokens[agent_user])))
        consoles[agent_user] += [late, behind]
        await until(lambda: late.of("hello") and behind.of("resync"), "hello and resync")
        await until(lambda: consoles[agent_user][0].of("ended", call=campaign_pop["call"]), "the campaign call ended")
        await wrap_up(agent_user, campaign_pop["call"])

        # 5. A follow-up falls due.
        resp = await client.post("/api/followups", json={"customer_id": seed.known, "when": "in_1h", "owner": "me",
                                                         "reason": "回访"}, headers=bearer(tokens["agent3"]))
        assert resp.status == 201, await resp.text()
        clock.advance(minutes=61)
        assert await client.app[keys.REMINDERS].check() >= 1
        await until(lambda: consoles["agent3"][0].of("followup_due"), "followup_due")

        # 6. A ticket goes past its SLA: escalated, the supervisors told.
        resp = await client.post("/api/tickets", json={"customer_id": seed.known, "category": "trading",
                                                       "subject": "委托未成交"}, headers=bearer(tokens["agent3"]))
        assert resp.status == 201, await resp.text()
        clock.advance(hours=49)
        assert await client.app[keys.SLA_WATCH].check() >= 1
        await until(lambda: consoles["sup1"][0].of("ticket_escalated"), "ticket_escalated")

        await client.app[keys.SERVICE].settle()
        await asyncio.sleep(0.2)  # frames already queued reach the sockets
        for console in everyone():
            await console.close()

    seen = {f["kind"] for c in everyone() for f in c.frames}
    assert documented_kinds() <= seen, f"frame kinds never produced: {documented_kinds() - seen}"
    assert {f["kind"] for c in consoles["sup1"] for f in c.frames} >= {"hello", "agent_state", "queue_stats"}
    assert leaks(consoles, seeded_engine, allowed) == []


async def test_an_error_about_a_customers_stored_number_does_not_show_it(client, seeded_engine, seed) -> None:
    """A click-to-call by customer id whose number on record does not normalise: the refusal
    names the customer, never the number (the agent asked by id so as not to see it)."""
    with session_scope(seeded_engine) as s:
        s.add(CustomerPhone(customer_id=seed.other, e164="+8613512", raw="135-12", kind="other"))
        for phone in s.exec(select(CustomerPhone).where(CustomerPhone.customer_id == seed.other)):
            if phone.e164 != "+8613512":
                s.delete(phone)
    resp = await client.post("/api/calls/originate", json={"customer_id": seed.other},
                             headers=bearer(await login(client, "agent1")))
    error = (await resp.json())["error"]
    assert resp.status == 400 and error["field"] == "customer_id"
    assert error["message"] == f"客户 {seed.other} 登记的电话号码无效，无法外呼" and "13512" not in error["message"]
