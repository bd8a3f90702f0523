"""One PBX followed by several servers: the AMI link under a lease, its journal on the bus.

Every server runs a ``PbxRelay`` per PBX (the bridge's ``relay``, telephony.journal.Relay):

* **It follows the journal.** An ordered JetStream consumer on ``<prefix>.pbx.<pbx>`` applies
  every entry to the bridge (``Bridge.apply``), this server's own entries included: every
  server's tracker is fed the same input in the same order, so every server knows every call,
  pops its own consoles, and records each call's end (the recorder's unique key keeps one row).
  A server that starts while another holds the link asks the holder for a snapshot
  (``<prefix>.resync.<pbx>``) and follows from before it, as a fresh AMI connection would.
* **One server holds the link.** It is the one whose ``create`` of the key ``pbx.<pbx>`` in the
  lease bucket succeeded; it renews every ttl/3 with a compare-and-set. Before it connects it
  applies the whole journal written so far and writes ``lost`` (the old holder's link is gone:
  the snapshot of its own connection then ends the calls that ended meanwhile). It stops acting
  (closes the AMI link, writes nothing) as soon as its last successful renewal is older than
  ttl − 1 s by its own monotonic clock: a frozen holder that wakes up does not act on a lease it
  has lost. A clean shutdown deletes the key, so a stand-by takes over at once.
* **Fencing.** Each entry carries ``Calldesk-Term``: the revision of the ``create`` that won the
  lease, which rises with every new holder. Followers drop entries of a term lower than the
  highest they have seen: a late write of a deposed holder cannot interleave with the new one's.
* **Actions** for the PBX (a hang-up, an originate, a queue pause) from a server that does not
  hold the link go to the holder as a request on ``<prefix>.act.<pbx>``; the reply carries the
  AMI response (and a list action's events).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from console.server.bus import Bus, said, subject_token
from telephony.connection import AmiActionError, AmiConnectionLost
from telephony.journal import ActionReply, Entry, JournalError, decode_batch, encode, encode_batch
from telephony.protocol import Reply

if TYPE_CHECKING:
    from nats.aio.msg import Msg
    from nats.aio.subscription import Subscription
    from nats.js.client import JetStreamContext

    from telephony.bridge import Bridge

log = logging.getLogger(__name__)

TERM_HEADER = "Calldesk-Term"
_TRY_EVERY_S = 0.5  # a stand-by tries to take a free lease this often
_CATCH_UP_S = 10.0  # a new holder waits at most this long to apply the journal before it connects
BATCH_ENTRIES = 500  # at most this many entries in one stream message
BATCH_BYTES = 256 * 1024  # nor more than this (NATS refuses a message over its max_payload, 1 MB by default)


class PbxRelay:
    def __init__(self, bus: Bus, bridge: Bridge, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._bus = bus
        self._bridge = bridge
        self._clock = clock
        token = subject_token(bridge.name)
        self.subject = f"{bus.prefix}.pbx.{token}"
        self.key = f"pbx.{token}"
        self._act_subject = f"{bus.prefix}.act.{token}"
        self._resync_subject = f"{bus.prefix}.resync.{token}"
        self._ttl = bus.settings.lease_ttl_s
        self._holding = False
        self.term = 0  # the revision that won our lease, while we hold it
        self._revision = 0  # the key's revision after our last renewal
        self._renewed_at = 0.0
        self._max_term = 0  # the highest term the journal has shown
        self.applied = 0  # stream sequence of the last entry applied
        self.takeovers = 0
        self._writes: asyncio.Queue[Entry | None] = asyncio.Queue()
        self._writer: asyncio.Task[None] | None = None
        self._link: asyncio.Task[None] | None = None
        self._subs: list[Subscription] = []
        self._holder_subs: list[Subscription] = []
        self._applied_moved = asyncio.Event()
        self._closed = False

    # --- the Relay protocol -----------------------------------------------------------------
    @property
    def holding(self) -> bool:
        return self._holding

    def append(self, entry: Entry) -> None:
        if not self._holding:
            log.debug("relay %s: %s not written (this server no longer holds the link)", self.key, entry["k"])
            return
        if self._clock() - self._renewed_at >= self._ttl - 1.0:
            # Not renewed for nearly a ttl (this process was frozen, or the bus is away): the lease
            # may be another server's by now. Write nothing; the renewal decides.
            log.warning("relay %s: %s not written: the lease was last renewed %.1f s ago", self.key, entry["k"],
                        self._clock() - self._renewed_at)
            return
        self._writes.put_nowait(entry)

    async def act(self, action: Mapping[str, object], expect: Entry | None, forward_events: bool) -> ActionReply:
        from nats.errors import NoRespondersError
        from nats.errors import TimeoutError as NatsTimeout

        name = str(action.get("Action", "?"))
        payload = json.dumps({"action": {k: str(v) for k, v in action.items()}, "expect": expect,
                              "events": forward_events}).encode()
        try:
            msg = await self._bus.nc.request(self._act_subject, payload,
                                             timeout=self._bridge.conn.action_timeout_s + 1.0)
        except NoRespondersError:
            raise AmiConnectionLost(f"PBX {self._bridge.name}: no server holds its AMI link") from None
        except NatsTimeout:
            raise AmiActionError(f"AMI action {name} not answered by the server holding the link") from None
        reply = json.loads(msg.data)
        if reply.get("lost"):
            raise AmiConnectionLost(reply["error"])
        if reply.get("error"):
            raise AmiActionError(reply["error"], reply.get("response"))
        return Reply(reply["response"], reply.get("events") or [])

    async def run(self) -> None:
        while not self._subs and not self._closed:
            try:
                await self._follow()
            except Exception as exc:  # the bus is away: follow once it is back
                log.warning("relay %s: cannot follow the journal yet: %s", self.key, said(exc))
                await asyncio.sleep(_TRY_EVERY_S * 4)
        try:
            while not self._closed:
                try:
                    if self._holding:
                        await self._hold()
                    else:
                        await self._try_take()
                except Exception:  # one bad round must not end this server's part in the PBX
                    log.exception("relay %s: lease round failed", self.key)
                    await asyncio.sleep(_TRY_EVERY_S)
        finally:
            await self._let_go(delete=True)

    async def close(self) -> None:
        self._closed = True
        await self._let_go(delete=True)
        for sub in self._subs:
            with contextlib.suppress(Exception):
                await sub.unsubscribe()
        self._subs.clear()
        if self._writer is not None:
            self._writes.put_nowait(None)
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._writer, 2.0)

    async def caught_up(self, timeout_s: float = _CATCH_UP_S) -> bool:
        """Wait until every entry in the stream so far has been applied here."""
        last = await self._last_written()
        deadline = self._clock() + timeout_s
        while self.applied < last:
            self._applied_moved.clear()
            left = deadline - self._clock()
            if left <= 0:
                return False
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._applied_moved.wait(), left)
        return True

    async def _last_written(self) -> int:
        """The stream sequence of this PBX's last journal entry (0: none kept)."""
        from nats.js.errors import NotFoundError

        try:
            return int((await self._js.get_last_msg(self._bus.stream, self.subject)).seq or 0)
        except NotFoundError:
            return 0

    # --- following ----------------------------------------------------------------------------
    @property
    def _js(self) -> JetStreamContext:
        return self._bus.js

    async def _follow(self) -> None:
        """Subscribe to the journal from its end, then ask a holder (if any) for a snapshot."""
        from nats.errors import NoRespondersError
        from nats.errors import TimeoutError as NatsTimeout
        from nats.js.api import ConsumerConfig, DeliverPolicy

        info = await self._js.stream_info(self._bus.stream)
        start = info.state.last_seq + 1
        self.applied = start - 1  # what came before is not ours to apply: the snapshot replaces it
        config = ConsumerConfig(deliver_policy=DeliverPolicy.BY_START_SEQUENCE, opt_start_seq=start)
        sub = await self._js.subscribe(self.subject, stream=self._bus.stream, cb=self._deliver,
                                       ordered_consumer=True, config=config)
        self._subs.append(sub)
        with contextlib.suppress(NoRespondersError, NatsTimeout):
            await self._bus.nc.request(self._resync_subject, b"", timeout=self._bridge.conn.action_timeout_s)

    async def _deliver(self, msg: Msg) -> None:
        seq = msg.metadata.sequence.stream
        term = int((msg.headers or {}).get(TERM_HEADER, "0") or 0)
        self.applied = seq
        self._applied_moved.set()
        if term < self._max_term:
            log.warning("relay %s: entry %d of a deposed holder (term %d < %d) dropped", self.key, seq, term,
                        self._max_term)
            return
        self._max_term = term
        try:
            entries, bad = decode_batch(msg.data)
        except JournalError as exc:
            log.warning("relay %s: stream message %d skipped: %s", self.key, seq, exc)
            return
        for why in bad:
            log.warning("relay %s: stream message %d: %s skipped", self.key, seq, why)
        for entry in entries:
            try:
                self._bridge.apply(entry)
            except Exception:  # one bad entry must not stop this server following the PBX
                log.exception("relay %s: an entry of message %d (%s) could not be applied", self.key, seq,
                              entry["k"])

    # --- the lease ----------------------------------------------------------------------------
    async def _try_take(self) -> None:
        from nats.js.errors import KeyNotFoundError, KeyWrongLastSequenceError

        try:
            revision = await self._bus.leases.create(self.key, self._bus.server_id.encode())
        except (KeyWrongLastSequenceError, KeyNotFoundError):
            # Held by another server (KeyNotFoundError: nats-py's create found the key gone
            # between its two steps; docs/bus.md). Try again shortly.
            await asyncio.sleep(_TRY_EVERY_S)
            return
        except Exception as exc:  # the bus is down or slow: no one can take it
            log.warning("relay %s: the lease could not be asked for: %s", self.key, said(exc))
            await asyncio.sleep(_TRY_EVERY_S)
            return
        self.term = self._revision = revision
        self._renewed_at = self._clock()
        try:
            caught_up = await self.caught_up()
        except Exception as exc:  # the bus went away meanwhile: the snapshot confirms every call
            log.warning("relay %s: the journal's end could not be read: %s", self.key, said(exc))
            caught_up = False
        if not caught_up:
            log.warning("relay %s: took the lease but the journal is not all applied here; taking over "
                        "anyway (the snapshot confirms every call)", self.key)
        try:  # catching up may have taken a while: renew before acting on the lease
            self._revision = await self._bus.leases.update(self.key, self._bus.server_id.encode(),
                                                           last=self._revision)
            self._renewed_at = self._clock()
        except Exception as exc:
            log.warning("relay %s: the lease lapsed while the journal was applied (%s); not taking the link",
                        self.key, said(exc))
            return
        self._holding = True
        self.takeovers += 1
        self._writer = asyncio.create_task(self._write_forever(), name=f"journal-{self.key}")
        # A takeover from another server is worth a warning; the first holder of a fresh journal is not.
        log.log(logging.WARNING if self._max_term else logging.INFO,
                "relay %s: this server (%s) holds the AMI link now (term %d)", self.key, self._bus.server_id, self.term)
        self.append({"k": "lost", "t": self._bridge.pbx_clock.now()})  # the previous link, if any
        self._bridge.took_over()
        self._holder_subs = [
            await self._bus.nc.subscribe(self._act_subject, cb=self._serve_action),
            await self._bus.nc.subscribe(self._resync_subject, cb=self._serve_resync),
        ]
        conn = self._bridge.conn
        conn.reopen()
        self._link = asyncio.create_task(conn.run(), name=f"ami-{self.key}")

    async def _hold(self) -> None:
        """Renew every ttl/3; let go when a renewal fails or comes too late."""
        await asyncio.sleep(self._ttl / 3)
        if not self._holding:
            return
        try:
            self._revision = await asyncio.wait_for(
                self._bus.leases.update(self.key, self._bus.server_id.encode(), last=self._revision), self._ttl / 3)
            self._renewed_at = self._clock()
        except Exception as exc:
            if self._clock() - self._renewed_at < self._ttl - 1.0:
                log.warning("relay %s: lease renewal failed (%s); trying again", self.key, said(exc))
                return
            log.error("relay %s: lease lost (%s); closing the AMI link", self.key, said(exc))
            await self._let_go(delete=False)
            return
        if self._clock() - self._renewed_at >= self._ttl - 1.0:
            await self._let_go(delete=False)

    async def _let_go(self, *, delete: bool) -> None:
        if not self._holding:
            return
        self._holding = False
        self._bridge.gave_up()
        for sub in self._holder_subs:
            with contextlib.suppress(Exception):
                await sub.unsubscribe()
        self._holder_subs = []
        conn = self._bridge.conn
        await conn.close()
        if self._link is not None:
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await asyncio.wait_for(self._link, 5.0)
            self._link = None
        if self._writer is not None:
            self._writes.put_nowait(None)
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await asyncio.wait_for(self._writer, 2.0)
            self._writer = None
        if delete:
            with contextlib.suppress(Exception):
                await self._bus.leases.delete(self.key, last=self._revision)
        log.log(logging.INFO if delete else logging.WARNING, "relay %s: this server (%s) let the AMI link go",
                self.key, self._bus.server_id)

    # --- what the holder does for the others ------------------------------------------------
    async def _write_forever(self) -> None:
        """Publish the entries in order, what has queued up since the last publish as one message
        (no waiting for more: a lone entry goes at once); acks are awaited in the background."""
        headers = {TERM_HEADER: str(self.term)}
        pending: set[asyncio.Future[Any]] = set()
        carry: bytes | None = None
        done = False
        while not done:
            if carry is None:
                first = await self._writes.get()
                if first is None:
                    break
                carry = encode(first)
            batch, size, carry = [carry], len(carry), None
            while not self._writes.empty() and len(batch) < BATCH_ENTRIES:
                entry = self._writes.get_nowait()
                if entry is None:
                    done = True
                    break
                part = encode(entry)
                if size + len(part) > BATCH_BYTES:
                    carry = part  # the first of the next message
                    break
                batch.append(part)
                size += len(part) + 1
            data = batch[0] if len(batch) == 1 else encode_batch(batch)
            try:
                ack = await self._js.publish_async(self.subject, data, headers=headers)
            except Exception as exc:
                log.error("relay %s: %d journal entries not written: %s", self.key, len(batch), exc)
                continue
            pending.add(ack)
            ack.add_done_callback(self._acked(len(batch), pending))
        if pending:
            await asyncio.wait(pending, timeout=2.0)

    def _acked(self, entries: int, pending: set[asyncio.Future[Any]]) -> Callable[[asyncio.Future[Any]], None]:
        def done(ack: asyncio.Future[Any]) -> None:
            pending.discard(ack)
            if not ack.cancelled() and ack.exception() is not None:
                log.error("relay %s: %d journal entries not stored: %s", self.key, entries, ack.exception())
        return done

    async def _serve_action(self, msg: Msg) -> None:
        try:
            request = json.loads(msg.data)
            action: dict[str, str] = request["action"]
            expect: Entry | None = request.get("expect")
        except (ValueError, KeyError, TypeError) as exc:
            await msg.respond(json.dumps({"error": f"not an action request: {exc}"}).encode())
            return
        reply: dict[str, Any]
        try:
            answer = await self._bridge.send(action, expect=expect, forward_events=bool(request.get("events")))
            reply = {"response": answer.response, "events": answer.events}
        except AmiConnectionLost as exc:
            reply = {"lost": True, "error": str(exc)}
        except AmiActionError as exc:
            reply = {"error": str(exc), "response": exc.response}
        await msg.respond(json.dumps(reply, ensure_ascii=False).encode())

    async def _serve_resync(self, msg: Msg) -> None:
        """A server started following: snapshot the PBX into the journal for it."""
        await msg.respond(b"{}")
        if self._bridge.conn.connected:
            try:
                await self._bridge.resync()
            except Exception as exc:  # the link itself reconnects and resyncs if it is bad
                log.warning("relay %s: snapshot for a new server failed: %s", self.key, exc)
                return
            self.append({"k": "up", "t": self._bridge.pbx_clock.now(), "version": self._bridge.pbx_version})
