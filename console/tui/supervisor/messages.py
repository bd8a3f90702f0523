"""The supervisor's stream frames as typed, past-tense messages (see console.tui.stream)."""

from __future__ import annotations

from typing import Any

from textual.message import Message

from console.tui.stream import ConnectionStateChanged, StreamResynced

__all__ = ["AgentStateReceived", "ConnectionStateChanged", "QueueStatsReceived", "StreamResynced",
           "TicketEscalated", "supervisor_message"]


class QueueStatsReceived(Message):
    """A queue's figures changed (a ``queue_stats`` event, at most about one a second per queue)."""

    def __init__(self, stats: dict[str, Any]) -> None:
        super().__init__()
        self.stats = stats

    def can_replace(self, message: Message) -> bool:
        # A newer board of the same queue makes an older one still in the queue pointless.
        return isinstance(message, QueueStatsReceived) and message.stats.get("queue") == self.stats.get("queue")


class AgentStateReceived(Message):
    def __init__(self, event: dict[str, Any]) -> None:
        super().__init__()
        self.event = event


class TicketEscalated(Message):
    """A ticket went past its SLA: the server raised its priority (console/crm/ticket_escalation.py)."""

    def __init__(self, ticket: dict[str, Any]) -> None:
        super().__init__()
        self.ticket = ticket


def supervisor_message(frame: dict[str, Any], me: str | None = None) -> Message | None:
    kind = frame.get("kind")
    if kind == "queue_stats":
        return QueueStatsReceived(dict(frame["event"]))
    if kind == "agent_state":
        return AgentStateReceived(dict(frame["event"]))
    if kind == "ticket_escalated":
        return TicketEscalated(dict(frame["ticket"]))
    if kind in ("hello", "resync"):
        return StreamResynced()  # (re)connected: the snapshots may be behind, read them again
    return None
