"""Run a scripted scenario against a real simulator over TCP and return what the client read."""

from __future__ import annotations

from telephony.framing import Message
from telephony.simulator import center, scenarios
from telephony.simulator.runner import Simulator, SimulatorConfig
from telephony.simulator.scenarios import Scenario
from tests.simulator.amiclient import AmiClient

EPOCH = 1795372966.0
USER, SECRET = "ccbridge", "ccbridge-lab"


def make_simulator(scenario: Scenario) -> Simulator:
    config = SimulatorConfig(
        username=USER, secret=SECRET, manual_clock=True, epoch=EPOCH, timestamps=True, seed=1,
        agents=center.AgentSetup(count=4, logged_in=False),
        queues=scenario.queue_configs(center.lab_queues()),
    )
    sim = Simulator(config)
    scenarios.prepare(sim.pbx, scenario)
    return sim


async def record(scenario: Scenario) -> list[tuple[float, Message]]:
    sim = make_simulator(scenario)
    async with sim:
        client = await AmiClient.connect(sim.port, EPOCH)
        login = await client.action({"Action": "Login", "Username": USER, "Secret": SECRET})
        assert login["Response"] == "Success", login
        await client.action({"Action": "QueueStatus"})

        async def send(action: dict[str, str]) -> None:
            await client.action(action)

        await scenarios.run(sim.pbx, scenario, send)
        await client.drain()
        await client.close()
    return client.received
