"""Error messages of the campaign and report routes (found untranslated by schemathesis: they
were English CLI texts or Chinese literals whatever the configured language)."""

ZH_CN = {
    "api.campaign.not_found": "外呼活动 {id} 不存在",
    "api.campaign.cannot_move": "外呼活动 {id} 当前为「{status}」，不能{action}（仅限：{allowed}）",
    "api.campaign.window": "开始时间 {start} 须早于结束时间 {end}",
    "api.campaign.bad_id": "「{value}」不是有效的{name}编号",
    "api.campaign.csv_too_large": "CSV 文件过大（上限 {mb} MB）",
    "api.campaign.csv_not_utf8": "CSV 不是 UTF-8 编码（第 {byte} 字节）",
    "api.campaign.lead_not_offered": "线索 {lead} 没有分配给你预览",
    "api.campaign.lead_gone": "线索 {lead} 已不能拨打（已被处理或在免打扰名单）",
    "api.campaign.action.start": "开始", "api.campaign.action.pause": "暂停", "api.campaign.action.stop": "停止",
    "server.error.v.campaign_agent_not_extension": "第 {n} 个坐席（{ext}）不是分机号：只能是数字，最多 16 位",
    "server.error.v.campaign_agent_twice": "坐席 {ext} 重复",
    "server.error.v.campaign_product_risk": "产品风险须为 {allowed} 之一",
    "server.error.v.campaign_local_time": "呼叫时段按中心时区填写，不能带时区偏移",
    "api.report.bad_date": "{name} 须为 YYYY-MM-DD 日期：{value}",
    "api.report.range": "日期范围须在 1 到 {days} 天之间",
    "api.report.bad_by": "by 须为 {allowed}",
    "api.report.bad_interval": "interval「{value}」无效：须为整天可均分的分钟或小时数，如 15m、30m、1h",
    "api.report.queue_not_yours": "队列 {queue} 不在你管理的范围内",
}

EN = {
    "api.campaign.not_found": "campaign {id} does not exist",
    "api.campaign.cannot_move": "campaign {id} is {status}: cannot {action} it (only from {allowed})",
    "api.campaign.window": "window_start {start} must be before window_end {end}",
    "api.campaign.bad_id": "'{value}' is not a valid {name} id",
    "api.campaign.csv_too_large": "the CSV file is too large (at most {mb} MB)",
    "api.campaign.csv_not_utf8": "the CSV file is not UTF-8 (byte {byte})",
    "api.campaign.lead_not_offered": "lead {lead} is not offered to you",
    "api.campaign.lead_gone": "lead {lead} can no longer be dialled (handled already, or on the do-not-call list)",
    "api.campaign.action.start": "start", "api.campaign.action.pause": "pause", "api.campaign.action.stop": "stop",
    "server.error.v.campaign_agent_not_extension": "agent {n} ({ext}) is not an extension: digits only, at most 16",
    "server.error.v.campaign_agent_twice": "agent {ext} is listed twice",
    "server.error.v.campaign_product_risk": "product_risk must be one of {allowed}",
    "server.error.v.campaign_local_time": "a calling window is in the centre's time zone: no UTC offset",
    "api.report.bad_date": "{name} must be a YYYY-MM-DD date: {value}",
    "api.report.range": "the date range must span 1 to {days} days",
    "api.report.bad_by": "by must be {allowed}",
    "api.report.bad_interval": "interval '{value}' is invalid: minutes or hours that divide a day, such as 15m, 30m, 1h",
    "api.report.queue_not_yours": "queue {queue} is not one of yours",
}
