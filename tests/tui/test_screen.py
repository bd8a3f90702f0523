"""The agent screen offline, driven by real frames through the stream's decoder."""

from __future__ import annotations

from textual.widgets import Input

from console.tui.agent.customer_card import CustomerCard
from console.tui.agent.followups_panel import FollowUpsPanel
from console.tui.agent.status_bar import StatusBar
from console.tui.agent.ticket_form import TicketForm
from tests.tui import frames
from tests.tui.offline import feed, offline_app, settle

CALL = "1700000000.1"


async def test_a_transferred_call_arrives_on_call_and_the_first_agent_wraps_up(tmp_path):
    app = offline_app(tmp_path)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await feed(pilot, frames.event("transferred", call=CALL, from_agent="1002", to="1001", kind="blind"),
                   frames.pop("known", call=CALL))
        assert app.agent_screen.call_state == "on_call"
    app = offline_app(tmp_path)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await feed(pilot, frames.pop("known", call=CALL), frames.event("answered", call=CALL, agent="1001"),
                   frames.event("transferred", call=CALL, from_agent="1001", to="1002", kind="blind"))
        assert app.agent_screen.call_state == "wrap_up"


async def test_the_pop_clears_when_the_caller_leaves(tmp_path):
    app = offline_app(tmp_path)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await feed(pilot, frames.pop("known", call=CALL),
                   frames.event("ring_stopped", call=CALL, agent="1001", reason="caller_left"))
        assert app.agent_screen.call_state == "idle"
        assert app.agent_screen.query_one(CustomerCard).customer is None


async def test_a_due_follow_up_is_announced_and_counted(tmp_path):
    app = offline_app(tmp_path)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await feed(pilot, {"seq": 5, "kind": "followup_due",
                           "followup": {"id": 7, "customer_id": 42, "reason": "回电确认",
                                        "due_at": "2026-11-23T02:30:00+00:00"}})
        assert app.agent_screen.query_one(StatusBar).followups_due == 1
        assert app.agent_screen.query_one(FollowUpsPanel).row_count == 1
        assert any("回电确认" in str(n.message) for n in app._notifications)


async def test_pause_state_and_lost_link_show_on_the_screen(tmp_path):
    app = offline_app(tmp_path)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await feed(pilot, frames.event("agent_state", agent="1001", state="paused", reason="break"))
        assert app.agent_screen.query_one(StatusBar).has_class("-paused")
        assert app.agent_screen.query_one(StatusBar).agent_state == "paused"
        from console.tui.stream import ConnectionStateChanged
        app.agent_screen.post_message(ConnectionStateChanged("reconnecting", "refused"))
        await pilot.pause()
        assert app.agent_screen.has_class("-reconnecting")
        assert "重连" in str(app.agent_screen.query_one(StatusBar).render())


async def test_a_ticket_draft_comes_back_after_the_form_is_closed(tmp_path):
    app = offline_app(tmp_path)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await feed(pilot, frames.pop("known", call=CALL))
        await pilot.press("f9")
        app.screen.query_one("#ticket-subject", Input).value = "转账延迟再次反映"
        await pilot.pause()
        await pilot.press("escape")
        assert not isinstance(app.screen, TicketForm)
        await pilot.press("f9")
        assert app.screen.query_one("#ticket-subject", Input).value == "转账延迟再次反映"


async def test_keys_are_remapped_by_config_and_listed_in_the_palette(tmp_path):
    app = offline_app(tmp_path, keymap={"agent.ticket": "ctrl+n"})
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await feed(pilot, frames.pop("known", call=CALL))
        await pilot.press("f9")
        assert not isinstance(app.screen, TicketForm)  # f9 no longer opens it
        await pilot.press("ctrl+n")
        assert isinstance(app.screen, TicketForm)
        await pilot.press("escape")
        titles = [c.title for c in app.get_system_commands(app.agent_screen)]
        assert {"新建工单", "转接", "核实身份", "话后处理", "外呼"} <= set(titles)


async def test_f1_lists_the_keys(tmp_path):
    app = offline_app(tmp_path)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        assert app.screen.query("HelpPanel")
        await pilot.press("f1")
        await pilot.pause()
        assert not app.screen.query("HelpPanel")


async def test_choosing_a_candidate_keeps_the_call_facts_on_the_card(tmp_path):
    app = offline_app(tmp_path)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await feed(pilot, frames.pop("ambiguous", call=CALL))
        await pilot.pause()
        await pilot.press("down", "enter")  # the second candidate: 张珊
        card = app.agent_screen.query_one(CustomerCard)
        await pilot.pause()
        assert card.customer is not None and card.customer.name == "张珊"
        assert ("来电号码", "138 0000 0001") in card.call_facts  # national form, as agents read it
        assert "310000654321" in app.export_screenshot()  # the chosen customer's facts are painted


async def test_an_auto_pause_in_one_queue_stays_on_the_status_bar_when_another_queue_says_free(tmp_path):
    """Asterisk pauses a member whose ring timed out in that queue only; vip's "free" came last
    and the bar read idle while retail's callers waited (seen in make demo)."""
    app = offline_app(tmp_path)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        bar = app.agent_screen.query_one(StatusBar)
        for queue in ("retail", "vip"):
            await feed(pilot, frames.event("agent_state", agent="1001", state="available", queue=queue))
        await feed(pilot, frames.event("agent_state", agent="1001", state="paused", reason="Auto-Pause",
                                       queue="retail"))
        await feed(pilot, frames.event("agent_state", agent="1001", state="available", queue="vip"))
        assert "状态 空闲 · retail暂停（未接自动暂停）" in str(bar.render()) and bar.has_class("-paused")
        from console.tui.agent.call_controls import PauseDialog
        from console.tui.client import Client

        app.ctx.client = Client("http://127.0.0.1:9")  # nothing listens: the resume fails, which is said
        await pilot.press("f8")  # F8 resumes (QueuePause off everywhere), it does not offer to pause
        assert not isinstance(app.screen, PauseDialog)
        await feed(pilot, frames.event("agent_state", agent="1001", state="available", queue="retail"))
        assert "暂停" not in str(bar.render()) and not bar.has_class("-paused")


async def test_pause_reasons_read_in_chinese_on_the_status_bar_and_in_the_dialog(tmp_path):
    from console.tui.agent.call_controls import PauseDialog
    from console.tui.client import Client

    app = offline_app(tmp_path)
    app.ctx.center = app.ctx.center.model_copy(update={"pause_reasons": ["break", "lunch", "after_call"]})
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        bar = app.agent_screen.query_one(StatusBar)
        for reason, shown in (("break", "暂停 · 小休"), ("Auto-Pause", "暂停 · 未接自动暂停"),
                              ("supervisor", "暂停 · 班长示忙"), ("坐席自定义", "暂停 · 坐席自定义")):
            await feed(pilot, frames.event("agent_state", agent="1001", state="paused", reason=reason))
            assert shown in str(bar.render())
        await feed(pilot, frames.event("agent_state", agent="1001", state="wrap_up", reason="after_call"))
        assert "状态 话后处理" in str(bar.render()) and "暂停" not in str(bar.render())
        app.ctx.client = Client("http://127.0.0.1:9")  # F8 needs a client; nothing is sent before a choice
        await pilot.press("f8")
        assert isinstance(app.screen, PauseDialog)
        assert app.screen.reasons == [("小休", "break"), ("午餐", "lunch"), ("话后处理", "after_call")]
        await pilot.press("escape")


async def test_an_account_manager_is_told_of_their_customers_call_and_complaint(tmp_path):
    app = offline_app(tmp_path)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        customer = {"id": 42, "client_no": "310000123456", "name": "张三", "tier": "gold", "churn": None}
        await feed(pilot, {"seq": 5, "kind": "customer_alert", "reason": "call", "call": CALL, "agent": "1002",
                           "queue": "vip", "customer": customer},
                   {"seq": 6, "kind": "customer_alert", "reason": "complaint", "customer": customer,
                    "ticket": {"id": 9, "number": "T20261122-000009", "subject": "投诉佣金"}},
                   {"seq": 7, "kind": "customer_alert", "reason": "callback", "call": CALL, "queue": "retail",
                    "customer": customer})
        texts = [str(n.message) for n in app._notifications]
        assert "您的客户 张三（310000123456）正在来电，由坐席 1002 接听" in texts
        assert "您的客户 张三（310000123456）有新投诉 T20261122-000009" in texts
        assert "您的客户 张三（310000123456）在排队时请求回电" in texts
        assert app.agent_screen.call_state == "idle"  # someone else's call: nothing on my card


async def test_a_call_state_change_repaints_the_banner_not_the_whole_screen(tmp_path, monkeypatch):
    """Issue 18: call_state was a reactive of the screen, and each change repainted every line
    of it (a full-screen update twice per call); the banner is the one widget that shows it."""
    import inspect

    from console.tui.agent.call_banner import CallBanner

    app = offline_app(tmp_path)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        screen = app.agent_screen
        whole: list[object] = []
        refresh = screen.refresh

        def spy(*regions, **kwargs):
            # Textual's own focus reactive repaints the screen too (the wrap-up panel takes the
            # focus): not ours, not counted.
            moving_focus = any(frame.function == "set_focus" for frame in inspect.stack()[1:8])
            if not regions and kwargs.get("repaint", True) and not kwargs.get("layout") and not moving_focus:
                whole.append(kwargs)
            return refresh(*regions, **kwargs)

        monkeypatch.setattr(screen, "refresh", spy)
        await feed(pilot, frames.pop("known", call=CALL))
        assert screen.call_state == "ringing"
        assert screen.query_one(CallBanner).has_class("-ringing")
        await feed(pilot, frames.event("answered", call=CALL, agent="1001"))
        assert screen.query_one(CallBanner).has_class("-on-call")
        await feed(pilot, frames.event("ended", call=CALL, caller="1", agent="1001", queue="vip", outcome="answered",
                                       hangup_by="caller", talk_s=30))
        assert screen.call_state == "wrap_up"
        assert whole == []
