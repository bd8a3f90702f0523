"""Who is who on the floor: agent ids (extensions) to staff users, queues to supervisors.

The hub routes every domain event by these maps, so they are plain dicts read on the event loop.
They are loaded from the Staff table at start-up, refreshed when someone logs in, and refreshed by
staff administration (console/server/routes/staff.py) whenever an account is created, edited,
disabled or enabled, so pops follow an edited extension at once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from console.server.users import AuthUser

if TYPE_CHECKING:
    from sqlalchemy import Engine


@dataclass
class Directory:
    users: dict[int, AuthUser] = field(default_factory=dict)
    _by_extension: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    _supervisors_by_queue: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))

    def add(self, user: AuthUser) -> None:
        old = self.users.get(user.id)
        if old is not None:
            if old == user:
                return
            self.remove(old.id)
        self.users[user.id] = user
        if user.extension:
            self._by_extension[user.extension].add(user.id)
        if user.at_least("supervisor"):
            for queue in user.queues:
                self._supervisors_by_queue[queue].add(user.id)

    def remove(self, user_id: int) -> None:
        user = self.users.pop(user_id, None)
        if user is None:
            return
        if user.extension:
            self._by_extension[user.extension].discard(user_id)
        for queue in user.queues:
            self._supervisors_by_queue[queue].discard(user_id)

    def users_of_agent(self, agent: str | None) -> set[int]:
        """Users whose extension is this agent id (normally one)."""
        return set(self._by_extension.get(agent, ())) if agent else set()

    def supervisors_of(self, queues: Iterable[str]) -> set[int]:
        out: set[int] = set()
        for queue in queues:
            out |= self._supervisors_by_queue.get(queue, set())
        return out

    def members_of_queue(self, queue: str) -> set[int]:
        return {uid for uid, user in self.users.items() if queue in user.queues}

    def queues_of_agent(self, agent: str) -> set[str]:
        out: set[str] = set()
        for uid in self._by_extension.get(agent, ()):
            out |= set(self.users[uid].queues)
        return out

    def user_by_extension(self, extension: str) -> AuthUser | None:
        ids = self._by_extension.get(extension)
        return self.users[min(ids)] if ids else None


def load_directory(engine: Engine) -> Directory:
    """Every active member of staff (blocking: call it in a thread)."""
    from sqlalchemy import select

    from console.server.users import user_from_staff
    from console.store.models import Staff

    directory = Directory()
    with engine.connect() as conn:
        for staff in conn.execute(select(Staff)):
            if getattr(staff, "active", True):
                directory.add(user_from_staff(staff))
    return directory
