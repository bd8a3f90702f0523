"""Texts of the command line shared by its commands. Keys are ``cli.<area>.<name>``."""

ZH_CN: dict[str, str] = {
    "cli.api.role_needed": "需要{role}及以上角色：{user} 是{their}",
    "cli.recordings.saved": "录音已保存到 {file}（{size} 字节）",
    "cli.recordings.expired": "共 {count} 条通话的录音已超过保存期限（{days} 天，结束于 {before} 之前）",
    "cli.churn.recomputed": "已为 {customers} 位客户重新计算流失风险，{changed} 位有变化（{seconds} 秒）",
    "cli.churn.imported": "资产快照 {rows} 行：新增 {added}，更新 {updated}，未变 {unchanged}，错误 {errors}；重新评分 {rescored} 位客户",
}

EN: dict[str, str] = {
    "cli.api.role_needed": "the role {role} or above is needed: {user} is {their}",
    "cli.recordings.saved": "Recording saved to {file} ({size} bytes)",
    "cli.recordings.expired": "{count} calls have recordings past retention ({days} days: ended before {before})",
    "cli.churn.recomputed": "Churn scores recomputed for {customers} customers, {changed} changed ({seconds} s)",
    "cli.churn.imported": "AUM snapshots, {rows} rows: {added} added, {updated} updated, {unchanged} unchanged, {errors} errors; {rescored} customers rescored",
}
