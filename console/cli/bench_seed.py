"""`calldesk bench seed`: time `calldesk seed` on a scratch database and print the figures.

SQLite (default): a fresh file in a temporary directory. PostgreSQL (``--postgres URL`` of a
server, e.g. ``postgresql://postgres@127.0.0.1:5432/postgres``): a scratch database is
created and dropped around the run. The last line is JSON: wall seconds per phase, CPU
seconds of this process and its workers, and the load average before and after (the
machine may be shared: wall time then says more about the neighbours than about the seed).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import tempfile
import time
import uuid

from console.cli import bench_subparsers


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = bench_subparsers(subparsers).add_parser("seed",
                                                     help="seed N customers into a scratch database, print timings")
    parser.add_argument("--customers", type=int, default=1_000_000, help="customers to seed (default 1000000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--postgres", metavar="URL", help="PostgreSQL server to create the scratch database on")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from console.config import Settings

    if args.postgres:
        with _scratch_postgres(args.postgres) as url:
            figures = _measure(url, args, Settings())
    else:
        with tempfile.TemporaryDirectory(prefix="calldesk-bench-") as tmp:
            figures = _measure(f"sqlite:///{tmp}/seed.db", args, Settings())
    print(json.dumps(figures, ensure_ascii=False))
    return 0


def _cpu() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _measure(url: str, args: argparse.Namespace, settings) -> dict:
    from console.store.db import make_engine
    from console.store.migrate import upgrade
    from console.store.seed import seed_database

    engine = make_engine(url)
    try:
        upgrade(engine)
        load_before, cpu_before, start = os.getloadavg()[0], _cpu(), time.perf_counter()
        report = seed_database(engine, settings, customers=args.customers, seed=args.seed)
        wall, cpu = time.perf_counter() - start, _cpu() - cpu_before
    finally:
        engine.dispose()
    return {"database": engine.dialect.name, "customers": args.customers, "wall_s": round(wall, 1),
            "client_cpu_s": round(cpu, 1), "phases_s": report.seconds, "rows": report.counts,
            "load_before": load_before, "load_after": os.getloadavg()[0], "cpus": os.cpu_count()}


class _scratch_postgres:
    def __init__(self, server_url: str) -> None:
        from console.store.db import normalize_url

        self.server = normalize_url(server_url)
        self.name = f"calldesk_bench_{uuid.uuid4().hex[:8]}"

    def _admin(self, sql: str) -> None:
        from sqlalchemy import create_engine

        engine = create_engine(self.server, isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as conn:
                conn.exec_driver_sql(sql)
        finally:
            engine.dispose()

    def __enter__(self) -> str:
        from sqlalchemy.engine import make_url

        self._admin(f'CREATE DATABASE "{self.name}"')
        return make_url(self.server).set(database=self.name).render_as_string(hide_password=False)

    def __exit__(self, *exc) -> None:
        self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
