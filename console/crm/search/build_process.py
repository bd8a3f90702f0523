"""``python -m console.crm.search.build_process``: build the customer search index in a child
process and send it to the parent in pieces (see ``transfer``).

Standard input holds two lines: the database URL (not an argument: it may hold a password, and
arguments are visible to every user of the machine) and the snapshot file, or an empty line for
none (``snapshot``). With a snapshot of this database, the index is loaded from it and the
customers written since are taken in; otherwise it is built from the database. Either way the
customers written while it was read are taken in again, and the snapshot is written anew beside
the pieces sent (unless it was used as it was).

The pieces go to standard output, each after its length as 8 bytes big-endian; a zero length
ends them. The first piece says how the index was made (``transfer.meta_piece``). A failure
exits non-zero with the traceback on standard error.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from console.crm.search.snapshot import LENGTH_BYTES, frame  # the pipe's frames are the file's

__all__ = ["LENGTH_BYTES", "frame"]

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from console.crm.search.index import SearchIndex
    from console.crm.search.snapshot import SnapshotHeader, SnapshotWriter

NICENESS = 10
"""The build yields the CPU to the server (and its database) when they want it: a screen pop
woken while the build runs gets a core at once instead of sharing it. Measured in docs/search.md."""
PROBES = 32


def catch_up(index: SearchIndex, engine: Engine, since: Any) -> int:
    """Take in every customer updated from ``since`` on; how many."""
    from console.crm.search.loader import iter_customer_rows

    count = 0
    for row in iter_customer_rows(engine, since):
        index.upsert(row)
        count += 1
    return count


def load_snapshot(path: Path, engine: Engine) -> tuple[SearchIndex, SnapshotHeader]:
    """The index kept in ``path``, if it is a whole snapshot of this database (else SnapshotRefused)."""
    from console.crm.search.loader import probe_rows
    from console.crm.search.snapshot import SnapshotRefused, layout, read_header, read_pieces
    from console.crm.search.transfer import Unpacker

    database = engine.url.render_as_string(hide_password=True)
    with path.open("rb") as source:
        header = read_header(source, path)
        if header.database != database:
            raise SnapshotRefused(f"{path} is of {header.database}, not {database}")
        if header.layout != layout():
            raise SnapshotRefused(f"{path} holds an index made by another version of calldesk")
        since = header.since()
        found = probe_rows(engine, [customer_id for customer_id, _, _ in header.probes])
        for customer_id, client_no, name in header.probes:
            row = found.get(customer_id)
            if row is None:
                raise SnapshotRefused(f"customer {customer_id} of {path} is not in the database")
            if (row[0].strip().lower(), row[1].strip()) != (client_no, name) and row[2] < since:
                raise SnapshotRefused(f"customer {customer_id} of {path} is someone else in the database")
        unpacker = Unpacker()
        for piece in read_pieces(source, path):
            unpacker.feed(piece)
    return unpacker.index(), header


def make_index(engine: Engine, snapshot: Path | None) -> tuple[SearchIndex, SnapshotHeader, dict[str, Any]]:
    """The index (from the snapshot if it will do, else from the database), the header of its next
    snapshot, and what to tell the server about how it was made."""
    from console.crm.search.loader import customer_count, database_now, load_index
    from console.crm.search.snapshot import CATCH_UP_MARGIN, SnapshotHeader, SnapshotRefused, layout

    started = time.perf_counter()
    watermark = database_now(engine)
    meta: dict[str, Any] = {"source": "database"}
    index = None
    if snapshot is not None and snapshot.exists():
        try:
            index, old = load_snapshot(snapshot, engine)
            meta["loaded_s"] = round(time.perf_counter() - started, 2)
            # Customers are never deleted: once caught up, the index holds at least every customer
            # counted now, or the snapshot missed some (written under an old clock, or a reseed).
            present = customer_count(engine)
            meta["caught_up"] = catch_up(index, engine, old.since())
            if len(index) < present:
                raise SnapshotRefused(f"{present} customers in the database, {len(index)} in {snapshot} once caught up")
            meta["source"] = "snapshot"
        except SnapshotRefused as exc:
            meta = {"source": "database", "refused": str(exc)}
            index = None
        except Exception as exc:  # a damaged file, whatever it breaks: the database has it all
            meta = {"source": "database", "refused": f"{snapshot}: {type(exc).__name__}: {exc}"}
            index = None
    if index is None:
        index = load_index(engine)
        # Customers written while the table was read may be missing or old in what was read.
        meta["caught_up"] = catch_up(index, engine, watermark - CATCH_UP_MARGIN)
    meta["made_s"] = round(time.perf_counter() - started, 2)
    header = SnapshotHeader(database=engine.url.render_as_string(hide_password=True),
                            watermark=watermark.isoformat(), customers=len(index),
                            probes=index.sample(PROBES), layout=layout())
    return index, header, meta


def _writer(snapshot: Path | None, header: SnapshotHeader, meta: dict[str, Any]) -> SnapshotWriter | None:
    from console.crm.search.snapshot import SnapshotWriter

    if snapshot is None or (meta["source"] == "snapshot" and not meta["caught_up"]):
        return None  # the file already holds this index
    try:
        return SnapshotWriter(snapshot, header)
    except OSError as exc:
        meta["snapshot_error"] = str(exc)
        return None


def send(index: SearchIndex, out: BinaryIO, writer: SnapshotWriter | None, meta: dict[str, Any]) -> None:
    """Every piece to ``out``, and to the snapshot as long as it can be written."""
    from console.crm.search.transfer import meta_piece, pack

    out.write(frame(meta_piece(meta)))
    for piece in pack(index):
        out.write(frame(piece))
        if writer is not None:
            try:
                writer.write(piece)
            except OSError as exc:
                print(f"search index snapshot not written: {exc}", file=sys.stderr)
                writer.abandon()
                writer = None
    if writer is not None:
        try:
            writer.commit()
        except OSError as exc:
            print(f"search index snapshot not written: {exc}", file=sys.stderr)
            writer.abandon()
    out.write(frame(b""))
    out.flush()


def main() -> int:
    from console.store.db import make_engine

    if hasattr(os, "nice"):
        os.nice(NICENESS)
    engine = make_engine(sys.stdin.readline().strip())
    snapshot = Path(line) if (line := sys.stdin.readline().strip()) else None
    try:
        index, header, meta = make_index(engine, snapshot)
    finally:
        engine.dispose()
    send(index, sys.stdout.buffer, _writer(snapshot, header, meta), meta)
    return 0


if __name__ == "__main__":
    sys.exit(main())
