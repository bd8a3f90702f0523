"""calldesk's FastAGI routing server over TCP, as Asterisk's AGI() speaks to it, on a real store."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from console.server import keys
from tests.server.conftest import KNOWN_ACCOUNT, KNOWN_NUMBER, server_settings

ROUTING = {"agi_port": 0, "agi_host": "127.0.0.1"}


async def agi(port: int, callerid: str, *args: str, script: str = "route") -> dict[str, str]:
    """One AGI request as Asterisk sends it; every SET VARIABLE the server answers with."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    lines = ["agi_network: yes", f"agi_network_script: {script}", "agi_request: agi://127.0.0.1/route",
             "agi_channel: PJSIP/carrier-00000001", f"agi_callerid: {callerid}", "agi_context: ivr"]
    lines += [f"agi_arg_{i}: {arg}" for i, arg in enumerate(args, 1)]
    writer.write(("\n".join(lines) + "\n\n").encode())
    variables: dict[str, str] = {}
    while line := await asyncio.wait_for(reader.readline(), 5):
        command = line.decode().strip()
        assert command.startswith("SET VARIABLE "), command
        name, value = command.removeprefix("SET VARIABLE ").split(" ", 1)
        variables[name] = value.strip('"')
        writer.write(b"200 result=1\n")
    writer.close()
    return variables


async def _routing_client(make_client: Any, **routing: Any) -> Any:
    # agi_port 0 is "off" in config: start it by hand on a free port, as serve would on its own
    from console.server.routing_agi import RoutingAgi

    settings = server_settings(routing={**ROUTING, **routing})
    client = await make_client(settings=settings)
    app = client.server.app
    server = RoutingAgi(settings, app[keys.ENGINE], app[keys.CALLS])
    await server.start()
    return client, server


async def test_a_known_customer_by_account_goes_to_their_free_manager_first(make_client, seed) -> None:
    client, server = await _routing_client(make_client)
    try:
        got = await agi(server.port, "02100000000", "retail", KNOWN_ACCOUNT)
        assert got == {"CALLDESK_ROUTE": "manager", "CALLDESK_QUEUE": "retail", "CALLDESK_PRIORITY": "5",
                       "CUSTOMER_TIER": "gold", "CALLDESK_MANAGER": "2001", "CALLDESK_MANAGER_RING": "20"}
        # The manager is on a call now: straight to the queue.
        live = client.server.app[keys.CALLS].open("main", "busy-1", "13900000000")
        live.ringing("2001", "PJSIP/2001-1")
        got = await agi(server.port, KNOWN_NUMBER, "retail", "unknown")  # by phone this time
        assert (got["CALLDESK_ROUTE"], got["CALLDESK_QUEUE"]) == ("queue", "retail")
    finally:
        await server.stop()


async def test_vip_unknown_and_blocked_callers(make_client, seed) -> None:
    _client, server = await _routing_client(make_client, blocked=["13600000000"], manager_first=False)
    try:
        vip = await agi(server.port, "13700137000", "retail", "unknown")  # 单田芳, diamond
        assert (vip["CALLDESK_ROUTE"], vip["CALLDESK_QUEUE"], vip["CALLDESK_PRIORITY"]) == ("queue", "vip", "10")
        shared = await agi(server.port, "02188180001", "retail", "unknown")  # two customers: nobody in particular
        assert shared == {"CALLDESK_ROUTE": "queue", "CALLDESK_QUEUE": "retail", "CALLDESK_PRIORITY": "0"}
        blocked = await agi(server.port, "+86 136 0000 0000", "retail", "unknown")
        assert blocked["CALLDESK_ROUTE"] == "blocked"
        assert await agi(server.port, "13700137000", script="nothing-here") == {}  # no such route: nothing set
    finally:
        await server.stop()


async def test_a_slow_crm_is_the_default_route(make_client, seed, monkeypatch) -> None:
    from console.server import routing_agi

    _client, server = await _routing_client(make_client, answer_within_ms=50)
    slow = routing_agi.RoutingAgi._known

    def sleepy(self: Any, *args: Any) -> Any:
        import time

        time.sleep(0.3)
        return slow(self, *args)

    monkeypatch.setattr(routing_agi.RoutingAgi, "_known", sleepy)
    try:
        got = await agi(server.port, "13700137000", "retail", "unknown")
        assert got == {"CALLDESK_ROUTE": "queue", "CALLDESK_QUEUE": "retail", "CALLDESK_PRIORITY": "0"}
    finally:
        await server.stop()


async def test_a_peer_that_closes_early_costs_nothing(make_client, seed) -> None:
    _client, server = await _routing_client(make_client)
    try:
        _reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
        writer.write(b"agi_network: yes\n")  # and gone, before the blank line
        writer.close()
        await asyncio.sleep(0.2)
        assert (await agi(server.port, "13700137000", "retail"))["CALLDESK_QUEUE"] == "vip"  # still serving
    finally:
        await server.stop()


async def test_a_silent_peer_is_dropped_and_the_log_names_why(make_client, seed, monkeypatch, caplog) -> None:
    # A timeout's message is empty: the log names its kind instead of saying nothing.
    from console.server import routing_agi

    monkeypatch.setattr(routing_agi, "HEADERS_TIMEOUT_S", 0.1)
    _client, server = await _routing_client(make_client)
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
        with caplog.at_level(logging.WARNING, logger=routing_agi.__name__):
            assert await asyncio.wait_for(reader.read(), 5) == b""  # the server hung up
        writer.close()
        assert "FastAGI request dropped: TimeoutError" in caplog.text
    finally:
        await server.stop()
