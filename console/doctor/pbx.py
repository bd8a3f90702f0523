"""What `calldesk doctor` asks of each configured Asterisk, by trying, over AMI.

Everything here is harmless to a live PBX: actions on channels and interfaces that do not exist
(their "no such channel" answer proves the permission, "Permission denied" proves its absence),
a read-only snapshot, a Local channel into a context that does not exist (its events prove the
read classes), and a paused probe member added to one configured queue and removed at once (it
is never rung). The minimal AMI user calldesk needs (docs/asterisk.md):
``read = system,call,agent,user,dialplan`` and ``write = call,agent,originate,reporting``.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from console.config import PbxSettings, Settings
from console.doctor.findings import Finding, fail, info, ok, warn
from console.i18n import t
from console.server.members import member_interface
from telephony import actions
from telephony.connection import AmiActionError, AmiConnection, AmiLoginError
from telephony.framing import Message

DENIED = "Permission denied"
PROBE = "calldesk-doctor"
EVENT_WAIT_S = 3.0


@dataclass
class Probe:
    """One AMI session of the doctor: every event it was sent, kept for the read checks."""

    conn: AmiConnection
    events: list[Message] = field(default_factory=list)

    async def act(self, action: dict[str, str]) -> tuple[bool, str]:
        """(permitted, what Asterisk answered): an error other than "Permission denied" still
        proves the permission (the probe's channel or interface does not exist, on purpose)."""
        try:
            reply = await self.conn.send(action)
        except AmiActionError as exc:
            message = (exc.response or {}).get("Message", str(exc)) if exc.response is not None else str(exc)
            return DENIED not in message, message
        return True, reply.response.get("Message", "")

    async def listing(self, action: dict[str, str]) -> list[Message] | None:
        """The events of a list action, or None when it was refused."""
        try:
            return (await self.conn.send(action, forward_events=True)).events
        except AmiActionError:
            return None

    async def seen(self, predicate: Any, timeout_s: float = EVENT_WAIT_S) -> Message | None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        while loop.time() < deadline:
            found = next((m for m in self.events if predicate(m)), None)
            if found is not None:
                return found
            await asyncio.sleep(0.05)
        return None


async def check_pbx(settings: Settings, pbx: PbxSettings, agents: dict[str, str]) -> list[Finding]:
    """Every finding about one [[pbx]]; ``agents``: extension -> name of calldesk's active agents."""
    where = f"{pbx.name} ({pbx.host}:{pbx.port})"
    probe = Probe(AmiConnection(pbx.host, pbx.port, pbx.username, pbx.secret.get_secret_value(),
                                on_event=lambda m: probe.events.append(m),  # noqa: PLW0108 - no probe yet
                                encoding=pbx.encoding, auth=pbx.auth, connect_timeout_s=5.0, action_timeout_s=5.0))
    try:
        await probe.conn.open_once()
    except (OSError, TimeoutError) as exc:
        return [fail(t("doctor.pbx.unreachable", pbx=where, error=exc or type(exc).__name__),
                     t("doctor.fix.unreachable"))]
    except AmiLoginError as exc:
        return [ok(t("doctor.pbx.reachable", pbx=where)), fail(str(exc), t("doctor.fix.login", user=pbx.username))]
    try:
        await probe.conn.send({"Action": "Events", "EventMask": "on"})
        found = [ok(t("doctor.pbx.login", pbx=where, user=pbx.username))]
        found += await _version(probe)
        found += await _permissions(probe, settings, pbx)
        members = await _queues(probe, settings, found)
        found += _agents(agents, members, pbx)
        found += await _contexts(probe, settings, pbx)
        return found
    finally:
        await probe.conn.close()


async def _version(probe: Probe) -> list[Finding]:
    try:
        reply = await probe.conn.send(actions.core_settings())
    except AmiActionError:
        return []  # refused: said by the reporting check
    version = reply.response.get("AsteriskVersion", "?")
    major = int(version.split(".")[0]) if version.split(".")[0].isdigit() else 0
    if 18 <= major <= 22:
        return [ok(t("doctor.pbx.version", version=version))]
    return [warn(t("doctor.pbx.version_untested", version=version), t("doctor.fix.version"))]


async def _permissions(probe: Probe, settings: Settings, pbx: PbxSettings) -> list[Finding]:
    found: list[Finding] = []
    # write: each class by a harmless action only it allows
    writes = {
        "call": {"Action": "Redirect", "Channel": f"{PROBE}-none", "Context": PROBE, "Exten": "s", "Priority": "1"},
        "agent": {"Action": "QueuePause", "Interface": f"Local/{PROBE}@{PROBE}", "Paused": "false"},
        "reporting": {"Action": "CoreShowChannels"},
    }
    for klass, action in writes.items():
        permitted, _ = await probe.act(action)
        found.append(_permission("write", klass, permitted))
    # originate: a Local channel into a context that does not exist; its events prove read call/dialplan
    tag = uuid.uuid4().hex[:8]
    permitted, _ = await probe.act({"Action": "Originate", "Channel": f"Local/s@{PROBE}-{tag}", "Application": "Wait",
                                    "Data": "0", "Async": "true", "Timeout": "2000",
                                    "Variable": f"CALLDESK_DOCTOR={tag}"})
    found.append(_permission("write", "originate", permitted))
    booted = any(m.get("Event") == "FullyBooted" for m in probe.events) or await probe.seen(
        lambda m: m.get("Event") == "FullyBooted", 1.0)
    found.append(_permission("read", "system", booted is not None and booted is not False))
    if permitted:
        channel = await probe.seen(lambda m: m.get("Event") == "Newchannel" and tag in m.get("Channel", ""))
        found.append(_permission("read", "call", channel is not None))
        dialplan = await probe.seen(lambda m: m.get("Event") in ("VarSet", "Newexten") and tag in m.get("Channel", ""))
        found.append(_permission("read", "dialplan", dialplan is not None))
        if channel is not None:
            found.append(ok(t("doctor.pbx.timestamps")) if "Timestamp" in channel else
                         fail(t("doctor.pbx.no_timestamps"), t("doctor.fix.timestamps")))
    else:
        found.append(warn(t("doctor.pbx.read_unchecked", classes="call, dialplan"), t("doctor.fix.originate")))
    # agent read: a paused probe member (never rung) added to a configured queue and removed
    queue = next((q.name for q in settings.queues), None)
    if queue:
        interface = f"Local/{PROBE}@{PROBE}"
        added, _ = await probe.act({"Action": "QueueAdd", "Queue": queue, "Interface": interface,
                                    "MemberName": PROBE, "Paused": "true"})
        if added:
            event = await probe.seen(lambda m: m.get("Event") == "QueueMemberAdded" and m.get("Interface") == interface)
            await probe.act({"Action": "QueueRemove", "Queue": queue, "Interface": interface})
            found.append(_permission("read", "agent", event is not None))
    found.append(info(t("doctor.pbx.user_read")))
    return found


def _permission(direction: str, klass: str, present: bool) -> Finding:
    what = t(f"doctor.class.{klass}")
    if present:
        return ok(t("doctor.pbx.permission", direction=direction, klass=klass, what=what))
    return fail(t("doctor.pbx.permission_missing", direction=direction, klass=klass, what=what),
                t("doctor.fix.permission", direction=direction, klass=klass))


async def _queues(probe: Probe, settings: Settings, found: list[Finding]) -> dict[str, set[str]]:
    """The configured queues as Asterisk has them; returns queue -> member interfaces."""
    listing = await probe.listing({"Action": "QueueStatus"}) or []
    params = {m.get("Queue"): m for m in listing if m.get("Event") == "QueueParams"}
    members: dict[str, set[str]] = {}
    for m in listing:
        if m.get("Event") == "QueueMember" and m.get("Location") != f"Local/{PROBE}@{PROBE}":
            members.setdefault(m.get("Queue", ""), set()).add(m.get("Location", ""))
    for queue in settings.queues:
        p = params.get(queue.name)
        if p is None:
            found.append(fail(t("doctor.queue.missing", queue=queue.name), t("doctor.fix.queue", queue=queue.name)))
            continue
        found.append(ok(t("doctor.queue.found", queue=queue.name, strategy=p.get("Strategy", "?"),
                          members=len(members.get(queue.name, ())), wrapup=queue.wrapup_s)))
    return members


def _agents(agents: dict[str, str], members: dict[str, set[str]], pbx: PbxSettings) -> list[Finding]:
    found: list[Finding] = []
    where: dict[str, list[str]] = {}
    for queue, interfaces in members.items():
        for interface in interfaces:
            where.setdefault(interface, []).append(queue)
    known = set()
    for ext, name in sorted(agents.items()):
        interface = member_interface(pbx, ext)
        known.add(interface)
        queues = sorted(where.get(interface, ()))
        found.append(ok(t("doctor.agent.member", ext=ext, name=name, queues=", ".join(queues))) if queues else
                     warn(t("doctor.agent.not_member", ext=ext, name=name, interface=interface)))
    strangers = sorted(set(where) - known)
    if strangers:
        found.append(warn(t("doctor.agent.unknown_members", interfaces=", ".join(strangers)), t("doctor.fix.staff")))
    return found


def _contexts_used(settings: Settings, pbx: PbxSettings) -> Iterable[tuple[str, str | None, str]]:
    """(context, extension or None, what it is for) for everything calldesk dials into."""
    yield pbx.outbound_context, None, "outbound_context"
    yield pbx.transfer_context, None, "transfer_context"
    for queue, exten in sorted(pbx.queue_transfer_exten.items()):
        yield pbx.transfer_context, exten, f"queue_transfer_exten.{queue}"
    yield pbx.spy_context, None, "spy_context"
    dialer = settings.dialer
    yield dialer.context, "s", "dialer.context"
    yield dialer.direct_context, None, "dialer.direct_context"
    if dialer.abandon_context:
        yield dialer.abandon_context, "s", "dialer.abandon_context"


async def _contexts(probe: Probe, settings: Settings, pbx: PbxSettings) -> list[Finding]:
    found: list[Finding] = []
    for context, exten, key in _contexts_used(settings, pbx):
        action = {"Action": "ShowDialPlan", "Context": context, **({"Extension": exten} if exten else {})}
        try:
            await probe.conn.send(action, forward_events=True)
        except AmiActionError as exc:
            message = (exc.response or {}).get("Message", str(exc))
            if DENIED in message:  # none can be checked: said once
                return found + [warn(t("doctor.context.unchecked"), t("doctor.fix.reporting"))]
            where = f"{exten}@{context}" if exten else context
            found.append(fail(t("doctor.context.missing", key=key, where=where),
                              t("doctor.fix.context", where=where)))
            continue
        found.append(ok(t("doctor.context.found", key=key, where=f"{exten}@{context}" if exten else context)))
    return found
