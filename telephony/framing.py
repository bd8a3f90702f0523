"""AMI framing: bytes from the socket in, header dicts out (no sockets here; see protocol.py).

Asterisk speaks ``Key: Value`` lines ended by CRLF; a blank line ends a message. The very first
line of a connection is the banner ``Asterisk Call Manager/x.y.z`` with no blank line after it.

Why not panoramisk's own reader: it decodes every TCP read on its own (a character split
across two reads is lost) and builds a case-insensitive ``Message`` for every event. Here one
incremental decoder per connection carries the half character over to the next read, and an
:class:`~telephony.event_filter.EventFilter` looks at the ``Event:`` name alone before anything else is parsed, so the
flood of ``VarSet``/``RTCPSent``/``Newexten`` costs little. Bytes that do not decode are kept
as surrogates (``surrogateescape``) so that the frame that holds them can be logged with its
exact bytes and decoded with replacement characters; nothing here ever raises to the caller.
"""

from __future__ import annotations

import codecs
import logging
import re
from collections.abc import Mapping

from telephony.event_filter import ACCEPT_ALL, EventFilter

log = logging.getLogger(__name__)

TERMINATOR = "\r\n\r\n"
BANNER_PREFIX = "Asterisk Call Manager/"
MAX_FRAME_CHARS = 1 << 20  # 1 MiB: a frame longer than this with no terminator is dropped
_LOG_BYTES = 200  # how much of a bad frame goes into the log line
_SURROGATE = re.compile("[\udc80-\udcff]")
_ESCAPES = [0]  # bytes escaped so far, all decoders: tells feed() without scanning the text


_SURROGATEESCAPE = codecs.lookup_error("surrogateescape")


def _escape_counted(exc: UnicodeError) -> tuple[str, int]:
    _ESCAPES[0] += 1
    text, end = _SURROGATEESCAPE(exc)
    # Only decoders use this handler, and a decoding handler's replacement is text.
    assert isinstance(text, str)
    return text, end


codecs.register_error("calldesk-surrogateescape", _escape_counted)
Message = dict[str, str]




def parse_headers(frame: str) -> Message:
    """``Key: Value`` lines into a dict; keys and values stripped, repeated keys joined by newlines.

    Asterisk writes exactly ``Key: Value``; such frames take the fast path (no strip calls, the
    bulk of the reader's time otherwise). Frames with stray spaces or tabs go the careful way.
    (Exotic padding such as form feeds or U+3000 around a value is kept on the fast path.)
    """
    if (
        "  " in frame or "\r\n " in frame or " :" in frame or frame[:1] == " " or frame[-1:] == " "
        or frame.count(" \r\n") != frame.count(": \r\n") or "\t" in frame
    ):
        return _parse_careful(frame)
    out: Message = {}
    for line in frame.split("\r\n"):
        key, sep, value = line.partition(": ")
        if not sep or ":" in key:
            key, sep, value = line.partition(":")
            if not sep:
                continue
            key, value = key.strip(), value.strip()
        if key in out:
            out[key] = f"{out[key]}\n{value}"
        else:
            out[key] = value
    return out


def _parse_careful(frame: str) -> Message:
    out: Message = {}
    for line in frame.split("\r\n"):
        key, sep, value = line.partition(":")
        if not sep:
            continue
        key, value = key.strip(), value.strip()
        if key in out:
            out[key] = f"{out[key]}\n{value}"
        else:
            out[key] = value
    return out


class FrameDecoder:
    """Turns a connection's byte stream into messages; one instance per connection.

    ``feed(data)`` returns the complete, wanted messages found so far; a partial message (or
    half a multi-byte character) waits for the next read. A malformed frame is logged with its
    bytes and skipped; a frame over :data:`MAX_FRAME_CHARS` with no terminator is dropped.
    """

    def __init__(
        self,
        encoding: str = "utf-8",
        event_filter: EventFilter = ACCEPT_ALL,
        max_frame_chars: int = MAX_FRAME_CHARS,
        kinds: tuple[str, ...] = ("Event", "Response"),
    ) -> None:
        self.encoding = codecs.lookup(encoding).name
        self._decoder = codecs.getincrementaldecoder(self.encoding)(errors="calldesk-surrogateescape")
        self.filter = event_filter
        self.max_frame_chars = max_frame_chars
        self.kinds = kinds  # a message must have one of these headers (a server reads "Action")
        self._events_wanted = "Event" in kinds
        # Set while actions await replies: list events (QueueParams, …Complete) carry their
        # ActionID and pass the filter whatever their name.
        self.keep_replies = False
        self.version: str | None = None
        self.dropped = 0  # frames skipped as malformed or oversized
        self._buffer = ""
        self._awaiting_banner = True
        self._skipping = False  # inside an oversized frame: discard up to its terminator
        self._escaped = False  # undecodable bytes may be in the text not yet parsed

    def feed(self, data: bytes) -> list[Message]:
        escapes = _ESCAPES[0]
        text = self._decoder.decode(data)
        if _ESCAPES[0] != escapes:
            self._escaped = True  # stays set while the text holding them may still be buffered
        if not text:
            return []
        if self._buffer:
            if TERMINATOR not in self._buffer[-3:] + text[:3] and TERMINATOR not in text:
                self._buffer += text  # still inside one frame: no need to split it again
                if self._skipping:
                    self._buffer = self._buffer[-3:]
                elif len(self._buffer) > self.max_frame_chars:
                    self._drop_oversized()
                return []
            text = self._buffer + text
        if self._awaiting_banner and not (text := self._take_banner(text)):
            return []
        out: list[Message] = []
        parts = text.split(TERMINATOR)
        self._buffer = parts.pop()
        if self._skipping:
            if not parts:
                self._buffer = self._buffer[-3:]  # may hold the start of the terminator
                return out
            parts.pop(0)
            self._skipping = False
        undecodable = self._escaped
        self._escaped = undecodable and bool(self._buffer)
        ignore, only, rules = self.filter.ignore, self.filter.only, self.filter.by_header
        for frame in parts:
            if frame.startswith("Event: "):
                end = frame.find("\r\n", 7)
                name = frame[7:end] if end >= 0 else frame[7:]
                if (
                    name in ignore or (only is not None and name not in only)
                    or (name in rules and not self.filter.wants(name, frame))
                ) and not (self.keep_replies and "\r\nActionID: " in frame):
                    continue
                if not undecodable and self._events_wanted:
                    out.append(parse_headers(frame))  # it has its Event header: well-formed
                    continue
            message = self._parse(frame, undecodable)
            if message is not None:
                out.append(message)
        if len(self._buffer) > self.max_frame_chars:
            self._drop_oversized()
        return out

    def _take_banner(self, text: str) -> str:
        """Strip the banner line once it is complete; '' while it may still be arriving."""
        stripped = text.lstrip("\r\n")
        if BANNER_PREFIX.startswith(stripped[: len(BANNER_PREFIX)]) and len(stripped) < len(BANNER_PREFIX):
            self._buffer = text
            return ""
        self._awaiting_banner = False
        if not stripped.startswith(BANNER_PREFIX):
            return text  # no banner: a server that skips it, or a stream joined mid-way
        end = stripped.find("\r\n")
        if end < 0:
            self._awaiting_banner = len(text) <= self.max_frame_chars
            self._buffer = text
            if not self._awaiting_banner:
                self._drop_oversized()
            return ""
        self.version = stripped[len(BANNER_PREFIX) : end].strip()
        self._buffer = ""
        return stripped[end + 2 :]

    def _parse(self, frame: str, undecodable: bool = True) -> Message | None:
        try:
            frame = frame.lstrip("\r\n")
            if not frame:
                return None  # stray blank lines between messages are harmless
            if undecodable and _SURROGATE.search(frame):
                log.warning("AMI frame not valid %s, decoded with replacement: %s", self.encoding, self._repr(frame))
                frame = frame.encode(self.encoding, "surrogateescape").decode(self.encoding, "replace")
            message = parse_headers(frame)
            if any(kind in message for kind in self.kinds):
                return message
            log.warning("malformed AMI frame skipped (no %s header): %s", " or ".join(self.kinds), self._repr(frame))
        except Exception:  # never let one bad frame stop the reader
            log.exception("malformed AMI frame skipped: %s", self._repr(frame))
        self.dropped += 1
        return None

    def _drop_oversized(self) -> None:
        log.warning(
            "AMI frame over %d characters with no terminator dropped: %s",
            self.max_frame_chars, self._repr(self._buffer),
        )
        self.dropped += 1
        self._buffer = self._buffer[-3:]
        self._skipping = True

    def _repr(self, frame: str) -> str:
        raw = frame.encode(self.encoding, "surrogateescape")
        more = f"... ({len(raw)} bytes)" if len(raw) > _LOG_BYTES else ""
        return repr(raw[:_LOG_BYTES]) + more


def serialize(action: Mapping[str, object], encoding: str = "utf-8") -> bytes:
    """An action's headers as AMI bytes: ``Action`` first, list values as repeated lines."""
    items = list(action.items())
    items.sort(key=lambda kv: kv[0].lower() != "action")
    lines: list[str] = []
    for key, value in items:
        if isinstance(value, (list, tuple)):
            lines.extend(f"{key}: {v}" for v in value)
        elif value is not None:
            lines.append(f"{key}: {value}")
    return ("\r\n".join(lines) + TERMINATOR).encode(encoding)

