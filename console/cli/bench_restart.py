"""`calldesk bench restart`: how long `calldesk serve` takes to be ready again, and its memory.

Starts a real `calldesk serve` on ``--database`` (no PBX: the time to the AMI link is the PBX's),
with the customer search index kept in ``--snapshot`` ([search] snapshot), ``--runs`` times one
after the other. For each start it reports, from the process launched:

* ``serving_s``: the first answer of ``/healthz`` (the server takes logins, consoles, pops;
  searches go through SQL until the index is ready);
* ``index_ready_s``: ``/healthz`` says the search index is ready, and how it was made
  (``snapshot``: loaded and caught up; ``process``: built from every customer, the snapshot
  written for the next start);
* ``rss_mb`` / ``peak_rss_mb``: the server's resident memory once the index is ready, and its
  peak (the build process's own is ``child_peak_rss_mb``);
* ``search_p50_ms`` / ``search_p95_ms``: ``GET /api/customers?q=`` as an agent's console sends
  it (the index's answer and the customers' rows read for it), over the query mix of
  ``calldesk bench search`` drawn from the database's customers.

The first run after a database is seeded (or with a new ``--snapshot`` file) builds; the next
ones load. One JSON object per run on stdout, then a summary.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from console.cli import bench_subparsers
from console.errors import CalldeskError


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = bench_subparsers(subparsers).add_parser(
        "restart", help="calldesk serve start -> serving, -> search index ready; its memory and search latency",
        description=__doc__.split("\n\n")[1] if __doc__ else None)
    parser.add_argument("--database", metavar="URL", required=True, help="a seeded database (e.g. 10M customers)")
    parser.add_argument("--snapshot", metavar="FILE", required=True, help="the index snapshot file ([search] snapshot)")
    parser.add_argument("--runs", type=int, default=2, help="starts, one after the other (default 2)")
    parser.add_argument("--queries", type=int, default=500, help="searches timed per start (default 500)")
    parser.add_argument("--user", default="agent1001", help="who searches (a seeded agent; default agent1001)")
    parser.add_argument("--password", default="calldesk", help="their password (the seed's, by default)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.runs < 1 or args.queries < 1:
        raise CalldeskError("bench restart: --runs and --queries must be at least 1")
    results = asyncio.run(_bench(args))
    print(json.dumps({"runs": len(results), "index_ready_s": [r["index_ready_s"] for r in results],
                      "modes": [r["mode"] for r in results], "rss_mb": [r["rss_mb"] for r in results],
                      "search_p95_ms": [r["search_p95_ms"] for r in results]}))
    return 0


def _write_config(folder: Path, database: str, port: int, snapshot: str) -> Path:
    config = folder / "config.toml"
    config.write_text(f'[database]\nurl = "{database}"\n\n[server]\nport = {port}\n\n'
                      f'[search]\nsnapshot = "{Path(snapshot).resolve()}"\n', encoding="utf-8")
    return config


def _tail(log: Path) -> str:
    return log.read_text(errors="replace")[-2000:]


def _status(pid: int) -> dict[str, float]:
    """VmRSS and VmHWM (peak) of a process, in MB."""
    values: dict[str, float] = {}
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                key, _, rest = line.partition(":")
                if key in ("VmRSS", "VmHWM"):
                    values[key] = int(rest.split()[0]) / 1024
    except OSError:
        pass
    return values


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as children:
            return [int(child) for child in children.read().split()]
    except OSError:
        return []


async def _bench(args: argparse.Namespace) -> list[dict[str, Any]]:
    from console.cli.bench_failover_run import free_port
    from console.crm.search.synthetic import query_mix
    from console.store.db import make_engine

    engine = make_engine(args.database)
    try:
        results = []
        with tempfile.TemporaryDirectory(prefix="calldesk-restart-") as folder:
            for number in range(1, args.runs + 1):
                port = free_port()
                config = _write_config(Path(folder), args.database, port, args.snapshot)
                result = await _one_start(config, port, Path(folder) / f"serve-{number}.log", args, engine, query_mix)
                result["run"] = number
                print(json.dumps(result), flush=True)
                results.append(result)
        return results
    finally:
        engine.dispose()


async def _one_start(config: Path, port: int, log: Path, args: argparse.Namespace, engine: Any,
                     query_mix: Any) -> dict[str, Any]:
    import aiohttp

    load = os.getloadavg()[0]
    started = time.perf_counter()
    with log.open("wb") as out:
        server = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "console", "--config", str(config), "serve", stdout=out, stderr=out,
            env=dict(os.environ, PYTHONUNBUFFERED="1"))
    url = f"http://127.0.0.1:{port}"
    serving_s: float | None = None
    child_peak = 0.0
    try:
        async with aiohttp.ClientSession() as http:
            while True:
                if server.returncode is not None:
                    raise CalldeskError(f"calldesk serve exited ({server.returncode}): {_tail(log)}")
                for child in _children(server.pid):
                    child_peak = max(child_peak, _status(child).get("VmHWM", 0.0))
                try:
                    async with http.get(f"{url}/healthz") as resp:
                        health = await resp.json()
                    serving_s = serving_s or time.perf_counter() - started
                    if health["search"]["ready"]:
                        break
                except (aiohttp.ClientError, OSError):
                    pass
                if time.perf_counter() - started > 3600:
                    raise CalldeskError("bench restart: no index after an hour")
                await asyncio.sleep(0.1)
            ready_s = time.perf_counter() - started
            memory = _status(server.pid)
            async with http.post(f"{url}/api/login", json={"username": args.user, "password": args.password}) as resp:
                if resp.status != 200:
                    raise CalldeskError(f"bench restart: log-in as {args.user} refused ({resp.status})")
                token = (await resp.json())["token"]
            rows = await asyncio.to_thread(_spread_rows, engine)
            timings = []
            for _, query, _ in query_mix(rows, args.queries):
                began = time.perf_counter()
                async with http.get(f"{url}/api/customers", params={"q": query},
                                    headers={"Authorization": f"Bearer {token}"}) as resp:
                    await resp.read()
                    if resp.status != 200:
                        raise CalldeskError(f"bench restart: search {query!r} answered {resp.status}")
                timings.append((time.perf_counter() - began) * 1000)
    finally:
        if server.returncode is None:
            server.terminate()
            await server.wait()
    timings.sort()
    return {
        "mode": health["search"]["mode"], "customers": health["search"]["customers"],
        "serving_s": round(serving_s or 0.0, 2), "index_ready_s": round(ready_s, 2),
        "rss_mb": round(memory.get("VmRSS", 0.0)), "peak_rss_mb": round(memory.get("VmHWM", 0.0)),
        "child_peak_rss_mb": round(child_peak),
        "search_p50_ms": round(timings[len(timings) // 2], 2),
        "search_p95_ms": round(timings[min(len(timings) - 1, int(len(timings) * 0.95))], 2),
        "loadavg_1m_start": round(load, 2),
    }



def _spread_rows(engine: Any, count: int = 5_000) -> list[Any]:
    """The searchable rows of about ``count`` customers spread over the table."""
    from sqlalchemy import func, select

    from console.crm.search.loader import rows_of
    from console.store.models import Customer

    with engine.connect() as connection:
        highest = connection.execute(select(func.max(Customer.id))).scalar() or 0
    rows = rows_of(engine, list(range(1, highest + 1, max(1, highest // count))))
    if not rows:
        raise CalldeskError("bench restart: the database has no customers (seed it first)")
    return rows
