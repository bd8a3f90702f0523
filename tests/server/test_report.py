"""`calldesk report` through the server's API and console.crm.report over a hand-made day of
Interactions (hand-computed figures), on SQLite and PostgreSQL: it logs in as a manager (all
queues) or a supervisor (their own), bad options give one clear line, an agent is refused."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from sqlalchemy import delete

from console.store.db import session_scope
from console.store.models import Interaction

TZ = dt.timezone(dt.timedelta(hours=8))  # Asia/Shanghai has no DST: a fixed offset is exact
DAY = dt.date(2026, 11, 20)


def at(hh: int, mm: int, ss: float = 0) -> dt.datetime:
    return (dt.datetime(2026, 11, 20, hh, mm, tzinfo=TZ) + dt.timedelta(seconds=ss)).astimezone(dt.UTC)


# (linkedid, queue, agent, started, wait, talk, outcome)
DAY_CALLS = [
    ("c1", "retail", "1001", at(9, 14, 50), 40, 300, "answered"),  # offered 09:14:50, answered 09:15:30
    ("c2", "retail", None, at(9, 15), 20, 0, "abandoned"),           # exactly at SL: not after it
    ("c3", "retail", None, at(9, 20), 5, 0, "abandoned"),            # exactly at the short threshold: real
    ("c4", "retail", None, at(9, 25), 4.99, 0, "abandoned"),         # short: apart
    ("c5", "retail", "1002", at(9, 40), 10, 100, "answered"),
    ("c5", "vip", "1003", at(9, 41, 50), 3, 60, "answered"),         # the same call transferred to vip
    ("c6", "vip", None, at(10, 5), 30, 0, "abandoned"),
    ("d1", "", "1002", at(10, 30), 0, 45, "answered"),               # a direct call: in no queue
    ("y1", "retail", "1001", at(0, 0, -1), 5, 10, "answered"),      # yesterday 23:59:59 local
]


@pytest.fixture
def day_db(seeded_engine):
    """The floor's staff, and only this day's calls (the seeded history is removed)."""
    with session_scope(seeded_engine) as s:
        s.exec(delete(Interaction))
        for linkedid, queue, agent, started, wait, talk, outcome in DAY_CALLS:
            s.add(Interaction(pbx="main", linkedid=linkedid, queue=queue, agent_ext=agent, caller_number="1",
                              started_at=started, wait_s=wait, talk_s=talk, outcome=outcome))
    return seeded_engine


async def run_csv(api_cli, *args: str, user: str = "mgr1") -> list[dict[str, str]]:
    r = await api_cli("report", "--from", "2026-11-20", "--to", "2026-11-20", "--format", "csv", *args, user=user)
    assert r.code == 0, r.err
    return list(csv.DictReader(io.StringIO(r.out)))


async def test_by_queue(day_db, api_cli):
    rows = {r["key"]: r for r in await run_csv(api_cli, "--by", "queue")}
    assert list(rows) == ["retail", "ringall", "vip"]
    retail = rows["retail"]
    # offered: c1, c2, c3, c5 (c4 short); answered c1 (late), c5 (in SL); abandoned c2, c3, neither after SL
    assert (retail["offered"], retail["answered"], retail["answered_in_sl"]) == ("4", "2", "1")
    assert (retail["abandoned"], retail["short_abandoned"]) == ("2", "1")
    assert float(retail["service_level"]) == pytest.approx(1 / 2)
    assert float(retail["asa_s"]) == pytest.approx(25) and float(retail["aht_s"]) == pytest.approx(200)
    assert float(retail["abandon_rate"]) == pytest.approx(0.5) and float(retail["longest_wait_s"]) == 40
    vip = rows["vip"]  # c5's second pass (3 s, in SL 15 s) and c6 abandoned after SL
    assert (vip["offered"], vip["answered"], vip["abandoned"]) == ("2", "1", "1")
    assert float(vip["service_level"]) == pytest.approx(1 / 2)
    assert rows["ringall"]["offered"] == "0" and rows["ringall"]["service_level"] == ""


async def test_a_supervisor_gets_their_own_queues(day_db, api_cli):
    rows = await run_csv(api_cli, "--by", "queue", user="sup1")  # sup1 runs retail only
    assert [r["key"] for r in rows] == ["retail"] and rows[0]["offered"] == "4"


async def test_by_interval_puts_a_call_in_the_interval_it_was_offered_in(day_db, api_cli):
    rows = await run_csv(api_cli, "--by", "interval", "--queue", "retail")
    assert len(rows) == 96
    by_key = {r["key"]: r for r in rows}
    assert by_key["2026-11-20 09:00"]["offered"] == "1" and by_key["2026-11-20 09:00"]["answered"] == "1"
    assert by_key["2026-11-20 09:15"]["offered"] == "2"  # c2, c3 (c4 short)
    assert by_key["2026-11-20 09:30"]["offered"] == "1"
    assert by_key["2026-11-20 00:00"]["offered"] == "0"  # yesterday's 23:59:59 call is left out
    hourly = await run_csv(api_cli, "--by", "interval", "--interval", "1h", "--queue", "retail")
    assert [r["offered"] for r in hourly if r["offered"] != "0"] == ["4"]


async def test_by_agent_counts_each_pass_against_its_queues_threshold(day_db, api_cli):
    rows = {r["key"]: r for r in await run_csv(api_cli, "--by", "agent")}
    assert list(rows) == ["1001", "1002", "1003", "—"]
    assert (rows["1001"]["answered"], rows["1001"]["answered_in_sl"]) == ("1", "0")
    assert (rows["1003"]["answered"], rows["1003"]["answered_in_sl"]) == ("1", "1")
    assert rows["—"]["abandoned"] == "3"  # c2, c3, c6: no agent


async def test_no_calls_at_all(day_db, api_cli):
    r = await api_cli("report", "--from", "2026-11-21", "--to", "2026-11-21", "--by", "queue", user="mgr1")
    assert r.code == 0
    out = r.out.splitlines()
    assert out[0].split()[0] == "时段/坐席/队列" and len(out) == 5  # header, rule, three queues
    assert all(line.split()[1] == "0" and "—" in line for line in out[2:])


@pytest.mark.parametrize("args, says", [
    (["--from", "2026-11-32", "--to", "2026-11-20"], "--from"),
    (["--from", "2026-11-20", "--to", "2026-11-19"], "--to: 日期范围须在 1 到 92 天之间"),
    (["--from", "2026-11-20", "--to", "2026-11-20", "--interval", "7m"], "--interval"),
    (["--from", "2026-11-20", "--to", "2026-11-20", "--queue", "nope"], "--queue: 队列 nope 未配置"),
])
async def test_bad_options_are_one_line(day_db, api_cli, args, says):
    r = await api_cli("report", *args, user="mgr1")
    assert r.code == 2 and r.err.startswith("calldesk: error:") and says in r.err and r.err.count("\n") == 1


async def test_a_queue_not_theirs_and_an_agent_are_refused(day_db, api_cli):
    r = await api_cli("report", "--from", "2026-11-20", "--to", "2026-11-20", "--queue", "vip")
    assert r.code == 2 and r.err == "calldesk: error: --queue: 队列 vip 不在你管理的范围内\n"
    r = await api_cli("report", "--from", "2026-11-20", "--to", "2026-11-20", user="agent1")
    assert r.code == 2 and r.err == "calldesk: error: 需要班长及以上角色：agent1 是坐席\n"


def test_a_reader_that_went_away_is_not_an_error():
    """`calldesk report … | head`: the rest of the output goes nowhere, quietly, and so does the exit's flush."""
    import os

    from console.cli.report import write_quietly

    read_end, write_end = os.pipe()
    os.close(read_end)
    out = os.fdopen(write_end, "w", encoding="utf-8")
    write_quietly("key,queue\n" * 10_000, out)
    out.write("more\n")
    out.close()  # flushes into /dev/null now
