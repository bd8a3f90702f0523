"""`calldesk demo --events`: the simulator's live domain events, read through the telephony Bridge
exactly as the server would, printed one per line with the caller's name from the store."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import signal
from typing import TYPE_CHECKING

from console.i18n import t

CLOSE_S = 5.0

if TYPE_CHECKING:
    from console.config import Settings
    from telephony.events import DomainEvent


def caller_names(url: str) -> dict[str, str]:
    from sqlalchemy import select

    from console.cli.simulate_store import national
    from console.store.db import open_engine
    from console.store.models import Customer, CustomerPhone

    engine = open_engine(url, check=False)
    try:
        with engine.connect() as conn:
            rows = conn.execute(select(CustomerPhone.e164, Customer.name)
                                .join(Customer, Customer.id == CustomerPhone.customer_id)).all()
    finally:
        engine.dispose()
    return {national(e164): name for e164, name in rows}


def describe(event: DomainEvent, names: dict[str, str], callers: dict[str, str]) -> str | None:
    data = event.to_json()
    kind = data["event"]
    time = dt.datetime.now().astimezone().strftime("%H:%M:%S")  # the watcher's wall clock
    if kind == "ringing":
        callers[data["call"]] = data["caller"]
    caller = data.get("caller") or callers.get(data.get("call", ""), "")
    name = names.get(caller) or data.get("caller_name") or t("demo.unknown_caller")
    common = {"time": time, "caller": caller, "name": name, "agent": data.get("agent"),
              "queue": data.get("queue") or "-"}
    if kind == "ringing":
        return t("demo.event.ringing", **common)
    if kind == "answered":
        return t("demo.event.answered", **common, wait=round(data.get("wait_s") or 0))
    if kind == "ended":
        return t("demo.event.ended", **common, outcome=t(f"demo.outcome.{data['outcome']}"),
                 by=t(f"demo.by.{data['hangup_by']}"),
                 talk=round(data.get("talk_s") or 0))
    if kind == "callback_requested":
        return t("demo.event.callback", **common)
    if kind == "transferred":
        return t("demo.event.transferred", time=time, from_agent=data.get("from_agent"), to=data.get("to"))
    return None


async def _watch(settings: Settings, url: str, ami_port: int) -> None:
    """Print events until Ctrl-C. The loop's own SIGINT handler stops it: the wait for the next
    event is dropped at once and the link closed within a bound, whatever it was awaiting (a
    CI run once saw Ctrl-C leave asyncio.run's cancellation of this task without effect)."""
    from telephony.bridge import Bridge

    pbx = settings.pbx[0]
    names = caller_names(url)
    bridge = Bridge("demo", "127.0.0.1", ami_port, pbx.username, pbx.secret.get_secret_value(), auth=pbx.auth)
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    loop.add_signal_handler(signal.SIGINT, stop.set)
    stopping = asyncio.ensure_future(stop.wait())
    runner = asyncio.create_task(bridge.run())
    stream = bridge.events()
    callers: dict[str, str] = {}
    try:
        while True:
            upcoming = asyncio.ensure_future(anext(stream))
            await asyncio.wait({upcoming, stopping}, return_when=asyncio.FIRST_COMPLETED)
            if stopping.done():
                upcoming.cancel()
                break
            line = describe(upcoming.result(), names, callers)
            if line:
                print(line, flush=True)
    finally:
        loop.remove_signal_handler(signal.SIGINT)
        stopping.cancel()
        runner.cancel()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(bridge.close(), CLOSE_S)


def watch(settings: Settings, url: str, ami_port: int) -> None:
    asyncio.run(_watch(settings, url, ami_port))
