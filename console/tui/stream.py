"""The WebSocket stream turned into typed, past-tense Textual messages.

One long-lived exclusive worker on the App runs :func:`follow_stream`: it reads frames,
turns each into a message (:func:`message_for`) and posts it. It never touches a widget; the
App's ``@on`` handlers do. It reconnects with back-off, resuming with ``since=`` the last seq
it saw, and says so with :class:`ConnectionStateChanged` (a lost link is shown, not hidden).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any, Literal

from textual.message import Message

from console.tui.agent.queue_states import QueueState
from console.tui.client import ApiError, Client
from console.tui.models import AfterCall, FollowUp, LiveCall, Pop

log = logging.getLogger(__name__)

LinkState = Literal["connecting", "connected", "reconnecting", "signed_out"]
"""``signed_out``: the account was disabled or its password no longer logs in; the stream ends."""


class CallOffered(Message):
    """The agent's phone rings: a screen pop (``received`` is a perf_counter stamp)."""

    def __init__(self, pop: Pop, received: float | None = None) -> None:
        super().__init__()
        self.pop, self.received = pop, received if received is not None else time.perf_counter()


class RingStopped(Message):
    def __init__(self, call: str, reason: str) -> None:
        super().__init__()
        self.call, self.reason = call, reason


class CallAnswered(Message):
    def __init__(self, call: str, agent: str) -> None:
        super().__init__()
        self.call, self.agent = call, agent


class CallTransferred(Message):
    def __init__(self, call: str, to: str, from_agent: str | None, kind: str) -> None:
        super().__init__()
        self.call, self.to, self.from_agent, self.kind = call, to, from_agent, kind


class CallEnded(Message):
    def __init__(self, call: str, outcome: str, agent: str | None, talk_s: float) -> None:
        super().__init__()
        self.call, self.outcome, self.agent, self.talk_s = call, outcome, agent, talk_s


class AgentStateChanged(Message):
    def __init__(self, state: str, reason: str | None = None, queue: str | None = None) -> None:
        super().__init__()
        self.state, self.reason, self.queue = state, reason, queue  # Asterisk says it queue by queue


class AgentStatesKnown(Message):
    """What the server knows of my state in each of my queues (``hello``, ``GET /api/me``): it
    replaces what the console had."""

    def __init__(self, states: tuple[QueueState, ...]) -> None:
        super().__init__()
        self.states = states


class CallRestored(AgentStatesKnown):
    """The ``hello`` of a server that says what is live: my calls ringing or in talk (``calls``;
    None when it could not be read) and the call whose wrap-up it still waits for (``after_call``).
    Sent on every (re)connect, so it also carries my agent states."""

    def __init__(self, states: tuple[QueueState, ...], calls: list[LiveCall] | None,
                 after_call: AfterCall | None) -> None:
        super().__init__(states)
        self.calls, self.after_call = calls, after_call


class QueueStatsUpdated(Message):
    def __init__(self, queue: str, waiting: int, longest_wait_s: float) -> None:
        super().__init__()
        self.queue, self.waiting, self.longest_wait_s = queue, waiting, longest_wait_s


class FollowUpDue(Message):
    def __init__(self, followup: FollowUp) -> None:
        super().__init__()
        self.followup = followup


class CustomerAlert(Message):
    """One of my customers (I am their account manager) calls, or complained."""

    def __init__(self, reason: str, customer_name: str, client_no: str, agent: str | None,
                 ticket_number: str | None) -> None:
        super().__init__()
        self.reason, self.customer_name, self.client_no = reason, customer_name, client_no
        self.agent, self.ticket_number = agent, ticket_number


class OriginateFinished(Message):
    def __init__(self, number: str, outcome: str) -> None:
        super().__init__()
        self.number, self.outcome = number, outcome


class LeadOffered(Message):
    """A preview campaign offers this agent a lead, to dial or skip (``number`` is masked)."""

    def __init__(self, campaign_id: int, campaign_name: str, campaign_kind: str, lead_id: int, number: str,
                 customer_id: int | None, attempt: int, script: str | None, customer_name: str | None = None,
                 source: str | None = None) -> None:
        super().__init__()
        self.campaign_id, self.campaign_name, self.campaign_kind = campaign_id, campaign_name, campaign_kind
        self.lead_id, self.number, self.customer_id = lead_id, number, customer_id
        self.attempt, self.script = attempt, script
        # Sent by servers since the preview frame carries them (None from an older one).
        self.customer_name, self.source = customer_name, source


class ConnectionStateChanged(Message):
    # A flapping link may send many of these; only the latest matters.
    def __init__(self, state: LinkState, detail: str = "") -> None:
        super().__init__()
        self.state, self.detail = state, detail

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, ConnectionStateChanged)


class StreamResynced(Message):
    """The server could not replay what was missed: refetch state."""


def message_for(frame: dict[str, Any], me: str | None = None) -> Message | None:
    """The message for one frame, or None for frames the agent console ignores."""
    kind = frame.get("kind")
    event = frame.get("event") or {}
    if kind == "pop":
        return CallOffered(Pop.model_validate(frame))
    if kind == "hello":
        return _hello(frame)
    if kind == "resync":
        return StreamResynced()
    if kind == "followup_due":
        return FollowUpDue(FollowUp.model_validate(frame["followup"]))
    if kind == "ring_stopped":
        return RingStopped(event["call"], event.get("reason", ""))
    if kind == "answered":
        return CallAnswered(event["call"], str(event.get("agent", "")))
    if kind == "transferred":
        return CallTransferred(event["call"], str(event.get("to", "")), event.get("from_agent"),
                               event.get("kind", "blind"))
    if kind == "ended":
        return CallEnded(event["call"], event.get("outcome", ""), event.get("agent"),
                         float(event.get("talk_s") or 0))
    if kind == "agent_state":
        if me is not None and str(event.get("agent")) != me:
            return None  # a supervisor-style frame about someone else
        return AgentStateChanged(event.get("state", "logged_out"), event.get("reason"), event.get("queue"))
    if kind == "queue_stats":
        return QueueStatsUpdated(event.get("queue", ""), int(event.get("waiting") or 0),
                                 float(event.get("longest_wait_s") or 0))
    if kind == "preview":
        campaign, lead, customer = frame["campaign"], frame["lead"], frame.get("customer") or {}
        return LeadOffered(int(campaign["id"]), str(campaign.get("name", "")), str(campaign.get("kind", "")),
                           int(lead["id"]), str(lead.get("number", "")), lead.get("customer_id"),
                           int(lead.get("attempt") or 1), frame.get("script"), customer.get("name") or None,
                           lead.get("source") or None)
    if kind == "originate_result":
        return OriginateFinished(str(event.get("number", "")), event.get("outcome", ""))
    if kind == "customer_alert":
        customer = frame.get("customer") or {}
        return CustomerAlert(str(frame.get("reason", "")), str(customer.get("name") or ""),
                             str(customer.get("client_no") or ""), frame.get("agent"),
                             (frame.get("ticket") or {}).get("number"))
    return None


def agent_states(body: dict[str, Any]) -> tuple[QueueState, ...]:
    """My state in each queue from a ``hello`` or ``GET /api/me``: its ``states`` (one agent_state
    event per queue), else (an older server) its one ``state``; none known: logged out."""
    listed = body.get("states")
    events = [e for e in listed if isinstance(e, dict)] if isinstance(listed, list) else []
    if not events:
        state = body.get("state") or {}
        events = [state if isinstance(state, dict) else {"state": str(state)}]
    return tuple((str(e.get("state") or "logged_out"), e.get("reason"), e.get("queue")) for e in events)


def _hello(frame: dict[str, Any]) -> Message:
    states = agent_states(frame)
    if "calls" not in frame and "after_call" not in frame:
        return AgentStatesKnown(states)  # an older server: what is live is unknown, not "nothing"
    calls: list[LiveCall] | None = None
    if isinstance(frame.get("calls"), list):
        try:
            calls = [LiveCall.model_validate(entry) for entry in frame["calls"]]
        except ValueError:
            # One unreadable call must not read as "no calls" and clear the one being worked on.
            log.exception("unreadable calls in hello %s", str(frame.get("calls"))[:200])
    after = frame.get("after_call")
    return CallRestored(states, calls, AfterCall.model_validate(after) if after else None)


async def follow_stream(client: Client, post: Callable[[Message], Any], me: str | None = None,
                        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
                        max_backoff_s: float = 5.0,
                        translate: Callable[[dict[str, Any], str | None], Message | None] | None = None) -> None:
    """Follow the server's stream forever (until cancelled), reconnecting and resuming.
    ``translate``: frame -> message (default :func:`message_for`; the supervisor app has its own)."""
    translate = translate or message_for
    import aiohttp

    since: int | None = None
    epoch: str | None = None  # which server numbered ``since`` (its hello says)
    failures = 0  # connections in a row that ended or failed without a frame
    post(ConnectionStateChanged("connecting"))
    while True:
        connected, server = False, client.base_url
        try:
            async for frame in client.frames(since, epoch):
                if not connected:
                    connected, failures = True, 0
                    post(ConnectionStateChanged("connected"))
                if isinstance(frame.get("seq"), int):
                    since = frame["seq"]
                if frame.get("kind") == "hello":
                    epoch = frame.get("epoch") if isinstance(frame.get("epoch"), str) else None
                if frame.get("kind") == "resync":
                    since = None  # the old numbering means nothing to the new buffer
                try:
                    message = translate(frame, me)
                except (ValueError, KeyError, TypeError):
                    # One frame we cannot read must not cost the agent the whole stream.
                    log.exception("unreadable frame %s", str(frame)[:200])
                    continue
                if message is not None:
                    post(message)
            detail = ""
        except ApiError as exc:
            if exc.status == 401:  # the session ended and logging in again is refused: stop trying
                post(ConnectionStateChanged("signed_out", exc.message))
                return
            detail = exc.message
        except (aiohttp.ClientError, OSError, TimeoutError, ValueError) as exc:
            detail = str(exc) or type(exc).__name__
        failures += 1
        # The first retry goes to the same server (its connection may only have dropped); when that
        # fails too, each retry tries the next server. The wait doubles with each full round.
        if failures > 1:
            await client.fail_over(server)
        rounds = (failures - 1) // len(client.base_urls)
        post(ConnectionStateChanged("reconnecting", detail))
        await sleep(min(0.25 * 2 ** min(rounds, 8), max_backoff_s))
