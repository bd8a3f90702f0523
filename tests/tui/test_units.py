"""Pure parts of the console: frames to messages, i18n catalogues, cell widths, drafts, times."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from rich.cells import cell_len

from console import i18n
from console.tui import stream
from console.tui.agent.drafts import DraftStore
from console.tui.agent.followup_form import picked_time
from console.tui.text import duration, local_time, pad
from tests.tui import frames

TUI = Path(__file__).resolve().parents[2] / "console" / "tui"
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(("frame", "kind"), [
    (frames.pop("known"), stream.CallOffered),
    (frames.event("ring_stopped", call="c", agent="1001", reason="answered_elsewhere"), stream.RingStopped),
    (frames.event("answered", call="c", agent="1001"), stream.CallAnswered),
    (frames.event("transferred", call="c", from_agent="1001", to="1002", kind="blind"), stream.CallTransferred),
    (frames.event("ended", call="c", caller="1", agent="1001", queue="q", outcome="answered", hangup_by="caller"),
     stream.CallEnded),
    (frames.event("agent_state", agent="1001", state="paused", reason="break"), stream.AgentStateChanged),
    (frames.event("queue_stats", queue="retail", waiting=3), stream.QueueStatsUpdated),
    ({"seq": 9, "kind": "followup_due", "followup": {"id": 5, "reason": "回电"}}, stream.FollowUpDue),
    ({"seq": 9, "kind": "resync"}, stream.StreamResynced),
    ({"seq": 1, "kind": "hello", "state": {"event": "agent_state", "agent": "1001", "state": "available"}},
     stream.AgentStatesKnown),
])
def test_each_frame_kind_becomes_its_message(frame, kind):
    assert isinstance(stream.message_for(frame, "1001"), kind)


def test_a_hello_says_what_is_live_only_when_it_carries_the_fields():
    base = {"seq": 1, "kind": "hello", "state": {"event": "agent_state", "agent": "1001", "state": "paused",
                                                  "reason": "lunch"}}
    older = stream.message_for(base, "1001")
    assert type(older) is stream.AgentStatesKnown  # what is live is unknown, not "no calls"
    assert older.states == (("paused", "lunch", None),)
    pop = {k: v for k, v in frames.pop("known").items() if k not in ("seq", "kind")}
    restored = stream.message_for(base | {"calls": [{"pop": pop, "state": "talking"}],
                                          "after_call": {"call": "c0", "ended_t": 1.5}}, "1001")
    assert isinstance(restored, stream.CallRestored)
    assert restored.states == (("paused", "lunch", None),)
    assert restored.calls[0].pop.customer.name == "张三" and restored.calls[0].talking
    assert (restored.after_call.call, restored.after_call.ended_t) == ("c0", 1.5)
    nothing = stream.message_for(base | {"calls": [], "after_call": None}, "1001")
    assert nothing.calls == [] and nothing.after_call is None
    unreadable = stream.message_for(base | {"calls": [{"state": "ringing"}], "after_call": None}, "1001")
    assert unreadable.calls is None  # one call without its pop: what is live is unknown


def test_a_hello_carries_my_state_in_each_queue():
    """An auto-pause in one queue survives a reconnect though another queue's state came last."""
    retail = {"event": "agent_state", "agent": "1001", "state": "paused", "reason": "Auto-Pause", "queue": "retail"}
    vip = {"event": "agent_state", "agent": "1001", "state": "available", "queue": "vip"}
    hello = stream.message_for({"seq": 1, "kind": "hello", "state": retail, "states": [retail, vip], "calls": [],
                                "after_call": None}, "1001")
    assert hello.states == (("paused", "Auto-Pause", "retail"), ("available", None, "vip"))
    assert stream.agent_states({"state": None, "states": []}) == (("logged_out", None, None),)


def test_wrap_ups_owed_keep_their_order_and_each_call_once():
    from console.tui.agent.wrapups import PendingWrapUp, WrapUps

    owed = WrapUps()
    assert owed.add(PendingWrapUp("a", frames.FROZEN)) and owed.add(PendingWrapUp("b", frames.FROZEN))
    assert not owed.add(PendingWrapUp("a", frames.FROZEN, notes="again"))
    assert owed.head.call == "a" and owed.head.notes == "" and len(owed) == 2 and "b" in owed
    assert owed.remove("a").call == "a" and owed.remove("a") is None
    assert owed.head.call == "b"
    assert owed.head.caller(SHANGHAI) == "10:30 结束的通话"  # no pop to name the caller


@pytest.mark.parametrize(("reason", "zh", "en"), [
    ("break", "小休", "Break"), ("lunch", "午餐", "Lunch"), ("training", "培训", "Training"),
    ("meeting", "会议", "Meeting"), ("after_call", "话后处理", "After-call work"), ("other", "其他", "Other"),
    ("Auto-Pause", "未接自动暂停", "Auto-paused (not answered)"), ("supervisor", "班长示忙", "By supervisor"),
    ("午休-自定义", "午休-自定义", "午休-自定义"),  # typed on the PBX: shown as given
])
def test_pause_reasons_are_named_in_the_console_language(reason, zh, en):
    from console.tui.text import label

    assert label("pause_reason", reason) == zh
    i18n.set_locale("en")
    assert label("pause_reason", reason) == en


def test_every_pause_reason_the_server_offers_is_translated():
    from console.server.routes.auth import PAUSE_REASONS

    for locale in i18n.LOCALES:
        assert {r for r in PAUSE_REASONS if not i18n.has(f"console.pause_reason.{r}", locale)} == set()


def test_other_agents_states_and_unknown_kinds_are_ignored():
    assert stream.message_for(frames.event("agent_state", agent="1002", state="paused"), "1001") is None
    assert stream.message_for({"seq": 1, "kind": "something_new"}, "1001") is None


def test_a_pop_with_phone_objects_or_strings_reads_the_same():
    as_objects = frames.pop("known")
    as_objects["customer"]["phones"] = [{"number": "138****0001", "kind": "mobile"}]
    a = stream.message_for(as_objects).pop.customer.phones
    b = stream.message_for(frames.pop("known")).pop.customer.phones
    assert a[0].number == b[0].number == "138****0001"


def test_catalogues_have_the_same_keys_in_both_languages():
    assert i18n.keys("zh_CN") == i18n.keys("en")


def test_every_key_the_console_uses_is_translated():
    used = set()
    for path in TUI.rglob("*.py"):
        used |= set(re.findall(r'\bt\("(console\.[a-z_.0-9]+)"', path.read_text(encoding="utf-8")))
    keys_module = (TUI / "keys.py").read_text(encoding="utf-8")
    used |= set(re.findall(r'"(console\.(?:key|form)\.[a-z_]+)"', keys_module))
    assert used and not {k for k in used if not i18n.has(k, "zh_CN") or not i18n.has(k, "en")}


def test_locale_switch_and_fallbacks():
    i18n.set_locale("en")
    assert i18n.t("console.tab.tickets") == "Tickets"
    assert i18n.t("no.such.key") == "no.such.key"
    assert i18n.t("console.search.count", n=3) == "3 customers found"
    i18n.set_locale("zh_CN")
    assert i18n.t("console.search.count", n=3) == "找到 3 位客户"
    with pytest.raises(ValueError, match="unknown locale"):
        i18n.set_locale("fr")


@pytest.mark.parametrize("text", ["张三", "Zhang San", "欧阳娜娜A", ""])
def test_pad_counts_terminal_cells_not_characters(text):
    assert cell_len(pad(text, 12)) == 12


def test_times_are_shown_in_the_center_zone():
    assert local_time("2026-11-23T02:30:00+00:00", SHANGHAI) == "11-23 10:30"
    assert local_time(None, SHANGHAI) == "—"
    assert duration(65) == "01:05" and duration(3725) == "1:02:05"


def test_a_typed_follow_up_time_is_read_in_the_center_zone():
    now = frames.FROZEN
    assert picked_time("2026-11-24 09:00", now, SHANGHAI) == dt.datetime(2026, 11, 24, 9, tzinfo=SHANGHAI)
    with pytest.raises(ValueError, match="past"):
        picked_time("2026-11-22 09:00", now, SHANGHAI)
    with pytest.raises(ValueError, match="format"):
        picked_time("tomorrow", now, SHANGHAI)


def test_drafts_survive_a_restart_and_a_corrupt_file_is_set_aside(tmp_path):
    path = tmp_path / "state" / "drafts.json"
    DraftStore(path).save("ticket:c1", {"subject": "两融额度"})
    assert DraftStore(path).get("ticket:c1") == {"subject": "两融额度"}
    path.write_text("{not json", encoding="utf-8")
    assert DraftStore(path).keys() == []
    assert path.with_suffix(".corrupt").read_text(encoding="utf-8") == "{not json"


def test_the_console_talks_to_the_server_only_over_http():
    """console.tui imports no server, store or CRM module (and no database driver)."""
    import subprocess
    import sys

    code = ("import sys, console.tui.app, console.tui.agent.actions, console.cli.console\n"
            "print('\\n'.join(sorted(sys.modules)))")
    loaded = set(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                                cwd=TUI.parents[1]).stdout.split())
    forbidden = {m for m in loaded if m.startswith(("console.server", "console.store", "console.crm",
                                                    "sqlalchemy", "sqlmodel", "psycopg", "telephony"))}
    assert not forbidden


def test_console_credentials_come_from_the_environment_before_the_screen(monkeypatch):
    from console.cli.client_login import credentials as _credentials
    from console.errors import CalldeskError

    monkeypatch.setenv("CALLDESK_TOKEN", "tok-1")
    assert _credentials("agent1") == ("agent1", None, "tok-1")
    monkeypatch.delenv("CALLDESK_TOKEN")
    monkeypatch.setenv("CALLDESK_USER", "agent2")
    monkeypatch.setenv("CALLDESK_PASSWORD", "pw")
    assert _credentials(None) == ("agent2", "pw", None)
    monkeypatch.delenv("CALLDESK_USER")
    monkeypatch.setattr("builtins.input", lambda prompt: "  ")
    with pytest.raises(CalldeskError):
        _credentials(None)


def test_the_consoles_servers_come_from_the_flag_then_the_config_then_the_servers_own_address():
    """``--server A,B`` (several: the console fails over in that order), else ``[console] servers``,
    else ``[server]`` host and port; a bad address is one line, before any screen."""
    import argparse

    from pydantic import ValidationError

    from console.cli.client_login import server_url, server_urls
    from console.config import ConsoleSettings
    from console.errors import CalldeskError
    from tests.server.conftest import server_settings

    settings = server_settings()
    flag = argparse.Namespace(server=" http://a:8421/ , https://b:8421")
    assert server_urls(flag, settings) == ["http://a:8421", "https://b:8421"]
    assert server_url(flag, settings) == "http://a:8421"
    none = argparse.Namespace(server=None)
    configured = settings.model_copy(update={"console": ConsoleSettings(servers=["http://c:1/", "http://d:2"])})
    assert server_urls(none, configured) == ["http://c:1", "http://d:2"]
    assert server_urls(none, settings) == [f"http://{settings.server.host}:{settings.server.port}"]
    with pytest.raises(CalldeskError, match="ftp://x"):
        server_urls(argparse.Namespace(server="http://a:1,ftp://x"), settings)
    with pytest.raises(ValidationError, match="not a server address"):
        ConsoleSettings(servers=["a:8421"])
