"""The dialer's [dialer] keys: bad values are refused naming the key, and the dialer dials with
the configured channel and context (the simulator shows the trunk it was asked for)."""

from __future__ import annotations

from pathlib import Path

import pytest

from console.config import ConfigError, Settings, load_settings
from telephony.simulator.dialout import Dialout
from tests.campaigns.floor import MONDAY_10, campaign_floor
from tests.server.conftest import FrozenClock

BAD = [
    ("channel = 'PJSIP/13800000000@carrier'", "dialer.channel", "must contain {number}"),
    ("channel = 'PJSIP/{number}@{trunk}'", "dialer.channel", "only the placeholder {number}"),
    ("channel = '{number}'", "dialer.channel", "is not a channel"),
    ("context = ''", "dialer.context", "not a dialplan context name"),
    ("direct_context = 'campaign direct'", "dialer.direct_context", "not a dialplan context name"),
    ("abandon_context = 'sorry!'", "dialer.abandon_context", "not a dialplan context name"),
    ("abandon_after_s = 0", "dialer.abandon_after_s", "greater than 0"),
]


@pytest.mark.parametrize(("line", "key", "words"), BAD, ids=[b[0] for b in BAD])
def test_bad_dialer_keys_are_refused_naming_the_key(tmp_path: Path, line: str, key: str, words: str) -> None:
    file = tmp_path / "config.toml"
    file.write_text(f"[dialer]\n{line}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as excinfo:
        load_settings(file, env={})
    message = str(excinfo.value)
    assert message.startswith(f"{file}: ") and f": {key}" in message and words in message, message


def test_an_empty_abandon_context_leaves_customers_waiting() -> None:
    assert Settings(dialer={"abandon_context": ""}).dialer.abandon_context == ""


async def test_the_dialer_dials_the_configured_channel(make_client, seeded_engine) -> None:
    settings = Settings(dialer={"channel": "PJSIP/{number}@trunk2"})
    dial_strings: list[str] = []
    async with campaign_floor(make_client, lambda n, k: Dialout("answer", 0.5, 1.0), agents=1, settings=settings,
                              clock=FrozenClock(MONDAY_10)) as floor:
        def dialled(frame) -> None:
            fields = dict(frame)
            if fields.get("Event") == "DialBegin" and "@" in fields["DialString"]:
                dial_strings.append(fields["DialString"])

        floor.sim.pbx.subscribers.append(dialled)
        campaign = await floor.create()
        await floor.import_csv(campaign, "number\n13988880001\n02162345678\n")
        await floor.move(campaign, "start")
        stats = await floor.until_done(campaign)
    assert sorted(dial_strings) == ["02162345678@trunk2", "13988880001@trunk2"]  # national numbers
    assert stats["connected"] == 2  # the campaign context queued them: an agent took both
