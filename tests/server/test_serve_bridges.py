"""`calldesk serve` builds its bridges from config: the agent map and the queues' wrap-up time."""

from __future__ import annotations

from console.cli.serve import bridges_from_settings, wrapup_of
from tests.server.conftest import server_settings
from tests.telephony.test_tracker_scenarios import _answered_call
from tests.telephony.tracker_script import Script

QUEUES = [{"name": "retail", "wrapup_s": 30}, {"name": "vip", "wrapup_s": 45}]


def test_the_longest_queue_wrapup_is_the_trackers():
    assert wrapup_of(server_settings(queues=QUEUES)) == 45
    assert wrapup_of(server_settings(queues=[{"name": "retail"}])) == 0


def test_agents_show_wrap_up_for_the_configured_time():
    settings = server_settings(queues=QUEUES, pbx=[{"name": "main", "agent_map": {"PJSIP/1001": "zhangwei"}}])
    bridge = bridges_from_settings(settings)["main"]
    s = Script(tracker=bridge.tracker)
    member = {"Queue": "retail", "Interface": "PJSIP/1001", "MemberName": "x", "Paused": "0"}
    c, a = _answered_call(s, 1)
    s.send("QueueMemberStatus", 1.3, **member, Status="2")
    s.send("AgentComplete", 10.0, c, a, Queue="retail", Interface="PJSIP/1001", Reason="caller",
           HoldTime="1", TalkTime="9")
    s.send("QueueMemberStatus", 10.01, **member, Status="1")
    last = s.of("agent_state")[-1]
    assert (last["agent"], last["state"]) == ("zhangwei", "wrap_up")
    s.send("Newexten", 54.0, c, Application="Playback")
    assert s.of("agent_state")[-1]["state"] == "wrap_up"  # 44 s after: still in after-call work
    s.send("Newexten", 55.5, c, Application="Playback")
    assert (s.of("agent_state")[-1]["state"], s.of("agent_state")[-1]["t"]) == ("available", 55.5)
