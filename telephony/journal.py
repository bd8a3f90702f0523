"""A PBX's tracker input, as one ordered journal: what lets several servers follow one AMI link.

A :class:`~telephony.tracker.Tracker` is a pure function of what it is fed: AMI frames with
their time, the ticks between them, the end of a resync, a lost link and the hangups we asked
for. :class:`~telephony.bridge.Bridge` writes each of those as an :data:`Entry` and applies
entries in journal order. On its own (one server) the journal is the bridge itself: an entry is
applied the moment it is written. With a :class:`Relay` (console.server.pbx_relay: NATS
JetStream), the one server that holds the PBX's AMI link writes the entries to a stream, and
every server, that one included, applies the stream in order: every tracker sees the same input,
so every server knows every call, and a server that takes the link over already knows them.

Entries are plain JSON objects, so that they cross a bus unchanged:

* ``{"k": "frame", "t": t, "m": {...}, "ts": true}``: an AMI event (``ts``: dated by its
  ``Timestamp`` header, which a following server's PBX clock observes);
* ``{"k": "tick", "t": t}``: the tracker's time moved on (a wrap-up ends on time);
* ``{"k": "resync", "t": t}``: the snapshot after a (re)connect is complete;
* ``{"k": "lost", "t": t}``: the AMI link dropped;
* ``{"k": "expect", "t": t, "channel": ..., "by": "agent" | "system"}``: we are about to hang
  that channel up on someone's behalf (the call's ``ended`` says whose);
* ``{"k": "up", "t": t, "version": ...}``: the link is up and resynced (the PBX's version), so
  that a following server can say whether the PBX is connected.

A bus message carries one entry or, as a JSON array, several in order (``encode_batch``): what
one read of the AMI socket brings (a queue ringing twenty agents is a few hundred frames) crosses
the bus as one message instead of hundreds, each of which would cost every server a delivery.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Mapping, Sequence
from typing import Literal, Protocol, TypedDict, cast

from telephony.framing import Message

Kind = Literal["frame", "tick", "resync", "lost", "expect", "up"]
KINDS: frozenset[str] = frozenset(("frame", "tick", "resync", "lost", "expect", "up"))


class Entry(TypedDict, total=False):
    k: Kind
    t: float
    m: Message
    ts: bool
    channel: str
    by: str
    version: str | None


class JournalError(ValueError):
    """An entry that cannot be applied (a bus message that is not one of ours)."""


def encode(entry: Entry) -> bytes:
    return json.dumps(entry, ensure_ascii=False, separators=(",", ":")).encode()


def encode_batch(encoded: Sequence[bytes]) -> bytes:
    """Entries already ``encode``d, as one bus message (a JSON array, in order)."""
    return b"[" + b",".join(encoded) + b"]"


def decode(data: bytes) -> Entry:
    """An entry from the bus; JournalError says what is wrong with a message that is not one."""
    return _entry(_json(data))


def decode_batch(data: bytes) -> tuple[list[Entry], list[str]]:
    """The entries of one bus message (a batch or a single entry), in order, and what is wrong
    with each element that is not an entry (skipped: the others are still applied).
    JournalError when the message as a whole is not one of ours."""
    raw = _json(data)
    if not isinstance(raw, list):
        return [_entry(raw)], []
    entries: list[Entry] = []
    bad: list[str] = []
    for n, item in enumerate(raw):
        try:
            entries.append(_entry(item))
        except JournalError as exc:
            bad.append(f"element {n}: {exc}")
    return entries, bad


def _json(data: bytes) -> object:
    try:
        return json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise JournalError(f"not a journal entry (not JSON: {exc})") from None


def _entry(raw: object) -> Entry:
    if not isinstance(raw, dict) or raw.get("k") not in KINDS:
        raise JournalError(f"not a journal entry (kind {raw.get('k') if isinstance(raw, dict) else raw!r})")
    t = raw.get("t")
    if not isinstance(t, (int, float)) or isinstance(t, bool):
        raise JournalError(f"journal entry {raw['k']!r} without a time")
    if raw["k"] == "frame" and not (isinstance(raw.get("m"), dict)
                                    and all(isinstance(v, str) for v in raw["m"].values())):
        raise JournalError("journal frame without its AMI headers")
    if raw["k"] == "expect" and not (isinstance(raw.get("channel"), str) and raw.get("by") in ("agent", "system")):
        raise JournalError("journal 'expect' without its channel and on whose behalf")
    return cast(Entry, raw)


class ActionReply(Protocol):
    """An action's reply as the bridge reads it (telephony.protocol.Reply is one)."""

    @property
    def response(self) -> Message: ...
    @property
    def events(self) -> list[Message]: ...


class Relay(Protocol):
    """A bridge's link to the other servers that follow the same PBX."""

    @property
    def holding(self) -> bool:
        """This server holds the PBX's AMI link (its entries are the journal)."""
        ...

    def append(self, entry: Entry) -> None:
        """Write an entry to the journal, in order; it is applied when the journal delivers it."""
        ...

    def act(self, action: Mapping[str, object], expect: Entry | None, forward_events: bool) -> Awaitable[ActionReply]:
        """Have the link's holder send an action (and first write ``expect``); its reply."""
        ...

    async def caught_up(self, timeout_s: float = ...) -> bool:
        """Wait until every entry written so far has been applied here."""
        ...

    async def run(self) -> None:
        """Follow the journal; hold the AMI link whenever this server can take it."""
        ...

    async def close(self) -> None: ...
