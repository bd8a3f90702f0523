"""A call-center floor on a real Asterisk: calldesk's server, its consoles, an AMI observer.

The server is the one ``calldesk serve`` runs (``create_app`` with ``bridges_from_settings``),
in this test's event loop, connected to the lab Asterisk with calldesk's own AMI user. Consoles
are real WebSocket clients whose every frame is kept; the observer is a second AMI login that
keeps every event Asterisk sends, so a test can say what Asterisk did, what each console got and
what the store recorded.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select

from console.server import keys
from telephony.framing import Message
from tests.live.lab import AMI_SECRET, AMI_USER, OBSERVER_SECRET, OBSERVER_USER, Lab
from tests.simulator.amiclient import AmiClient

PASSWORD = "live-pass-1"
KNOWN_NUMBER, KNOWN_ACCOUNT = "13800138000", "310012345678"
VIP_NUMBER, VIP_ACCOUNT = "13900139000", "880000000001"  # the lab's AstDB routes 88… to vip
OTHER_NUMBER, OTHER_ACCOUNT = "13700137001", "310011112222"
# A VIP in the CRM only: the lab's dialplan (AstDB) would send this account to retail.
CRM_VIP_NUMBER, CRM_VIP_ACCOUNT = "13900139055", "310055550001"
AGENTS = {"1001": "张伟", "1002": "李娜", "1004": "陈杰"}  # the phone 1003 is account manager 陈经理's
SUPERVISOR_EXT = "1009"
LOCAL_MEMBER = "Local/1004@agents/n"  # the lab's FreePBX-style member, StateInterface PJSIP/1004


def live_settings(lab: Lab, **overrides: Any) -> Any:
    from console.config import Settings

    sections: dict[str, Any] = {
        "pbx": [{"name": "main", "host": "127.0.0.1", "port": lab.ami_port, "username": AMI_USER,
                 "secret": AMI_SECRET, "ping_interval_s": 5, "ping_timeout_s": 5,
                 "state_interfaces": {LOCAL_MEMBER: "PJSIP/1004"}}],  # as docs/asterisk.md says: nothing more
        "queues": [{"name": name, "service_level_s": 20, "target_pct": 80, "wrapup_s": 3}
                   for name in ("retail", "vip", "ringall", "margin")],
        # The lab's MixMonitor files (queues.conf monitor-format), read where Asterisk writes them.
        "recordings": {"root": str(lab.monitor), "pbx_folder": str(lab.monitor)},
    }
    sections.update(overrides)
    return Settings(**sections)


def seed_live(engine: Any) -> dict[str, int]:
    """Agents 1001, 1002 and 1004 (retail, vip, ringall, margin), supervisor 1009, account manager
    1003 and the customers the tests call as; returns username -> staff id and name -> customer id."""
    from console.crm.passwords import hash_password
    from console.crm.phones import normalize
    from console.store.db import session_scope
    from console.store.models import Customer, CustomerPhone, Staff

    ids: dict[str, int] = {}
    pw = hash_password(PASSWORD)
    with session_scope(engine) as s:
        for ext, name in AGENTS.items():
            staff = Staff(username=f"agent{ext}", name=name, role="agent", extension=ext,
                          queues="retail,vip,ringall,margin", password_hash=pw)
            s.add(staff)
            s.flush()
            ids[staff.username] = staff.id
        for username, name, role, ext in (("sup1", "刘主管", "supervisor", SUPERVISOR_EXT),
                                          ("mgr1", "陈经理", "manager", "1003")):
            staff = Staff(username=username, name=name, role=role, extension=ext,
                          queues="retail,vip,ringall,margin", password_hash=pw)
            s.add(staff)
            s.flush()
            ids[username] = staff.id
        for key, account, name, pinyin, number, tier in (
                ("known", KNOWN_ACCOUNT, "赵敏", "zhao min", KNOWN_NUMBER, "gold"),
                ("vip", VIP_ACCOUNT, "钱大户", "qian da hu", VIP_NUMBER, "diamond"),
                ("other", OTHER_ACCOUNT, "孙丽", "sun li", OTHER_NUMBER, "silver"),
                ("crm_vip", CRM_VIP_ACCOUNT, "周大福", "zhou da fu", CRM_VIP_NUMBER, "platinum")):
            customer = Customer(client_no=account, name=name, name_pinyin=pinyin,
                                name_initials="".join(w[0] for w in pinyin.split()),
                                id_number="310101198001011234", id_last4="1234", tier=tier,
                                aum=Decimal(800000), manager_id=ids["mgr1"] if key == "known" else None)
            s.add(customer)
            s.flush()
            phone = normalize(number)
            s.add(CustomerPhone(customer_id=customer.id, e164=phone.e164, raw=number, kind="mobile"))
            ids[key] = customer.id
    return ids


@dataclass
class Console:
    """One logged-in user's WebSocket: every frame kept, in order."""

    username: str
    token: str
    ws: aiohttp.ClientWebSocketResponse
    frames: list[dict[str, Any]] = field(default_factory=list)
    _new: asyncio.Event = field(default_factory=asyncio.Event)
    _task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._read(), name=f"console-{self.username}")

    async def _read(self) -> None:
        async for msg in self.ws:
            if msg.type == aiohttp.WSMsgType.TEXT:
                self.frames.append(msg.json())
                self._new.set()

    def of(self, kind: str, **match: Any) -> list[dict[str, Any]]:
        """The frames of this kind whose fields (or whose ``event``'s fields) match."""
        return [f for f in self.frames if f["kind"] == kind and _matches(f, match)]

    async def wait(self, kind: str, timeout: float = 20.0, after: int = 0, **match: Any) -> dict[str, Any]:
        """The first frame of this kind (and fields) at index ``after`` or later, waiting for it."""
        deadline = time.monotonic() + timeout
        while True:
            for frame in self.frames[after:]:
                if frame["kind"] == kind and _matches(frame, match):
                    return frame
            self._new.clear()
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"{self.username}: no {kind} {match} within {timeout} s; got "
                                     f"{[(f['kind'], f.get('event', {}).get('call')) for f in self.frames]}")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._new.wait(), left)

    async def close(self) -> None:
        await self.ws.close()
        if self._task is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._task, 5)


def _matches(frame: dict[str, Any], match: dict[str, Any]) -> bool:
    event = frame.get("event") or {}
    for key, want in match.items():
        have = frame[key] if key in frame else event.get(key)
        if callable(want) and not isinstance(want, type) and not want(have):
            return False
        if not callable(want) and have != want:
            return False
    return True


class Observer:
    """A second AMI login that keeps everything Asterisk sends (what Asterisk did)."""

    def __init__(self, client: AmiClient) -> None:
        self.client = client

    @classmethod
    async def connect(cls, lab: Lab) -> Observer:
        client = await AmiClient.connect(lab.ami_port, 0.0)
        reply = await client.action({"Action": "Login", "Username": OBSERVER_USER, "Secret": OBSERVER_SECRET})
        assert reply["Response"] == "Success", reply
        return cls(client)

    def events(self, name: str, **match: Any) -> list[Message]:
        """Asterisk's events of this name whose headers match (a value, or a predicate)."""
        return [m for _, m in self.client.received
                if m.get("Event") == name and all(v(m.get(k, "")) if callable(v) else m.get(k) == v
                                                  for k, v in match.items())]

    async def wait(self, name: str, timeout: float = 20.0, **match: Any) -> Message:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.events(name, **match)
            if found:
                return found[0]
            await asyncio.sleep(0.05)
        raise AssertionError(f"Asterisk sent no {name} {match} within {timeout} s")

    async def close(self) -> None:
        with contextlib.suppress(Exception):
            await self.client.close()

    def mark(self) -> int:
        """A place in what was received, for :meth:`save`."""
        return len(self.client.received)

    def save(self, path: Path, scenario: str, description: str, since: int = 0, **header: Any) -> Path:
        """What Asterisk sent since ``since``, as a transcript in the captures' format
        (``../shared/ami-transcripts/README.md``; RTCP left out), for offline tracker tests."""
        import json

        from telephony.framing import serialize

        received = [(t, m) for t, m in self.client.received[since:]
                    if not m.get("Event", "").startswith("RTCP")]
        t0 = float(received[0][1].get("Timestamp") or 0) if received else 0.0
        lines = [json.dumps({"scenario": scenario, "asterisk_version": "22.10.1", "description": description,
                             "recorded_by": "tests/live (calldesk's own lab run)", **header}, ensure_ascii=False)]
        for _, msg in received:
            t = round(float(msg.get("Timestamp") or t0) - t0, 6)
            headers = {k: v.split("\n") if "\n" in v else v for k, v in msg.items()}
            raw = serialize(headers).decode("utf-8").removesuffix("\r\n\r\n")
            lines.append(json.dumps({"t": t, "dir": "recv", "raw": raw}, ensure_ascii=False))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path


class LiveFloor:
    """calldesk's server on the lab Asterisk, with consoles and an observer."""

    def __init__(self, lab: Lab, engine: Any, ids: dict[str, int], tmp_path: Path) -> None:
        self.lab, self.engine, self.ids, self.tmp_path = lab, engine, ids, tmp_path
        self.client: TestClient | None = None
        self.consoles: dict[str, Console] = {}
        self.observer: Observer | None = None

    @property
    def app(self) -> Any:
        assert self.client is not None
        return self.client.app

    async def start(self, settings: Any = None) -> None:
        from console.cli.serve import bridges_from_settings
        from console.server.app import create_app

        settings = settings or live_settings(self.lab)
        self.observer = await Observer.connect(self.lab)
        app = create_app(settings, engine=self.engine, bridges=bridges_from_settings(settings),
                         outbox_path=self.tmp_path / "outbox.sqlite3")
        self.client = TestClient(TestServer(app, host="127.0.0.1"))
        await self.client.start_server()
        await self.wait_until(lambda: self.bridge.connected, "the bridge to log in to Asterisk")

    @property
    def bridge(self) -> Any:
        return self.app[keys.BRIDGES]["main"]

    async def stop(self) -> None:
        for console in self.consoles.values():
            await console.close()
        if self.client is not None:
            await self.client.close()
        if self.observer is not None:
            await self.observer.close()

    # --- users --------------------------------------------------------------------------
    async def login(self, username: str) -> str:
        assert self.client is not None
        resp = await self.client.post("/api/login", json={"username": username, "password": PASSWORD})
        assert resp.status == 200, await resp.text()
        return (await resp.json())["token"]

    async def console(self, username: str) -> Console:
        assert self.client is not None
        token = await self.login(username)
        ws = await self.client.ws_connect("/ws", headers={"Authorization": f"Bearer {token}"})
        console = Console(username, token, ws)
        console.start()
        await console.wait("hello", timeout=10)
        self.consoles[username] = console
        return console

    async def call_api(self, username: str, method: str, path: str, json: Any = None,
                       expect: int | tuple[int, ...] = (200, 202), raw: bool = False) -> Any:
        """The response's JSON (or text); its bytes with ``raw``."""
        assert self.client is not None
        console = self.consoles.get(username)
        token = console.token if console else await self.login(username)
        resp = await self.client.request(method, path, json=json, headers={"Authorization": f"Bearer {token}"})
        if raw and resp.status in ((expect,) if isinstance(expect, int) else expect):
            return await resp.read()
        body = await resp.json() if resp.content_type == "application/json" else await resp.text()
        wanted = (expect,) if isinstance(expect, int) else expect
        assert resp.status in wanted, f"{method} {path}: {resp.status} {body}"
        return body

    async def agent_at_phone(self, sipp: Any, ext: str, ring_ms: int = 1000, queue: str = "retail") -> Console:
        """An agent with their console open, their desk phone up (answering after ``ring_ms``)
        and logged in to ``queue``."""
        console = await self.console(f"agent{ext}")
        await sipp.phone(ext, ring_ms=ring_ms)
        await self.log_in_queue(ext, queue)
        return console

    async def log_in_queue(self, ext: str, queue: str = "retail") -> None:
        """The agent logs in to the queue from their console (QueueAdd), as Asterisk confirms."""
        await self.call_api(f"agent{ext}", "POST", "/api/agent/queues", {"queue": queue, "member": True})
        await self.wait_until(lambda: any(ext in i for i in self.lab.members(queue)),
                              f"{ext} to be a member of {queue}")
        await self.wait_until(lambda: self.state_of(ext, queue) == "available", f"{ext} available in {queue}")

    def state_of(self, ext: str, queue: str) -> str | None:
        by_queue = self.bridge.tracker.agent_states().get(ext, {})
        event = by_queue.get(queue)
        return event.state if event else None

    # --- waiting ------------------------------------------------------------------------
    async def wait_until(self, check: Callable[[], Any], what: str, timeout: float = 20.0) -> Any:
        deadline = time.monotonic() + timeout
        while True:
            value = check()
            if value:
                return value
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out after {timeout} s waiting for {what}")
            await asyncio.sleep(0.05)

    async def recorded(self, call: str, count: int = 1, timeout: float = 30.0) -> list[Any]:
        """The stored Interactions of this call, once there are ``count`` of them."""
        from console.store.models import Interaction

        def rows() -> list[Any]:
            with self.engine.connect() as conn:
                return list(conn.execute(select(Interaction.__table__).where(
                    Interaction.__table__.c.linkedid == call).order_by(Interaction.__table__.c.id)))

        await self.app[keys.RECORDER].idle()
        return await self.wait_until(lambda: (found := rows()) and len(found) >= count and found,
                                     f"{count} Interaction(s) of call {call}", timeout)

    def interactions(self) -> list[Any]:
        from console.store.models import Interaction

        with self.engine.connect() as conn:
            return list(conn.execute(select(Interaction.__table__).order_by(Interaction.__table__.c.id)))


def utc(t: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(t, dt.UTC)


async def answered_call(floor: LiveFloor, sipp: Any, console: Console, number: str = KNOWN_NUMBER,
                        account: str = KNOWN_ACCOUNT, hold_ms: int = 3_600_000, did: str = "95555") -> tuple[str, Any]:
    """A caller keys ``account`` in the IVR and is answered on ``console``'s phone (which must be
    ringing-ready and logged in); returns the call id and the caller's sipp."""
    mark = len(console.frames)
    caller = await sipp.caller(number, did=did, keys=account + "#" if account else "", hold_ms=hold_ms)
    pop = await console.wait("pop", after=mark)
    call = pop["call"]
    await console.wait("answered", call=call, after=mark)
    return call, caller
