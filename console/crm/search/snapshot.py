"""The customer search index kept on disk, so that a restart loads it instead of rebuilding it.

Building the index reads every customer and works out every name's pinyin: ~25 s of CPU per
million customers, minutes at ten million. A snapshot is the pieces of ``transfer.pack`` written
to a file as the build process sends them to the server, after a header that says which
database they came from and as of when. The next start loads the pieces, checks the snapshot
against the database (``SnapshotHeader.probes`` and the number of customers), and takes in only
the customers written since (``updated_at`` from ``watermark`` on): a few seconds instead of a
rebuild.

File layout: the magic line, then frames of an 8-byte big-endian length and its bytes: the
header (JSON), the pieces, and an empty frame that ends them. A file cut short (a crash while it
was written) has no end frame and is refused whole; a file is written under a temporary name and
renamed over the old one when whole, so a reader sees the old file or the new one.

The pieces are pickles, which could name any callable; a snapshot file is the server's own
(written with mode 0600 in its own directory), and it is read by ``transfer.restricted_loads``,
which refuses every global but those the index is made of (arrays, a counter).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import BinaryIO

MAGIC = b"calldesk search index snapshot\n"
FORMAT = 1
LENGTH_BYTES = 8
HEADER_LIMIT = 1 << 20
PIECE_LIMIT = 1 << 26
CATCH_UP_MARGIN = dt.timedelta(minutes=10)
"""Customers are caught up from ``watermark - CATCH_UP_MARGIN``: a write dated by a server whose
clock is a little behind, or committed a while after it was dated, is still taken in (taking a
customer in twice is harmless: ``upsert`` replaces)."""


class SnapshotRefused(Exception):
    """The file is not a whole snapshot of this format (its message says what is wrong)."""


@dataclass
class SnapshotHeader:
    database: str
    """The database's URL without its password: a snapshot of another database is not used."""
    watermark: str
    """ISO time (UTC) at which the build began reading: every customer written before it is in."""
    customers: int
    """How many the index held (for whoever reads the header; the load counts the database's)."""
    probes: list[tuple[int, str, str]] = field(default_factory=list)
    """(id, client number, name) of customers spread over the index: a database seeded again
    under the same URL has other people under those ids."""
    layout: str = ""
    """The index's attributes and their types (:func:`layout`) when the snapshot was written: a
    calldesk whose index is made differently rebuilds instead of loading pieces it cannot use."""
    format: int = FORMAT

    def encode(self) -> bytes:
        return json.dumps(asdict(self), ensure_ascii=False).encode()

    @classmethod
    def decode(cls, data: bytes) -> SnapshotHeader:
        try:
            raw = json.loads(data)
            header = cls(database=str(raw["database"]), watermark=str(raw["watermark"]),
                         customers=int(raw["customers"]),
                         probes=[(int(i), str(c), str(n)) for i, c, n in raw["probes"]], layout=str(raw["layout"]),
                         format=int(raw["format"]))
            dt.datetime.fromisoformat(header.watermark)
        except KeyError as exc:
            raise SnapshotRefused(f"bad header: no {exc}") from exc
        except (ValueError, TypeError) as exc:
            raise SnapshotRefused(f"bad header: {exc}") from exc
        if header.format != FORMAT:
            raise SnapshotRefused(f"format {header.format}, this calldesk reads {FORMAT}")
        return header

    def since(self) -> dt.datetime:
        """Catch up customers updated from this moment on (aware UTC)."""
        return dt.datetime.fromisoformat(self.watermark).astimezone(dt.UTC) - CATCH_UP_MARGIN


def layout() -> str:
    """A digest of every attribute path of an index and its type, as this calldesk makes it."""
    from console.crm.search.index import SearchIndex
    from console.crm.search.transfer import fields

    described = ";".join(f"{path}:{type(value).__name__}" for path, value in fields(SearchIndex()))
    return hashlib.sha256(described.encode()).hexdigest()[:16]


def frame(data: bytes) -> bytes:
    return len(data).to_bytes(LENGTH_BYTES, "big") + data


def _read_frame(source: BinaryIO, limit: int, path: Path) -> bytes:
    head = source.read(LENGTH_BYTES)
    if len(head) != LENGTH_BYTES:
        raise SnapshotRefused(f"{path}: cut short (no end frame)")
    size = int.from_bytes(head, "big")
    if size > limit:
        raise SnapshotRefused(f"{path}: a frame of {size} bytes (at most {limit})")
    data = source.read(size)
    if len(data) != size:
        raise SnapshotRefused(f"{path}: cut short inside a frame")
    return data


def read_header(source: BinaryIO, path: Path) -> SnapshotHeader:
    if source.read(len(MAGIC)) != MAGIC:
        raise SnapshotRefused(f"{path}: not a calldesk search index snapshot")
    return SnapshotHeader.decode(_read_frame(source, HEADER_LIMIT, path))


def read_pieces(source: BinaryIO, path: Path) -> Iterator[bytes]:
    """The pieces after the header, up to the end frame; :class:`SnapshotRefused` if there is none."""
    while piece := _read_frame(source, PIECE_LIMIT, path):
        yield piece


class SnapshotWriter:
    """Writes a snapshot beside ``path`` and puts it in place only when whole (:meth:`commit`)."""

    def __init__(self, path: Path, header: SnapshotHeader) -> None:
        self.path = path
        self._temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        path.parent.mkdir(parents=True, exist_ok=True)
        _remove_orphans(path)
        descriptor = os.open(self._temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        self._file = os.fdopen(descriptor, "wb", buffering=1 << 20)
        self._file.write(MAGIC + frame(header.encode()))

    def write(self, piece: bytes) -> None:
        self._file.write(frame(piece))

    def commit(self) -> None:
        self._file.write(frame(b""))
        self._file.flush()
        os.fsync(self._file.fileno())
        self._file.close()
        os.replace(self._temporary, self.path)

    def abandon(self) -> None:
        self._file.close()
        self._temporary.unlink(missing_ok=True)


def _remove_orphans(path: Path) -> None:
    """Temporary files of writers that died before renaming theirs (a kill, a crash): at ten
    million customers each is ~800 MB, and nothing else would ever remove them."""
    for orphan in path.parent.glob(f".{path.name}.*.tmp"):
        pid = orphan.name.removeprefix(f".{path.name}.").removesuffix(".tmp")
        if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
            orphan.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        return True
    return True
