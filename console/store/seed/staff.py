"""Seeded staff: agents agent1001…, supervisors, the center manager, an admin, account managers.

Every account gets the demo password ``calldesk`` (printed by ``calldesk seed``; demo only).
All seeded accounts share one hash, its salt derived from the seed: the password is public
anyway, so per-account salts would protect nothing and cost ~50 ms of scrypt per account.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from console.crm.passwords import hash_password
from console.store.seed.bulk import Row
from console.store.seed.people import NameMaker

DEMO_PASSWORD = "calldesk"
STAFF_COLUMNS = ("id", "username", "name", "role", "extension", "queues", "password_hash", "active")


@dataclass(frozen=True, slots=True)
class StaffPlan:
    agents: list[int]  # staff ids of agents, in extension order
    vip_agents: list[int]
    supervisors: list[int]
    managers: list[int]  # account managers (extensions 2001…)
    admin: int


def account_manager_count(customers: int) -> int:
    return min(200, 10 + customers // 20_000)


def make_staff(names: NameMaker, seed: int, agents: int, account_managers: int) -> tuple[list[Row], StaffPlan]:
    rows: list[Row] = []
    salt = hashlib.sha256(f"calldesk-seed:{seed}".encode()).digest()[:16]
    password_hash = hash_password(DEMO_PASSWORD, salt=salt)

    def add(username: str, role: str, extension: str | None, queues: str, name: str | None = None) -> int:
        sid = len(rows) + 1
        rows.append((sid, username, name or names.make().name, role, extension, queues, password_hash, True))
        return sid

    agent_ids, vip_ids = [], []
    for i in range(agents):
        queues = ["retail"]
        if i < max(1, agents // 2):
            queues.append("vip")
        if i < 3:
            queues.append("ringall")
        sid = add(f"agent{1001 + i}", "agent", str(1001 + i), ",".join(queues))
        agent_ids.append(sid)
        if "vip" in queues:
            vip_ids.append(sid)
    supervisors = [add("sup1", "supervisor", "1901", "retail,vip,ringall"),
                   add("sup2", "supervisor", "1902", "retail,vip,ringall")]
    add("mgr1", "manager", None, "")
    admin = add("admin", "admin", None, "", name="系统管理员")
    managers = [add(f"am{2001 + i}", "manager", str(2001 + i), "") for i in range(account_managers)]
    return rows, StaffPlan(agent_ids, vip_ids, supervisors, managers, admin)
