"""`calldesk serve` as a real process: binds loopback, talks to the PBX, keeps secrets out of its log."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from pathlib import Path

import aiohttp

from console.store.db import make_engine
from console.store.migrate import upgrade
from telephony.replay_server import ReplayServer
from telephony.transcripts import load
from tests.server.conftest import PASSWORD, bearer, seed_floor
from tests.server.floor import CAPTURES

AMI_SECRET = "Ami-Secret-7f3c9"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def test_serve_runs_on_loopback_and_logs_no_secret(tmp_path: Path) -> None:
    db = tmp_path / "calldesk.db"
    engine = make_engine(f"sqlite:///{db}")
    upgrade(engine)
    seed_floor(engine)
    engine.dispose()
    pbx = ReplayServer(load(CAPTURES / "01-answered-caller-hangup.jsonl"), speed=None,
                       username="calldesk", secret=AMI_SECRET)
    await pbx.start()
    port = free_port()
    config = tmp_path / "config.toml"
    config.write_text(f'[database]\nurl = "sqlite:///{db}"\n\n[server]\nport = {port}\n', encoding="utf-8")
    env = dict(os.environ, CALLDESK_AMI_SECRET=AMI_SECRET, CALLDESK_PBX_HOST="127.0.0.1",
               CALLDESK_PBX_PORT=str(pbx.port), PYTHONUNBUFFERED="1")
    log_path = tmp_path / "serve.log"
    with log_path.open("wb") as log_file:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "console", "--config", str(config), "serve",
            stdout=log_file, stderr=log_file, env=env, cwd=tmp_path)
        try:
            base = f"http://127.0.0.1:{port}"
            async with aiohttp.ClientSession() as http:
                async with asyncio.timeout(30):
                    while True:
                        try:
                            async with http.get(f"{base}/healthz") as resp:
                                if resp.status == 200:
                                    break
                        except aiohttp.ClientError:
                            pass
                        await asyncio.sleep(0.2)
                async with http.post(f"{base}/api/login", json={"username": "agent1", "password": PASSWORD}) as resp:
                    token = (await resp.json())["token"]
                async with http.ws_connect(f"{base}/ws?since=0", headers=bearer(token)) as ws:
                    assert (await ws.receive_json(timeout=10))["kind"] == "hello"
                    kinds = []
                    while "ended" not in kinds:  # the capture's call, popped and ended
                        kinds.append((await ws.receive_json(timeout=10))["kind"])
                    assert "pop" in kinds
        finally:
            proc.send_signal(signal.SIGINT)
            await asyncio.wait_for(proc.wait(), 20)
            await pbx.close()
    log = log_path.read_text(encoding="utf-8")
    assert f"listening on http://127.0.0.1:{port}" in log
    assert "GET /ws?since=0 101 " in log and "GET /healthz 200 " in log
    assert AMI_SECRET not in log and token not in log
    assert (tmp_path / "var" / "outbox.sqlite3").exists()  # next to the config file


async def test_serve_refuses_a_database_that_is_behind(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(f'[database]\nurl = "sqlite:///{tmp_path / "empty.db"}"\n', encoding="utf-8")
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "console", "--config", str(config), "serve",
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, cwd=tmp_path)
    _out, err = await asyncio.wait_for(proc.communicate(), 30)
    assert proc.returncode == 2
    assert "calldesk db upgrade" in err.decode()
