"""`calldesk serve` builds its bridges from config: the agent map and the queues' wrap-up time."""

from __future__ import annotations

from console.cli.serve import bridges_from_settings, wrapup_of
from tests.server.conftest import server_settings
from tests.telephony.test_tracker_scenarios import _answered_call, _complete_into_wrap_up
from tests.telephony.tracker_script import Script

QUEUES = [{"name": "retail", "wrapup_s": 30}, {"name": "vip", "wrapup_s": 45}]


def test_each_queue_has_its_own_wrapup():
    assert wrapup_of(server_settings(queues=QUEUES)) == {"retail": 30, "vip": 45}
    assert wrapup_of(server_settings(queues=[{"name": "retail"}])) == {"retail": 0}


def test_agents_show_wrap_up_for_the_configured_time():
    settings = server_settings(queues=QUEUES, pbx=[{"name": "main", "agent_map": {"PJSIP/1001": "zhangwei"}}])
    bridge = bridges_from_settings(settings)["main"]
    s = Script(tracker=bridge.tracker)
    c, a = _answered_call(s, 1)
    _complete_into_wrap_up(s, c, a)
    last = s.of("agent_state")[-1]
    assert (last["agent"], last["state"]) == ("zhangwei", "wrap_up")
    s.send("Newexten", 39.0, c, Application="Playback")
    assert s.of("agent_state")[-1]["state"] == "wrap_up"  # 29 s after: still in retail's after-call work
    s.send("Newexten", 40.5, c, Application="Playback")
    # retail: 30 s after AgentComplete at 10, not vip's 45 (dated when it ended)
    assert (s.of("agent_state")[-1]["state"], s.of("agent_state")[-1]["t"]) == ("available", 40.0)


def test_unknown_ami_auth_is_a_config_error_naming_the_key(tmp_path):
    import pytest

    from console.config import ConfigError, load_settings

    file = tmp_path / "config.toml"
    file.write_text("[[pbx]]\nauth = 'sha1'\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"pbx\[0\]\.auth: .*'plain' or 'md5'"):
        load_settings(file, env={})


async def test_md5_login_from_config_reaches_the_simulator():
    """`auth = "md5"` in [[pbx]]: serve's bridge answers the Challenge; the secret never crosses the wire."""
    import asyncio

    from telephony.simulator import center
    from telephony.simulator.runner import Simulator, SimulatorConfig

    config = SimulatorConfig(username="calldesk", secret="s3cret", manual_clock=True,
                             agents=center.AgentSetup(count=1))
    async with Simulator(config) as sim:
        settings = server_settings(pbx=[{"name": "main", "port": sim.port, "secret": "s3cret", "auth": "md5"}])
        bridge = bridges_from_settings(settings)["main"]
        assert bridge.conn.auth == "md5"
        events = bridge.events()
        runner = asyncio.create_task(bridge.run())
        try:
            first = await asyncio.wait_for(events.__anext__(), 10)  # only a logged-in bridge gets the resync
            assert first.name == "agent_state" and bridge.connected
        finally:
            runner.cancel()
            await bridge.close()


def test_wrap_up_holds_only_the_queue_the_call_came_from():
    """app_queue applies a queue's wrapuptime to its own members: after a retail call the agent is
    in wrap-up for retail's 30 s while still available to vip (45 s), which saw no call."""
    settings = server_settings(queues=QUEUES)
    bridge = bridges_from_settings(settings)["main"]
    s = Script(tracker=bridge.tracker)
    c, a = _answered_call(s, 1)
    _complete_into_wrap_up(s, c, a, queues=("retail", "vip"))
    assert s.of("agent_state", queue="retail")[-1]["state"] == "wrap_up"
    assert s.of("agent_state", queue="vip")[-1]["state"] == "available"
    s.send("Newexten", 40.5, c, Application="Playback")
    assert s.of("agent_state", queue="retail")[-1]["state"] == "available"
