"""Against a real server: an account manager's console lists their customers (Ctrl+K), the most
at risk first, and Enter opens the one chosen on the card."""

from __future__ import annotations

from textual.widgets import DataTable

from console.tui.agent.customer_card import CustomerCard
from console.tui.agent.my_customers import MyCustomersDialog
from console.tui.client import Client
from tests.server.conftest import PASSWORD
from tests.tui.floor import until


async def test_ctrl_k_lists_my_customers_and_opens_one(floor, seed):
    base = await floor.start_server()
    agent = Client(base)
    await agent.login("agent1", PASSWORD)
    try:
        await agent.request("POST", "/api/tickets", json_body={"customer_id": seed.transfer,
                                                               "category": "transfer_out", "subject": "转户咨询"})
    finally:
        await agent.close()
    app = await floor.console("mgr1")
    async with app.run_test(size=(150, 40)) as pilot:
        await pilot.press("ctrl+k")
        await until(pilot, lambda: isinstance(app.screen, MyCustomersDialog))
        table = app.screen.query_one("#mine", DataTable)
        await until(pilot, lambda: table.row_count == 2)
        assert [str(table.get_row_at(i)[1]) for i in range(2)] == ["孙丽", "赵敏"]  # the transfer-out enquiry first
        assert str(table.get_row_at(0)[0]) == "中 35" and "转户咨询 1 次" in str(table.get_row_at(0)[7])
        await pilot.press("enter")
        card = app.agent_screen.query_one(CustomerCard)
        await until(pilot, lambda: card.customer is not None and card.customer.name == "孙丽")


async def test_ctrl_j_shows_the_agent_their_qa_scores(floor, seed, seeded_engine):
    from console.tui.agent.my_reviews import MyReviewsDialog
    from tests.server.test_recordings import call_row

    base = await floor.start_server()
    call = call_row(seeded_engine, seed, recording=None)
    sup = Client(base)
    await sup.login("sup1", PASSWORD)
    try:
        marks = {"greeting": "pass", "recording_notice": "pass", "identity_verified": "pass", "risk_disclosure": "na",
                 "accuracy": "fail", "closing": "pass"}
        await sup.request("POST", f"/api/interactions/{call}/qa", json_body={"marks": marks, "comment": "核对后再答"})
    finally:
        await sup.close()
    app = await floor.console("agent1")
    async with app.run_test(size=(150, 40)) as pilot:
        await pilot.press("ctrl+j")
        await until(pilot, lambda: isinstance(app.screen, MyReviewsDialog))
        table = app.screen.query_one("#reviews", DataTable)
        await until(pilot, lambda: table.row_count == 1)
        row = [str(c) for c in table.get_row_at(0)]
        assert row[1:] == ["68.8", "解答准确完整", "刘主管", "核对后再答"]
