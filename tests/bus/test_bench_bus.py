"""`calldesk bench bus` runs end to end against the real local buses and prints its figures.

Tiny counts, nothing timed: the shape of the JSON is checked, and what is not a timing (every
delivery in call order and publish order, a replay that is complete) is asserted. A bus that is
not reachable skips its cases, saying why, except under ``CI=true``, where they fail (as the
``postgres`` marker does: the machine kind runs NATS and RabbitMQ before CI starts).
"""

from __future__ import annotations

import asyncio
import json
import os
from functools import cache

import pytest

from console.cli import main
from console.cli.bench_bus import bench, unavailable
from console.cli.bench_bus_run import Plan
from tests.conftest import pg_base_url, require_postgres, require_service

NATS_URL = os.environ.get("CALLDESK_TEST_NATS_URL", "nats://127.0.0.1:4222")
AMQP_URL = os.environ.get("CALLDESK_TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/")
TINY = Plan(servers=2, publish_only=20, rate=50, seconds=0.4, bursts=1, burst_size=30, max_events=60)
TINY_ARGS = ["--servers", "2", "--publish-only", "20", "--rate", "50", "--seconds", "0.4", "--bursts", "1",
             "--burst-size", "30", "--max-events", "60"]

pytestmark = pytest.mark.bus


def url_of(bus: str) -> str:
    return NATS_URL if bus.startswith("nats") else AMQP_URL


@cache
def unavailable_reason(bus: str) -> str | None:
    return asyncio.run(unavailable(bus, url_of(bus)))


def require_bus(bus: str) -> None:
    require_service(unavailable_reason(bus), "the bus")


def check_figures(result: dict, bus: str) -> None:
    assert result["bus"] == bus and result["version"] and result["servers"] == 2
    assert set(result["publish_only"]) == {"events", "per_s", "cpu_us_per_event"}
    cpu = {"publisher_cpu_us_per_event", "server_cpu_us_per_event"}
    for phase in ("steady", "burst"):
        assert {"p50_ms", "p99_ms", "max_ms"} | cpu <= set(result[phase])
    assert result["steady"]["deliveries"] == 20 * 2  # every server got every event
    assert {"delivered_per_s", "p50_ms", "p99_ms"} | cpu <= set(result["max_throughput"])
    assert result["ordering"] == {"per_call_violations": 0, "publish_order_violations": 0, "seq_gaps": 0, "lost": 0}
    assert {"broker_cpu_us_per_event", "machine"} <= set(result)
    if bus in ("nats-jetstream", "rabbitmq-stream"):
        replay = result["replay"]
        published = 20 + 20 + 30 + 60
        assert replay["expected"] == replay["received"] == published - published // 2
        assert replay["complete"] is True
        assert {"per_s", "cpu_us_per_delivery"} <= set(replay)
    else:
        assert result["replay"] is None


@pytest.mark.parametrize("bus", ["nats-core", "rabbitmq-classic"])
def test_the_fan_out_floors_end_to_end(bus: str) -> None:
    """The two streams run in the command's test below; these are the floors beside them."""
    require_bus(bus)
    [result] = asyncio.run(bench([bus], TINY, NATS_URL, AMQP_URL, pg_url=None, lease_ttl=0))
    check_figures(result, bus)
    assert "lease" not in result


def test_the_command_prints_one_json_object_per_bus_with_its_lease(capsys: pytest.CaptureFixture[str]) -> None:
    for bus in ("nats-jetstream", "rabbitmq-stream"):
        require_bus(bus)
    require_postgres()
    code = main(["bench", "bus", "--bus", "nats-jetstream", "--bus", "rabbitmq-stream", *TINY_ARGS,
                 "--nats-url", NATS_URL, "--amqp-url", AMQP_URL, "--pg-url", pg_base_url(), "--lease-ttl", "0.5"])
    assert code == 0
    captured = capsys.readouterr()
    results = [json.loads(line) for line in captured.out.splitlines()]
    assert [r["bus"] for r in results] == ["nats-jetstream", "rabbitmq-stream", "postgresql"]
    for result in results[:2]:
        check_figures(result, result["bus"])
    leases = [r["lease"] for r in results]
    assert [lease["kind"] for lease in leases] == ["nats-kv", "rabbitmq-exclusive", "postgresql-advisory"]
    for lease in leases:
        assert {"acquire_ms", "refused_ms", "renew_ms"} <= set(lease)
        # Each way hands the lease over when its holder is killed or frozen (how fast is measured).
        assert lease["takeover_after_crash_s"] is not None
        assert lease["takeover_after_hang_s"] is not None
    assert "nats-jetstream" in captured.err and "lease nats-kv" in captured.err
