"""Texts of the preview dialog: a campaign's lead offered to the agent, to dial or skip."""

ZH_CN = {
    "console.lead.title": "外呼任务：{campaign}",
    "console.lead.customer": "客户：{name}",
    "console.lead.unknown_customer": "未匹配客户",
    "console.lead.number": "号码：{number}",
    "console.lead.reason": "类型：{kind}",
    "console.lead.attempt": "第 {n} 次拨打",
    "console.lead.source": "来源：{source}",
    "console.lead.source.csv": "名单导入",
    "console.lead.source.filter": "客户筛选",
    "console.lead.source.followup": "待办回访",
    "console.lead.source.manual": "手工添加",
    "console.lead.script": "话术：{title}",
    "console.lead.dial": "拨打",
    "console.lead.skip": "跳过",
    "console.lead.dialing": "正在拨打 {number}…",
    "console.lead.skipped": "已跳过，稍后会再次分配",
}

EN = {
    "console.lead.title": "Campaign call: {campaign}",
    "console.lead.customer": "Customer: {name}",
    "console.lead.unknown_customer": "No matching customer",
    "console.lead.number": "Number: {number}",
    "console.lead.reason": "Reason: {kind}",
    "console.lead.attempt": "Attempt {n}",
    "console.lead.source": "Source: {source}",
    "console.lead.source.csv": "imported list",
    "console.lead.source.filter": "customer filter",
    "console.lead.source.followup": "follow-up due",
    "console.lead.source.manual": "added by hand",
    "console.lead.script": "Script: {title}",
    "console.lead.dial": "Dial",
    "console.lead.skip": "Skip",
    "console.lead.dialing": "Dialling {number}…",
    "console.lead.skipped": "Skipped; it will be offered again later",
}
