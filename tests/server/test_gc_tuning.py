"""The server process freezes its start-up heap (no full-collection pauses over it during pops)
and hands the GIL over every millisecond (a pop's lookup thread and the event loop wait less for
each other)."""

from __future__ import annotations

import gc
import sys

from aiohttp import web
from aiohttp.test_utils import TestServer


async def test_start_up_heap_is_frozen_and_young_collections_are_rarer() -> None:
    from console.server.gc_tuning import GEN0_THRESHOLD, SWITCH_INTERVAL_S, tune_after_startup

    before, interval = gc.get_threshold(), sys.getswitchinterval()
    gc.unfreeze()
    app = web.Application()
    tune_after_startup(app)
    server = TestServer(app, host="127.0.0.1")
    try:
        assert gc.get_freeze_count() == 0
        await server.start_server()
        assert gc.get_freeze_count() > 0
        assert gc.get_threshold()[0] == GEN0_THRESHOLD
        assert sys.getswitchinterval() == SWITCH_INTERVAL_S < interval
    finally:
        await server.close()
        gc.unfreeze()
        gc.set_threshold(*before)
        sys.setswitchinterval(interval)
