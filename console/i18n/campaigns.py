"""Texts of the outbound campaigns (supervisor screen, lead exclusion reasons)."""

ZH_CN = {
    "sup.key.campaigns": "外呼活动",
    "camp.title": "外呼活动",
    "camp.col.id": "编号", "camp.col.name": "名称", "camp.col.kind": "类型", "camp.col.mode": "拨号方式",
    "camp.col.status": "状态", "camp.col.window": "呼叫时段", "camp.col.left": "待拨",
    "camp.col.attempts": "拨打次数", "camp.col.contacts": "接通", "camp.col.rpc": "本人接通",
    "camp.col.abandon": "放弃率",
    "camp.kind.callback": "回拨", "camp.kind.survey": "回访", "camp.kind.compliance": "合规提醒",
    "camp.kind.marketing": "营销",
    "camp.mode.preview": "预览式", "camp.mode.progressive": "渐进式", "camp.mode.predictive": "预测式",
    "camp.status.draft": "草稿", "camp.status.running": "进行中", "camp.status.paused": "已暂停",
    "camp.status.stopped": "已停止", "camp.status.done": "已完成",
    "camp.key.start": "开始", "camp.key.pause": "暂停", "camp.key.stop": "停止", "camp.key.refresh": "刷新",
    "camp.key.back": "返回",
    "camp.detail": "活动 {id}：拨打 {attempts} 次，接通 {contacts}，本人接通 {rpc}，坐席接听 {connected}，"
                   "放弃率 {abandon}，待拨 {left}",
    "camp.detail.dispositions": "处理结果：{items}", "camp.detail.excluded": "已排除：{items}",
    "camp.none": "暂无外呼活动", "camp.moved": "活动 {id}：{status}",
    "camp.exclusion.do_not_call": "免打扰", "camp.exclusion.unsuitable_risk_level": "风险等级不匹配",
    "camp.exclusion.risk_assessment_expired": "风险测评已过期", "camp.exclusion.no_risk_assessment": "未做风险测评",
}

EN = {
    "sup.key.campaigns": "Campaigns",
    "camp.title": "Outbound campaigns",
    "camp.col.id": "ID", "camp.col.name": "Name", "camp.col.kind": "Kind", "camp.col.mode": "Dialing",
    "camp.col.status": "Status", "camp.col.window": "Window", "camp.col.left": "Left",
    "camp.col.attempts": "Attempts", "camp.col.contacts": "Contacts", "camp.col.rpc": "Right party",
    "camp.col.abandon": "Abandoned",
    "camp.kind.callback": "Callback", "camp.kind.survey": "Survey", "camp.kind.compliance": "Compliance",
    "camp.kind.marketing": "Marketing",
    "camp.mode.preview": "Preview", "camp.mode.progressive": "Progressive", "camp.mode.predictive": "Predictive",
    "camp.status.draft": "Draft", "camp.status.running": "Running", "camp.status.paused": "Paused",
    "camp.status.stopped": "Stopped", "camp.status.done": "Done",
    "camp.key.start": "Start", "camp.key.pause": "Pause", "camp.key.stop": "Stop", "camp.key.refresh": "Refresh",
    "camp.key.back": "Back",
    "camp.detail": "Campaign {id}: {attempts} attempts, {contacts} contacts, {rpc} right-party, "
                   "{connected} connected, abandon rate {abandon}, {left} leads left",
    "camp.detail.dispositions": "Dispositions: {items}", "camp.detail.excluded": "Excluded: {items}",
    "camp.none": "No campaigns yet", "camp.moved": "Campaign {id}: {status}",
    "camp.exclusion.do_not_call": "do not call", "camp.exclusion.unsuitable_risk_level": "risk level unsuitable",
    "camp.exclusion.risk_assessment_expired": "risk assessment expired",
    "camp.exclusion.no_risk_assessment": "no risk assessment",
}
