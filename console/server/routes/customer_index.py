"""The customer search index as the customer routes use it.

The index is built after the app has started, in a child process for large stores and in a worker thread for small ones
(``console.server.search_build``); searches take the indexed-SQL fallback until it is ready, so
the server answers from its first second. Creates and updates upsert the index as they commit.

A customer written while the build is reading is taken in by the build's catch-up (every customer
updated from just before the build began, read again once it has read the rest). Large stores
keep the index in [search] snapshot between starts (docs/search.md).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from aiohttp import web

from console.config.paths import config_relative
from console.server import keys

if TYPE_CHECKING:
    from console.crm.search.index import SearchIndex
    from console.crm.search.model import CustomerRow

log = logging.getLogger(__name__)


@dataclass
class IndexState:
    index: SearchIndex | None = None
    task: asyncio.Task[None] | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)
    """The index is not thread-safe: searches (in worker threads) and upserts take turns."""
    mode: str = ""
    """How the index was made: "snapshot" (loaded from the file of [search] snapshot and caught
    up), "process" (built by a child process) or "thread" (console.server.search_build)."""
    ready_at: float | None = None
    """time.perf_counter() when the index became ready (the benchmark splits its calls by it)."""
    build_s: float | None = None


STATE: web.AppKey[IndexState] = web.AppKey("customer_index_state", IndexState)


def current_index(app: web.Application) -> SearchIndex | None:
    """The ready index, or None (then search falls back to SQL)."""
    return app[STATE].index


def search(app: web.Application, query: str, limit: int) -> list[int] | None:
    """Customer ids from the index (call from a worker thread), or None when there is no index."""
    index = current_index(app)
    if index is None:
        return None
    with app[STATE].lock:
        return [hit.customer_id for hit in index.search(query, limit)]


async def upsert(app: web.Application, row: CustomerRow | None) -> None:
    index = current_index(app)
    if index is None or row is None:
        return

    def locked() -> None:
        with app[STATE].lock:
            index.upsert(row)

    await asyncio.to_thread(locked)


async def _build(app: web.Application, state: IndexState) -> None:
    from console.server.search_build import build_index

    started = time.perf_counter()
    settings = app[keys.SETTINGS]
    snapshot = config_relative(settings, settings.search.snapshot) if settings.search.snapshot else None
    try:
        state.index, state.mode = await build_index(app[keys.ENGINE], snapshot)
        state.ready_at = time.perf_counter()
        state.build_s = round(state.ready_at - started, 1)
        log.info("customer search index ready: %d customers in %.1f s (%s)", len(state.index), state.build_s,
                 state.mode)
    except Exception:  # search keeps working on the SQL fallback
        log.exception("could not build the customer search index; searching through SQL instead")


async def _lifecycle(app: web.Application) -> AsyncIterator[None]:
    state = app[STATE]
    state.task = asyncio.create_task(_build(app, state), name="customer-index")
    yield
    if state.task is not None and not state.task.done():
        state.task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await state.task


async def index_ready(app: web.Application) -> SearchIndex | None:
    """Wait for the build (tests, benchmarks); the index or None if it failed."""
    task = app[STATE].task
    if task is not None:
        await asyncio.shield(task)
    return current_index(app)


def setup(app: web.Application) -> None:
    app[STATE] = IndexState()
    app.cleanup_ctx.append(_lifecycle)
