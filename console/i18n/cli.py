"""Texts of the command line shared by its commands. Keys are ``cli.<area>.<name>``."""

ZH_CN: dict[str, str] = {
    "cli.api.role_needed": "需要{role}及以上角色：{user} 是{their}",
    "cli.recordings.saved": "录音已保存到 {file}（{size} 字节）",
    "cli.recordings.expired": "共 {count} 条通话的录音已超过保存期限（{days} 天，结束于 {before} 之前）",
    "cli.churn.recomputed": "已为 {customers} 位客户重新计算流失风险，{changed} 位有变化（{seconds} 秒）",
    "cli.churn.imported": "资产快照 {rows} 行：新增 {added}，更新 {updated}，未变 {unchanged}，错误 {errors}；"
                          "重新评分 {rescored} 位客户",
    "cli.login.env_token_refused": "{server} 不接受 CALLDESK_TOKEN（已过期或已注销）：请取消该变量，"
                                   "或用 calldesk login 重新登录",
    "cli.login.saved_expired": "{server} 上 {username} 保存的登录已过期或已注销，请重新输入密码",
    "cli.login.needed": "未登录 {server}：请先运行 calldesk login --server {server}（或设置 CALLDESK_TOKEN，"
                        "或 CALLDESK_USER 与 CALLDESK_PASSWORD）",
    "cli.login.done": "已以 {username}（{role}）登录 {server}，有效至 {until}；令牌保存在 {file}（仅本人可读）",
    "cli.login.status": "已以 {username} 登录 {server}，有效至 {until}",
    "cli.login.status_none": "未登录 {server}（没有保存的有效令牌）",
    "cli.logout.done": "已退出 {server}（{username}）：令牌已在服务器注销并删除",
    "cli.logout.local_only": "已删除 {username} 在 {server} 的令牌（服务器未确认注销：它已过期、已注销，"
                             "或服务器无法连接）",
    "cli.logout.none": "没有 {server} 的登录",
    "cli.campaign.which": "活动 {id}",
    "cli.campaign.bad_window": "--window {value}：格式应为 HH:MM-HH:MM，例如 09:00-20:00",
    "cli.campaign.no_leads": "无线索",
    "cli.campaign.none": "无",
    "cli.campaign.agents": "坐席 {agents}",
    "cli.campaign.stats": "活动 {campaign}：拨打 {attempts} 次，接通客户 {contacts}，本人接听 {rpc}，"
                          "转坐席 {connected}，放弃率 {abandon_rate}，剩余线索 {left}",
    "cli.campaign.stats_leads": "线索",
    "cli.campaign.stats_results": "结果",
    "cli.campaign.stats_dispositions": "小结",
    "cli.campaign.stats_excluded": "排除",
    "cli.campaign.matched": "筛选：匹配 {n} 位客户",
    "cli.campaign.leads_summary": "{what}：新增线索 {added}，已在等待 {duplicates}，拒绝 {refused} 行；"
                                  "排除：{excluded}",
    "cli.file.missing": "{file}：文件不存在",
    "cli.file.cannot_read": "{file}：无法读取（{reason}）",
    "cli.file.not_utf8": "{file}：不是 UTF-8 编码（第 {byte} 字节）",
    "cli.import.summary": "{file}：{rows} 行：新增 {inserted}，更新 {updated}，拒绝 {refused}",
    "cli.import.more_refused": "{file}：另有 {n} 行被拒绝，未逐行列出",
}

EN: dict[str, str] = {
    "cli.api.role_needed": "the role {role} or above is needed: {user} is {their}",
    "cli.recordings.saved": "Recording saved to {file} ({size} bytes)",
    "cli.recordings.expired": "{count} calls have recordings past retention ({days} days: ended before {before})",
    "cli.churn.recomputed": "Churn scores recomputed for {customers} customers, {changed} changed ({seconds} s)",
    "cli.churn.imported": "AUM snapshots, {rows} rows: {added} added, {updated} updated, {unchanged} unchanged, "
                          "{errors} errors; {rescored} customers rescored",
    "cli.login.env_token_refused": "{server} refuses CALLDESK_TOKEN (expired or revoked): unset it, or log in again "
                                   "with calldesk login",
    "cli.login.saved_expired": "the saved login of {username} on {server} has expired or was revoked: "
                               "the password is needed again",
    "cli.login.needed": "not logged in to {server}: run calldesk login --server {server} first (or set "
                        "CALLDESK_TOKEN, or CALLDESK_USER and CALLDESK_PASSWORD)",
    "cli.login.done": "logged in to {server} as {username} ({role}) until {until}; the token is kept in {file} "
                      "(readable by you only)",
    "cli.login.status": "logged in to {server} as {username} until {until}",
    "cli.login.status_none": "not logged in to {server} (no saved token that is still valid)",
    "cli.logout.done": "logged out of {server} ({username}): the token is revoked on the server and deleted",
    "cli.logout.local_only": "deleted the token of {username} for {server} (the server did not confirm: it had "
                             "expired or been revoked, or the server could not be reached)",
    "cli.logout.none": "not logged in to {server}",
    "cli.campaign.which": "campaign {id}",
    "cli.campaign.bad_window": "--window {value}: expected HH:MM-HH:MM, e.g. 09:00-20:00",
    "cli.campaign.no_leads": "no leads",
    "cli.campaign.none": "none",
    "cli.campaign.agents": "agents {agents}",
    "cli.campaign.stats": "campaign {campaign}: {attempts} attempts, {contacts} contacts, {rpc} right-party, "
                          "{connected} connected to an agent, abandon rate {abandon_rate}, {left} leads left",
    "cli.campaign.stats_leads": "leads",
    "cli.campaign.stats_results": "results",
    "cli.campaign.stats_dispositions": "dispositions",
    "cli.campaign.stats_excluded": "excluded",
    "cli.campaign.matched": "filter: {n} customers matched",
    "cli.campaign.leads_summary": "{what}: {added} leads added, {duplicates} already waiting, {refused} rows refused; "
                                  "excluded: {excluded}",
    "cli.file.missing": "{file}: no such file",
    "cli.file.cannot_read": "{file}: cannot read ({reason})",
    "cli.file.not_utf8": "{file}: not UTF-8 (byte {byte})",
    "cli.import.summary": "{file}: {rows} rows: {inserted} inserted, {updated} updated, {refused} refused",
    "cli.import.more_refused": "{file}: {n} more rows refused, not listed one by one",
}
