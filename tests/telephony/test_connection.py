"""AmiConnection over real TCP against the replay server: login, backoff, watchdog, replies."""

from __future__ import annotations

import asyncio
import contextlib
import random
from pathlib import Path

import pytest

from telephony import actions
from telephony.connection import AmiActionError, AmiConnection, AmiLoginError, Backoff
from telephony.replay_plan import ConnPlan, action_ids, list_events
from telephony.replay_server import ReplayServer
from telephony.transcripts import load

FIXTURES = Path(__file__).parents[1] / "fixtures" / "ami-transcripts"


class Recorder:
    """Hooks of one AmiConnection, with events to await instead of sleeping."""

    def __init__(self) -> None:
        self.events: list[dict[str, str]] = []
        self.ups = 0
        self.downs: list[str] = []
        self.delays: list[float] = []
        self.changed = asyncio.Event()

    def on_event(self, message: dict[str, str]) -> None:
        self.events.append(message)
        self.changed.set()

    async def on_up(self) -> None:
        self.ups += 1
        self.changed.set()

    def on_down(self, reason: str) -> None:
        self.downs.append(reason)
        self.changed.set()

    async def sleep(self, delay: float) -> None:
        self.delays.append(delay)
        await asyncio.sleep(0)

    async def until(self, condition, timeout: float = 10.0) -> None:
        async with asyncio.timeout(timeout):
            while not condition():
                self.changed.clear()
                await self.changed.wait()


def connection(server: ReplayServer, rec: Recorder, **kw) -> AmiConnection:
    kw.setdefault("rng", random.Random(7))
    return AmiConnection("127.0.0.1", server.port, kw.pop("username", server.username), kw.pop("secret", server.secret),
                         on_event=rec.on_event, on_up=rec.on_up, on_down=rec.on_down, sleep=rec.sleep, **kw)


def test_backoff_is_capped_exponential_with_jitter() -> None:
    backoff, rng = Backoff(base_s=0.5, cap_s=8.0), random.Random(1)
    delays = [backoff.delay(n, rng) for n in range(10)]
    for n, d in enumerate(delays):
        ceiling = min(8.0, 0.5 * 2**n)
        assert ceiling / 2 <= d <= ceiling
    assert delays == [backoff.delay(n, r) for r in [random.Random(1)] for n in range(10)]
    assert len(set(delays[5:])) == 5  # jitter: capped attempts still differ


async def test_refused_login_raises_a_clear_error() -> None:
    async with ReplayServer([ConnPlan([])], secret="right") as server:
        rec = Recorder()
        conn = connection(server, rec, secret="wrong")
        await conn.manager.connect()
        refused = r"login as 'calldesk' on 127\.0\.0\.1:\d+ refused: Authentication failed"
        with pytest.raises(AmiLoginError, match=refused):
            await conn.login()
        await conn.close()


async def test_failed_logins_are_retried_with_backoff_then_run_authenticated() -> None:
    async with ReplayServer([ConnPlan([])], reject_logins=3) as server:
        rec = Recorder()
        conn = connection(server, rec, backoff=Backoff(base_s=1.0, cap_s=3.0))
        task = asyncio.create_task(conn.run())
        await rec.until(lambda: rec.ups == 1)
        assert conn.connected and server.logins_ok == 1
        assert server.connections == 4
        rng = random.Random(7)
        assert rec.delays == [Backoff(1.0, 3.0).delay(n, rng) for n in range(3)]
        assert rec.delays[2] <= 3.0
        assert conn.reconnects == 0  # the first successful login is not a reconnect
        assert rec.downs == []  # never up before: nothing to tell the tracker
        await conn.close()
        await task
        assert "Authentication failed" in (conn.last_error or "")


async def test_md5_challenge_login() -> None:
    async with ReplayServer([ConnPlan([])]) as server:
        rec = Recorder()
        conn = connection(server, rec, auth="md5")
        task = asyncio.create_task(conn.run())
        await rec.until(lambda: rec.ups == 1)
        login = next(a for a in server.actions if a["Action"] == "Login")
        assert login["AuthType"] == "MD5" and "Secret" not in login and len(login["Key"]) == 32
        await conn.close()
        await task


async def test_unanswered_pings_mean_half_open_and_reconnect() -> None:
    async with ReplayServer([ConnPlan([], then="silent"), ConnPlan([])], hold_until=None) as server:
        rec = Recorder()
        conn = connection(server, rec, ping_interval_s=0.05, ping_timeout_s=0.1)
        task = asyncio.create_task(conn.run())
        await rec.until(lambda: rec.ups == 2)
        assert conn.reconnects == 1 and server.connections == 2
        assert len(rec.downs) == 1 and "did not answer a Ping within 0.1 s" in rec.downs[0]
        await conn.close()
        await task


async def test_eof_reconnects_and_reports_the_loss_once() -> None:
    async with ReplayServer([ConnPlan([], then="close"), ConnPlan([])], hold_until=None) as server:
        rec = Recorder()
        conn = connection(server, rec)
        task = asyncio.create_task(conn.run())
        await rec.until(lambda: rec.ups == 2)
        assert rec.downs == ["connection closed by Asterisk"]
        assert conn.reconnects == 1 and len(rec.delays) == 1
        await conn.close()
        await task
        assert rec.downs[-1] == "closed by us"


async def test_every_action_has_a_timeout() -> None:
    async with ReplayServer([ConnPlan([])]) as server:
        rec = Recorder()
        conn = connection(server, rec, ping_interval_s=60)
        task = asyncio.create_task(conn.run())
        await rec.until(lambda: rec.ups == 1)
        server.go_silent()
        with pytest.raises(AmiActionError, match=r"not answered within 0\.05 s"):
            await conn.send(actions.hangup("PJSIP/1001-00000001"), timeout_s=0.05)
        assert conn.protocol is not None and conn.protocol.pending == {}  # forgotten, no leak
        await conn.close()
        await task


async def test_list_replies_are_collected_by_action_id() -> None:
    frames = load(FIXTURES / "10-supervisor-status-and-chanspy.jsonl").frames
    snapshot = {name: list_events(frames, action_ids(frames, name, plain=True)[-1])
                for name in ("QueueStatus", "CoreShowChannels")}
    async with ReplayServer([ConnPlan([], snapshot=snapshot)]) as server:
        rec = Recorder()
        conn = connection(server, rec)
        task = asyncio.create_task(conn.run())
        await rec.until(lambda: rec.ups == 1)
        reply = await conn.send(actions.queue_status())
        names = {e["Event"] for e in reply.events}
        assert names == {"QueueParams", "QueueMember", "QueueEntry"}
        assert len(reply.events) == len(snapshot["QueueStatus"])
        assert [e["Event"] for e in rec.events] == ["FullyBooted"]  # the list is not passed on
        forwarded = await conn.send(actions.core_show_channels(), forward_events=True)
        assert len(forwarded.events) > 0
        assert [e["Event"] for e in rec.events[1:-1]] == ["CoreShowChannel"] * len(forwarded.events)
        assert rec.events[-1]["Event"] == "CoreShowChannelsComplete"
        await conn.close()
        await task


async def test_error_responses_raise_with_the_response() -> None:
    async with ReplayServer([ConnPlan([])], errors={"QueueAdd": "Unable to add interface: Already there"}) as server:
        rec = Recorder()
        conn = connection(server, rec)
        task = asyncio.create_task(conn.run())
        await rec.until(lambda: rec.ups == 1)
        with pytest.raises(AmiActionError, match="QueueAdd failed: Unable to add interface: Already there") as err:
            await conn.send(actions.queue_add("retail", "PJSIP/1003", "王芳"))
        assert err.value.response is not None and err.value.response["Response"] == "Error"
        reply = await conn.send(actions.queue_pause("PJSIP/1001", True, "lunch"))
        assert reply.ok
        await conn.close()
        await task
        with pytest.raises(ConnectionError, match="not connected"):
            await conn.send(actions.ping())


async def test_originate_reply_is_the_response_and_its_outcome_an_ordinary_event() -> None:
    async with ReplayServer([ConnPlan([])], originate_reason="0") as server:
        rec = Recorder()
        conn = connection(server, rec)
        task = asyncio.create_task(conn.run())
        await rec.until(lambda: rec.ups == 1)
        action = actions.originate("PJSIP/13700137000@carrier", exten="s", context="campaign")
        assert action["Async"] == "true"
        reply = await conn.send({**action, "ActionID": "camp-1"})
        assert reply.response["Message"] == "Originate successfully queued" and reply.events == []
        await rec.until(lambda: any(e["Event"] == "OriginateResponse" for e in rec.events))
        assert rec.events[-1]["ActionID"] == "camp-1" and rec.events[-1]["Reason"] == "0"
        await conn.close()
        await task


async def test_close_during_backoff_returns_without_sitting_it_out() -> None:
    async with ReplayServer([ConnPlan([], then="close")], hold_until=None) as server:
        rec = Recorder()
        never = asyncio.Event()

        async def endless_sleep(delay: float) -> None:
            rec.delays.append(delay)
            rec.changed.set()
            await never.wait()

        conn = AmiConnection("127.0.0.1", server.port, server.username, server.secret, on_event=rec.on_event,
                             on_up=rec.on_up, on_down=rec.on_down, sleep=endless_sleep)
        task = asyncio.create_task(conn.run())
        await rec.until(lambda: len(rec.delays) == 1)
        await conn.close()
        await asyncio.wait_for(task, 5)  # a guard against hanging, not a speed check
        assert rec.ups == 1 and not never.is_set()


async def test_panoramisk_pattern_callbacks_still_work() -> None:
    """Anyone used to panoramisk can register_event on the Manager and get its Message objects."""
    capture = load(FIXTURES / "16-chinese-caller-name-utf8.jsonl")
    async with ReplayServer(capture, chunk=(1, 7)) as server:
        rec = Recorder()
        conn = connection(server, rec)
        seen: list[tuple[str, str]] = []
        conn.manager.register_event("Agent*", lambda manager, msg: seen.append((msg.event, msg.calleridname)))
        task = asyncio.create_task(conn.run())
        await rec.until(lambda: rec.ups == 1)
        await conn.send(actions.core_show_channels())  # lets the server stream the rest
        await asyncio.wait_for(server.finished.wait(), 10)
        await conn.send(actions.ping())
        await conn.close()
        await task
    assert ("AgentCalled", "张三丰") in seen and ("AgentConnect", "张三丰") in seen


async def test_connection_reset_by_peer_reconnects() -> None:
    async with ReplayServer([ConnPlan([]), ConnPlan([])], hold_until=None) as server:
        rec = Recorder()
        conn = connection(server, rec)
        task = asyncio.create_task(conn.run())
        await rec.until(lambda: rec.ups == 1)
        server.drop_clients()  # abort(): the socket goes away without a goodbye
        await rec.until(lambda: rec.ups == 2)
        assert len(rec.downs) == 1 and conn.reconnects == 1
        await conn.close()
        await task


async def test_lists_of_older_asterisks_without_eventlist_headers() -> None:
    """Asterisk 11 says only "will follow" and ends the list with an event named …Complete."""

    async def old_pbx(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(b"Asterisk Call Manager/1.3\r\n")
        with contextlib.suppress(asyncio.IncompleteReadError, ConnectionError):
            await answer(reader, writer)

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while data := await reader.readuntil(b"\r\n\r\n"):
            aid = next(line[10:] for line in data.split(b"\r\n") if line.startswith(b"ActionID: "))
            if b"Action: Login" in data:
                writer.write(b"Response: Success\r\nActionID: " + aid + b"\r\nMessage: Authentication accepted\r\n\r\n")
            else:
                writer.write(b"Response: Success\r\nActionID: " + aid + b"\r\nMessage: Queue status will follow\r\n\r\n"
                             b"Event: QueueMember\r\nQueue: retail\r\nLocation: SIP/1001\r\nActionID: "
                             + aid + b"\r\n\r\n"
                             b"Event: QueueStatusComplete\r\nActionID: " + aid + b"\r\n\r\n")

    server = await asyncio.start_server(old_pbx, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    rec = Recorder()
    conn = AmiConnection("127.0.0.1", port, "u", "s", on_event=rec.on_event, on_up=rec.on_up, on_down=rec.on_down,
                         sleep=rec.sleep)
    task = asyncio.create_task(conn.run())
    await rec.until(lambda: rec.ups == 1)
    reply = await conn.send(actions.queue_status())
    assert [e["Event"] for e in reply.events] == ["QueueMember"] and rec.events == []
    await conn.close()
    await task
    server.close()
    await server.wait_closed()
