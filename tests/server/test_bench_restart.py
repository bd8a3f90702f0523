"""`calldesk bench restart` starts a real `calldesk serve` twice on a store large enough for the
child-process build: the first start builds the index and writes the snapshot, the second loads
it. Only the shape and the path taken are checked; the figures are the benchmark's business."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from console.cli import main
from console.config import Settings
from console.server.search_build import PROCESS_FROM_CUSTOMERS


def test_the_second_start_loads_the_snapshot_the_first_wrote(tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    from console.store.db import make_engine
    from console.store.migrate import upgrade
    from console.store.seed import seed_database

    url = f"sqlite:///{tmp_path / 'store.db'}"
    engine = make_engine(url)
    try:
        upgrade(engine)
        seed_database(engine, Settings(), customers=PROCESS_FROM_CUSTOMERS, agents=2)
    finally:
        engine.dispose()
    snapshot = tmp_path / "var" / "index.snapshot"
    assert main(["bench", "restart", "--database", url, "--snapshot", str(snapshot), "--runs", "2",
                 "--queries", "20"]) == 0
    *runs, summary = (json.loads(line) for line in capsys.readouterr().out.strip().splitlines())
    assert [run["mode"] for run in runs] == ["process", "snapshot"] == summary["modes"]
    assert snapshot.exists()
    for run in runs:
        assert run["customers"] >= PROCESS_FROM_CUSTOMERS
        assert 0 < run["serving_s"] <= run["index_ready_s"]
        assert run["rss_mb"] > 0 and 0 < run["search_p50_ms"] <= run["search_p95_ms"]
