"""Abandon on answer: a campaign customer who answered and found no agent is not left waiting.

An answered campaign call that no agent has rung for within ``abandon_after_s`` (PBX time, from
its OriginateResponse) is sent with AMI Redirect to ``dialer.abandon_context`` (exten ``s``,
priority 1), where the dialplan plays a short apology and hangs up. The customer's channel is
the call's channel still in app ``Queue`` (CoreShowChannels; the tracker reduces an Originate to
its linkedid). app_queue reports the customer as abandoned (QueueCallerAbandon) and the call
ends as an abandon: recorded like any other attempt, so it counts in the statistics and the
pacer's window and its lead is retried like a failed call. A redirected call is no longer in
flight for the pacer: it will never need an agent. With no abandon context the customer waits
in the queue, as before.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from console.server.dialer_deps import DialerBridge
from console.server.dialer_flight import Flight, Flights

if TYPE_CHECKING:
    from console.config import DialerSettings

log = logging.getLogger(__name__)
_SLACK_S = 0.05  # look just after the deadline, not just before it


def waiting_channel(channels: Iterable[Mapping[str, str]], call: str) -> str | None:
    """The channel of ``call`` (a linkedid) that waits in a queue, from CoreShowChannel events."""
    return next((m["Channel"] for m in channels if m.get("Linkedid") == call and m.get("Application") == "Queue"
                 and m.get("Channel")), None)


class Abandons:
    """Finds the answered calls no agent took in time and sends them to the apology.

    ``pbx_time``: the PBX's clock (Unix seconds, what event times are in); ``wake``: asks the
    dialer for a round (one looks at the calls due)."""

    def __init__(self, config: DialerSettings, flights: Flights, bridges: Mapping[str, DialerBridge],
                 wake: Callable[[], None], pbx_time: Callable[[], float]) -> None:
        self.context = config.abandon_context
        self.after_s = config.abandon_after_s
        self.pbx_time = pbx_time
        self._flights = flights
        self._bridges = bridges
        self._wake = wake

    def watch(self, flight: Flight) -> None:
        """A campaign call was answered: wake a round when it may be due (rounds also look)."""
        if self.context and flight.agent is None:
            asyncio.get_running_loop().call_later(self.after_s + _SLACK_S, self._wake)

    def _overdue(self) -> list[Flight]:
        now = self.pbx_time()
        return [f for f in self._flights.in_flight()
                if f.call and f.answered_t is not None and f.agent is None
                and not f.abandon_checked and now - f.answered_t >= self.after_s]

    async def redirect_overdue(self) -> None:
        if not self.context:
            return
        overdue = self._overdue()
        for pbx in {f.pbx for f in overdue}:
            bridge = self._bridges.get(pbx)
            if bridge is None:
                continue
            try:
                channels = await bridge.core_show_channels()
            except Exception as exc:  # the link is down: the next round tries again
                log.warning("dialer: CoreShowChannels for abandoned calls failed: %s", exc)
                continue
            for flight in (f for f in overdue if f.pbx == pbx):
                await self._redirect(bridge, flight, channels)

    async def _redirect(self, bridge: DialerBridge, flight: Flight, channels: Sequence[Mapping[str, str]]) -> None:
        flight.abandon_checked = True
        channel = waiting_channel(channels, flight.call or "")
        if channel is None or not flight.in_flight:
            return  # hung up meanwhile, or an agent is ringing already
        try:
            await bridge.redirect(channel, "s", self.context, 1)
        except Exception as exc:  # gone meanwhile: its end is recorded as it comes
            log.info("dialer: redirect of abandoned lead %s refused: %s", flight.lead_id, exc)
            return
        flight.redirected = True
        log.info("dialer: lead %s answered with no agent for %.1f s: sent to %s", flight.lead_id,
                 self.after_s, self.context)
