"""Refusals of a preview lead (routes/campaigns.py): Chinese literals whatever the configured
language until schemathesis found them."""

ZH_CN = {
    "api.campaign.lead_not_offered": "线索 {lead} 没有分配给你预览",
    "api.campaign.lead_gone": "线索 {lead} 已不能拨打（已被处理或在免打扰名单）",
}

EN = {
    "api.campaign.lead_not_offered": "lead {lead} is not offered to you",
    "api.campaign.lead_gone": "lead {lead} can no longer be dialled (handled already, or on the do-not-call list)",
}
