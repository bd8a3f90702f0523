"""The start-up heap, frozen: one step shared by the server (console/server/gc_tuning.py) and
the agent console (console/tui/app.py).

A full collection walks every live object; after start-up the heap holds tens of thousands that
live as long as the process (modules, config, compiled statements, Textual's widgets), and a
gen-2 pass over them lands in some screen pop. ``gc.freeze()`` moves everything alive into a
permanent generation the collector no longer scans. Process-wide: only a process's owner calls
it (``calldesk serve``, ``calldesk console``, the benchmarks), never a library or a test.
"""

from __future__ import annotations

import gc


def freeze_start_up_heap() -> None:
    """Collect the start-up garbage, then take every live object out of the collector's scans."""
    gc.collect()
    gc.freeze()
