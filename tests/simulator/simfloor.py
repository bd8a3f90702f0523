"""The simulator side of ``tests/simulator/flows.py``: the lab's floor on a stepped virtual clock.

Phones 1001–1004 (the lab's names), no queue members until the flow adds them, the lab's
customers behind the carrier (``dialout.lab_pstn``), callers that key their account in about the
time sipp takes. Time moves only when the flow waits (``tick``: 50 virtual ms, then a Ping so
that everything sent so far has been read), so a minute of flow takes a fraction of a second.
``pins``: the variant options the real Asterisk took (``Floor.saw`` on the lab), given to the
simulator up front; ``saw`` here checks that the simulator took them.
"""

from __future__ import annotations

from telephony.simulator import center, inbound
from telephony.simulator.dialout import lab_pstn
from telephony.simulator.model import CallSpec
from telephony.simulator.runner import Simulator, SimulatorConfig
from tests.simulator.floor import SECRET, USER, Floor
from tests.simulator.recorder import Recorder

EPOCH = 1796600000.0
STEP_S = 0.05
IVR_S = 1.83  # sipp keys 12 digits and # 150 ms apart after the prompt


class SimFloor(Floor):
    def __init__(self, pins: dict[str, list[str]] | None = None, seed: int = 1) -> None:
        super().__init__()
        self.pins = {name: list(options) for name, options in (pins or {}).items()}
        self.seen: dict[str, list[str]] = {}
        config = SimulatorConfig(
            username=USER, secret=SECRET, manual_clock=True, epoch=EPOCH, timestamps=True, seed=seed,
            agents=center.AgentSetup(count=4, logged_in=False, ring_delay=None),
        )
        self.sim = Simulator(config)
        self.pbx = self.sim.pbx
        self.pbx.variants.scripted()
        for name, options in self.pins.items():
            self.pbx.variants.pin(name, *options)
        self.recorder = Recorder(EPOCH)

    async def start(self) -> None:
        await self.sim.start()
        await self.connect(self.sim.port)

    async def stop(self) -> None:
        for client in self.clients:
            if not client._task.done():
                await client.close()
        await self.sim.close()

    async def phone(self, ext: str, ring_s: float = 0.8) -> None:
        self.pbx.phones[f"PJSIP/{ext}"].ring_delay = ring_s

    async def customers(self) -> None:
        self.pbx.dialout = lab_pstn

    async def caller(self, number: str, account: str = "", did: str = "95555") -> None:
        inbound.place_call(self.pbx, CallSpec(number, did=did, account=account or None, ivr_s=IVR_S,
                                              talk_s=None, tier="vip" if account.startswith("88") else ""))

    def now(self) -> float:
        return self.sim.clock.now

    async def tick(self) -> None:
        self.sim.clock.advance(STEP_S)
        await self.client.drain()

    async def restart(self, clean: bool) -> None:
        await self.client.drain()
        # PBX time as in the lab: after `core restart now`, Shutdown 1.1 s after the hang-ups, the
        # port back 0.2 s later, app_queue 0.45 s after that; a SIGKILLed one is started again
        # (by the test, about 2 s) and fully booted when the test logs in.
        if clean:
            await self.sim.restart(clean=True, down_s=0.05, shutdown_s=1.1, boot_s=0.2, booting_s=0.45)
        else:
            await self.sim.restart(clean=False, down_s=0.05, boot_s=2.0)
        await self.client.closed()
        await self.connect(self.sim.port, snapshot=True)

    def saw(self, name: str, option: str) -> None:
        self.seen.setdefault(name, []).append(option)
        expected = self.pins.get(name, [])
        index = len(self.seen[name]) - 1
        if index < len(expected):
            assert option == expected[index], f"{name}: the simulator took {option}, pinned {expected[index]}"
