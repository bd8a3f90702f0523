"""`calldesk bench failover`: servers on one PostgreSQL and NATS, one PBX, the link holder killed.

Several `calldesk serve` processes (``--servers``, default 3) share one PostgreSQL database made
for the run and the local NATS (a fresh prefix, deleted after), with the PBX simulator of this
process as their PBX (``--agents`` agents, ``--rate`` calls an hour). Every agent has a console
(a WebSocket client that fails over as the real console does: to the next server when its own
dies, resuming with ``since`` and ``epoch``), spread over the servers; the consoles run in
``--console-procs`` processes of their own, so that reading their frames delays neither the
simulator nor the moment a pop is read. After
``--warmup`` seconds the server holding the AMI link is killed with SIGKILL; ``--every`` seconds
later the next holder too (``--kills``, default 2); traffic stops ``--every`` seconds after the
last kill, the calls in progress end, and the figures are checked against the simulator's own
record of what it did (telephony/simulator/ledger.py). With ``--servers 1`` the one server is
killed and started again after ``--restart-after`` seconds.

One JSON object on stdout: ``failover_s`` (each kill → the next holder's link resynced, from the
journal's ``up`` entry), ``interactions_lost`` / ``interactions_doubled`` (queue passes the
simulator made against Interaction rows), ``pops_missed`` (agent phones rung with the agent's
console connected somewhere, whose pop neither reached the console nor was in a ``hello``),
``consoles_reconnected_s`` (the longest time a console was without a server), ``pop_p99_ms``
(AgentCalled written by the simulator → pop read by the console, through the bus;
``sim_write_lag_p99_ms``: how late the simulator wrote its rings) and what the run was.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys

from console.cli import bench_subparsers

DEFAULT_DATABASE = "postgresql://postgres@127.0.0.1:5432/calldesk_failover"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = bench_subparsers(subparsers).add_parser(
        "failover", help="servers on one PostgreSQL and NATS; the AMI link holder killed under load",
        description=__doc__.split("\n\n")[1] if __doc__ else None)
    parser.add_argument("--servers", type=int, default=3, help="`calldesk serve` processes (default 3)")
    parser.add_argument("--agents", type=int, default=500, help="agents, each with a console (default 500)")
    parser.add_argument("--rate", type=float, default=20_000.0, help="calls an hour (default 20000)")
    parser.add_argument("--talk", type=float, default=20.0, help="median talk time, s (default 20)")
    parser.add_argument("--warmup", type=float, default=30.0, help="s before the first kill (default 30)")
    parser.add_argument("--every", type=float, default=30.0, help="s between kills, and after the last (default 30)")
    parser.add_argument("--kills", type=int, default=2, help="link holders killed one after the other (default 2)")
    parser.add_argument("--restart-after", type=float, default=10.0,
                        help="--servers 1: s before the killed server is started again (default 10)")
    parser.add_argument("--lease-ttl", type=float, default=3.0, help="[bus] lease_ttl_s of the servers (default 3)")
    parser.add_argument("--database", default=DEFAULT_DATABASE,
                        help="PostgreSQL database made (dropped first) for the run (default %(default)s)")
    parser.add_argument("--nats", default="nats://127.0.0.1:4222", help="NATS with JetStream (default %(default)s)")
    parser.add_argument("--seed", type=int, default=15, help="the simulator's random seed (default 15)")
    parser.add_argument("--console-procs", type=int, default=2,
                        help="processes the agents' consoles run in, apart from the simulator's (default 2)")
    parser.add_argument("--json", action="store_true", help="only the JSON object on stdout")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from console.cli.bench_failover_run import Plan, bench

    plan = Plan(servers=args.servers, agents=args.agents, rate=args.rate, talk_s=args.talk, warmup_s=args.warmup,
                every_s=args.every, kills=args.kills, restart_after_s=args.restart_after, lease_ttl_s=args.lease_ttl,
                database=args.database, nats=args.nats, seed=args.seed,
                console_procs=args.console_procs)
    say = (lambda line: None) if args.json else (lambda line: print(line, file=sys.stderr, flush=True))
    result = asyncio.run(bench(plan, say))
    print(json.dumps(result, ensure_ascii=False))
    return 0
