"""The call tracker: AMI events in, domain events out (see docs/tracker.md).

Public: ``Tracker``, ``EVENTS_USED`` (the event names it reads; a reader may drop the rest
before parsing) and ``ActiveCall`` (a row of its live view). The modules split it by concern:
``queue_calls`` (app_queue), ``dials`` (channels, direct calls, Local hops), ``outbound`` (calls
an agent's phone places), ``hangups``, ``transfers``, ``agents``, ``originate``, ``resync``
(reconnects and restarts), on the shared ``calls`` bookkeeping and ``state`` data.
"""

from telephony.tracker.state import ActiveCall
from telephony.tracker.tracker import EVENTS_USED, Tracker

__all__ = ["EVENTS_USED", "ActiveCall", "Tracker"]
