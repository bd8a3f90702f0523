"""A PBX's [[pbx]] section, and which queue-member interface is an agent's on it (the inverse
of its ``agent_map``)."""

from __future__ import annotations

from collections.abc import Sequence

from console.config.models import PbxSettings
from telephony.tracker.state import digits_agent


def pbx_section(sections: Sequence[PbxSettings], pbx: str) -> PbxSettings:
    """The [[pbx]] section of the named PBX (the first one for a name not configured)."""
    return next((section for section in sections if section.name == pbx), sections[0] if sections else PbxSettings())


def member_interface(pbx: PbxSettings, extension: str) -> str:
    """The agent's queue-member interface: mapped in ``agent_map``; else a Local member of
    ``state_interfaces`` whose digits are the extension ("Local/1004@agents/n" for 1004: naming
    its phone there says the agent is that Local member); else ``PJSIP/<extension>``."""
    for interface, agent in pbx.agent_map.items():
        if agent == extension:
            return interface
    for interface in pbx.state_interfaces:
        if interface not in pbx.agent_map and digits_agent(interface) == extension:
            return interface
    return f"PJSIP/{extension}"


def state_interface(pbx: PbxSettings, interface: str) -> str | None:
    """The device Asterisk follows for a member interface (QueueAdd StateInterface), if
    configured: a Local member's phone."""
    return pbx.state_interfaces.get(interface)
