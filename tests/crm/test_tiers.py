from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from console.config import Settings
from console.crm.tiers import DEFAULT_TIERS, Tier, aum_band, is_vip, tier_for

SETTINGS_TIERS = Settings().tiers


@pytest.mark.parametrize(
    ("aum", "tier"),
    [
        (None, "standard"), (0, "standard"), (Decimal("99999.99"), "standard"),
        (100_000, "silver"), (Decimal("499999.99"), "silver"),
        (500_000, "gold"), (2_000_000, "platinum"), (Decimal("9999999.99"), "platinum"),
        (10_000_000, "diamond"), (10**12, "diamond"),
    ],
)
def test_tier_from_thresholds(aum, tier):
    assert tier_for(aum, SETTINGS_TIERS) == tier
    assert tier_for(aum) == tier  # built-in defaults agree with the config's defaults


def test_thresholds_come_from_config():
    tiers = [Tier("standard", Decimal(0)), Tier("silver", Decimal(10)), Tier("gold", Decimal(20)),
             Tier("platinum", Decimal(30), vip=True), Tier("diamond", Decimal(40), vip=True)]
    assert tier_for(25, tiers) == "gold"
    assert tier_for(Decimal("29.99"), tiers) == "gold"
    assert tier_for(30, tiers) == "platinum"


def test_vip_follows_config_flags_else_platinum_and_above():
    assert [is_vip(t.name, SETTINGS_TIERS) for t in SETTINGS_TIERS] == [False, False, False, True, True]
    assert [is_vip(t.name) for t in DEFAULT_TIERS] == [False, False, False, True, True]
    only_diamond = [Tier(t.name, t.min_aum, vip=t.name == "diamond") for t in DEFAULT_TIERS]
    assert not is_vip("platinum", only_diamond)
    assert is_vip("diamond", only_diamond)
    assert not is_vip("no-such-tier")


@pytest.mark.parametrize(
    ("aum", "zh", "en"),
    [
        (0, "10万以下", "under 100k"),
        (150_000, "10万–50万", "100k–500k"),
        (800_000, "50万–200万", "500k–2M"),
        (3_000_000, "200万–1000万", "2M–10M"),
        (50_000_000, "1000万以上", "10M+"),
    ],
)
def test_aum_band_labels(aum, zh, en):
    assert aum_band(aum, SETTINGS_TIERS) == zh
    assert aum_band(aum, SETTINGS_TIERS, locale="en") == en


def test_band_of_large_thresholds_in_yi():
    tiers = [Tier("standard", Decimal(0)), Tier("diamond", Decimal(150_000_000), vip=True)]
    assert aum_band(200_000_000, tiers) == "1.5亿以上"


@given(st.decimals(min_value=0, max_value=10**13, places=2))
def test_tier_is_monotonic_and_band_is_the_tiers_range(aum):
    order = [t.name for t in SETTINGS_TIERS]
    tier = tier_for(aum, SETTINGS_TIERS)
    assert order.index(tier_for(aum + 1, SETTINGS_TIERS)) >= order.index(tier)
    # Two amounts in the same tier always show the same band: the band never says more than the tier.
    floor = next(t.min_aum for t in SETTINGS_TIERS if t.name == tier)
    assert aum_band(aum, SETTINGS_TIERS) == aum_band(floor, SETTINGS_TIERS)
