"""`calldesk bench bus`: NATS JetStream and RabbitMQ measured for what calldesk needs of a bus
shared by several servers (issue 15; the figures and the choice are in docs/bus.md).

Each bus is measured by console/cli/bench_bus_run.py (fan-out to ``--servers`` subscribers,
publish -> deliver latency at ``--rate`` events/s and in bursts, the maximum throughput, replay
from a sequence, order per call, CPU per event in this process) and its lease option by
console/cli/bench_bus_lease.py; PostgreSQL's advisory lock is measured beside them. One JSON
object per bus is printed on stdout, one a line, and a human summary on stderr.

``nats-core`` and ``rabbitmq-classic`` are the floors: fan-out with nothing kept and no replay,
to show what the persistence of ``nats-jetstream`` and ``rabbitmq-stream`` costs.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import Any

from console.cli import bench_subparsers
from console.errors import CalldeskError

BUSES = ("nats-jetstream", "rabbitmq-stream", "nats-core", "rabbitmq-classic")
LEASES = {"nats-jetstream": "nats-kv", "rabbitmq-stream": "rabbitmq-exclusive"}
BROKERS = {"nats": "nats-server", "rabbitmq": "beam.smp"}


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = bench_subparsers(subparsers).add_parser(
        "bus", help="NATS JetStream vs RabbitMQ: fan-out latency, replay, order, throughput, CPU, lease")
    parser.add_argument("--bus", action="append", choices=BUSES,
                        help="measure this bus (repeatable; default: all four)")
    parser.add_argument("--nats-url", default="nats://127.0.0.1:4222")
    parser.add_argument("--amqp-url", default="amqp://guest:guest@127.0.0.1:5672/")
    parser.add_argument("--pg-url", default="postgresql://postgres@127.0.0.1:5432/test",
                        help="PostgreSQL for the advisory-lock lease ('' to leave it out)")
    parser.add_argument("--servers", type=int, default=3, help="subscribing servers (default 3)")
    parser.add_argument("--publish-only", type=int, default=5_000, help="events published before anyone subscribes")
    parser.add_argument("--rate", type=float, default=55.0, help="steady events/s (default 55: 20,000 calls/h)")
    parser.add_argument("--seconds", type=float, default=20.0, help="length of the steady phase")
    parser.add_argument("--bursts", type=int, default=3)
    parser.add_argument("--burst-size", type=int, default=1_000)
    parser.add_argument("--max-events", type=int, default=20_000, help="events of the maximum-throughput phase")
    parser.add_argument("--lease-ttl", type=float, default=2.0, help="lease ttl in seconds (0: no lease figures)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import asyncio

    from console.cli.bench_bus_run import Plan

    if args.servers < 1 or min(args.publish_only, args.bursts, args.burst_size, args.max_events) < 0:
        raise CalldeskError("bench bus: --servers must be at least 1 and the counts not negative")
    plan = Plan(servers=args.servers, publish_only=args.publish_only, rate=args.rate, seconds=args.seconds,
                bursts=args.bursts, burst_size=args.burst_size, max_events=args.max_events)
    from console.cli.bench_bus_run import wakeup_cpu_us

    wakeup = wakeup_cpu_us()
    results = asyncio.run(bench(args.bus or list(BUSES), plan, args.nats_url, args.amqp_url, args.pg_url,
                                args.lease_ttl, wakeup_cpu_us=wakeup,
                                on_result=lambda r: print(json.dumps(r, ensure_ascii=False), flush=True)))
    print(summary(results), file=sys.stderr)
    return 0


async def bench(buses: list[str], plan: Any, nats_url: str, amqp_url: str, pg_url: str | None,
                lease_ttl: float, on_result: Callable[[dict[str, Any]], None] = lambda r: None,
                wakeup_cpu_us: float | None = None) -> list[dict[str, Any]]:
    """Each bus in turn (never two at once: they would share the two cores), then the PG lease;
    ``on_result`` is given each bus's figures as soon as they are in. ``wakeup_cpu_us`` (the
    machine's cost of one bare event-loop wake-up) is reported beside them."""
    import os

    from console.cli.bench_bus_lease import measure_lease
    from console.cli.bench_bus_run import measure

    results = []
    for name in buses:
        url = nats_url if name.startswith("nats") else amqp_url
        reason = await unavailable(name, url)
        if reason:
            raise CalldeskError(f"bench bus: {reason}")
        broker = BROKERS[name.split("-")[0]]
        load, cpu = os.getloadavg()[0], broker_cpu_s(broker)
        result = await measure(name, url, plan)
        published = (plan.publish_only + round(plan.rate * plan.seconds) + plan.bursts * plan.burst_size
                     + plan.max_events)
        used = broker_cpu_s(broker) - cpu if cpu is not None else None
        result["broker_cpu_us_per_event"] = round(used * 1e6 / max(published, 1), 1) if used is not None else None
        result["machine"] = {"cores": os.cpu_count(), "load_1min_before": round(load, 2),
                             "load_1min_after": round(os.getloadavg()[0], 2), "wakeup_cpu_us": wakeup_cpu_us}
        if lease_ttl > 0 and name in LEASES:
            try:
                result["lease"] = await measure_lease(LEASES[name], url, lease_ttl)
            except Exception as exc:  # reported beside the bus's figures, not lost with them
                result["lease"] = {"kind": LEASES[name], "error": f"{type(exc).__name__}: {exc}"}
        results.append(result)
        on_result(result)
    if pg_url and lease_ttl > 0:
        try:
            result = {"bus": "postgresql", "lease": await measure_lease("postgresql-advisory", pg_url, lease_ttl)}
        except Exception as exc:  # a missing PostgreSQL leaves out one figure, not the run
            result = {"bus": "postgresql", "lease": None, "error": str(exc).splitlines()[0]}
        results.append(result)
        on_result(result)
    return results


async def unavailable(name: str, url: str) -> str | None:
    """Why this bus cannot be measured at ``url`` (None when it can): its client is not
    installed, it is not listening, it refuses the login, or (JetStream) not enabled."""
    where = url.rsplit("@", 1)[-1]
    try:
        if name.startswith("nats"):
            from console.cli.bench_bus_nats import connect

            conn = await connect(url)
            try:
                if name == "nats-jetstream":
                    await conn.jetstream().account_info()
            finally:
                await conn.close()
        else:
            import aio_pika

            await (await aio_pika.connect(url, timeout=2)).close()
    except ImportError as exc:
        return f"{name} needs the {exc.name} package: pip install -e '.[bench]'"
    except Exception as exc:  # each client raises its own kinds of refusal
        return f"{name} at {where} unavailable: {type(exc).__name__}: {str(exc).strip() or 'no answer'}"
    return None


def broker_cpu_s(command: str) -> float | None:
    """User + system CPU seconds of the processes named ``command`` (the broker, if it runs on
    this machine and /proc can be read); None when there is none."""
    import os

    total, found, tick = 0.0, False, os.sysconf("SC_CLK_TCK")
    for pid in filter(str.isdigit, os.listdir("/proc") if os.path.isdir("/proc") else []):
        try:
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)
        except OSError:
            continue
        if not fields[0].endswith(f"({command}"):
            continue
        rest = fields[1].split()
        total += (int(rest[11]) + int(rest[12])) / tick  # utime, stime (fields 14 and 15)
        found = True
    return total if found else None


def summary(results: list[dict[str, Any]]) -> str:
    """The figures that decide, one line a bus (CPU: microseconds per event at the steady rate)."""
    header = (f"{'bus':<17} {'steady p50/p99 ms':>17} {'burst p50/p99 ms':>17} {'max ev/s':>8} "
              f"{'replay ev/s':>11} {'cpu pub/server':>14} {'order':>6}")
    lines = [header]
    for r in results:
        if "steady" not in r:
            continue
        s, b, o = r["steady"], r["burst"], r["ordering"]
        order = "ok" if not any(o.values()) else "BROKEN"
        replay = r["replay"]["per_s"] if r["replay"] else "-"
        cpu = f"{s['publisher_cpu_us_per_event']}/{s['server_cpu_us_per_event']}"
        lines.append(f"{r['bus']:<17} {s['p50_ms']!s:>8}/{s['p99_ms']!s:<8} {b['p50_ms']!s:>8}/{b['p99_ms']!s:<8} "
                     f"{r['max_throughput']['delivered_per_s']:>8} {replay!s:>11} {cpu:>14} {order:>6}")
    for r in results:
        lease = r.get("lease")
        if lease and "error" in lease:
            lines.append(f"lease {lease['kind']}: failed: {lease['error']}")
        elif lease:
            lines.append(f"lease {lease['kind']}: acquire {lease['acquire_ms']} ms, renew {lease['renew_ms']} ms, "
                         f"takeover after crash {lease['takeover_after_crash_s']} s, "
                         f"after hang {lease['takeover_after_hang_s']} s (ttl {lease['ttl_s']} s)")
    return "\n".join(lines)
