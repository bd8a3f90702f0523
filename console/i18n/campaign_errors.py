"""Why the server refuses a campaign change (console/crm/campaign_admin.py). Keys ``campaign.err.*``."""

ZH_CN: dict[str, str] = {
    "campaign.err.not_found": "活动 {id} 不存在",
    "campaign.err.window": "呼叫时段开始 {start} 须早于结束 {end}",
    "campaign.err.move": "活动 {id} 当前为{status}：不能{action}（只能从{allowed}）",
    "campaign.err.agent_not_extension": "第 {n} 个坐席（{ext!r}）不是分机号：只能是数字，最多 16 位",
    "campaign.err.agent_twice": "坐席 {ext} 重复列出",
    "campaign.err.product_risk": "product_risk 须为 {allowed} 之一",
    "campaign.err.local_time": "呼叫时段按中心时区填写，不能带时区偏移",
    "campaign.action.start": "开始", "campaign.action.pause": "暂停", "campaign.action.stop": "停止",
}

EN: dict[str, str] = {
    "campaign.err.not_found": "campaign {id} does not exist",
    "campaign.err.window": "window_start {start} must be before window_end {end}",
    "campaign.err.move": "campaign {id} is {status}: cannot {action} it (only from {allowed})",
    "campaign.err.agent_not_extension": "agent {n} ({ext!r}) is not an extension: digits only, at most 16",
    "campaign.err.agent_twice": "agent {ext} is listed twice",
    "campaign.err.product_risk": "product_risk must be one of {allowed}",
    "campaign.err.local_time": "a calling window is in the centre's time zone: no UTC offset",
    "campaign.action.start": "start", "campaign.action.pause": "pause", "campaign.action.stop": "stop",
}
