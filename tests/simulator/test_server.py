"""The AMI server over real TCP: login, sessions, list actions, errors, framing of split reads."""

from __future__ import annotations

import asyncio
import hashlib

import pytest

from telephony.simulator import center
from telephony.simulator.runner import Simulator, SimulatorConfig
from tests.simulator.amiclient import AmiClient

EPOCH = 1795372966.0


@pytest.fixture
async def sim():
    simulator = Simulator(SimulatorConfig(username="u", secret="s3cret", manual_clock=True, epoch=EPOCH,
                                          timestamps=True, agents=center.AgentSetup(count=3)))
    async with simulator:
        yield simulator


async def connect(sim: Simulator, login: bool = True) -> AmiClient:
    client = await AmiClient.connect(sim.port, EPOCH)
    if login:
        reply = await client.action({"Action": "Login", "Username": "u", "Secret": "s3cret"})
        assert reply["Message"] == "Authentication accepted"
    return client


async def test_banner_comes_first(sim: Simulator) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", sim.port)
    assert await reader.readline() == b"Asterisk Call Manager/11.0.0\r\n"
    writer.close()


async def test_wrong_secret_is_refused_and_nothing_else_is_allowed(sim: Simulator) -> None:
    client = await connect(sim, login=False)
    bad = await client.action({"Action": "Login", "Username": "u", "Secret": "nope"})
    assert (bad["Response"], bad["Message"]) == ("Error", "Authentication failed")
    status = await client.action({"Action": "QueueStatus"})
    assert (status["Response"], status["Message"]) == ("Error", "Authentication Required")
    await client.close()


async def test_md5_challenge_login(sim: Simulator) -> None:
    client = await connect(sim, login=False)
    challenge = (await client.action({"Action": "Challenge", "AuthType": "MD5"}))["Challenge"]
    wrong = await client.action({"Action": "Login", "AuthType": "MD5", "Username": "u", "Key": "0" * 32})
    assert wrong["Response"] == "Error"
    key = hashlib.md5(f"{challenge}s3cret".encode()).hexdigest()
    ok = await client.action({"Action": "Login", "AuthType": "MD5", "Username": "u", "Key": key})
    assert ok["Message"] == "Authentication accepted"
    await client.close()


async def test_unknown_action_ping_and_logoff(sim: Simulator) -> None:
    client = await connect(sim)
    unknown = await client.action({"Action": "Frobnicate"})
    assert (unknown["Response"], unknown["Message"]) == ("Error", "Invalid/unknown command")
    assert (await client.action({"Action": "Ping"}))["Ping"] == "Pong"
    goodbye = await client.action({"Action": "Logoff"})
    assert goodbye["Response"] == "Goodbye"
    await asyncio.wait_for(client._task, 5)  # the server closes the connection


async def test_events_off_stops_events_but_not_responses(sim: Simulator) -> None:
    client = await connect(sim)
    assert (await client.action({"Action": "Events", "EventMask": "off"}))["Events"] == "Off"
    before = len(client.received)
    await client.action({"Action": "QueuePause", "Interface": "PJSIP/1001", "Paused": "true", "Reason": "lunch"})
    await client.drain()
    names = [m.get("Event") for _, m in client.received[before:]]
    assert "QueueMemberPause" not in names
    await client.action({"Action": "Events", "EventMask": "on"})
    await client.action({"Action": "QueuePause", "Interface": "PJSIP/1001", "Paused": "false"})
    await client.drain()
    paused = [m for _, m in client.received if m.get("Event") == "QueueMemberPause"]
    assert {m["Queue"] for m in paused} == {"retail", "vip", "ringall"} and {m["Paused"] for m in paused} == {"0"}
    await client.close()


async def test_list_actions_end_with_their_complete_event(sim: Simulator) -> None:
    client = await connect(sim)
    start = await client.action({"Action": "QueueSummary"})
    assert start["EventList"] == "start"
    await client.drain()
    summary = [m for _, m in client.received if m.get("ActionID") == start["ActionID"] and "Event" in m]
    assert [m["Event"] for m in summary] == ["QueueSummary"] * 4 + ["QueueSummaryComplete"]
    assert summary[-1]["ListItems"] == "4"
    available = {m["Queue"]: m["Available"] for m in summary[:-1]}
    assert available == {"retail": "3", "vip": "3", "ringall": "3", "margin": "0"}
    await client.close()


async def test_errors_name_what_is_wrong(sim: Simulator) -> None:
    client = await connect(sim)
    assert (await client.action({"Action": "Hangup", "Channel": "PJSIP/9999-00000000"}))["Message"] == "No such channel"
    missing = await client.action({"Action": "QueueAdd", "Queue": "retail"})
    assert missing["Response"] == "Error" and "Interface" in missing["Message"]
    again = await client.action({"Action": "QueueAdd", "Queue": "retail", "Interface": "PJSIP/1001"})
    assert again["Message"] == "Unable to add interface: Already there"
    assert (await client.action({"Action": "QueuePause", "Interface": "PJSIP/1999", "Paused": "1"}))["Message"] == \
        "Interface not found"
    await client.close()


async def test_setvar_getvar_and_split_utf8_action(sim: Simulator) -> None:
    client = await connect(sim)
    await client.action({"Action": "Setvar", "Variable": "CENTER", "Value": "上海"})
    assert (await client.action({"Action": "Getvar", "Variable": "CENTER"}))["Value"] == "上海"
    raw = "Action: QueueAdd\r\nActionID: split-1\r\nQueue: retail\r\nInterface: PJSIP/1009\r\nMemberName: 赵敏\r\n\r\n"
    future = asyncio.get_running_loop().create_future()
    client._waiting["split-1"] = future
    for byte in raw.encode("utf-8"):  # one byte per write: characters split across reads
        client.writer.write(bytes([byte]))
        await client.writer.drain()
    assert (await asyncio.wait_for(future, 5))["Response"] == "Success"
    await client.drain()
    added = [m for _, m in client.received if m.get("Event") == "QueueMemberAdded"]
    assert added[-1]["MemberName"] == "赵敏"
    await client.close()


async def test_manual_phone_rings_until_calldesk_answer() -> None:
    from telephony.simulator import inbound
    from telephony.simulator.model import CallSpec
    from tests.simulator.conformance import through_tracker

    config = SimulatorConfig(username="u", secret="s3cret", manual_clock=True, epoch=EPOCH, timestamps=True,
                             agents=center.AgentSetup(count=1, manual={"1001"}))
    async with Simulator(config) as sim:
        client = await connect(sim)
        inbound.place_call(sim.pbx, CallSpec("13800138000", account="310012345678", talk_s=30.0))
        sim.clock.run_until(11.0)  # joined at 3; the queue's 12 s ring timeout is not up yet
        not_ringing = await client.action({"Action": "CalldeskAnswer", "Interface": "PJSIP/1002"})
        assert not_ringing["Response"] == "Error"
        answered = await client.action({"Action": "CalldeskAnswer", "Interface": "PJSIP/1001"})
        assert answered["Response"] == "Success"
        sim.clock.run_until(60.0)
        await client.drain()
        await client.close()
    events = [e for e in through_tracker(client.received) if e[0] in ("ringing", "answered", "ended")]
    assert [e[0] for e in events] == ["ringing", "answered", "ended"]
    assert dict(events[-1][1:])["outcome"] == "answered"


async def test_originate_application_stays_up_until_hangup(sim: Simulator) -> None:
    client = await connect(sim)
    queued = await client.action({"Action": "Originate", "Channel": "PJSIP/1003", "Application": "ChanSpy",
                                  "Data": "PJSIP/1001,qE", "CallerID": '"Spy 1001" <1003>', "Async": "true"})
    assert queued["Message"] == "Originate successfully queued"
    sim.clock.run_until(10.0)
    await client.drain()
    response = next(m for _, m in client.received if m.get("Event") == "OriginateResponse")
    assert (response["Response"], response["Reason"], response["Application"]) == ("Success", "4", "ChanSpy")
    channels = await client.action({"Action": "CoreShowChannels"})
    await client.drain()
    listed = [m for _, m in client.received if m.get("ActionID") == channels["ActionID"] and "Event" in m]
    assert listed[0]["Application"] == "ChanSpy" and listed[-1]["ListItems"] == "1"
    hung = await client.action({"Action": "Hangup", "Channel": response["Channel"]})
    assert hung["Message"] == "Channel Hungup"
    await client.drain()
    assert any(m.get("Event") == "Hangup" and m["Channel"] == response["Channel"] for _, m in client.received)
    await client.close()


async def test_a_client_that_does_not_read_is_cut_off(sim: Simulator, monkeypatch) -> None:
    import socket

    from telephony.simulator import members, server

    monkeypatch.setattr(server, "MAX_BACKLOG_BYTES", 64 * 1024)
    raw = socket.socket()
    raw.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    raw.setblocking(False)
    await asyncio.get_running_loop().sock_connect(raw, ("127.0.0.1", sim.port))
    await asyncio.get_running_loop().sock_sendall(raw, b"Action: Login\r\nUsername: u\r\nSecret: s3cret\r\n\r\n")
    for _ in range(200):
        await asyncio.sleep(0.01)
        if sim.server.sessions and all(s.authenticated for s in sim.server.sessions):
            break
    for i in range(4000):  # ~1.5 MB of QueueMemberPause events nobody reads
        members.pause(sim.pbx, "PJSIP/1001", i % 2 == 0, "lunch")
        if i % 100 == 0:
            await asyncio.sleep(0)
    for _ in range(200):
        if not sim.server.sessions:
            break
        await asyncio.sleep(0.01)
    assert not sim.server.sessions
    raw.close()


async def test_status_lists_channels_or_says_there_is_no_such_channel(sim: Simulator) -> None:
    from telephony.simulator import inbound
    from telephony.simulator.model import CallSpec

    client = await connect(sim)
    inbound.place_call(sim.pbx, CallSpec("13800138000", account="310012345678", talk_s=30.0))
    sim.clock.run_until(10.0)  # answered by now: the caller and the agent's leg are up
    listed = await client.action({"Action": "Status"})
    await client.drain()
    items = [m for _, m in client.received if m.get("ActionID") == listed["ActionID"] and "Event" in m]
    assert sorted(m["Channel"].split("-")[0] for m in items[:-1]) == ["PJSIP/1001", "PJSIP/carrier"]
    assert items[-1]["Event"] == "StatusComplete" and items[-1]["Items"] == "2"
    missing = await client.action({"Action": "Status", "Channel": "PJSIP/9999-00000009"})
    assert (missing["Response"], missing["Message"]) == ("Error", "No such channel")
    await client.close()


async def test_garbage_between_actions_does_not_break_the_session(sim: Simulator) -> None:
    client = await connect(sim)
    client.writer.write(b"this is not AMI\r\n\r\n\xff\xfe: \xc0\r\n\r\nKey without action: 1\r\n\r\n")
    assert (await client.action({"Action": "Ping"}))["Ping"] == "Pong"
    await client.close()
