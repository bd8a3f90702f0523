"""The simulated call center: the lab's queues (queues.conf) and agents with Chinese names."""

from __future__ import annotations

from dataclasses import dataclass, field

from telephony.simulator import members
from telephony.simulator.model import Phone, QueueConfig
from telephony.simulator.pbx import Pbx

# The lab's four agents first (the captures' names), then generated ones.
LAB_AGENTS = [("张伟", "Zhang Wei"), ("李娜", "Li Na"), ("王芳", "Wang Fang"), ("陈杰", "Chen Jie")]
SURNAMES = [("刘", "Liu"), ("杨", "Yang"), ("赵", "Zhao"), ("黄", "Huang"), ("周", "Zhou"), ("吴", "Wu"),
            ("徐", "Xu"), ("孙", "Sun"), ("马", "Ma"), ("朱", "Zhu"), ("胡", "Hu"), ("郭", "Guo")]
GIVEN = [("洋", "Yang"), ("敏", "Min"), ("静", "Jing"), ("丽", "Li"), ("强", "Qiang"), ("磊", "Lei"),
         ("军", "Jun"), ("勇", "Yong"), ("艳", "Yan"), ("杰", "Jie"), ("涛", "Tao"), ("明", "Ming"),
         ("超", "Chao"), ("秀英", "Xiuying"), ("霞", "Xia"), ("平", "Ping"), ("刚", "Gang"), ("桂英", "Guiying")]


def lab_queues() -> list[QueueConfig]:
    """retail (weight 0, exit key 1 = callback), vip (weight 10), ringall, margin (joinempty = no,
    leavewhenempty = yes): timeout 12, retry 2, wrap-up 3."""
    return [
        QueueConfig("retail", "rrmemory", weight=0, exit_keys=frozenset({"1"})),
        QueueConfig("vip", "rrmemory", weight=10, servicelevel=10),
        QueueConfig("ringall", "ringall", weight=0),
        QueueConfig("margin", "rrmemory", weight=0, joinempty=False, leavewhenempty=True),
    ]


def agent_name(index: int) -> tuple[str, str]:
    """(member name, phone caller ID name) of the index-th agent: 张伟/Zhang Wei, 李娜/Li Na, …"""
    if index < len(LAB_AGENTS):
        return LAB_AGENTS[index]
    i = index - len(LAB_AGENTS)
    (s, sp), (g, gp) = SURNAMES[i % len(SURNAMES)], GIVEN[(i // len(SURNAMES)) % len(GIVEN)]
    return s + g, f"{sp} {gp}"


RINGALL_TEAM = 5  # agents in queue ringall (the sales line)


@dataclass(frozen=True)
class Agent:
    extension: str
    name: str  # member name, e.g. 张伟
    cid_name: str  # the phone's caller ID name, e.g. Zhang Wei
    queues: tuple[str, ...] = ("retail", "vip", "ringall")
    ring_delay: float | None = 3.0  # None: answers only on CalldeskAnswer (the console)


@dataclass
class AgentSetup:
    """How many agents and how they behave: ring delay, manual answer, where they are logged in."""

    count: int = 4
    first_extension: int = 1001
    ring_delay: float | None = 3.0
    manual: set[str] = field(default_factory=set)  # extensions that answer only on CalldeskAnswer
    queues: tuple[str, ...] = ("retail", "vip", "ringall")
    logged_in: bool = True
    roster: list[Agent] | None = None  # explicit agents (e.g. the store's staff) instead of generated ones

    def agents(self) -> list[Agent]:
        if self.roster is not None:
            return self.roster
        out = []
        for i in range(self.count):
            ext = str(self.first_extension + i)
            name, cid = agent_name(i)
            delay = None if ext in self.manual else self.ring_delay
            queues = self.queues if self.logged_in else ()
            if i >= RINGALL_TEAM:  # a ring-all line rings a small team, not the whole floor
                queues = tuple(q for q in queues if q != "ringall")
            out.append(Agent(ext, name, cid, queues, delay))
        return out


def build(pbx: Pbx, agents: AgentSetup, queue_configs: list[QueueConfig] | None = None) -> None:
    for config in queue_configs or lab_queues():
        pbx.add_queue(config)
    for agent in agents.agents():
        interface = f"PJSIP/{agent.extension}"
        pbx.add_phone(Phone(interface=interface, extension=agent.extension, name=agent.name,
                            cid_name=agent.cid_name, ring_delay=agent.ring_delay))
        for queue in agent.queues:
            if queue in pbx.queues:
                members.add(pbx, queue, interface, agent.name)
