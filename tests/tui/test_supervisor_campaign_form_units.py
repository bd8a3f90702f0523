"""The campaign form's plain logic (console.tui.supervisor.campaign_fields): values to the API's
JSON with a message per bad field, an edit's changes, the leads filter and the import report."""

from __future__ import annotations

import pytest

from console.tui.supervisor import campaign_fields as cf

GOOD = {**cf.NEW, "name": "回访", "kind": "survey"}


def test_the_defaults_of_a_new_form_are_a_valid_campaign():
    body, errors = cf.parse(GOOD)
    assert errors == {}
    assert body == {"name": "回访", "kind": "survey", "mode": "progressive", "queue": "retail",
                    "window_start": "09:00", "window_end": "20:00", "max_attempts": 3, "retry_busy_min": 10,
                    "retry_noanswer_min": 60, "retry_failed_min": 30, "caller_id": "", "product_risk": None,
                    "script_slug": None, "agents": []}
    assert "agents" not in cf.create_body(body)  # none named: the queue's members take the calls


@pytest.mark.parametrize(("changes", "field", "text"), [
    ({"name": "  "}, "name", "请填写活动名称"),
    ({"name": "名" * 129}, "name", "名称最多 128 个字"),
    ({"window_start": "9点"}, "window_start", "“9点”不是时间，请按 时:分 填写，如 09:00"),
    ({"window_end": "24:00"}, "window_end", "“24:00”不是时间，请按 时:分 填写，如 09:00"),
    ({"window_start": "18:00", "window_end": "09:00"}, "window_end", "结束时间 09:00 须晚于开始时间 18:00"),
    ({"window_start": "9:00", "window_end": "09:00"}, "window_end", "结束时间 09:00 须晚于开始时间 09:00"),
    ({"max_attempts": "0"}, "max_attempts", "请填写 1 到 20 之间的整数"),
    ({"max_attempts": "21"}, "max_attempts", "请填写 1 到 20 之间的整数"),
    ({"retry_busy_min": "-5"}, "retry_busy_min", "请填写不小于 0 的整数"),
    ({"retry_failed_min": "1.5"}, "retry_failed_min", "请填写不小于 0 的整数"),
    ({"window_end": ""}, "window_end", "请填写时间，如 09:00"),
    ({"kind": "marketing"}, "product_risk", "营销活动必须选择产品风险等级"),
    ({"agents": "1001, 张伟 x 12345678901234567"}, "agents", "不是分机号：张伟, x, 12345678901234567"),
])
def test_each_obvious_mistake_is_named_under_its_field(changes, field, text):
    _, errors = cf.parse({**GOOD, **changes})
    assert errors == {field: text}


def test_times_and_agents_are_read_as_people_type_them():
    body, errors = cf.parse({**GOOD, "window_start": " 8:05 ", "window_end": "17:30",
                             "agents": "1001，1002、1003 1001;1004"})
    assert errors == {}
    assert (body["window_start"], body["window_end"]) == ("08:05", "17:30")
    assert body["agents"] == ["1001", "1002", "1003", "1004"]
    assert cf.create_body(body)["agents"] == ["1001", "1002", "1003", "1004"]


CAMPAIGN = {"id": 7, "name": "回访", "kind": "survey", "mode": "preview", "queue": "retail",
            "window_start": "09:00:00", "window_end": "20:00:00", "max_attempts": 3, "retry_busy_min": 10,
            "retry_noanswer_min": 60, "retry_failed_min": 30, "caller_id": "95555", "product_risk": None,
            "script_slug": "outbound-callback-script", "status": "draft", "leads": {}}


def test_an_unchanged_form_changes_nothing_and_one_field_changes_one():
    values = cf.form_values(CAMPAIGN)
    assert values["window_start"] == "09:00" and values["max_attempts"] == "3" and values["agents"] == ""
    body, _ = cf.parse(values)
    assert cf.changes(CAMPAIGN, body) == {}
    body, _ = cf.parse({**values, "retry_busy_min": "15", "window_end": "20:00"})
    assert cf.changes(CAMPAIGN, body) == {"retry_busy_min": 15}


def test_agents_are_sent_on_an_edit_only_when_they_changed():
    with_agents = {**CAMPAIGN, "agents": ["1001", "1002"]}
    values = cf.form_values(with_agents)
    assert values["agents"] == "1001 1002"
    body, _ = cf.parse(values)
    assert cf.changes(with_agents, body) == {}
    body, _ = cf.parse({**values, "agents": ""})
    assert cf.changes(with_agents, body) == {"agents": []}  # back to every member of the queue


def test_the_leads_filter_refuses_an_empty_filter_and_a_bad_number():
    assert cf.lead_filter("", [], " ")[1] == {"days": "请至少设一个条件（否则会加入全部客户）"}
    assert cf.lead_filter("9999", [], "")[1] == {"days": "请填写 0 到 3650 之间的整数"}
    assert cf.lead_filter("30", ["gold"], " 上海浦东营业部 ") == (
        {"risk_expiring_days": 30, "tiers": ["gold"], "branch": "上海浦东营业部"}, {})
    assert cf.lead_filter("", ["gold"], "")[0] == {"risk_expiring_days": None, "tiers": ["gold"], "branch": None}


def test_the_import_report_says_added_excluded_and_bad_lines():
    assert cf.lead_report({"rows": 4, "added": 2, "duplicates": 1, "excluded": {"do_not_call": 1},
                           "errors": [{"line": 3, "reason": "number 'x' is not a valid phone number"}]}) == [
        "文件行数：4", "已添加 2 条线索（重复跳过 1 条）", "已排除（免打扰）：1",
        "第 3 行有误：number 'x' is not a valid phone number"]
    assert cf.lead_report({"matched": 0, "added": 0, "duplicates": 0, "excluded": {}}) == [
        "符合条件的客户：0", "已添加 0 条线索（重复跳过 0 条）"]
