"""Which queue-member interface is an agent's, on a PBX (the inverse of its ``agent_map``)."""

from __future__ import annotations

from console.config.models import PbxSettings


def member_interface(pbx: PbxSettings, extension: str) -> str:
    """The agent's queue-member interface: mapped in ``agent_map``, else ``PJSIP/<extension>``."""
    for interface, agent in pbx.agent_map.items():
        if agent == extension:
            return interface
    return f"PJSIP/{extension}"


def state_interface(pbx: PbxSettings, interface: str) -> str | None:
    """The device Asterisk follows for a member interface (QueueAdd StateInterface), if
    configured: a Local member's phone."""
    return pbx.state_interfaces.get(interface)
