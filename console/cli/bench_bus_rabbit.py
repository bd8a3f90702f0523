"""RabbitMQ for `calldesk bench bus`, over AMQP 0-9-1 (aio-pika): a stream queue (the RabbitMQ
feature for replay from an offset: ``x-queue-type=stream``, consumers with ``basic.qos`` prefetch
and ``x-stream-offset``; no stream plugin needed) and, as the floor under it, classic fan-out
(one exclusive, auto-deleted classic queue per server bound to a topic exchange, as Wazo does:
nothing to replay).

Publishes go to a topic exchange with the message's subject as routing key, with publisher
confirms, pipelined: one channel keeps them in order (aiormq writes them under the channel's
lock), the confirms are awaited in batches. Consumers ack with ``multiple`` every
``ACK_EVERY`` deliveries: a stream queue needs acks only as credit for the prefetch window.
Every run makes its own exchange and queue, ``calldesk-bench-<hex>``, and deletes them.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import Awaitable, Callable

import aio_pika
from aio_pika.abc import AbstractIncomingMessage

from console.cli.bench_bus_frames import Message
from console.cli.bench_bus_nats import OnMessage

PENDING_CONFIRMS = 4_000
PREFETCH = 1_000
ACK_EVERY = 100


class _RabbitBase:
    name = "rabbitmq"
    replay = False
    first_seq = 0

    def __init__(self, url: str, run: str | None = None) -> None:
        self.url = url
        self.run = run or secrets.token_hex(4)
        self.exchange_name = f"calldesk-bench-{self.run}"
        self._conns: list[aio_pika.abc.AbstractConnection] = []
        self._pending: list[asyncio.Future] = []
        self.version: str | None = None

    async def _connect(self) -> aio_pika.abc.AbstractConnection:
        conn = await aio_pika.connect(self.url, timeout=3)
        self._conns.append(conn)
        self.version = conn.transport.connection.server_properties.get("version")  # type: ignore[union-attr]
        return conn

    async def _open_exchange(self) -> None:
        self.conn = await self._connect()
        self.channel = await self.conn.channel(publisher_confirms=True)
        self.exchange = await self.channel.declare_exchange(self.exchange_name, aio_pika.ExchangeType.TOPIC)

    async def publish(self, msg: Message, n: int) -> None:
        headers = {"t": time.perf_counter_ns(), "c": msg.call, "i": msg.index, "n": n}
        message = aio_pika.Message(msg.body, headers=headers, content_type="application/json",
                                   delivery_mode=aio_pika.DeliveryMode.PERSISTENT)
        # Its own task, so that confirms are awaited in batches; tasks start in the order they
        # were made and take the channel's lock in that order: the broker gets them in order.
        self._pending.append(asyncio.ensure_future(self.exchange.publish(message, routing_key=msg.subject)))
        if len(self._pending) >= PENDING_CONFIRMS:
            await self.flush()

    async def flush(self) -> None:
        pending, self._pending = self._pending, []
        await asyncio.gather(*pending)

    @staticmethod
    def _consumer(on_message: OnMessage, seq_of: Callable[[AbstractIncomingMessage], int]):
        unacked = 0

        async def deliver(message: AbstractIncomingMessage) -> None:
            nonlocal unacked
            h = message.headers
            on_message(seq_of(message), h["t"], h["c"], h["i"], h["n"], message.body)  # type: ignore[arg-type]
            unacked += 1
            if unacked >= ACK_EVERY:
                unacked = 0
                await message.ack(multiple=True)

        return deliver

    async def close(self) -> None:
        with_channel = getattr(self, "channel", None)
        if with_channel is not None and not self.channel.is_closed:
            await self._drop()
        for conn in self._conns:
            if not conn.is_closed:
                await conn.close()

    async def _drop(self) -> None:
        await self.exchange.delete()


class RabbitStream(_RabbitBase):
    name = "rabbitmq-stream"
    replay = True

    async def open(self) -> None:
        await self._open_exchange()
        self.queue = await self.channel.declare_queue(
            self.exchange_name, durable=True,
            arguments={"x-queue-type": "stream", "x-max-age": "1h", "x-max-length-bytes": 2 * 2**30})
        await self.queue.bind(self.exchange, "#")

    async def subscribe(self, on_message: OnMessage, after: int) -> Callable[[], Awaitable[None]]:
        channel = await (await self._connect()).channel()
        await channel.set_qos(prefetch_count=PREFETCH)
        queue = await channel.get_queue(self.exchange_name, ensure=False)
        deliver = self._consumer(on_message, lambda m: m.headers["x-stream-offset"])  # type: ignore[return-value]
        tag = await queue.consume(deliver, arguments={"x-stream-offset": after + 1})
        return lambda: queue.cancel(tag)

    async def _drop(self) -> None:
        await self.queue.delete(if_unused=False, if_empty=False)
        await super()._drop()


class RabbitClassic(_RabbitBase):
    name = "rabbitmq-classic"

    async def open(self) -> None:
        await self._open_exchange()

    async def subscribe(self, on_message: OnMessage, after: int) -> Callable[[], Awaitable[None]]:
        channel = await (await self._connect()).channel()
        await channel.set_qos(prefetch_count=PREFETCH)
        queue = await channel.declare_queue(exclusive=True, auto_delete=True)
        await queue.bind(self.exchange_name, "#")
        seq = after

        def seq_of(_: AbstractIncomingMessage) -> int:
            nonlocal seq
            seq += 1
            return seq

        tag = await queue.consume(self._consumer(on_message, seq_of))
        return lambda: queue.cancel(tag)
