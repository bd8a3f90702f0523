"""`calldesk bench search` and `calldesk bench kb` print their figures in the agreed shape.

Only the shape is checked: latency is measured by running the benchmark, never asserted.
"""

from __future__ import annotations

import json

import pytest
from sqlmodel import Session

from console.cli import main
from console.config import Settings
from console.crm.names import initials_of, pinyin_of
from console.store.models import Customer, CustomerPhone


def last_json(out: str) -> dict:
    return json.loads(out.strip().splitlines()[-1])


def test_bench_search_synthetic_prints_figures_last(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bench", "search", "--customers", "500", "--queries", "60", "--json"]) == 0
    out = capsys.readouterr().out
    figures = last_json(out)
    assert set(figures) == {"p50_ms", "p95_ms", "index_mb", "rss_mb", "customers", "loadavg_1m"}
    assert figures["customers"] == 500
    assert 0 <= figures["p50_ms"] <= figures["p95_ms"]
    assert "by_kind" in json.loads(out.strip().splitlines()[0])


def test_bench_search_from_a_database(migrated_sqlite_engine, capsys: pytest.CaptureFixture[str]) -> None:
    with Session(migrated_sqlite_engine) as session:
        for number, name in enumerate(["单田芳", "张三", "曾国藩"], start=1):
            customer = Customer(client_no=f"31000000000{number}", name=name, name_pinyin=pinyin_of(name),
                                name_initials=initials_of(name), id_number="x", id_last4=f"000{number}")
            session.add(customer)
            session.flush()
            if number != 2:  # one customer without a phone
                session.add(CustomerPhone(customer_id=customer.id, e164=f"+861380000000{number}"))
        session.commit()
    url = migrated_sqlite_engine.url.render_as_string(hide_password=False)
    assert main(["bench", "search", "--database", url, "--queries", "30"]) == 0
    assert last_json(capsys.readouterr().out)["customers"] == 3


def test_bench_search_through_the_servers_snapshot(migrated_sqlite_engine, tmp_path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    from console.store.seed import seed_database

    seed_database(migrated_sqlite_engine, Settings(), customers=300, agents=2)
    url = migrated_sqlite_engine.url.render_as_string(hide_password=False)
    snapshot = str(tmp_path / "index.snapshot")
    sources = []
    for _ in range(2):
        assert main(["bench", "search", "--database", url, "--snapshot", snapshot, "--queries", "30", "--json"]) == 0
        first, *_, last = capsys.readouterr().out.strip().splitlines()
        sources.append(json.loads(first)["made"]["source"])
        assert json.loads(last)["customers"] >= 300
    assert sources == ["database", "snapshot"]


def test_bench_search_refuses_nonsense(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bench", "search", "--customers", "0"]) == 2
    assert "--customers" in capsys.readouterr().err


def test_bench_kb_prints_figures(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bench", "kb", "--rounds", "1"]) == 0
    figures = last_json(capsys.readouterr().out)
    assert figures["articles"] >= 25 and figures["queries"] > 0
