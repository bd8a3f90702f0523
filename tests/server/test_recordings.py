"""Call recordings served: who may hear which, range requests, every access audited, clear 404s."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from console.config import RecordingSettings
from console.store.db import session_scope
from console.store.models import Interaction
from tests.server.conftest import START, bearer, login, server_settings
from tests.server.crm_helpers import audit_rows

MONITOR = "/var/spool/asterisk/monitor"
AUDIO = b"RIFF" + bytes(range(256)) * 4  # any bytes: the server never reads the audio


def call_row(engine: Any, seed: Any, *, agent: str = "agent1", recording: str | None,
             ended: dt.datetime = START, linkedid: str = "1795372966.0") -> int:
    with session_scope(engine) as s:
        row = Interaction(pbx="main", linkedid=linkedid, queue="retail", agent_id=seed.staff[agent],
                          agent_ext="1001", customer_id=seed.known, caller_number="13800138000",
                          started_at=ended - dt.timedelta(seconds=8), answered_at=ended - dt.timedelta(seconds=5),
                          ended_at=ended, talk_s=5, wait_s=3, outcome="answered", hangup_by="caller",
                          recording_ref=recording)
        s.add(row)
        s.flush()
        return int(row.id)


@pytest.fixture
def monitor(tmp_path: Path) -> Path:
    root = tmp_path / "pbx-monitor"
    root.mkdir()
    (root / "1795372966.0.wav").write_bytes(AUDIO)
    return root


async def served(make_client, root: Path | None, **recordings: Any):
    config = RecordingSettings(root=str(root) if root else None, **recordings)
    return await make_client(settings=server_settings(recordings=config))


async def test_a_supervisor_plays_a_call_whole_and_by_ranges_each_access_audited(
        make_client, seeded_engine, seed, monitor) -> None:
    interaction = call_row(seeded_engine, seed, recording=f"{MONITOR}/1795372966.0.wav")
    client = await served(make_client, monitor)
    token = await login(client, "sup1")

    whole = await client.get(f"/api/interactions/{interaction}/recording", headers=bearer(token))
    assert whole.status == 200 and await whole.read() == AUDIO
    assert whole.headers["Content-Type"] == "audio/x-wav"
    assert whole.headers["Accept-Ranges"] == "bytes"

    part = await client.get(f"/api/interactions/{interaction}/recording",
                            headers={**bearer(token), "Range": "bytes=4-11"})
    assert part.status == 206 and await part.read() == AUDIO[4:12]
    assert part.headers["Content-Range"] == f"bytes 4-11/{len(AUDIO)}"

    rows = [r for r in audit_rows(seeded_engine, seed.known) if r["action"] == "recording.play"]
    assert [(r["actor_id"], r["call"], r["detail"]) for r in rows] == [
        (seed.staff["sup1"], "1795372966.0", {"interaction": interaction, "range": None}),
        (seed.staff["sup1"], "1795372966.0", {"interaction": interaction, "range": "bytes=4-11"}),
    ]


async def test_an_agent_hears_their_own_calls_only_and_only_when_allowed(
        make_client, seeded_engine, seed, monitor) -> None:
    own = call_row(seeded_engine, seed, recording=f"{MONITOR}/1795372966.0.wav")
    other = call_row(seeded_engine, seed, agent="agent2", recording=f"{MONITOR}/1795372966.0.wav", linkedid="x.2")
    client = await served(make_client, monitor)
    token = await login(client, "agent1")
    assert (await client.get(f"/api/interactions/{own}/recording", headers=bearer(token))).status == 200
    refused = await client.get(f"/api/interactions/{other}/recording", headers=bearer(token))
    assert refused.status == 403
    assert (await refused.json())["error"]["message"] == "无权收听此通话的录音"
    details = [r["detail"] for r in audit_rows(seeded_engine, seed.known) if r["action"] == "recording.play"]
    assert details[-1] == {"interaction": other, "range": None, "refused": "role"}

    strict = await served(make_client, monitor, agents_own_calls=False)
    token = await login(strict, "agent1")
    assert (await strict.get(f"/api/interactions/{own}/recording", headers=bearer(token))).status == 403


@pytest.mark.parametrize(("recording", "root", "says"), [
    (None, True, "没有录音"),
    (f"{MONITOR}/1795372966.0.wav", False, "[recordings] root"),
    (f"{MONITOR}/gone.wav", True, "gone.wav 不在录音目录中"),
    ("/etc/passwd", True, "不在电话系统的录音目录"),
    (f"{MONITOR}/../../../../etc/passwd", True, "不在电话系统的录音目录"),
])
async def test_what_cannot_be_served_is_a_404_that_says_why(
        make_client, seeded_engine, seed, monitor, recording, root, says) -> None:
    interaction = call_row(seeded_engine, seed, recording=recording)
    client = await served(make_client, monitor if root else None)
    resp = await client.get(f"/api/interactions/{interaction}/recording",
                            headers=bearer(await login(client, "sup1")))
    assert resp.status == 404
    assert says in (await resp.json())["error"]["message"]


async def test_a_contact_that_does_not_exist_is_a_404(make_client, monitor) -> None:
    client = await served(make_client, monitor)
    resp = await client.get("/api/interactions/987654/recording", headers=bearer(await login(client, "sup1")))
    assert resp.status == 404 and "987654" in (await resp.json())["error"]["message"]


async def test_the_history_says_which_calls_have_a_recording(make_client, seeded_engine, seed, monitor) -> None:
    with_file = call_row(seeded_engine, seed, recording=f"{MONITOR}/1795372966.0.wav")
    without = call_row(seeded_engine, seed, recording=None, linkedid="x.3")
    client = await served(make_client, monitor)
    resp = await client.get(f"/api/customers/{seed.known}/interactions",
                            headers=bearer(await login(client, "sup1")))
    flags = {row["id"]: row["recording"] for row in (await resp.json())["interactions"]}
    assert flags[with_file] is True and flags[without] is False


async def test_recordings_past_retention_are_listed_by_pages(
        make_client, seeded_engine, seed, monitor) -> None:
    old = [call_row(seeded_engine, seed, recording=f"{MONITOR}/old{n}.wav", linkedid=f"old.{n}",
                    ended=START - dt.timedelta(days=31 + n)) for n in range(3)]
    call_row(seeded_engine, seed, recording=f"{MONITOR}/new.wav", linkedid="new", ended=START - dt.timedelta(days=29))
    call_row(seeded_engine, seed, recording=None, linkedid="none", ended=START - dt.timedelta(days=90))
    client = await served(make_client, monitor, retention_days=30)
    token = await login(client, "sup1")
    first = await (await client.get("/api/recordings/expired", params={"limit": 2}, headers=bearer(token))).json()
    assert [r["id"] for r in first["recordings"]] == old[:2] and first["next_after_id"] == old[1]
    assert first["retention_days"] == 30
    rest = await (await client.get("/api/recordings/expired", params={"after_id": first["next_after_id"]},
                                   headers=bearer(token))).json()
    assert [r["recording"] for r in rest["recordings"]] == [f"{MONITOR}/old2.wav"] and rest["next_after_id"] is None
    agent = await client.get("/api/recordings/expired", headers=bearer(await login(client, "agent1")))
    assert agent.status == 403


@pytest.fixture
def recordings_cli(monkeypatch, tmp_path: Path, capsys):
    """Run ``calldesk recordings …`` as ``user`` in a thread against ``client`` (the server on this loop)."""
    import asyncio

    from console.cli import main
    from tests.server.conftest import PASSWORD

    monkeypatch.chdir(tmp_path)
    for name in ("CALLDESK_CONFIG", "CALLDESK_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CALLDESK_PASSWORD", PASSWORD)

    async def run(client, user: str, *args: str) -> tuple[int, str, str]:
        monkeypatch.setenv("CALLDESK_USER", user)
        action, rest = args[0], args[1:]
        code = await asyncio.to_thread(main, ["recordings", action, "--server",
                                              f"http://127.0.0.1:{client.server.port}", *rest])
        out = capsys.readouterr()
        return code, out.out, out.err

    return run


async def test_the_cli_saves_a_recording_and_lists_the_expired_through_the_api(
        make_client, seeded_engine, seed, monitor, tmp_path, recordings_cli) -> None:
    own = call_row(seeded_engine, seed, recording=f"{MONITOR}/1795372966.0.wav", ended=START - dt.timedelta(days=40))
    gone = call_row(seeded_engine, seed, recording=f"{MONITOR}/gone.wav", linkedid="x.9")
    client = await served(make_client, monitor, retention_days=30)

    code, out, err = await recordings_cli(client, "agent1", "save", str(own), "-o", "call.wav")
    assert (code, err) == (0, "") and out == f"录音已保存到 call.wav（{len(AUDIO)} 字节）\n"
    assert (tmp_path / "call.wav").read_bytes() == AUDIO
    assert [r["actor_id"] for r in audit_rows(seeded_engine, seed.known) if r["action"] == "recording.play"] \
        == [seed.staff["agent1"]]

    # A refusal is one line naming the contact; nothing is left behind.
    code, out, err = await recordings_cli(client, "agent2", "save", str(own))
    assert code == 2 and err == f"calldesk: error: {own}: 无权收听此通话的录音\n"
    code, out, err = await recordings_cli(client, "sup1", "save", str(gone))
    assert code == 2 and "gone.wav 不在录音目录中" in err
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix in (".wav", ".part")) == ["call.wav"]

    code, out, err = await recordings_cli(client, "sup1", "expired")
    assert code == 0 and out.split("\t")[0] == str(own) and out.count("\n") == 1
    assert err.startswith("共 1 条通话的录音已超过保存期限（30 天")
    code, _, err = await recordings_cli(client, "agent1", "expired")
    assert code == 2 and err == "calldesk: error: 需要班长及以上角色：agent1 是坐席\n"
