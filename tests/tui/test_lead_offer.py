"""Preview campaigns in the agent console, against the real server with the PBX simulator as its PBX:
the offered lead shows in a dialog (customer, national number, campaign, reason, attempt, script
title); F5 dials it (the simulator rings the customer and connects the agent, whose console pops the
customer), F6 skips the next one (the lead goes back to pending, skipped, no attempt spent), and an
inbound call ringing during an offer skips it and shows the caller's pop."""

from __future__ import annotations

from collections import Counter

import pytest

from console.i18n import set_locale
from console.server import keys
from console.tui.agent.lead_offer import LeadOfferDialog
from console.tui.agent.wrapup import WrapUpPanel
from console.tui.client import Client
from console.tui.models import Pop, Ringing
from console.tui.stream import CallOffered, LeadOffered, message_for
from telephony.simulator.dialout import Dialout
from tests.campaigns.floor import MONDAY_10, leads_of, scripted
from tests.server.conftest import KNOWN_ACCOUNT, KNOWN_NUMBER, PASSWORD
from tests.tui.floor import until

pytestmark = pytest.mark.slow


def dialog_text(dialog: LeadOfferDialog) -> str:
    return "\n".join(str(label.render()) for label in dialog.query("Label"))


async def test_preview_lead_dialled_then_skipped_from_the_console(floor, seeded_engine, seed):
    from telephony.simulator.center import AgentSetup
    from telephony.simulator.model import QueueConfig
    from telephony.simulator.runner import SimulatorConfig

    floor.clock.now = MONDAY_10  # inside the campaign's calling window
    config = SimulatorConfig(agents=AgentSetup(count=1, ring_delay=0.3, queues=("retail",)), speed=50.0, seed=7,
                             queues=[QueueConfig("retail", "rrmemory", wrapuptime=0.0)], timestamps=True)
    await floor.start_simulated(config)
    dialled: Counter[str] = Counter()
    floor.simulator.pbx.dialout = scripted(lambda number, nth: Dialout("answer", 0.5, 2.0), dialled)

    sup = Client(f"http://127.0.0.1:{floor.port}")
    floor.clients.append(sup)
    await sup.login("sup1", PASSWORD)
    script = (await sup.kb_search("融资融券"))[0]  # any article of the seeded knowledge base
    campaign = (await sup.request("POST", "/api/campaigns", json_body={
        "name": "风险测评提醒", "kind": "compliance", "queue": "retail", "mode": "preview",
        "retry_noanswer_min": 0, "script_slug": script.slug}))["id"]
    async with sup.session.post(f"{sup.base_url}/api/campaigns/{campaign}/leads/import",
                                data=f"number,client_no\n{KNOWN_NUMBER},{KNOWN_ACCOUNT}\n13933334444,\n".encode(),
                                headers={"Authorization": f"Bearer {sup.token}", "Content-Type": "text/csv"}) as resp:
        assert resp.status == 200, await resp.text()

    app = await floor.console("agent1")  # extension 1001, the simulator's only agent
    dialer = floor.server.app[keys.DIALER]
    async with app.run_test(size=(140, 40)) as pilot:
        screen = app.agent_screen
        await until(pilot, lambda: dialer.free_agents("retail") == ["1001"])
        await sup.request("POST", f"/api/campaigns/{campaign}/start")

        await until(pilot, lambda: isinstance(app.screen, LeadOfferDialog))
        first = app.screen
        await until(pilot, lambda: "客户：" in dialog_text(first) and "话术：" in dialog_text(first))
        text = dialog_text(first)
        assert "外呼任务：风险测评提醒" in text and "合规提醒" in text and "第 1 次拨打" in text
        assert "138****8000" in text  # masked by the server, so shown as sent
        name = (await sup.customer(seed.known)).name
        assert f"客户：{name}" in text and "来源：名单导入" in text  # the lead came from a CSV import
        assert first.offer.customer_name == name  # sent with the offer: no lookup needed
        await until(pilot, lambda: f"话术：{script.title}" in dialog_text(first))  # the title, not the slug
        assert first.offer.customer_id == seed.known

        await pilot.press("f5")
        # The simulator rang the customer and connected extension 1001: the console pops them.
        await until(pilot, lambda: screen.pop is not None and screen.pop.customer is not None)
        assert screen.pop.customer.id == seed.known and dialled == {KNOWN_NUMBER: 1}

        # The call ends; the agent sends its wrap-up (held out of the queue until then), is free
        # again and is offered the second lead (no customer).
        await until(pilot, lambda: screen.call_state == "wrap_up", timeout_s=60)
        panel = screen.query_one(WrapUpPanel)
        panel.query_one("#wrapup-disposition").value = "resolved"
        await pilot.click("#wrapup-submit")
        await until(pilot, lambda: isinstance(app.screen, LeadOfferDialog) and app.screen is not first, timeout_s=60)
        second = app.screen
        assert second.offer.customer_id is None and "未匹配客户" in dialog_text(second)
        await pilot.press("f6")
        await until(pilot, lambda: leads_of(seeded_engine, campaign)["+8613933334444"].last_result == "skipped")

        floor.clock.advance(minutes=61)  # a skip with no retry delay set comes back after an hour
        # The skipped lead is offered again; then an inbound call rings (a pop with no
        # CALLDESK_LEAD): the offer yields (skip) and the caller's pop is on top.
        await until(pilot, lambda: isinstance(app.screen, LeadOfferDialog) and app.screen is not second)
        third = app.screen
        assert third.offer.lead_id == second.offer.lead_id
        offered_version = leads_of(seeded_engine, campaign)["+8613933334444"].version
        inbound = Pop(call="inbound-1", number="13911140014", ringing=Ringing(call="inbound-1", agent="1001",
                                                                             queue="retail"))
        screen.post_message(CallOffered(inbound))
        await until(pilot, lambda: app.screen is not third
                    and screen.pop is not None and screen.pop.call == "inbound-1")
        # Only a skip frees the agent for an offer: the lead, due again an hour on, is offered once more.
        # The skip reaches the server after the pop: the clock moves on only once it is stored (moved
        # first, the skip dates its hour from the later time and nothing is due; a CI run did that).
        await until(pilot, lambda: leads_of(seeded_engine, campaign)["+8613933334444"].version > offered_version)
        floor.clock.advance(minutes=61)
        await until(pilot, lambda: isinstance(app.screen, LeadOfferDialog) and app.screen is not third)
    skipped = leads_of(seeded_engine, campaign)["+8613933334444"]
    assert (skipped.status, skipped.attempts) == ("pending", 0)
    assert dialled == {KNOWN_NUMBER: 1}


def test_preview_frame_becomes_lead_offered_and_dialog_texts_exist_in_english():
    frame = {"kind": "preview", "seq": 4, "script": None,
             "campaign": {"id": 3, "name": "回访", "kind": "survey"},
             "lead": {"id": 9, "number": "139****4444", "customer_id": 7, "attempt": 2, "priority": 0,
                      "source": "filter"},
             "customer": {"id": 7, "name": "赵敏"}}
    message = message_for(frame, "1001")
    assert isinstance(message, LeadOffered)
    assert (message.campaign_id, message.lead_id, message.attempt, message.script) == (3, 9, 2, None)
    assert (message.customer_name, message.source) == ("赵敏", "filter")
    del frame["customer"], frame["lead"]["source"]  # an older server's frame
    old = message_for(frame, "1001")
    assert (old.customer_id, old.customer_name, old.source) == (7, None, None)
    set_locale("en")
    from console.i18n import t
    assert t("console.lead.attempt", n=2) == "Attempt 2" and t("console.lead.skip") == "Skip"
    assert t("console.lead.source", source=t("console.lead.source.followup")) == "Source: follow-up due"


async def test_an_older_servers_offer_shows_without_name_or_source():
    """No ``customer`` and no ``source`` in the frame: the dialog still opens, with no source line
    and the customer line left for the lookup (none here: no client)."""
    from textual.app import App

    offer = LeadOffered(3, "回访", "survey", 9, "139****4444", 7, 1, None)
    new = LeadOffered(3, "回访", "survey", 10, "139****4445", 8, 1, None, customer_name="赵敏", source="csv")
    set_locale("zh_CN")
    app = App()
    async with app.run_test() as pilot:
        await app.push_screen(LeadOfferDialog(offer))
        await pilot.pause()
        text = dialog_text(app.screen)
        assert "外呼任务：回访" in text and "来源" not in text and "客户：" not in text
        app.pop_screen()
        await app.push_screen(LeadOfferDialog(new))
        await pilot.pause()
        assert "客户：赵敏" in dialog_text(app.screen) and "来源：名单导入" in dialog_text(app.screen)


async def test_a_look_up_that_ends_after_the_offer_was_dismissed_leaves_the_console_running():
    """An inbound call skips the offer while the script's title is still being fetched: the fetch
    ends on a dialog that is gone. It once queried the removed screen, failed the worker and so
    closed the whole console (a CI run of the test above)."""
    import asyncio

    from textual.app import App

    class SlowClient:
        def __init__(self) -> None:
            self.release = asyncio.Event()
            self.asked = 0

        async def kb_article(self, slug: str) -> dict[str, str]:
            self.asked += 1
            await self.release.wait()
            return {"slug": slug, "title": "融资融券风险揭示"}

    client = SlowClient()
    offer = LeadOffered(3, "回访", "survey", 9, "139****4444", 7, 1, "margin-risk", customer_name="赵敏")
    set_locale("zh_CN")
    app = App()
    async with app.run_test() as pilot:
        dialog = LeadOfferDialog(offer, client)
        await app.push_screen(dialog)
        await until(pilot, lambda: client.asked == 1)
        dialog.dismiss("skip")
        await pilot.pause()
        client.release.set()
        for _ in range(5):
            await pilot.pause()
        assert app.is_running and app.return_code is None
