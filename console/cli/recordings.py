"""`calldesk recordings`: save a call's recording, list the recordings past retention.

Both go through the server's API as a logged-in user (console/cli/api_session.py), so the
roles of ``[recordings]`` and the audit apply to a shell as they do to the consoles: ``save``
is audited on the call's customer like a play in the console.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from console.cli.client_login import add_client_arguments


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("recordings", help="call recordings: save one, list those past retention",
                                   description="Call recordings through the server's API (docs/asterisk.md §2a).")
    sub = parser.add_subparsers(dest="recordings_cmd", metavar="ACTION", required=True)

    save = sub.add_parser("save", help="save a call's recording to a file")
    add_client_arguments(save)
    save.add_argument("interaction", type=int, help="the contact's id (the history's id column)")
    save.add_argument("-o", "--output", metavar="FILE",
                      help="where to write it (default: the recording's own name in this folder; - for stdout)")
    save.set_defaults(func=lambda args: _run(args, _save, "agent"))

    expired = sub.add_parser("expired", help="the calls whose recordings are past [recordings] retention_days")
    add_client_arguments(expired)
    expired.add_argument("--json", action="store_true", help="one JSON object per line")
    expired.set_defaults(func=lambda args: _run(args, _expired, "supervisor"))


def _run(args: argparse.Namespace, work: Any, role: str) -> int:
    from console.cli.api_session import run_as

    return run_as(args, work, role, where=lambda a: getattr(a, "interaction", None))


async def _save(client: Any, args: argparse.Namespace) -> int:
    import os
    import tempfile
    from pathlib import Path

    from console.i18n import t

    path = f"/api/interactions/{args.interaction}/recording"
    if args.output == "-":
        await client.download(path, sys.stdout.buffer)
        return 0
    target = Path(args.output or f"calldesk-{args.interaction}.wav")
    # Into a temporary file beside the target first: a refused or broken download leaves nothing.
    fd, temporary = tempfile.mkstemp(dir=target.parent if str(target.parent) else ".", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out:
            size = await client.download(path, out)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)  # noqa: ASYNC240 - one local file, on the way out
        raise
    print(t("cli.recordings.saved", file=str(target), size=size))
    return 0


async def _expired(client: Any, args: argparse.Namespace) -> int:
    import json

    from console.i18n import t

    after, count, before = 0, 0, ""
    while True:
        page = await client.request("GET", "/api/recordings/expired", params={"after_id": after, "limit": 1000})
        before = page["before"]
        for row in page["recordings"]:
            count += 1
            if args.json:
                print(json.dumps(row, ensure_ascii=False))
            else:
                print("\t".join(str(row[k] or "") for k in ("id", "ended_at", "queue", "agent_ext", "recording")))
        if page["next_after_id"] is None:
            break
        after = page["next_after_id"]
    print(t("cli.recordings.expired", count=count, before=before, days=page["retention_days"]), file=sys.stderr)
    return 0
