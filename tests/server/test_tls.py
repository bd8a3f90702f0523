"""TLS end to end: the console's client against a real aiohttp server on a real TLS socket."""

from __future__ import annotations

import datetime as dt
import ssl
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import trustme
from aiohttp.test_utils import TestServer

from console.i18n import set_locale, t
from console.server import keys
from console.server.tls import server_ssl_context
from console.tui.client import ApiError, Client
from tests.server.conftest import PASSWORD
from tests.server.tls_certs import issue, raw_server_context

NOW = dt.datetime.now(dt.UTC)

StartServer = Callable[[ssl.SSLContext], Awaitable[TestServer]]


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    set_locale("en")
    yield
    set_locale("zh_CN")


@pytest.fixture
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
async def tls_server(seeded_engine: Any, tmp_path: Path, frozen_clock: Any) -> AsyncIterator[StartServer]:
    """Starts the real app behind a TLS socket on 127.0.0.1 (a free port)."""
    from console.config import Settings
    from console.server.app import create_app

    servers: list[TestServer] = []

    async def start(context: ssl.SSLContext) -> TestServer:
        app = create_app(Settings(center={"locale": "en"}), engine=seeded_engine, clock=frozen_clock,
                         outbox_path=tmp_path / "outbox.sqlite3")
        server = TestServer(app, host="127.0.0.1")
        await server.start_server(ssl=context)
        servers.append(server)
        return server

    yield start
    for server in servers:
        await server.close()


async def test_the_console_logs_in_fetches_and_streams_over_tls(tls_server, seed, ca, tmp_path) -> None:
    files = issue(tmp_path, "good", ca)
    server = await tls_server(server_ssl_context(files.cert, files.key, NOW))
    console = Client(f"https://localhost:{server.port}", ca_file=files.ca)
    try:
        login = await console.login("agent1", PASSWORD)
        assert login.user.username == "agent1"
        assert (await console.config()).queues  # REST over https
        frames = console.frames()  # wss://
        assert (await anext(frames))["kind"] == "hello"
        server.app[keys.HUB].publish([seed.staff["agent1"]], "test", {"n": 1})
        assert (await anext(frames))["n"] == 1
        await frames.aclose()
    finally:
        await console.close()


async def _refusal(url: str, ca_file: Path | None) -> ApiError:
    console = Client(url, ca_file=ca_file)
    try:
        with pytest.raises(ApiError) as info:
            await console.login("agent1", PASSWORD)
    finally:
        await console.close()
    assert info.value.code == "tls"
    assert "Traceback" not in info.value.message and "\n" not in info.value.message
    return info.value


async def test_a_certificate_from_another_ca_is_refused_with_the_reason(tls_server, seed, ca, tmp_path) -> None:
    files = issue(tmp_path, "good", ca)
    server = await tls_server(server_ssl_context(files.cert, files.key, NOW))
    stranger = issue(tmp_path, "other", trustme.CA())
    url = f"https://localhost:{server.port}"
    error = await _refusal(url, stranger.ca)
    assert error.message == t("transport.client.cert_refused", reason=t("transport.client.unknown_ca"))
    # The system's trust store does not know the tests' CA either.
    assert (await _refusal(url, None)).message == error.message


async def test_an_expired_certificate_is_refused_with_the_reason(tls_server, seed, ca, tmp_path) -> None:
    files = issue(tmp_path, "expired", ca, not_before=NOW - dt.timedelta(days=30), not_after=NOW - dt.timedelta(days=1))
    server = await tls_server(raw_server_context(files))
    url = f"https://localhost:{server.port}"
    error = await _refusal(url, files.ca)
    assert error.message == t("transport.client.cert_refused", reason=t("transport.client.expired"))


async def test_a_certificate_for_another_host_is_refused_with_the_reason(tls_server, seed, ca, tmp_path) -> None:
    files = issue(tmp_path, "elsewhere", ca, "calldesk.example.com")
    server = await tls_server(server_ssl_context(files.cert, files.key, NOW))
    url = f"https://127.0.0.1:{server.port}"
    error = await _refusal(url, files.ca)
    assert error.message == t("transport.client.cert_refused", reason=t("transport.client.wrong_host"))


async def test_the_stream_is_refused_too_when_the_certificate_does_not_verify(tls_server, seed, ca, tmp_path) -> None:
    files = issue(tmp_path, "good", ca)
    server = await tls_server(server_ssl_context(files.cert, files.key, NOW))
    console = Client(f"https://localhost:{server.port}", ca_file=issue(tmp_path, "other", trustme.CA()).ca,
                     token="whatever")
    try:
        with pytest.raises(ApiError) as info:
            await anext(console.frames())
    finally:
        await console.close()
    assert info.value.code == "tls" and t("transport.client.unknown_ca") in info.value.message


async def test_a_missing_ca_file_is_named(tmp_path) -> None:
    console = Client("https://localhost:1", ca_file=tmp_path / "nope.pem")
    try:
        with pytest.raises(ApiError) as info:
            await console.login("agent1", PASSWORD)
    finally:
        await console.close()
    assert info.value.message == t("transport.ca.missing", file=tmp_path / "nope.pem")


async def test_the_cli_says_in_one_line_why_it_does_not_trust_the_server(tls_server, seed, ca, tmp_path,
                                                                          monkeypatch, capsys) -> None:
    import asyncio

    from console.cli import main

    files = issue(tmp_path, "good", ca)
    server = await tls_server(server_ssl_context(files.cert, files.key, NOW))
    stranger = issue(tmp_path, "other", trustme.CA())
    monkeypatch.chdir(tmp_path)
    (tmp_path / "config.toml").write_text('[center]\nlocale = "en"\n', encoding="utf-8")
    for name in ("CALLDESK_CONFIG", "CALLDESK_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CALLDESK_USER", "admin")
    monkeypatch.setenv("CALLDESK_PASSWORD", PASSWORD)
    url = f"https://localhost:{server.port}"

    async def staff_list(*extra: str) -> tuple[int, str, str]:
        code = await asyncio.to_thread(main, ["staff", "list", "--server", url, *extra])
        out = capsys.readouterr()
        return code, out.out, out.err

    code, _, err = await staff_list("--ca", str(stranger.ca))
    assert code == 2
    assert err == (f"calldesk: error: {t('console.login.failed', server=url, message='')}"
                   f"{t('transport.client.cert_refused', reason=t('transport.client.unknown_ca'))}\n")
    code, _, err = await staff_list("--ca", str(tmp_path / "missing.pem"))
    assert (code, err) == (2, f"calldesk: error: {t('transport.ca.missing', file=tmp_path / 'missing.pem')}\n")
    code, out, err = await staff_list("--ca", str(files.ca))
    assert (code, err) == (0, "") and "agent1" in out
    # [console] ca_file, relative to the config file, does the same as --ca.
    (tmp_path / "config.toml").write_text('[center]\nlocale = "en"\n[console]\nca_file = "good/ca.pem"\n',
                                          encoding="utf-8")
    code, out, err = await staff_list()
    assert (code, err) == (0, "") and "agent1" in out
