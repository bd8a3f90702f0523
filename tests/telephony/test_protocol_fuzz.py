"""hypothesis: whatever bytes arrive, in whatever pieces, the reader never raises."""

from __future__ import annotations

import logging

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from telephony.event_filter import EventFilter
from telephony.framing import FrameDecoder, parse_headers
from telephony.protocol import AmiProtocol
from telephony.transcripts import parse_frame_headers

# Whitespace other than space, tab, CR, LF: the fast path does not strip it (see parse_headers).
EXOTIC_SPACE = "".join(c for c in map(chr, range(0x3001)) if c.isspace() and c not in " \t\r\n")
ENCODINGS = st.sampled_from(["utf-8", "gbk", "gb18030"])

line = st.one_of(
    st.builds(lambda k, v: f"{k}: {v}", st.sampled_from(["Event", "Response", "ActionID", "Channel", "EventList"]),
              st.text(max_size=12)),
    st.text(max_size=20),
)
frame_text = st.lists(line, max_size=6).map(lambda ls: "\r\n".join(ls) + "\r\n\r\n")


def pieces(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({c % (len(data) + 1) for c in cuts})
    out, prev = [], 0
    for p in points + [len(data)]:
        out.append(data[prev:p])
        prev = p
    return out


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=600), cuts=st.lists(st.integers(0, 600), max_size=8), encoding=ENCODINGS)
def test_arbitrary_bytes_never_raise(data: bytes, cuts: list[int], encoding: str) -> None:
    logging.disable(logging.WARNING)
    try:
        decoder = FrameDecoder(encoding, EventFilter(frozenset({"VarSet"})), max_frame_chars=200)
        for piece in pieces(data, cuts):
            for message in decoder.feed(piece):
                assert "Event" in message or "Response" in message
    finally:
        logging.disable(logging.NOTSET)


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(frames=st.lists(frame_text, max_size=8), cuts=st.lists(st.integers(0, 2000), max_size=10), encoding=ENCODINGS)
def test_malformed_frames_are_skipped_and_good_ones_kept(frames: list[str], cuts: list[int], encoding: str) -> None:
    good = "Event: Hangup\r\nChannel: PJSIP/1001-00000001\r\nCallerIDName: 张三\r\n\r\n"
    text = "".join(frames) + good
    data = text.encode(encoding, "replace")
    logging.disable(logging.WARNING)
    try:
        decoder = FrameDecoder(encoding)
        got = [m for piece in pieces(data, cuts) for m in decoder.feed(piece)]
    finally:
        logging.disable(logging.NOTSET)
    # Every generated frame ends with a blank line, so the good frame after them is intact.
    assert got and got[-1] == {"Event": "Hangup", "Channel": "PJSIP/1001-00000001", "CallerIDName": "张三"}
    assert all("Event" in m or "Response" in m for m in got)


class _Sink:
    def __init__(self) -> None:
        self.events: list[dict[str, str]] = []

    def __call__(self, message: dict[str, str]) -> None:
        if message.get("Channel") == "boom":
            raise RuntimeError("consumer bug")
        self.events.append(message)


@settings(max_examples=100)
@given(data=st.binary(max_size=400))
def test_protocol_survives_garbage_and_a_failing_consumer(data: bytes) -> None:
    sink = _Sink()
    protocol = AmiProtocol(sink)
    logging.disable(logging.ERROR)
    try:
        protocol.data_received(data)
        protocol.data_received(b"\r\n\r\nEvent: X\r\nChannel: boom\r\n\r\nEvent: Y\r\nChannel: ok\r\n\r\n")
    finally:
        logging.disable(logging.NOTSET)
    assert sink.events[-1] == {"Event": "Y", "Channel": "ok"}


plain_text = st.text(st.characters(blacklist_categories=["Cs"], blacklist_characters=EXOTIC_SPACE), max_size=12)
plain_line = st.one_of(
    st.builds(lambda k, v: f"{k}: {v}", st.sampled_from(["Event", "Value", "Key "]), plain_text),
    plain_text, st.text(alphabet=" \t:abc", max_size=8),
)


@settings(max_examples=300)
@given(lines=st.lists(plain_line, max_size=8))
def test_fast_header_parsing_equals_the_careful_reading(lines: list[str]) -> None:
    frame = "\r\n".join(lines)
    assert parse_headers(frame) == parse_frame_headers(frame.encode("utf-8", "surrogatepass"), "utf-8") \
        or "\r" in frame.replace("\r\n", "") or "\n" in frame.replace("\r\n", "")


@settings(max_examples=100)
@given(junk=st.lists(st.text(st.characters(blacklist_categories=["Cs"], blacklist_characters=":\r\n"), min_size=1,
                             max_size=30), min_size=1, max_size=4))
def test_a_bad_frame_is_logged_with_its_bytes_and_skipped(junk: list[str]) -> None:
    bad = "\r\n".join(junk).encode("utf-8")
    records: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = records.append  # type: ignore[method-assign]
    framing_log = logging.getLogger("telephony.framing")
    framing_log.addHandler(handler)
    try:
        decoder = FrameDecoder()
        got = decoder.feed(b"Asterisk Call Manager/11.0.0\r\n" + bad + b"\r\n\r\nEvent: Hangup\r\nChannel: x\r\n\r\n")
    finally:
        framing_log.removeHandler(handler)
    assert got == [{"Event": "Hangup", "Channel": "x"}]
    stripped = bad.lstrip(b"\r\n")
    if stripped:
        assert decoder.dropped == 1
        assert any(repr(stripped[:200]) in r.getMessage() for r in records)
