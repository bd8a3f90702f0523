import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from console.crm.followups import FollowUpRuleError, check_complete, due_at, is_due, is_overdue, resolve_owner
from console.i18n import has

UTC = dt.UTC
SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_in_one_hour():
    now = dt.datetime(2026, 11, 22, 3, 10, tzinfo=UTC)
    assert due_at("in_1h", now, SHANGHAI) == dt.datetime(2026, 11, 22, 4, 10, tzinfo=UTC)


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        # 11:10 Shanghai on the 22nd -> 10:00 Shanghai on the 23rd = 02:00 UTC.
        (dt.datetime(2026, 11, 22, 3, 10, tzinfo=UTC), dt.datetime(2026, 11, 23, 2, 0, tzinfo=UTC)),
        # 17:30 UTC on the 22nd is already 01:30 on the 23rd in Shanghai: tomorrow is the 24th.
        (dt.datetime(2026, 11, 22, 17, 30, tzinfo=UTC), dt.datetime(2026, 11, 24, 2, 0, tzinfo=UTC)),
    ],
)
def test_tomorrow_ten_in_the_center_time_zone(now, expected):
    assert due_at("tomorrow_10", now, SHANGHAI) == expected


def test_tomorrow_ten_across_a_dst_change():
    berlin = ZoneInfo("Europe/Berlin")
    now = dt.datetime(2026, 3, 28, 12, 0, tzinfo=UTC)  # the day before summer time starts
    assert due_at("tomorrow_10", now, berlin) == dt.datetime(2026, 3, 29, 8, 0, tzinfo=UTC)


def test_picked_time():
    now = dt.datetime(2026, 11, 22, 3, 0, tzinfo=UTC)
    at = dt.datetime(2026, 11, 22, 15, 0, tzinfo=SHANGHAI)
    assert due_at("at", now, SHANGHAI, at) == dt.datetime(2026, 11, 22, 7, 0, tzinfo=UTC)
    for bad, key in [
        (None, "crm.followup.at_missing"),
        (dt.datetime(2026, 11, 22, 15, 0), "crm.followup.naive_time"),  # noqa: DTZ001 - naive on purpose
        (now, "crm.followup.in_past"),
    ]:
        with pytest.raises(FollowUpRuleError) as info:
            due_at("at", now, SHANGHAI, bad)
        assert info.value.key == key and info.value.field == "due_at" and has(key, "en")
    with pytest.raises(FollowUpRuleError):
        due_at("next_week", now, SHANGHAI)


def test_owners():
    assert resolve_owner("me", me=5, manager_id=9).staff_id == 5
    assert resolve_owner(None, me=5, manager_id=9).staff_id == 5
    assert resolve_owner("manager", me=5, manager_id=9).staff_id == 9
    assert resolve_owner("pool", me=5, manager_id=9).staff_id is None
    assert resolve_owner(12, me=5, manager_id=None).staff_id == 12
    assert resolve_owner("12", me=5, manager_id=None).staff_id == 12
    with pytest.raises(FollowUpRuleError) as info:
        resolve_owner("manager", me=5, manager_id=None)
    assert info.value.key == "crm.followup.no_manager"
    for bad in ("boss", True, "-3"):
        with pytest.raises(FollowUpRuleError):
            resolve_owner(bad, me=5, manager_id=None)


def test_due_and_overdue():
    due = dt.datetime(2026, 11, 22, 3, 0, tzinfo=UTC)
    assert not is_due("open", due, due - dt.timedelta(seconds=1))
    assert is_due("open", due, due)
    assert not is_due("done", due, due + dt.timedelta(days=1))
    assert not is_overdue("open", due, due + dt.timedelta(minutes=15))
    assert is_overdue("open", due, due + dt.timedelta(minutes=16))


def test_only_open_follow_ups_complete():
    check_complete("open")
    with pytest.raises(FollowUpRuleError):
        check_complete("done")
