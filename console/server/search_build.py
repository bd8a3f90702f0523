"""Building the customer search index in a child process, taken in on the event loop in slices.

Built in a thread of the server, the index's pure-Python work (a million customers: ~25 s of
CPU) holds the GIL against the event loop: the screen pop's p99 rose from ~4 ms to ~100 ms
while it ran. Here a child process (``console.crm.search.build_process``, at a lower CPU
priority) reads the customers and builds the index; the server only receives the pieces
(``console.crm.search.transfer``) and unpickles one per turn of the event loop, each in well
under a millisecond, pausing every few milliseconds for the worker threads. Figures:
``docs/search.md``.

Small stores are built in a thread as before: their build is over in well under a second,
less than a child takes to start. So is an in-memory SQLite database, which another process
cannot see, and any store whose child process fails (the thread is the way that always worked).
"""

from __future__ import annotations

import asyncio
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from console.crm.search.build_process import LENGTH_BYTES

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from console.crm.search import SearchIndex

log = logging.getLogger(__name__)

COMMAND = (sys.executable, "-m", "console.crm.search.build_process")
PROCESS_FROM_CUSTOMERS = 50_000
"""Stores whose highest customer id is below this are indexed in a thread (~1 s of CPU at 50,000)."""
READ_LIMIT = 1 << 20
SLICE_S = 0.002
PAUSE_S = 0.002
"""Taking pieces in back to back, the event loop never waits, so never lets go of the GIL: a
worker thread with a pop's query result waited for the 5 ms switch interval at each hand-over
(pops of 20-70 ms). After each slice of pieces the loop sleeps, and the threads run."""


class BuildFailed(Exception):
    """The child process ended without sending a whole index (its standard error says why)."""


async def build_index(engine: Engine, snapshot: Path | None = None) -> tuple[SearchIndex, str]:
    """The index of every customer in ``engine``'s database and how it was made: "snapshot"
    (loaded by a child process from ``snapshot`` and caught up), "process" (built by a child
    process, which writes ``snapshot`` for the next start) or "thread"."""
    from console.crm.search import load_index

    if await asyncio.to_thread(_worth_a_process, engine):
        try:
            index, meta = await build_in_process(engine, snapshot=snapshot)
            return index, "snapshot" if meta.get("source") == "snapshot" else "process"
        except Exception:  # the thread below still builds it
            log.exception("could not build the customer search index in a child process; building it in a thread")
    return await asyncio.to_thread(load_index, engine), "thread"


def _worth_a_process(engine: Engine) -> bool:
    from sqlalchemy import func, select

    from console.store.models import Customer

    url = engine.url
    if url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:"):
        return False
    with engine.connect() as connection:  # max(id): one index lookup, where count(*) reads the table
        return (connection.execute(select(func.max(Customer.id))).scalar() or 0) >= PROCESS_FROM_CUSTOMERS


async def build_in_process(engine: Engine, command: tuple[str, ...] | None = None,
                           snapshot: Path | None = None) -> tuple[SearchIndex, dict[str, object]]:
    """The index made by a child process running ``command`` (default :data:`COMMAND`), and what
    the child said about how (``build_process.make_index``)."""
    from console.crm.search.transfer import Unpacker

    child = await asyncio.create_subprocess_exec(
        *(command or COMMAND), stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE, limit=READ_LIMIT)
    assert child.stdin is not None and child.stdout is not None and child.stderr is not None
    errors = asyncio.create_task(child.stderr.read())
    try:
        # The URL with its password goes through the pipe: a command line is visible to all users.
        child.stdin.write(engine.url.render_as_string(hide_password=False).encode() + b"\n")
        child.stdin.write(str(snapshot or "").encode() + b"\n")
        child.stdin.close()
        unpacker = Unpacker()
        size = -1
        loop = asyncio.get_running_loop()
        slice_ends = loop.time() + SLICE_S
        try:
            while size := int.from_bytes(await child.stdout.readexactly(LENGTH_BYTES), "big"):
                unpacker.feed(await child.stdout.readexactly(size))
                if loop.time() < slice_ends:
                    await asyncio.sleep(0)  # whatever else is ready (a pop) runs between two pieces
                else:
                    await asyncio.sleep(PAUSE_S)
                    slice_ends = loop.time() + SLICE_S
        except asyncio.IncompleteReadError:
            pass
        code = await child.wait()
        if code != 0 or size != 0:
            lines = (await errors).decode(errors="replace").strip().splitlines()
            raise BuildFailed(f"the index build process exited with {code}: {lines[-1] if lines else 'no message'}")
        _tell(unpacker.meta, snapshot, (await errors).decode(errors="replace").strip())
        return unpacker.index(), unpacker.meta
    finally:
        if child.returncode is None:
            child.kill()
            await child.wait()
        errors.cancel()


def _tell(meta: dict[str, object], snapshot: Path | None, errors: str) -> None:
    if "refused" in meta:
        log.warning("customer search index snapshot not used (%s): rebuilt from the database", meta["refused"])
    unwritten = [line for line in errors.splitlines() if line.startswith("search index snapshot not written")]
    if "snapshot_error" in meta or unwritten:
        log.warning("customer search index snapshot %s not written: %s", snapshot,
                    meta.get("snapshot_error") or unwritten[-1])
    log.info("customer search index from the %s: %s customers caught up, made in %s s", meta.get("source"),
             meta.get("caught_up"), meta.get("made_s"))
