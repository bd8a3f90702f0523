"""`calldesk simulate`: callers and agents from the store (SQLite and PostgreSQL), the CLI's
errors, and a short real-time run answering over TCP."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

from console.cli.simulate_store import national, read_population
from console.config import load_settings

ROOT = Path(__file__).resolve().parents[2]


def test_national_numbers_as_the_carrier_sends_them() -> None:
    assert national("+8613800138000") == "13800138000"
    assert national("+862161234567") == "02161234567"


def test_population_from_a_seeded_store(migrated_engine, db_url: str) -> None:
    from console.store.seed import seed_database

    settings = load_settings(env={"CALLDESK_DATABASE_URL": db_url})
    seed_database(migrated_engine, settings, customers=50, agents=3)
    callers, roster, note = read_population(settings, db_url, None)
    assert len(callers) >= 50 and "13800138000" in {c.number for c in callers}
    assert next(c for c in callers if c.number == "13800138000").account == "310012345678"
    assert [a.extension for a in roster] == ["1001", "1002", "1003"]
    assert all(a.name and a.cid_name and a.queues for a in roster), roster
    assert "from the store" in note


def test_missing_sqlite_file_is_not_created(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'none.db'}"
    callers, roster, note = read_population(load_settings(env={"CALLDESK_DATABASE_URL": url}), url, None)
    assert (callers, roster) == ([], None) and "calldesk db upgrade" in note
    assert not (tmp_path / "none.db").exists()


def _calldesk(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CALLDESK_")}
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.run([sys.executable, "-m", "console", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=60, check=False)  # tests read returncode


def test_busy_port_is_one_clear_error(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = _calldesk("simulate", "--no-database", "--port", str(port), "--duration", "1", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().startswith("calldesk: error: cannot listen on 127.0.0.1:") , result.stderr


def test_short_run_places_calls(tmp_path: Path) -> None:
    result = _calldesk("simulate", "--no-database", "--port", "0", "--rate", "36000", "--speed", "10",
                       "--duration", "2", "--status-every", "0.5", "--seed", "3", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "AMI on 127.0.0.1:" in result.stdout and "20 agents" in result.stdout
    placed = [int(line.split("placed ")[1].split()[0]) for line in result.stdout.splitlines() if "placed " in line]
    assert placed and placed[-1] > 0
    assert not (tmp_path / "var").exists()  # --no-database touches no store


def test_scenario_plays_on_a_running_simulator(tmp_path: Path) -> None:
    result = _calldesk("simulate", "--no-database", "--port", "0", "--scenario", "blind-transfer", "--speed", "20",
                       "--duration", "2.5", "--status-every", "0.5", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "no random calls" in result.stdout and "scenario blind-transfer" in result.stdout
    bad = _calldesk("simulate", "--scenario", "nope", cwd=tmp_path)
    assert bad.returncode == 2 and "unknown scenario 'nope'" in bad.stderr


async def test_scheduled_scenario_gives_the_same_events_as_the_scripted_run() -> None:
    """``schedule`` (actions in-process, real clock) and ``run`` (actions over TCP) agree."""
    from telephony.simulator import scenarios
    from telephony.simulator.catalogue import SCENARIOS
    from tests.simulator.conformance import through_tracker
    from tests.simulator.harness import make_simulator, record

    scenario = SCENARIOS["attended-transfer"]
    sim = make_simulator(scenario)
    seen: list[tuple[float, dict[str, str]]] = []
    sim.pbx.subscribers.append(lambda fields: seen.append((sim.clock.now, dict(fields))))
    scenarios.schedule(sim.pbx, scenario)
    sim.clock.run_until(scenario.end_t)

    def calls(events: list[tuple]) -> list[tuple]:  # agent states aside: no QueueStatus snapshot here
        return [e for e in events if e[0] != "agent_state"]

    assert calls(through_tracker(seen)) == calls(through_tracker(await record(scenario)))


def test_demo_never_touches_a_server_database() -> None:
    from console.cli.demo_db import DEMO_URL, demo_url

    assert demo_url(load_settings(env={"CALLDESK_DATABASE_URL": "postgresql://u@db.example/center"})) == DEMO_URL
    assert demo_url(load_settings(env={"CALLDESK_DATABASE_URL": "sqlite:////tmp/x.db"})) == "sqlite:////tmp/x.db"
