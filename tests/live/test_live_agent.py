"""The agent's own state on the real Asterisk: queue log-in/out (a Local member with its
StateInterface too), pause with a reason and resume, and a supervisor forcing either."""

from __future__ import annotations

from tests.live.floor import LOCAL_MEMBER, LiveFloor, answered_call
from tests.live.sipp import SippLab


async def test_log_in_pause_with_a_reason_resume_and_log_out(floor: LiveFloor, sipp: SippLab) -> None:
    await floor.start()
    agent = await floor.console("agent1001")
    await floor.log_in_queue("1001", "retail")
    added = await floor.observer.wait("QueueMemberAdded", Interface="PJSIP/1001")
    assert (added["Queue"], added["MemberName"]) == ("retail", "张伟")
    await floor.call_api("agent1001", "POST", "/api/agent/pause", {"paused": True, "reason": "lunch"})
    paused = await agent.wait("agent_state", state="paused", queue="retail")
    assert paused["event"]["reason"] == "lunch"
    assert "paused:lunch" in floor.lab.members("retail")["PJSIP/1001"]
    me = await floor.call_api("agent1001", "GET", "/api/me")
    assert (me["state"]["state"], me["state"]["reason"]) == ("paused", "lunch")
    await floor.call_api("agent1001", "POST", "/api/agent/pause", {"paused": False})
    await agent.wait("agent_state", state="available", queue="retail", after=agent.frames.index(paused))
    assert "paused" not in floor.lab.members("retail")["PJSIP/1001"]
    await floor.call_api("agent1001", "POST", "/api/agent/pause", {"paused": True, "reason": "nap"}, expect=400)
    await floor.call_api("agent1001", "POST", "/api/agent/queues", {"queue": "retail", "member": False})
    await agent.wait("agent_state", state="logged_out", queue="retail")
    assert floor.lab.members("retail") == {}


async def test_a_local_member_follows_its_phone(floor: LiveFloor, sipp: SippLab) -> None:
    """1004 is a FreePBX-style Local/1004@agents/n member: its log-in gives Asterisk the phone
    as StateInterface, so the member is in use while the phone talks, and the pop names the real
    phone leg."""
    await floor.start()
    agent = await floor.agent_at_phone(sipp, "1004")
    added = await floor.observer.wait("QueueMemberAdded", Interface=LOCAL_MEMBER)
    assert added["StateInterface"] == "PJSIP/1004"
    assert LOCAL_MEMBER in floor.lab.members("retail")
    call, _caller = await answered_call(floor, sipp, agent, hold_ms=8000)
    pop = agent.of("pop", call=call)[0]
    assert pop["ringing"]["agent_channel"].startswith("PJSIP/1004-")
    await agent.wait("agent_state", state="on_call", queue="retail")
    assert "In use" in floor.lab.members("retail")[LOCAL_MEMBER]
    ended = await agent.wait("ended", call=call)
    assert ended["event"]["agent"] == "1004"
    [row] = await floor.recorded(call)
    assert row.agent_ext == "1004"
    await floor.call_api("agent1004", "POST", "/api/agent/queues", {"queue": "retail", "member": False})
    await agent.wait("agent_state", state="logged_out", queue="retail")
    assert LOCAL_MEMBER not in floor.lab.members("retail")


async def test_a_supervisor_forces_a_pause_and_a_log_out(floor: LiveFloor, sipp: SippLab) -> None:
    await floor.start()
    agent = await floor.console("agent1002")
    sup = await floor.console("sup1")
    await floor.log_in_queue("1002", "retail")
    await floor.log_in_queue("1002", "vip")
    await floor.call_api("sup1", "POST", "/api/supervisor/agents/1002/pause", {"paused": True})
    await agent.wait("agent_state", state="paused", reason="supervisor", queue="retail")
    await sup.wait("agent_state", agent="1002", state="paused", reason="supervisor", queue="vip")
    assert "paused:supervisor" in floor.lab.members("vip")["PJSIP/1002"]
    await floor.call_api("agent1002", "POST", "/api/supervisor/agents/1002/pause", {"paused": False}, expect=403)
    await floor.call_api("sup1", "POST", "/api/supervisor/agents/1002/logout", {"queue": "vip"})
    await agent.wait("agent_state", state="logged_out", queue="vip")
    assert "PJSIP/1002" not in floor.lab.members("vip") and "PJSIP/1002" in floor.lab.members("retail")
    await floor.call_api("sup1", "POST", "/api/supervisor/agents/1002/logout")
    await agent.wait("agent_state", state="logged_out", queue="retail")
    board = await floor.call_api("sup1", "GET", "/api/supervisor/agents")
    row = next(a for a in board["agents"] if a["agent"] == "1002")
    assert row["state"]["state"] == "logged_out"
