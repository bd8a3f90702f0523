"""`calldesk bench ingest --json` prints its figures as one JSON object on the last line."""

from __future__ import annotations

import json

from console.cli import main


def test_bench_ingest_prints_the_four_figures(capsys) -> None:
    assert main(["bench", "ingest", "--events", "3000", "--runs", "1", "--json"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    figures = json.loads(lines[-1])
    assert set(figures) == {"tracker_events_per_s", "connection_events_per_s", "bare_reader_events_per_s", "ratio"}
    assert all(v > 0 for v in figures.values())
    assert abs(figures["ratio"] - figures["connection_events_per_s"] / figures["bare_reader_events_per_s"]) < 0.01
