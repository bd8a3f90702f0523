"""`calldesk replay PATH [--json]`: a recorded AMI transcript through the call tracker.

Prints the domain events (DESIGN.md) the transcript gives: one JSON object per line with
``--json`` (``event.to_json()``), else one readable line each. Reads our captures (``*.jsonl``)
and the peer recordings (a JSON array of events).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from console.errors import CalldeskError

# The fields worth a glance per event, in the readable form.
_BRIEF = ("call", "agent", "state", "caller", "caller_name", "queue", "reason", "outcome",
          "hangup_by", "from_agent", "to", "kind", "wait_s", "talk_s", "number", "action_id", "recording")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "replay", help="run a recorded AMI transcript through the call tracker",
        description="Replay a recorded AMI transcript (our .jsonl captures or a peer .json "
                    "recording) through the call tracker and print the domain events.",
    )
    parser.add_argument("path", metavar="PATH", help="the transcript file")
    parser.add_argument("--json", action="store_true", help="one JSON object per line")
    parser.add_argument("--wrapup", type=float, default=0.0, metavar="SECONDS",
                        help="the queues' wrap-up time, for the wrap_up agent state (default 0)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from telephony.replay import replay

    try:
        events = list(replay(args.path, wrapup_s=args.wrapup))
    except FileNotFoundError:
        raise CalldeskError(f"replay: no such transcript: {args.path}") from None
    except (ValueError, OSError) as exc:  # ValueError carries "<path>:<line>: what is wrong"
        raise CalldeskError(f"replay: cannot read {args.path}: {exc}") from None
    out = sys.stdout
    for event in events:
        data = event.to_json()
        if args.json:
            out.write(json.dumps(data, ensure_ascii=False) + "\n")
        else:
            out.write(_readable(data) + "\n")
    return 0


def _readable(data: dict[str, Any]) -> str:
    fields = " ".join(f"{k}={data[k]}" for k in _BRIEF if data.get(k) not in (None, "", {}))
    return f"{data['t']:10.3f}  {data['event']:<18} {fields}"
