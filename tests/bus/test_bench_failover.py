"""`calldesk bench failover` end to end, tiny: two `calldesk serve` on a PostgreSQL database made
for the test and the local NATS, the simulator as their PBX, the link holder killed once.

Nothing is timed. What is asserted is what the product promises whatever the machine's speed:
another server took the link over, and against the simulator's own record no queue pass is
lost or doubled, and no ring went unpopped but one that began and ended while no server held the
link.
"""

from __future__ import annotations

import asyncio
import secrets

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from console.cli.bench_failover_run import Plan, bench
from tests.bus.test_bench_bus import NATS_URL, require_bus
from tests.conftest import pg_base_url, require_postgres

pytestmark = [pytest.mark.bus, pytest.mark.postgres, pytest.mark.slow]


@pytest.fixture
def database():
    require_postgres()
    require_bus("nats-jetstream")
    url = make_url(pg_base_url()).set(database=f"calldesk_failover_{secrets.token_hex(4)}")
    yield url.render_as_string(hide_password=False)
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
    admin.dispose()


def test_a_killed_link_holder_loses_nothing(database):
    plan = Plan(servers=2, agents=12, rate=2400.0, talk_s=6.0, warmup_s=6.0, every_s=6.0, kills=1, lease_ttl_s=2.0,
                database=database, nats=NATS_URL, seed=3)
    result = asyncio.run(bench(plan, lambda line: None))
    assert result["servers"] == 2 and result["kills"] == 1
    assert result["failover_s"][0] is not None  # a next holder resynced the link
    assert result["queue_calls"] > 0 and result["rings"] > 0
    assert (result["interactions_lost"], result["interactions_doubled"]) == (0, 0), result
    # A ring may begin and end inside the failover gap, when no server can show it; no other is missed.
    gaps = [(k, k + f) for k, f in zip(result["kills_at_s"], result["failover_s"], strict=True)]
    assert all(any(a <= t <= b for a, b in gaps) for _, _, t in result["missed"]), (result["missed"], gaps)
    assert result["consoles_moved"] >= 1  # the killed server's consoles went to the other
    assert {"pop_p50_ms", "pop_p99_ms", "consoles_reconnected_s", "loadavg_1m"} <= set(result)
