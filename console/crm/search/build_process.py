"""``python -m console.crm.search.build_process``: build the customer search index in a child
process and send it to the parent in pieces (see ``transfer``).

The database URL comes as the first line of standard input (not an argument: it may hold a
password, and arguments are visible to every user of the machine). The pieces go to standard
output, each after its length as 8 bytes big-endian; a zero length ends them. A failure exits
non-zero with the traceback on standard error.
"""

from __future__ import annotations

import os
import sys

LENGTH_BYTES = 8
NICENESS = 10
"""The build yields the CPU to the server (and its database) when they want it: a screen pop
woken while the build runs gets a core at once instead of sharing it. Measured in docs/search.md."""


def frame(piece: bytes) -> bytes:
    return len(piece).to_bytes(LENGTH_BYTES, "big") + piece


def main() -> int:
    from console.crm.search.loader import load_index
    from console.crm.search.transfer import pack
    from console.store.db import make_engine

    if hasattr(os, "nice"):
        os.nice(NICENESS)
    engine = make_engine(sys.stdin.readline().strip())
    try:
        index = load_index(engine)
    finally:
        engine.dispose()
    out = sys.stdout.buffer
    for piece in pack(index):
        out.write(frame(piece))
    out.write(frame(b""))
    out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
