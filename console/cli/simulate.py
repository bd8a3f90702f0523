"""`calldesk simulate`: the AMI-speaking PBX simulator, standalone (also `calldesk bench simulator`).

Callers' numbers, accounts and tiers come from the customer store when it exists (read here,
through console.store: telephony/ never imports console/); agents are the store's staff with
an extension, or generated ones (PJSIP/1001…, Chinese names). The AMI user and secret are the
first [[pbx]] entry's, so `calldesk serve` connects to it with the same config.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from console.cli import bench_subparsers

if TYPE_CHECKING:
    from telephony.simulator.runner import SimulatorConfig


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "simulate", help="run the PBX simulator (an AMI server with live random calls)",
        description="An Asterisk-compatible AMI server on loopback with queues retail/vip/ringall, "
                    "agents PJSIP/1001… and Poisson caller traffic.",
    )
    _traffic_options(parser)
    parser.add_argument("--port", type=int, default=None, metavar="P",
                        help="AMI port (default: the first [[pbx]] port)")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--speed", type=float, default=1.0, metavar="X",
                        help="virtual seconds per real second (default 1)")
    parser.add_argument("--duration", type=float, default=None, metavar="S", help="stop after S real seconds")
    parser.add_argument("--manual", default="", metavar="EXT,…",
                        help="extensions whose phones ring until answered from the console (CalldeskAnswer)")
    parser.add_argument("--recordings", metavar="DIR", default=None,
                        help="write each answered call's MixMonitor file here (a tone of its length, at most 5 s)")
    parser.add_argument("--status-every", type=float, default=10.0, metavar="S",
                        help="print a status line every S seconds (0: never)")
    scenario = parser.add_argument("--scenario", metavar="NAME", type=_scenario,
                                   help="play one scripted scenario (agents 1001-1004, no random traffic) instead; "
                                        "names: %(names)s")
    # argparse fills %(names)s from the action's attributes when it prints the help: the
    # catalogue (30 ms of imports) is loaded then, not for every command (issue 18).
    scenario.names = _ScenarioNames()
    parser.set_defaults(func=_simulate)
    bench = bench_subparsers(subparsers).add_parser(
        "simulator", help="simulator CPU and event rate under load (virtual clock, one AMI client)")
    _traffic_options(bench, rate=20_000.0, agents=500)
    bench.add_argument("--minutes", type=float, default=10.0, help="virtual minutes to simulate (default 10)")
    bench.set_defaults(func=_bench)


def _traffic_options(parser: argparse.ArgumentParser, rate: float = 360.0, agents: int | None = None) -> None:
    parser.add_argument("--rate", type=_positive, default=rate, metavar="CALLS_PER_HOUR",
                        help=f"mean arrival rate (default {rate:g})")
    parser.add_argument("--agents", type=int, default=agents, metavar="N",
                        help="number of agents (default: the store's agents, or 20)")
    parser.add_argument("--seed", type=int, default=None, metavar="S", help="random seed (same seed, same traffic)")
    parser.add_argument("--database", default=None, metavar="URL",
                        help="store to draw callers and agents from (default: the configured one)")
    parser.add_argument("--no-database", action="store_true", help="do not read the store: unknown callers only")
    parser.add_argument("--talk", type=_positive, default=90.0, metavar="S", help="median talk time (default 90 s)")
    parser.add_argument("--survey", type=_share, default=0.3, metavar="SHARE",
                        help="share of hotline callers asked the post-call survey when the agent hangs up first "
                             "(the survey hotline 95559; default 0.3; 0: none)")


def _share(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"{text} is not a share between 0 and 1")
    return value


class _ScenarioNames:
    def __str__(self) -> str:
        return ", ".join(_scenario_names())


def _scenario_names() -> list[str]:
    from telephony.simulator.catalogue import SCENARIOS

    return sorted(SCENARIOS)


def _scenario(text: str) -> str:
    if text not in _scenario_names():
        raise argparse.ArgumentTypeError(f"unknown scenario {text!r} (known: {', '.join(_scenario_names())})")
    return text


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be positive, got {text}")
    return value


def build_config(args: argparse.Namespace, *, manual_clock: bool = False) -> tuple[SimulatorConfig, str]:
    """The SimulatorConfig for these arguments (store read here, once)."""
    from console.cli.simulate_store import read_population
    from console.config import load_settings
    from telephony.simulator.center import AgentSetup
    from telephony.simulator.runner import SimulatorConfig
    from telephony.simulator.traffic import TrafficConfig

    settings = load_settings(args.config)
    pbx = settings.pbx[0]
    customers, roster, note = ([], None, "store not read (--no-database)")
    if not args.no_database:
        customers, roster, note = read_population(settings, args.database, args.agents)
    manual = {e.strip() for e in getattr(args, "manual", "").split(",") if e.strip()}
    if roster is not None and manual:
        roster = [a if a.extension not in manual else a.__class__(a.extension, a.name, a.cid_name, a.queues, None)
                  for a in roster]
    agents = AgentSetup(count=args.agents or 20, manual=manual, roster=roster)
    traffic = TrafficConfig(calls_per_hour=args.rate, customers=customers, talk_median_s=args.talk,
                            survey_share=getattr(args, "survey", 0.0))
    scenario = getattr(args, "scenario", None)
    if scenario is not None:
        traffic, note = None, f"scenario {scenario}"
    config = SimulatorConfig(
        username=pbx.username, secret=pbx.secret.get_secret_value(), host=getattr(args, "host", "127.0.0.1"),
        port=args.port if getattr(args, "port", None) is not None else pbx.port,
        speed=getattr(args, "speed", 1.0), manual_clock=manual_clock, seed=args.seed, agents=agents, traffic=traffic,
        scenario=scenario, recordings_dir=getattr(args, "recordings", None),
    )
    return config, note


def _simulate(args: argparse.Namespace) -> int:
    import asyncio

    from console.cli.simulate_run import serve

    config, note = build_config(args)
    return asyncio.run(serve(config, note, args.duration, args.status_every))


def _bench(args: argparse.Namespace) -> int:
    import asyncio

    from console.cli.simulate_run import bench

    args.port = 0
    config, note = build_config(args, manual_clock=True)
    print(f"simulator bench: {note}", file=sys.stderr)
    return asyncio.run(bench(config, args.minutes * 60.0))
