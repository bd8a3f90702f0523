"""Interpreter settings for the server process (serve and the screen-pop benchmark): the garbage
collector and the GIL's switch interval.

A full collection walks every live object; after start-up the heap holds the config, the
directory, the imported modules and SQLAlchemy's compiled statements — tens of thousands of
objects that live as long as the process. A gen-2 pass over them lands in the middle of some
pop as a multi-millisecond pause. ``gc.freeze()`` moves everything alive after start-up into a
permanent generation the collector no longer scans; a larger gen-0 threshold makes the young
collections rarer (a pop allocates a few thousand objects). Process-wide: only the process's
owner (``calldesk serve``, the benchmark) calls this, never create_app.

A pop's lookup runs in a worker thread and its frame is written by the event loop: each
hand-over of the GIL between them waits, when the other is busy (another pop's lookup, frames
being written), for up to the switch interval, 5 ms by default. 1 ms cuts that wait; the cost is
more frequent switches when two threads both want the CPU (measured in docs/search.md, 10M
customers: pop p99 5.2–5.9 ms in four runs at 5 ms, 4.8 and 5.1 ms in two at 1 ms, under loads
of 1.5–3).
"""

from __future__ import annotations

import gc
import sys

from aiohttp import web

from console.heap import freeze_start_up_heap

GEN0_THRESHOLD = 20_000
SWITCH_INTERVAL_S = 0.001


async def _freeze(app: web.Application) -> None:
    freeze_start_up_heap()


def tune_after_startup(app: web.Application) -> None:
    """Freeze the start-up heap once the app (and its cleanup contexts) has started; shorten the
    GIL's switch interval."""
    sys.setswitchinterval(SWITCH_INTERVAL_S)
    _, gen1, gen2 = gc.get_threshold()
    gc.set_threshold(GEN0_THRESHOLD, gen1, gen2)
    app.on_startup.append(_freeze)
