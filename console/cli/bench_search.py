"""`calldesk bench search` (customer search) and `calldesk bench kb` (knowledge base).

Builds the in-memory index from N deterministic synthetic customers (or from a database with
``--database URL``), runs the query mix (names, partial names, pinyin, initials, typos, phone
suffixes, client-number prefixes, id tails, name + phone) and prints, as its last line,
``{"p50_ms": …, "p95_ms": …, "index_mb": …, "customers": N}``. ``index_mb`` is the growth of
the process's resident memory while the index was built (rows are streamed, not kept).
"""

from __future__ import annotations

import argparse
import json

from console.cli import bench_subparsers
from console.errors import CalldeskError


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = bench_subparsers(subparsers).add_parser(
        "search", help="customer search latency (p50/p95) and index memory over N customers"
    )
    parser.add_argument("--customers", type=int, default=100_000, help="synthetic customers to index (default 100000)")
    parser.add_argument("--queries", type=int, default=2_000, help="queries to time (default 2000)")
    parser.add_argument("--database", metavar="URL", help="index the customers of this database instead")
    parser.add_argument("--snapshot", metavar="FILE",
                        help="with --database: make the index as `calldesk serve` does ([search] snapshot): in a child "
                             "process, from FILE when it fits the database (else built, and FILE written)")
    parser.add_argument("--json", action="store_true", help="details as JSON lines instead of a table")
    parser.set_defaults(func=run)
    kb = bench_subparsers(subparsers).add_parser("kb", help="knowledge-base search latency (p50/p95) over kb/")
    kb.add_argument("--dir", metavar="DIR", help="articles folder (default: kb/ of the checkout)")
    kb.add_argument("--rounds", type=int, default=20, help="times the query mix is run (default 20)")
    kb.set_defaults(func=run_kb)


def run_kb(args: argparse.Namespace) -> int:
    from console.crm.kb import KnowledgeBase, bench_kb

    if args.rounds < 1:
        raise CalldeskError("bench kb: --rounds must be at least 1")
    print(json.dumps(bench_kb(KnowledgeBase.load(args.dir), rounds=args.rounds)))
    return 0


def _rss_mb() -> float:
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * 4096 / 2**20
    except OSError:
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _percentile(sorted_ms: list[float], fraction: float) -> float:
    return sorted_ms[min(len(sorted_ms) - 1, int(len(sorted_ms) * fraction))]


def run(args: argparse.Namespace) -> int:
    import asyncio
    import gc
    import os
    import time

    from console.crm.search import SearchIndex
    from console.crm.search.synthetic import query_mix, synthetic_rows

    if args.customers < 1 or args.queries < 1:
        raise CalldeskError("bench search: --customers and --queries must be at least 1")
    if args.snapshot and not args.database:
        raise CalldeskError("bench search: --snapshot needs --database")
    sample: list = []
    made: dict[str, object] = {}
    if args.snapshot:
        from pathlib import Path

        from console.crm.search.loader import rows_of
        from console.server.search_build import build_in_process
        from console.store.db import make_engine

        engine = make_engine(args.database)
        gc.collect()
        before = _rss_mb()
        started = time.perf_counter()
        index, made = asyncio.run(build_in_process(engine, snapshot=Path(args.snapshot)))
        build_s = time.perf_counter() - started
        gc.collect()
        index_mb = _rss_mb() - before
        sample = rows_of(engine, [customer_id for customer_id, _, _ in index.sample(5_000)])
        engine.dispose()
    elif args.database:
        from console.crm.search.loader import iter_customer_rows
        from console.store.db import make_engine

        rows = iter_customer_rows(make_engine(args.database))
        every = 97  # a spread sample whatever the table size
    else:
        rows = synthetic_rows(args.customers)
        every = max(1, args.customers // 5_000)

    def sampled():
        for number, row in enumerate(rows):
            if number % every == 0:
                sample.append(row)
            yield row

    if not args.snapshot:
        gc.collect()
        before = _rss_mb()
        started = time.perf_counter()
        index = SearchIndex.build(sampled())
        build_s = time.perf_counter() - started
        gc.collect()
        index_mb = _rss_mb() - before
    if not sample:
        raise CalldeskError(f"bench search: no customers in {args.database}")

    by_kind: dict[str, list[float]] = {}
    timings: list[float] = []
    for kind, query, _ in query_mix(sample, args.queries):
        started = time.perf_counter()
        index.search(query)
        elapsed = (time.perf_counter() - started) * 1000
        timings.append(elapsed)
        by_kind.setdefault(kind, []).append(elapsed)
    timings.sort()
    kinds = {kind: sorted(ms) for kind, ms in sorted(by_kind.items())}
    if args.json:
        print(json.dumps({"build_s": round(build_s, 1), "made": made, "queries": len(timings), "by_kind": {
            kind: {"p50_ms": round(_percentile(ms, 0.5), 2), "p95_ms": round(_percentile(ms, 0.95), 2)}
            for kind, ms in kinds.items()}}, ensure_ascii=False))
    else:
        print(f"built in {build_s:.1f} s{f' ({made})' if made else ''}; {len(timings)} queries")
        for kind, ms in kinds.items():
            print(f"  {kind:<14} p50 {_percentile(ms, 0.5):6.2f} ms   p95 {_percentile(ms, 0.95):6.2f} ms")
    print(json.dumps({
        "p50_ms": round(_percentile(timings, 0.5), 2),
        "p95_ms": round(_percentile(timings, 0.95), 2),
        "index_mb": round(index_mb, 1),
        "rss_mb": round(_rss_mb(), 1),
        "customers": len(index),
        "loadavg_1m": round(os.getloadavg()[0], 2),
    }))
    return 0
