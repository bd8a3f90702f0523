"""Moving a built :class:`SearchIndex` from the process that built it into the server, in pieces.

The server builds its index in a child process (``build_process``) so that the pure-Python
work of a million customers does not compete with the event loop for the GIL. What comes back
must be cheap to take in: one ``pickle.loads`` holds the GIL for as long as it runs, so the
index is cut into pieces that each load in about a millisecond (arrays in slices of a quarter
of a million items, lists and dicts in slices of a couple of thousand) and the receiver can let
the event loop run between two of them.

A piece is ``(path, value)``: the attribute path from the index ("names._slots._head") and a
slice of its value. The first piece of a path replaces the attribute of a fresh index, the
next ones extend it, so every attribute of the index and its tables is carried without a list
of them to keep in step. Strings are interned on arrival: in the built index a name is one
object shared by the name list, its dict and its sorted keys, and so it is again.
"""

from __future__ import annotations

import io
import pickle
import sys
from array import array
from collections.abc import Iterator
from typing import Any

from console.crm.search.chains import Chains
from console.crm.search.clients import ClientNumbers
from console.crm.search.index import SearchIndex
from console.crm.search.sorted_keys import SortedKeys
from console.crm.search.strings import StringTable
from console.crm.search.tables import NameTable, PinyinTable

ARRAY_SLICE = 1 << 15
ITEMS_SLICE = 500
PIECE_BYTES = 1 << 18
_PARTS = (NameTable, PinyinTable, ClientNumbers, Chains, SortedKeys, StringTable)


def _attributes(obj: Any) -> Iterator[tuple[str, Any]]:
    names = vars(obj) if hasattr(obj, "__dict__") else type(obj).__slots__
    for name in names:
        yield name, getattr(obj, name)


def fields(obj: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    """Every leaf attribute (arrays, lists, dicts, numbers) of the index and its tables."""
    for name, value in _attributes(obj):
        if isinstance(value, _PARTS):
            yield from fields(value, f"{prefix}{name}.")
        else:
            yield f"{prefix}{name}", value


def _slices(value: Any, size: int) -> Iterator[Any]:
    if isinstance(value, array | bytearray | list):
        for at in range(0, max(len(value), 1), size):
            yield value[at : at + size]
    elif type(value) is dict:
        items = list(value.items())
        for at in range(0, max(len(items), 1), size):
            yield dict(items[at : at + size])
    else:  # numbers, flags, a small Counter
        yield value


def _pickled(path: str, value: Any, size: int) -> Iterator[bytes]:
    for piece in _slices(value, size):
        data = pickle.dumps((path, piece), protocol=pickle.HIGHEST_PROTOCOL)
        if len(data) > PIECE_BYTES and isinstance(piece, array | bytearray | list | dict) and len(piece) > 1:
            yield from _pickled(path, piece, len(piece) // 2)  # big buckets: halve until small
        else:
            yield data


def pack(index: SearchIndex) -> Iterator[bytes]:
    """The index as pickled pieces, each cheap to unpickle; feed them to an :class:`Unpacker`."""
    for path, value in fields(index):
        yield from _pickled(path, value, ARRAY_SLICE if isinstance(value, array | bytearray) else ITEMS_SLICE)


_GLOBALS = {("array", "_array_reconstructor"), ("array", "array"), ("collections", "Counter")}


class _Restricted(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module, name) not in _GLOBALS:
            raise pickle.UnpicklingError(f"a search index piece may not name {module}.{name}")
        return super().find_class(module, name)


def restricted_loads(data: bytes) -> Any:
    """``pickle.loads`` for index pieces: arrays, counters and plain containers, nothing else (a
    piece naming any other global, which could run code, is refused)."""
    return _Restricted(io.BytesIO(data)).load()


def meta_piece(meta: dict[str, Any]) -> bytes:
    """A piece that tells the receiver how the index was made (:attr:`Unpacker.meta`)."""
    return pickle.dumps(("", meta), protocol=pickle.HIGHEST_PROTOCOL)


def _interned(piece: Any) -> Any:
    if type(piece) is list and piece and type(piece[0]) is str:
        return list(map(sys.intern, piece))
    if type(piece) is dict and piece and type(next(iter(piece))) is str:
        return dict(zip(map(sys.intern, piece), piece.values(), strict=True))
    return piece


class Unpacker:
    """Rebuilds an index from the pieces of :func:`pack`, one ``feed`` at a time."""

    def __init__(self) -> None:
        self._index = SearchIndex()
        self._path = ""
        self.meta: dict[str, Any] = {}
        """What the sender said about the index (the piece of path ``""``): how it was made."""

    def feed(self, data: bytes) -> None:
        path, piece = restricted_loads(data)
        if not path:
            self.meta = dict(piece)
            return
        *owners, name = path.split(".")
        owner = self._index
        for step in owners:
            owner = getattr(owner, step)
        piece = _interned(piece)
        if path != self._path:
            setattr(owner, name, piece)
            self._path = path
        elif isinstance(piece, dict):
            getattr(owner, name).update(piece)
        else:
            getattr(owner, name).extend(piece)

    def index(self) -> SearchIndex:
        return self._index
