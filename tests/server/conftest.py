"""Fixtures of the server tests (the CRM route tests reuse them).

* ``frozen_clock``: a settable aware-UTC clock injected into the app (token expiry, due times).
* ``seeded_engine`` / ``seed``: ``migrated_engine`` (SQLite, then PostgreSQL) with a small floor
  (``seed_floor``; ids in ``seed``): staff agent1–3 (1001–1003), sup1 (1900, supervisor of
  retail), mgr1 (2001, account manager), admin; customers matching the captures' callers: known
  (13800138000, account 310012345678, capture 01, with history, an open complaint, follow-ups),
  two sharing the landline 02188180001 (ambiguous, capture 18), the transferred caller
  (capture 06), the abandoning caller (03), the callback requester (19); capture 14's caller is
  unknown. Every staff password is ``PASSWORD``.
* ``tests/server/floor.py``: ``replay_floor(make_client, capture, …)`` runs a capture through the
  replay server and the real Bridge into a server, with consoles on WebSockets.
* ``make_client(**kwargs)``: a real server on 127.0.0.1 and an aiohttp client for it;
  ``client``: one with no PBX. ``login(client, username)`` -> token; ``bearer(token)`` -> headers.
* ``agent_token`` (agent1, ext 1001), ``agent2_token`` (1002), ``supervisor_token``.
* ``api_cli`` (``tests/server/cli_run.py``): runs a `calldesk …` command against ``client``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from tests.server.cli_run import api_cli  # noqa: F401 - a fixture of this directory

PASSWORD = "s3cret-pass"
START = dt.datetime(2026, 11, 22, 2, 0, tzinfo=dt.UTC)
KNOWN_NUMBER, KNOWN_ACCOUNT = "13800138000", "310012345678"
SHARED_NUMBER = "02188180001"  # a family landline (capture 18 rings 1002 from it)
TRANSFER_NUMBER, TRANSFER_ACCOUNT = "13811112222", "310077778888"  # capture 06
ABANDON_NUMBER = "13912345678"  # capture 03
CALLBACK_ACCOUNT = "310019191919"  # capture 19
UNKNOWN_NUMBER = "13911140014"  # capture 14 (its IVR account is not a customer either)


@dataclass
class FrozenClock:
    now: dt.datetime = START

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


@dataclass
class Seed:
    staff: dict[str, int] = field(default_factory=dict)  # username -> id
    known: int = 0
    shared: tuple[int, int] = (0, 0)
    other: int = 0
    transfer: int = 0
    abandon: int = 0
    callback: int = 0
    open_ticket: int = 0


_HASH: list[str] = []


def password_hash() -> str:
    if not _HASH:
        from console.crm.passwords import hash_password

        _HASH.append(hash_password(PASSWORD))
    return _HASH[0]


def seed_floor(engine: Any) -> Seed:
    from console.crm.phones import normalize
    from console.store.db import session_scope
    from console.store.models import Customer, CustomerPhone, FollowUp, Interaction, Staff, Ticket

    seed = Seed()
    people = [
        ("agent1", "张伟", "agent", "1001", "retail"),
        ("agent2", "王芳", "agent", "1002", "retail"),
        ("agent3", "李强", "agent", "1003", "retail,vip"),
        ("sup1", "刘主管", "supervisor", "1900", "retail"),
        ("mgr1", "陈经理", "manager", "2001", ""),
        ("admin", "管理员", "admin", None, ""),
    ]
    with session_scope(engine) as s:
        for username, name, role, ext, queues in people:
            staff = Staff(username=username, name=name, role=role, extension=ext, queues=queues,
                          password_hash=password_hash())
            s.add(staff)
            s.flush()
            seed.staff[username] = staff.id

        def customer(client_no: str, name: str, pinyin: str, phone: str, **kw: Any) -> int:
            c = Customer(client_no=client_no, name=name, name_pinyin=pinyin,
                         name_initials="".join(w[0] for w in pinyin.split()),
                         id_number=kw.pop("id_number", "310101198001011234"),
                         id_last4="1234", **kw)
            s.add(c)
            s.flush()
            number = normalize(phone)
            s.add(CustomerPhone(customer_id=c.id, e164=number.e164, raw=phone,
                                kind=number.kind if number.kind in ("mobile", "landline") else "other"))
            return c.id

        seed.known = customer(KNOWN_ACCOUNT, "赵敏", "zhao min", KNOWN_NUMBER, tier="gold",
                              aum=Decimal("800000.00"), risk_level="C3", risk_assessed_on=dt.date(2023, 1, 5),
                              manager_id=seed.staff["mgr1"], branch="上海浦东营业部", margin=True)
        seed.shared = (
            customer("310000000001", "钱进", "qian jin", SHARED_NUMBER, tier="standard"),
            customer("310000000002", "钱多多", "qian duo duo", SHARED_NUMBER, tier="silver", aum=Decimal(150000)),
        )
        seed.other = customer("310000000003", "单田芳", "shan tian fang", "13700137000", tier="diamond",
                              aum=Decimal(20000000), risk_level="C5", risk_assessed_on=dt.date(2026, 1, 1))
        seed.transfer = customer(TRANSFER_ACCOUNT, "孙丽", "sun li", TRANSFER_NUMBER, tier="platinum",
                                 aum=Decimal(3000000), manager_id=seed.staff["mgr1"])
        seed.abandon = customer("310012340000", "周杰", "zhou jie", ABANDON_NUMBER, tier="gold", aum=Decimal(600000))
        seed.callback = customer(CALLBACK_ACCOUNT, "吴静", "wu jing", "13719190019", tier="diamond",
                                 aum=Decimal(12000000))
        for day in range(6):
            s.add(Interaction(pbx="main", linkedid=f"hist-{day}", queue="retail", customer_id=seed.known,
                              agent_id=seed.staff["agent2"], agent_ext="1002", caller_number=KNOWN_NUMBER,
                              started_at=START - dt.timedelta(days=day + 1), outcome="answered", talk_s=60))
        ticket = Ticket(number="T20261120-000001", customer_id=seed.known, category="complaint",
                        priority="high", status="open", subject="成交回报延迟",
                        sla_due_at=START + dt.timedelta(hours=4))
        s.add(ticket)
        s.add(Ticket(number="T20261101-000002", customer_id=seed.known, category="information",
                     status="closed", subject="已解决的咨询"))
        s.add(FollowUp(customer_id=seed.known, due_at=START + dt.timedelta(hours=1), reason="回访两融风险提示",
                       owner_id=seed.staff["agent1"]))
        s.add(FollowUp(customer_id=seed.known, due_at=START + dt.timedelta(days=5), reason="下周回访"))
        s.flush()
        seed.open_ticket = ticket.id
    return seed


@pytest.fixture
def frozen_clock() -> FrozenClock:
    return FrozenClock()


@pytest.fixture
def seeded(migrated_engine: Any) -> tuple[Any, Seed]:
    return migrated_engine, seed_floor(migrated_engine)


@pytest.fixture
def seeded_engine(seeded: tuple[Any, Seed]) -> Any:
    return seeded[0]


@pytest.fixture
def seed(seeded: tuple[Any, Seed]) -> Seed:
    return seeded[1]


def server_settings(**sections: Any) -> Any:
    """Settings for a test's server; the search index keeps no snapshot unless a test asks (the
    default file is relative to the working directory: the checkout)."""
    from console.config import SearchSettings, Settings

    sections.setdefault("search", SearchSettings(snapshot=""))
    return Settings(**sections)


MakeClient = Callable[..., Awaitable[TestClient]]


@pytest.fixture
async def make_client(seeded_engine: Any, tmp_path: Path, frozen_clock: FrozenClock) -> AsyncIterator[MakeClient]:
    from console.server.app import create_app

    clients: list[TestClient] = []

    async def make(*, settings: Any = None, engine: Any = None, bridges: Any = None, clock: Any = None,
                   outbox_path: Path | None = None) -> TestClient:
        app = create_app(settings or server_settings(), engine=engine or seeded_engine, bridges=bridges,
                         clock=clock or frozen_clock, outbox_path=outbox_path or tmp_path / "outbox.sqlite3")
        client = TestClient(TestServer(app, host="127.0.0.1"))
        await client.start_server()
        clients.append(client)
        return client

    yield make
    for client in reversed(clients):
        await close_or_tell(client)


CLOSE_TIMEOUT_S = 60.0


async def close_or_tell(client: TestClient) -> None:
    """Stop a test server; one that has not stopped after a minute fails the test with the stack
    of every task still running, instead of hanging the suite (seen twice in CI, in the teardown of
    tests/campaigns/test_preview_across_servers.py[postgresql], with the event loop idle)."""
    import io

    try:
        async with asyncio.timeout(CLOSE_TIMEOUT_S):
            await client.close()
    except TimeoutError:
        stacks = io.StringIO()
        for task in asyncio.all_tasks():
            task.print_stack(file=stacks)
        pytest.fail(f"a test server did not stop within {CLOSE_TIMEOUT_S:.0f} s; its tasks:\n{stacks.getvalue()}")


@pytest.fixture
async def client(make_client: MakeClient) -> TestClient:
    return await make_client()


async def login(client: TestClient, username: str, password: str = PASSWORD) -> str:
    resp = await client.post("/api/login", json={"username": username, "password": password})
    assert resp.status == 200, await resp.text()
    return (await resp.json())["token"]


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
async def agent_token(client: TestClient) -> str:
    return await login(client, "agent1")


@pytest.fixture
async def agent2_token(client: TestClient) -> str:
    return await login(client, "agent2")


@pytest.fixture
async def supervisor_token(client: TestClient) -> str:
    return await login(client, "sup1")


FUZZ_SUMMARY = pytest.StashKey[list[str]]()
"""The schemathesis runs' summary lines (tests/server/test_schemathesis.py)."""


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    lines = config.stash.get(FUZZ_SUMMARY, [])
    if lines:
        terminalreporter.section("schemathesis")
        for line in lines:
            terminalreporter.write_line(line)
