"""The recording rules: who hears which call, where its file is, and nothing outside the folder."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from console.crm.recordings import RecordingPolicy, RecordingUnavailable
from console.store.models import ROLES

ROOT = Path("/mnt/pbx-monitor")
MONITOR = "/var/spool/asterisk/monitor"


def test_a_file_is_found_at_its_path_below_the_pbx_folder() -> None:
    rules = RecordingPolicy(root=ROOT)
    assert rules.locate(f"{MONITOR}/1795372966.0.wav") == ROOT / "1795372966.0.wav"
    assert rules.locate(f"{MONITOR}/2026/12/07/q-retail-1.wav") == ROOT / "2026/12/07/q-retail-1.wav"


@pytest.mark.parametrize(("recording", "key"), [
    (None, "server.recording.none"),
    ("", "server.recording.none"),
    ("/etc/passwd", "server.recording.outside"),
    (f"{MONITOR}", "server.recording.outside"),
    (f"{MONITOR}/../secret.wav", "server.recording.outside"),
    (f"{MONITOR}/a/../../b.wav", "server.recording.outside"),
    ("1795372966.0.wav", "server.recording.outside"),
    (f"{MONITOR}/a\x00.wav", "server.recording.outside"),
])
def test_what_is_not_served(recording: str | None, key: str) -> None:
    with pytest.raises(RecordingUnavailable) as caught:
        RecordingPolicy(root=ROOT).locate(recording)
    assert caught.value.key == key


def test_no_root_configured() -> None:
    with pytest.raises(RecordingUnavailable) as caught:
        RecordingPolicy(root=None).locate(f"{MONITOR}/1.wav")
    assert caught.value.key == "server.recording.no_root"


@given(st.lists(st.sampled_from(["a", "b", ".", "/", "\\", "\x00", "~", "..", MONITOR, "/"]), max_size=12).map("".join))
def test_any_name_is_refused_or_below_the_root(recording: str) -> None:
    try:
        path = RecordingPolicy(root=ROOT).locate(recording)
    except RecordingUnavailable:
        return
    normal = Path(os.path.normpath(path))
    assert normal == path and ROOT in normal.parents


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("own", [True, False])
@pytest.mark.parametrize("agents_own_calls", [True, False])
def test_who_hears_a_call(role: str, own: bool, agents_own_calls: bool) -> None:
    rules = RecordingPolicy(root=ROOT, min_role="qa", agents_own_calls=agents_own_calls)
    expected = role != "agent" or (own and agents_own_calls)  # qa and every role above hear any call
    assert rules.may_hear(role, 7, 7 if own else 8) is expected


def test_a_call_nobody_took_is_heard_from_the_least_role_only() -> None:
    rules = RecordingPolicy(root=ROOT, min_role="supervisor")
    assert not rules.may_hear("agent", 7, None) and not rules.may_hear("qa", 7, None)
    assert rules.may_hear("supervisor", 7, None) and rules.may_hear("admin", 7, None)


def test_retention() -> None:
    now = dt.datetime(2026, 12, 7, tzinfo=dt.UTC)
    assert RecordingPolicy(root=ROOT, retention_days=30).expired_before(now) == dt.datetime(2026, 11, 7, tzinfo=dt.UTC)
