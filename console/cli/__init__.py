"""The `calldesk` entry point.

Every module in this package that defines ``register(subparsers)`` contributes subcommands,
so that each feature keeps its command next to nothing else's. A module registers a parser
and sets ``func`` (called with the parsed namespace; its return value is the exit code).
Heavy imports (Textual, SQLAlchemy, aiohttp) belong inside the ``func``s, so that
``calldesk --help`` stays fast.

Benchmarks live under ``calldesk bench NAME``: register them with :func:`bench_subparsers`.

Output into a pipe that closed early (``calldesk report … | head``) ends quietly with exit status
141 (128 + SIGPIPE), what a shell reports for a command killed by SIGPIPE, as ``seq 1 1000000 |
head`` gives: the output was cut off, a script with ``set -o pipefail`` can tell, and nobody sees a
traceback. Handled here once, for every command.
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys
from collections.abc import Sequence

from console.errors import CalldeskError

_bench: argparse._SubParsersAction | None = None
CLOSED_PIPE_EXIT = 141
"""Exit status when stdout's reader went away: 128 + SIGPIPE, as the shell reports it."""


def bench_subparsers(subparsers: argparse._SubParsersAction) -> argparse._SubParsersAction:
    """The shared `calldesk bench` group; benchmark modules add their own subcommand to it."""
    global _bench  # noqa: PLW0603 - one group per parser, made by whichever module asks first
    if _bench is None:
        bench = subparsers.add_parser("bench", help="run a benchmark and print its figures")
        _bench = bench.add_subparsers(dest="bench", metavar="NAME", required=True)
    return _bench


def build_parser() -> argparse.ArgumentParser:
    global _bench  # noqa: PLW0603 - a new parser, a new bench group
    _bench = None
    parser = argparse.ArgumentParser(
        prog="calldesk",
        description="calldesk: the agent console of a securities call center.",
    )
    parser.add_argument("--config", metavar="FILE", help="config file (default: ./config.toml or $CALLDESK_CONFIG)")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if not _registers(info):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        register = getattr(module, "register", None)
        if register is not None:
            register(subparsers)
    return parser


def _registers(info: pkgutil.ModuleInfo) -> bool:
    """Whether the module defines ``register``, read from its source without importing it.
    Helpers (api_client, the painted benchmark's child) import aiohttp, Textual and the agent
    screen at their top: importing them to look cost every command ~400 ms before it started,
    `calldesk console` its first frame (issue 18)."""
    spec = info.module_finder.find_spec(f"{__name__}.{info.name}", None)  # type: ignore[call-arg]
    if spec is None or spec.origin is None or not spec.origin.endswith(".py"):
        return True  # not plain source: import it and see
    with open(spec.origin, encoding="utf-8") as source:
        return "\ndef register(" in source.read()


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code = args.func(args)
        sys.stdout.flush()  # inside the try: what is still buffered may meet the closed pipe
    except BrokenPipeError:
        return _stdout_gone()
    except CalldeskError as exc:
        print(f"calldesk: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    return int(code or 0)


def _stdout_gone() -> int:
    """The reader of stdout closed it: point stdout at /dev/null, so that the interpreter's own
    flush at exit does not fail again, and exit with :data:`CLOSED_PIPE_EXIT`."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, sys.stdout.fileno())
    finally:
        os.close(devnull)
    return CLOSED_PIPE_EXIT


if __name__ == "__main__":
    sys.exit(main())
