"""What the dialer is built from: its collaborators, its options, and what it asks of a PBX link.

routes/campaigns.py builds ``DialerDeps`` from the app's keys; the dialer and its parts reach
nothing else (no ``app``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from console.config import Settings
    from console.server.after_call import AfterCallWork
    from console.server.callstate import CallRegistry
    from console.server.clock import Clock
    from console.server.directory import Directory
    from console.server.hub import Hub
    from console.server.lease import Lease
    from console.server.outbox import Outbox
    from telephony.events import DomainEvent


class DialerBridge(Protocol):
    """The AMI actions the dialer sends, on a PBX link (telephony.bridge.Bridge is one)."""

    @property
    def connected(self) -> bool: ...
    @property
    def on_simulator(self) -> bool: ...

    async def originate(self, channel: str, exten: str, context: str, caller_id: str | None = None,
                        variables: Mapping[str, str] | None = None, timeout_ms: int = 30000,
                        action_id: str | None = None) -> object: ...
    async def queue_add(self, queue: str, interface: str, member_name: str | None = None, penalty: int = 0,
                        paused: bool = False, state_interface: str | None = None) -> object: ...
    async def queue_remove(self, queue: str, interface: str) -> object: ...
    async def core_show_channels(self) -> Sequence[Mapping[str, str]]: ...
    async def redirect(self, channel: str, exten: str, context: str, priority: int = 1) -> object: ...


@dataclass(frozen=True, slots=True)
class DialerDeps:
    """The dialer's collaborators (the app's shared resources it uses)."""

    engine: Engine
    clock: Clock
    """The business clock: what is due, whether a calling window is open."""
    settings: Settings
    bridges: Mapping[str, DialerBridge]
    """PBX name -> link; campaign calls go out on the first."""
    calls: CallRegistry
    """Live calls and agent states: the states seen before the dialer subscribed."""
    events: Callable[[], AsyncIterator[DomainEvent]]
    """Subscribes to every PBX's events, each after the service handled it (Service.followed)."""
    outbox: Outbox
    """Where attempts are journalled (kind ``campaign_attempt``)."""
    hub: Hub
    directory: Directory
    after_call: AfterCallWork
    """Who still owes a call's disposition: not free for a campaign call."""
    lease: Lease
    """Held while this server is the one that dials (console/server/lease.py)."""
