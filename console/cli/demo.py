"""`calldesk demo`: the whole product on a laptop, no Asterisk needed.

Creates and seeds a SQLite database under var/ on first run, starts `calldesk simulate` and
`calldesk serve` on free loopback ports (one process group, logs in var/demo-logs/), waits
until both answer, then opens the agent console in the foreground. When the console closes,
or on Ctrl-C, everything is stopped. Without `calldesk serve` (not installed yet) the demo
shows the simulator's live domain events through the telephony Bridge instead.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import signal
import subprocess
import sys
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("demo", help="run the whole system on loopback with simulated calls")
    parser.add_argument("--user", default="agent1001", help="the demo agent (default agent1001)")
    parser.add_argument("--rate", type=float, default=720.0, metavar="CALLS_PER_HOUR",
                        help="arrival rate (default 720: a call every 5 s on average)")
    parser.add_argument("--agents", type=int, default=4, metavar="N", help="agents in the simulator (default 4)")
    parser.add_argument("--customers", type=int, default=2000, metavar="N",
                        help="customers to seed when the database is created (default 2000)")
    parser.add_argument("--events", action="store_true",
                        help="show live call events instead of opening the console")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from console.cli.demo_db import demo_url, prepare_database
    from console.cli.demo_procs import ChildGroup, ami_ready, free_port, http_ready
    from console.config import load_settings
    from console.i18n import set_locale, t
    from console.store.seed import DEMO_PASSWORD

    settings = load_settings(args.config)
    set_locale(settings.center.locale)
    url = prepare_database(settings, args.customers, demo_url(settings))
    ami_port, http_port = free_port(), free_port()
    server_url = f"http://127.0.0.1:{http_port}"
    full = not args.events and importlib.util.find_spec("console.cli.serve") is not None
    extension = "".join(ch for ch in args.user if ch.isdigit()) or "1001"
    recordings = Path(url_dir(url)) / "recordings"  # the simulator's MixMonitor files, served by the server
    env = dict(os.environ, CALLDESK_DATABASE_URL=url, CALLDESK_RECORDINGS__ROOT=str(recordings),
               CALLDESK_PBX_HOST="127.0.0.1", CALLDESK_PBX_PORT=str(ami_port),
               CALLDESK_AMI_SECRET=settings.pbx[0].secret.get_secret_value(),
               CALLDESK_SERVER__HOST="127.0.0.1", CALLDESK_SERVER__PORT=str(http_port), PYTHONUNBUFFERED="1")
    base = [sys.executable, "-m", "console"] + (["--config", args.config] if args.config else [])
    group = ChildGroup(Path(url_dir(url)) / "demo-logs")
    try:
        print(t("demo.starting", ami=ami_port, url=server_url) if full else t("demo.starting_sim", ami=ami_port),
              flush=True)
        simulate = base + ["simulate", "--port", str(ami_port), "--rate", str(args.rate),
                           "--agents", str(args.agents), "--status-every", "30", "--recordings", str(recordings)]
        if full:  # the demo agent answers from the console; the other phones answer by themselves
            simulate += ["--manual", extension]
        group.start("simulate", simulate, env)
        group.wait_ready("simulate", lambda: ami_ready(ami_port))
        if full:
            group.start("serve", base + ["serve", "--host", "127.0.0.1", "--port", str(http_port)], env)
            group.wait_ready("serve", lambda: http_ready(server_url))
        print(t("demo.ready"), flush=True)
        if full:
            print(t("demo.more", password=DEMO_PASSWORD, url=server_url), flush=True)
            print(t("demo.quit_hint"), flush=True)
            _console(base, server_url, args.user, dict(env, CALLDESK_PASSWORD=DEMO_PASSWORD))
        else:
            print(t("demo.no_server"), flush=True)
            from console.cli.demo_watch import watch

            watch(settings, url, ami_port)
    except KeyboardInterrupt:
        pass
    finally:
        print(t("demo.stopping"), flush=True)
        group.stop()
        print(t("demo.stopped"), flush=True)
    return 0


def _console(base: list[str], server_url: str, user: str, env: dict[str, str]) -> None:
    """The console owns the terminal; Ctrl-C is its to handle, the demo waits for it to exit."""
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        subprocess.run(base + ["console", "--server", server_url, "--user", user], env=env, check=False)
    finally:
        signal.signal(signal.SIGINT, previous)


def url_dir(url: str) -> str:
    """Where the demo keeps its logs: next to a SQLite file, else ./var."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        return str(Path(parsed.database).resolve().parent)
    return "var"
