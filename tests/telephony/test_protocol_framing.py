"""FrameDecoder: the byte stream of real captures, split anywhere, gives the same messages."""

from __future__ import annotations

import logging
import random
from pathlib import Path

import pytest

from telephony.event_filter import EventFilter
from telephony.framing import FrameDecoder, serialize
from telephony.transcripts import load, parse_frame_headers

CAPTURES = sorted((Path(__file__).parents[1] / "fixtures" / "ami-transcripts").glob("*.jsonl"))


def stream_of(path: Path, encoding: str = "utf-8") -> tuple[bytes, list[dict[str, str]]]:
    """The recv bytes of a capture's first connection, and the messages they hold."""
    tr = load(path)
    frames = [f for f in tr.received() if f.conn == 1]
    data = b"".join(f.raw if f.is_banner else f.raw + b"\r\n" for f in frames)
    expected = [parse_frame_headers(f.raw) for f in frames if not f.is_banner]
    if encoding != "utf-8":
        data = data.decode("utf-8").encode(encoding)
    return data, expected


def feed_in_pieces(decoder: FrameDecoder, data: bytes, sizes: random.Random | int) -> list[dict[str, str]]:
    out, i = [], 0
    while i < len(data):
        n = sizes if isinstance(sizes, int) else sizes.randint(1, 40)
        out += decoder.feed(data[i : i + n])
        i += n
    return out


@pytest.mark.parametrize("path", CAPTURES, ids=lambda p: p.stem)
def test_every_capture_decodes_the_same_whatever_the_read_sizes(path: Path) -> None:
    data, expected = stream_of(path)
    whole = FrameDecoder()
    assert whole.feed(data) == expected
    assert whole.version == "11.0.0"
    assert feed_in_pieces(FrameDecoder(), data, random.Random(path.stem)) == expected
    assert feed_in_pieces(FrameDecoder(), data, 1) == expected


@pytest.mark.parametrize("encoding", ["gbk", "gb18030"])
def test_chinese_names_survive_byte_by_byte_reads_in_gbk(encoding: str) -> None:
    path = next(p for p in CAPTURES if p.stem.startswith("16-"))
    data, expected = stream_of(path, encoding)
    got = feed_in_pieces(FrameDecoder(encoding), data, 1)
    assert got == expected
    assert any(m.get("CallerIDName") == "张三丰" for m in got)


def test_utf8_character_split_across_reads_is_kept() -> None:
    raw = "Event: Newchannel\r\nCallerIDName: 张三丰\r\n\r\n".encode()
    cut = raw.index("三".encode()) + 1  # inside the three bytes of 三
    decoder = FrameDecoder()
    assert decoder.feed(raw[:cut]) == []
    assert decoder.feed(raw[cut:]) == [{"Event": "Newchannel", "CallerIDName": "张三丰"}]


def test_banner_split_and_no_blank_line_after_it() -> None:
    decoder = FrameDecoder()
    assert decoder.feed(b"Asterisk Call Man") == []
    assert decoder.feed(b"ager/11.0.0\r") == []
    assert decoder.feed(b"\nResponse: Success\r\nMessage: ok\r\n\r\n") == [{"Response": "Success", "Message": "ok"}]
    assert decoder.version == "11.0.0"


def test_repeated_headers_are_joined_with_newlines() -> None:
    got = FrameDecoder().feed(b"Response: Follows\r\nOutput: line 1\r\nOutput: line 2\r\n\r\n")
    assert got == [{"Response": "Follows", "Output": "line 1\nline 2"}]


def test_filter_skips_ignored_events_and_unwanted_varsets() -> None:
    keep = EventFilter(ignore=frozenset({"RTCPSent"}),
                       by_header={"VarSet": ("Variable", lambda v: v == "CUSTOMER_ACCOUNT")})
    data = (
        b"Event: RTCPSent\r\nChannel: x\r\n\r\n"
        b"Event: VarSet\r\nChannel: x\r\nVariable: QUEUEPOSITION\r\nValue: 1\r\n\r\n"
        b"Event: VarSet\r\nChannel: x\r\nVariable: CUSTOMER_ACCOUNT\r\nValue: 3100\r\n\r\n"
        b"Event: Hangup\r\nChannel: x\r\n\r\n"
    )
    got = FrameDecoder(event_filter=keep).feed(data)
    assert [m["Event"] for m in got] == ["VarSet", "Hangup"]
    assert got[0]["Value"] == "3100"


def test_malformed_frame_is_logged_with_its_bytes_and_skipped(caplog: pytest.LogCaptureFixture) -> None:
    decoder = FrameDecoder()
    with caplog.at_level(logging.WARNING, logger="telephony.framing"):
        got = decoder.feed(b"garbage without colon\r\n\r\nEvent: Hangup\r\nChannel: x\r\n\r\n")
    assert got == [{"Event": "Hangup", "Channel": "x"}]
    assert decoder.dropped == 1
    assert "b'garbage without colon'" in caplog.text


def test_invalid_bytes_are_logged_and_replaced_not_lost(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="telephony.framing"):
        got = FrameDecoder().feed(b"Event: Newchannel\r\nCallerIDName: \xc0\xee\r\n\r\n")
    assert got == [{"Event": "Newchannel", "CallerIDName": "\ufffd\ufffd"}]
    assert "\\xc0\\xee" in caplog.text


def test_oversized_frame_is_dropped_and_the_stream_recovers(caplog: pytest.LogCaptureFixture) -> None:
    decoder = FrameDecoder(max_frame_chars=1000)
    with caplog.at_level(logging.WARNING, logger="telephony.framing"):
        assert decoder.feed(b"Event: Huge\r\nData: " + b"x" * 1500) == []
        assert decoder.feed(b"x" * 3000 + b"\r\n\r") == []
        got = decoder.feed(b"\nEvent: Hangup\r\nChannel: y\r\n\r\n")
    assert got == [{"Event": "Hangup", "Channel": "y"}]
    assert decoder.dropped == 1
    assert "over 1000 characters" in caplog.text


def test_serialize_puts_action_first_and_repeats_list_values() -> None:
    raw = serialize({"ActionID": "a1", "Variable": ["A=1", "B=2"], "Action": "Originate", "Data": "张"}, "gbk")
    want = "Action: Originate\r\nActionID: a1\r\nVariable: A=1\r\nVariable: B=2\r\nData: 张\r\n\r\n"
    assert raw == want.encode("gbk")
