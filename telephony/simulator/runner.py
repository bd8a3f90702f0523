"""One object to run the simulator: the PBX, its AMI server, its clock driver and its traffic."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Self

from telephony.simulator import center, queues
from telephony.simulator.clock import SimClock
from telephony.simulator.model import QueueConfig
from telephony.simulator.pbx import Pbx
from telephony.simulator.server import AmiServer
from telephony.simulator.traffic import Traffic, TrafficConfig
from telephony.simulator.variants import Variants

log = logging.getLogger(__name__)


def _log_error(exc: BaseException) -> None:
    log.error("simulator: a timer failed", exc_info=exc)


@dataclass
class SimulatorConfig:
    username: str = "calldesk"
    secret: str = "calldesk"
    host: str = "127.0.0.1"
    port: int = 0
    speed: float = 1.0  # virtual seconds per real second
    manual_clock: bool = False  # tests step the clock themselves (no real-time driver)
    seed: int | None = None
    epoch: float | None = None  # Unix time of t=0 (Uniqueids); None: now
    timestamps: bool = False  # add Timestamp: to events (manager.conf timestampevents)
    agents: center.AgentSetup = field(default_factory=center.AgentSetup)
    queues: list[QueueConfig] | None = None  # None: the lab's retail, vip and ringall
    traffic: TrafficConfig | None = None  # None: no random callers (scripted runs)
    scenario: str | None = None  # a scripted scenario (catalogue name) to play once, from t = 1 s
    recordings_dir: str | None = None  # where MixMonitor's files are written (simulator/recording.py)


class Simulator:
    def __init__(self, config: SimulatorConfig) -> None:
        self.config = config
        self.rng = random.Random(config.seed)
        self.clock = SimClock(epoch=config.epoch, on_error=None if config.manual_clock else _log_error)
        # A separate stream, so that Asterisk's varying orders do not shift the traffic's draws.
        variants = Variants(random.Random(f"variants-{config.seed}") if config.seed is not None else random.Random())
        self.pbx = Pbx(self.clock, self.rng, variants)
        if config.recordings_dir:
            self.pbx.recordings_dir = Path(config.recordings_dir)
        self.pbx.on_idle.append(lambda: queues.dispatch(self.pbx))
        scenario = None
        if config.scenario is not None:
            from telephony.simulator.catalogue import SCENARIOS

            scenario = SCENARIOS[config.scenario]
            config.agents = center.AgentSetup(count=4, logged_in=False)
            config.queues = scenario.queue_configs(center.lab_queues())
        center.build(self.pbx, config.agents, config.queues)
        if scenario is not None:
            from telephony.simulator import scenarios

            scenarios.prepare(self.pbx, scenario)
            scenarios.schedule(self.pbx, scenario, offset=1.0)
        self.server = AmiServer(self.pbx, config.username, config.secret, config.host, config.port,
                                timestamps=config.timestamps)
        self.traffic = Traffic(self.pbx, config.traffic, self.rng) if config.traffic else None
        self._driver: asyncio.Task[None] | None = None

    @property
    def port(self) -> int:
        return self.server.port

    async def start(self) -> int:
        port = await self.server.start()
        if self.traffic is not None:
            self.traffic.start()
        if not self.config.manual_clock:
            self._driver = asyncio.create_task(self.clock.run_realtime(self.config.speed))
        return port

    async def close(self) -> None:
        if self._driver is not None:
            self._driver.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._driver
        await self.server.close()

    async def restart(self, clean: bool = True, down_s: float = 0.5, shutdown_s: float = 0.0,
                      boot_s: float = 0.0, booting_s: float = 0.0) -> None:
        """`core restart now` (clean) or a crash: connections close, the port refuses for ``down_s``
        real seconds, then the PBX is back with its queue members and no calls. In PBX seconds
        (the lab's Asterisk 22 after `core restart now`): ``shutdown_s`` from the calls' hang-ups
        to ``Shutdown`` (1.1 s), ``boot_s`` until the port listens again (0.2 s), ``booting_s``
        while logins work but app_queue's actions do not, until FullyBooted (0.45 s)."""
        from telephony.simulator import lifecycle

        if clean:
            lifecycle.hang_up_for_shutdown(self.pbx)
            await self._pass(shutdown_s)
            lifecycle.announce_shutdown(self.pbx)
        else:
            lifecycle.crash(self.pbx)
        await self.server.close()
        await self._pass(boot_s)
        lifecycle.boot(self.pbx)
        await asyncio.sleep(down_s)
        await self.server.start()
        self.server.boot(booting_s)

    async def _pass(self, seconds: float) -> None:
        """Let PBX time pass: stepped on a manual clock, waited for on a real-time one."""
        if seconds <= 0:
            return
        if self.config.manual_clock:
            self.clock.advance(seconds)
        else:
            await asyncio.sleep(seconds / self.config.speed)

    def status(self) -> dict[str, int]:
        """A one-line picture for the console: calls placed, in progress, waiting, talking, events."""
        pbx = self.pbx
        waiting = sum(len(q.entries) for q in pbx.queues.values())
        talking = sum(1 for c in pbx.calls if c.connected is not None)
        return {
            "placed": self.traffic.placed if self.traffic else 0, "active": len(pbx.calls),
            "waiting": waiting, "talking": talking, "events": pbx.events_emitted,
            "clients": len(self.server.sessions),
        }

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()
