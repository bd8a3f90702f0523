"""The journal's entries cross the bus as JSON: what is not one of ours is refused, saying why."""

from __future__ import annotations

import pytest

from telephony.journal import JournalError, decode, encode


def test_an_entry_comes_back_as_it_went():
    frame = {"k": "frame", "t": 1796700000.25, "m": {"Event": "AgentCalled", "CallerIDName": "张伟"}, "ts": True}
    expect = {"k": "expect", "t": 5.0, "channel": "PJSIP/1001-00000001", "by": "agent"}
    for entry in (frame, expect, {"k": "tick", "t": 3}, {"k": "up", "t": 1.0, "version": None}):
        assert decode(encode(entry)) == entry  # type: ignore[arg-type]
    assert "张伟".encode() in encode(frame)  # type: ignore[arg-type]  # as UTF-8, not \\u escapes


@pytest.mark.parametrize(("data", "says"), [
    (b"\xff\xfe not utf-8", "not JSON"),
    (b"{nope", "not JSON"),
    (b"[1, 2]", "kind"),
    (b'{"k": "bogus", "t": 1}', "kind 'bogus'"),
    (b'{"k": "tick"}', "without a time"),
    (b'{"k": "tick", "t": true}', "without a time"),
    (b'{"k": "frame", "t": 1, "m": {"Event": 5}}', "AMI headers"),
    (b'{"k": "frame", "t": 1}', "AMI headers"),
    (b'{"k": "expect", "t": 1, "channel": "PJSIP/1001-1", "by": "caller"}', "on whose behalf"),
])
def test_what_is_not_an_entry_is_refused_saying_why(data, says):
    with pytest.raises(JournalError, match=says):
        decode(data)


def test_a_batch_comes_back_in_order_and_a_bad_element_costs_only_itself():
    from telephony.journal import decode_batch, encode_batch

    entries = [{"k": "frame", "t": float(n), "m": {"Event": "Newstate", "Uniqueid": str(n)}} for n in range(5)]
    data = encode_batch([encode(e) for e in entries])  # type: ignore[arg-type]
    assert decode_batch(data) == (entries, [])
    assert decode_batch(encode(entries[0])) == ([entries[0]], [])  # a lone entry is a message too

    mixed = b'[{"k": "tick", "t": 1}, {"k": "tick"}, 7, {"k": "lost", "t": 2}]'
    good, bad = decode_batch(mixed)
    assert good == [{"k": "tick", "t": 1}, {"k": "lost", "t": 2}]
    assert len(bad) == 2 and bad[0].startswith("element 1: ") and "without a time" in bad[0]
    assert bad[1].startswith("element 2: ")
    with pytest.raises(JournalError, match="not JSON"):
        decode_batch(b"[{truncated")
