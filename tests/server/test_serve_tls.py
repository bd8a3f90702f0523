"""`calldesk serve` as a real process over TLS: https and wss with the tests' CA, no token in its log."""

from __future__ import annotations

import asyncio
import signal
import ssl
import sys
from pathlib import Path

import aiohttp
import trustme

from console.store.db import make_engine
from console.store.migrate import upgrade
from console.tui.client import Client
from tests.server.conftest import PASSWORD, seed_floor
from tests.server.test_serve import free_port
from tests.server.tls_certs import issue, source_env


async def test_serve_speaks_https_and_wss_with_its_certificate(tmp_path: Path) -> None:
    db = tmp_path / "calldesk.db"
    engine = make_engine(f"sqlite:///{db}")
    upgrade(engine)
    seed_floor(engine)
    engine.dispose()
    files = issue(tmp_path, "tls", trustme.CA())
    port, ami_port = free_port(), free_port()  # no PBX listens there: the server runs without one
    config = tmp_path / "config.toml"
    config.write_text(f'[database]\nurl = "sqlite:///{db}"\n\n[[pbx]]\nport = {ami_port}\n\n'
                      f'[server]\nport = {port}\ntls_cert = "tls/server.crt"\ntls_key = "tls/server.key"\n',
                      encoding="utf-8")
    log_path = tmp_path / "serve.log"
    base = f"https://localhost:{port}"
    with log_path.open("wb") as log_file:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "console", "--config", str(config), "serve",
            stdout=log_file, stderr=log_file, env=source_env(PYTHONUNBUFFERED="1"), cwd=tmp_path)
        try:
            trust = ssl.create_default_context(cafile=str(files.ca))
            async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(ssl=trust)) as http:
                async with asyncio.timeout(30):
                    while True:  # up once /healthz answers at all (503 without a PBX)
                        try:
                            async with http.get(f"{base}/healthz"):
                                break
                        except aiohttp.ClientConnectorError:
                            await asyncio.sleep(0.2)
                async with http.get(f"{base}/healthz") as resp:
                    assert resp.url.scheme == "https"
            console = Client(base, ca_file=files.ca)
            try:
                await console.login("agent1", PASSWORD)
                token = console.token
                assert token
                stream = console.frames()
                assert (await anext(stream))["kind"] == "hello"
                await stream.aclose()
                await console.request("GET", "/api/me", params={"token": token})  # a stray one
            finally:
                await console.close()
        finally:
            proc.send_signal(signal.SIGINT)
            await asyncio.wait_for(proc.wait(), 20)
    log = log_path.read_text(encoding="utf-8")
    assert f"listening on https://127.0.0.1:{port}" in log
    assert "https GET /ws 101 " in log and "https GET /api/me?token=*** 200 " in log
    assert token not in log and PASSWORD not in log
