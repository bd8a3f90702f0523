"""The supervisor board's plain-data rules: alerts, waits that grow with the clock, the sparkline."""

from __future__ import annotations

from console.tui.supervisor.board_state import BoardState, Thresholds, sparkline
from console.tui.supervisor.messages import QueueStatsReceived, StreamResynced, supervisor_message

TH = Thresholds(vip_wait_alert_s=30, wrapup_alert_min=3, pause_alert_min=15)


def board(state: str = "available", since: float = 0.0, **queue: object) -> BoardState:
    b = BoardState()
    b.queues["retail"] = {"queue": "retail", "t": 100.0, "waiting": 1, "longest_wait_s": 20.0,
                          "service_level": 0.85, "target_pct": 80, **queue}
    b.agents["1001"] = {"agent": "1001", "name": "张伟", "state": {"t": since, "agent": "1001", "state": state}}
    return b


def keys(b: BoardState, now: float) -> list[str]:
    return [a.key for a in b.alerts(now, TH)]


def test_no_alert_on_a_healthy_floor():
    assert keys(board(), 100.0) == []


def test_service_level_under_target_but_not_at_it():
    assert keys(board(service_level=0.79), 100.0) == ["sl:retail"]
    assert keys(board(service_level=0.80), 100.0) == []
    assert keys(board(service_level=None), 100.0) == []  # nothing answered or abandoned yet


def test_a_vip_wait_grows_with_the_clock_between_frames():
    b = board(vip_waiting=1, longest_vip_wait_s=25.0)
    assert keys(b, 105.0) == []          # 25 + 5 = 30: not over
    assert keys(b, 105.5) == ["vip:retail"]
    assert b.waited("retail", 110.0) == 30.0
    assert board(waiting=0).waited("retail", 500.0) == 0.0  # nobody waiting: no wait


def test_wrap_up_and_pause_alerts_after_their_minutes():
    assert keys(board("wrap_up", since=0.0), 180.0) == []
    assert keys(board("wrap_up", since=0.0), 181.0) == ["wrap_up:1001"]
    assert keys(board("paused", since=0.0), 900.0) == []
    assert keys(board("paused", since=0.0), 901.0) == ["paused:1001"]
    assert keys(board("on_call", since=0.0), 99_999.0) == []


def test_sparkline_scales_to_the_busiest_interval():
    assert sparkline([0, 1, 2, 4]) == "▁▃▅█"
    assert sparkline([0, 0]) == "▁▁" and sparkline([]) == ""
    assert len(sparkline(list(range(40)))) == 16  # the last four hours


def test_frames_to_messages():
    assert isinstance(supervisor_message({"kind": "queue_stats", "event": {"queue": "vip"}}), QueueStatsReceived)
    assert isinstance(supervisor_message({"kind": "hello"}), StreamResynced)
    assert supervisor_message({"kind": "pop"}) is None
    a, b = (QueueStatsReceived({"queue": q}) for q in ("vip", "vip"))
    assert a.can_replace(b) and not a.can_replace(QueueStatsReceived({"queue": "retail"}))


def test_campaign_dispositions_read_as_the_agent_chose_them():
    from console.tui.supervisor.campaigns_screen import detail_lines

    stats = {"campaign": 1, "attempts": 10, "contacts": 6, "right_party_contacts": 5, "connected": 6,
             "abandon_rate": 0.0, "leads_left": 4, "dispositions": {"resolved": 2, "callback_needed": 3, "odd_code": 1}}
    assert detail_lines(stats)[1] == "处理结果：需回电 3, 已解决 2, odd_code 1"
