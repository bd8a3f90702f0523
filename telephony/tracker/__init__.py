"""The call tracker: AMI events in, domain events out (see docs/tracker.md).

``Tracker`` is the only public name; the modules here split it by concern: ``queue_calls``
(app_queue), ``dials`` (channels, direct calls, Local hops), ``transfers``, ``agents``,
``originate``, ``resync`` (reconnects and restarts), on the shared ``calls`` bookkeeping.
"""

from telephony.tracker.tracker import Tracker

__all__ = ["Tracker"]
