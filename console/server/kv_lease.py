"""A lease in the bus's key-value bucket (docs/bus.md "The lease: JetStream KV"): with several
servers on a bus, the dialer's lease is key ``job.<name>`` of ``<prefix>-lease``, the bucket that
holds the PBXs' links, instead of a PostgreSQL advisory lock.

``acquire()`` is called before each of the job's rounds: a holder renews (compare-and-set on its
revision) when a third of the ttl has passed since its last renewal, and counts itself out as
soon as its last renewal is older than ttl − 1 s by its own clock (a frozen holder that wakes
does nothing on a lease it may have lost); anyone else tries ``create``, which only an absent
key allows. The key lapses ttl after the holder's last renewal; ``release()`` deletes it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from console.server.bus import said

if TYPE_CHECKING:
    from console.server.bus import Bus

log = logging.getLogger(__name__)


class KvLease:
    def __init__(self, bus: Bus, name: str, clock: Callable[[], float] = time.monotonic) -> None:
        self.name = name
        self._bus, self._clock = bus, clock
        self._key = f"job.{name}"
        self._ttl = bus.settings.lease_ttl_s
        self._revision: int | None = None
        self._renewed_at = 0.0

    async def acquire(self) -> bool:
        from nats.js.errors import KeyNotFoundError, KeyWrongLastSequenceError

        value = self._bus.server_id.encode()
        now = self._clock()
        if self._revision is not None:
            if now - self._renewed_at < self._ttl / 3:
                return True
            try:
                self._revision = await self._bus.leases.update(self._key, value, last=self._revision)
                self._renewed_at = self._clock()
                return True
            except Exception as exc:
                if now - self._renewed_at < self._ttl - 1.0:
                    log.warning("lease %s: renewal failed (%s); trying again", self.name, said(exc))
                    return True
                log.warning("lease %s: lost (%s)", self.name, said(exc))
                self._revision = None
                return False
        try:
            self._revision = await self._bus.leases.create(self._key, value)
        except (KeyWrongLastSequenceError, KeyNotFoundError):
            return False  # held by another server (or lapsing between create's two steps)
        except Exception as exc:
            log.warning("lease %s: could not be asked for: %s", self.name, said(exc))
            return False
        self._renewed_at = self._clock()
        return True

    async def release(self) -> None:
        revision, self._revision = self._revision, None
        if revision is not None:
            try:
                await self._bus.leases.delete(self._key, last=revision)
            except Exception as exc:  # it lapses by itself after the ttl
                log.info("lease %s: not deleted (%s)", self.name, said(exc))
