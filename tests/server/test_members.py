"""Which member interface a console's log-in adds for an agent (console.server.members)."""

from __future__ import annotations

from console.config.models import PbxSettings
from console.server.members import member_interface, state_interface


def pbx(**fields) -> PbxSettings:
    return PbxSettings(name="main", host="127.0.0.1", username="calldesk", secret="s", **fields)


def test_a_phone_agent_is_their_pjsip_endpoint() -> None:
    assert member_interface(pbx(), "1001") == "PJSIP/1001"


def test_a_local_member_named_in_state_interfaces_alone_is_its_agent() -> None:
    # docs/asterisk.md: the one [pbx.state_interfaces] entry is all a FreePBX-style member needs.
    settings = pbx(state_interfaces={"Local/1004@agents/n": "PJSIP/1004"})
    assert member_interface(settings, "1004") == "Local/1004@agents/n"
    assert state_interface(settings, "Local/1004@agents/n") == "PJSIP/1004"
    assert member_interface(settings, "1001") == "PJSIP/1001"  # other agents keep their phones


def test_agent_map_says_whose_an_interface_is_when_its_digits_do_not() -> None:
    settings = pbx(agent_map={"Local/8001@agents": "1001"},
                   state_interfaces={"Local/8001@agents": "PJSIP/1001", "Local/1004@agents/n": "PJSIP/1004"})
    assert member_interface(settings, "1001") == "Local/8001@agents"
    assert member_interface(settings, "8001") == "PJSIP/8001"  # the mapped interface is 1001's, not 8001's
    assert member_interface(settings, "1004") == "Local/1004@agents/n"
