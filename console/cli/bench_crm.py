"""`calldesk bench crm`: latency of the agent's CRM requests through the real server.

Seeds the database to ``--customers`` when it holds fewer (``calldesk seed``'s generator),
starts the real app on loopback with a real HTTP client, logs an agent in, waits for the
customer search index, then times each kind of request ``--requests`` times, one at a time
(the latency an agent sees, not throughput): a masked profile, a search by phone and by name,
the contact history, a ticket created and moved to ``open``. The last line is the JSON object
``{"customers": N, "database": …, "index_build_s": …, "<request>": {"p50_ms": …, "p99_ms": …}}``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from console.cli import bench_subparsers


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = bench_subparsers(subparsers).add_parser("crm", help="CRM request latency through the real server")
    parser.add_argument("--customers", type=int, default=100_000, help="customers in the database (default 100000)")
    parser.add_argument("--database", help="SQLAlchemy URL (default: a SQLite file in a temporary folder)")
    parser.add_argument("--requests", type=int, default=300, help="requests per kind (default 300)")
    parser.add_argument("--json", action="store_true", help="print only the JSON line")
    parser.set_defaults(func=run)


def _percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return {"p50_ms": round(statistics.median(ordered) * 1000, 2), "p99_ms": round(p99 * 1000, 2)}


def _prepare(url: str, customers: int, say: Any) -> tuple[Any, list[tuple[int, str, str]]]:
    from sqlalchemy import func, select

    from console.config import Settings
    from console.store.db import make_engine
    from console.store.migrate import upgrade
    from console.store.models import Customer, CustomerPhone
    from console.store.seed import seed_database

    engine = make_engine(url)
    upgrade(engine)
    with engine.connect() as conn:
        have = conn.execute(select(func.count()).select_from(Customer)).scalar() or 0
    if have < customers:
        say(f"seeding {customers:,} customers …")
        seed_database(engine, Settings(), customers=customers, replace=True)
    with engine.connect() as conn:
        rows = conn.execute(
            select(Customer.id, Customer.name, CustomerPhone.e164)
            .join(CustomerPhone, CustomerPhone.customer_id == Customer.id)
            .where(Customer.id % 97 == 0).limit(2000)
        ).all()
    return engine, [(r[0], r[1], r[2]) for r in rows]


async def _measure(engine: Any, sample: list[tuple[int, str, str]], requests: int, say: Any) -> dict[str, Any]:
    from aiohttp.test_utils import TestClient, TestServer

    from console.config import Settings
    from console.server.app import create_app
    from console.server.routes.customer_index import index_ready
    from console.store.seed.staff import DEMO_PASSWORD

    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(Settings(), engine=engine, outbox_path=Path(tmp) / "outbox.sqlite3")
        client = TestClient(TestServer(app, host="127.0.0.1"))
        await client.start_server()
        try:
            started = time.perf_counter()
            await index_ready(app)
            out: dict[str, Any] = {"index_build_s": round(time.perf_counter() - started, 2)}
            resp = await client.post("/api/login", json={"username": "agent1001", "password": DEMO_PASSWORD})
            headers = {"Authorization": f"Bearer {(await resp.json())['token']}"}

            async def timed(name: str, make: Any, count: int = requests) -> list[Any]:
                say(f"{name} …")
                samples, bodies = [], []
                for _ in range(count):
                    method, path, kwargs = make(rng.choice(sample))
                    t0 = time.perf_counter()
                    async with client.request(method, path, headers=headers, **kwargs) as r:
                        body = await r.read()
                        if r.status >= 400:
                            raise RuntimeError(f"{method} {path}: {r.status} {body[:200]!r}")
                    samples.append(time.perf_counter() - t0)
                    bodies.append(body)
                out[name] = _percentiles(samples)
                return bodies

            await timed("profile", lambda c: ("GET", f"/api/customers/{c[0]}", {}))
            await timed("search_phone", lambda c: ("GET", "/api/customers", {"params": {"q": c[2][3:]}}))
            await timed("search_name", lambda c: ("GET", "/api/customers", {"params": {"q": c[1]}}))
            await timed("history", lambda c: ("GET", f"/api/customers/{c[0]}/interactions", {}))
            bodies = await timed("ticket_create", lambda c: (
                "POST", "/api/tickets", {"json": {"customer_id": c[0], "category": "trading", "subject": "bench"}}))
            created = iter(json.loads(b)["id"] for b in bodies)
            await timed("ticket_open", lambda c: (
                "PATCH", f"/api/tickets/{next(created)}", {"json": {"version": 1, "status": "open"}}), len(bodies))
            return out
        finally:
            await client.close()


def run(args: argparse.Namespace) -> int:
    from console.store.db import describe

    say = (lambda _m: None) if args.json else (lambda m: print(m, flush=True))
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database or f"sqlite:///{Path(tmp) / 'bench.db'}"
        engine, sample = _prepare(url, args.customers, say)
        try:
            result = asyncio.run(_measure(engine, sample, args.requests, say))
        finally:
            engine.dispose()
    print(json.dumps({"customers": args.customers, "database": describe(engine).split(":")[0], **result},
                     ensure_ascii=False))
    return 0
