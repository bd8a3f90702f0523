"""One stream of items, read by any number of subscribers, each at its own pace.

``subscribe()`` returns an async iterator that sees every item published from that moment on
(subscribe before the first await, and nothing is missed); leaving its loop unsubscribes it.
The bridge fans its domain events out this way, and the server's service the events it has
handled (the dialer reads those).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Generic, TypeVar

Item = TypeVar("Item")


class Fanout(Generic[Item]):
    def __init__(self) -> None:
        self._queues: list[asyncio.Queue[Item]] = []

    def publish(self, item: Item) -> None:
        for queue in self._queues:
            queue.put_nowait(item)

    def subscribe(self) -> AsyncIterator[Item]:
        queue: asyncio.Queue[Item] = asyncio.Queue()
        self._queues.append(queue)

        async def iterate() -> AsyncIterator[Item]:
            try:
                while True:
                    yield await queue.get()
            finally:
                self._queues.remove(queue)

        return iterate()
