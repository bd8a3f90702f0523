"""One object to run the simulator: the PBX, its AMI server, its clock driver and its traffic."""

from __future__ import annotations

import asyncio
import logging
import random
from dataclasses import dataclass, field

from telephony.simulator import center, queues
from telephony.simulator.clock import SimClock
from telephony.simulator.model import QueueConfig
from telephony.simulator.pbx import Pbx
from telephony.simulator.server import AmiServer
from telephony.simulator.traffic import Traffic, TrafficConfig


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


class Simulator:
    def __init__(self, config: SimulatorConfig) -> None:
        self.config = config
        self.rng = random.Random(config.seed)
        self.clock = SimClock(epoch=config.epoch, on_error=None if config.manual_clock else _log_error)
        self.pbx = Pbx(self.clock, self.rng)
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
            try:
                await self._driver
            except asyncio.CancelledError:
                pass
        await self.server.close()

    async def restart(self, clean: bool = True, down_s: float = 0.5) -> None:
        """`core restart now` (clean) or a crash: connections close, the port refuses for ``down_s``
        real seconds, then the PBX is back with its queue members and no calls."""
        from telephony.simulator import lifecycle

        if clean:
            lifecycle.shut_down_cleanly(self.pbx)
        else:
            lifecycle.crash(self.pbx)
        await self.server.close()
        lifecycle.boot(self.pbx)
        await asyncio.sleep(down_s)
        await self.server.start()

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

    async def __aenter__(self) -> Simulator:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()
