"""Log-in throttling, lockout and unlocking: the server's answers, the CLI and the staff screen (F9)."""

ZH_CN = {
    "server.error.too_many": "请求过于频繁，请稍后再试",
    "login.error.too_many": "登录尝试次数过多，请 {seconds} 秒后再试；如仍无法登录，请联系班长或管理员",
    "login.err.unlock_role": "只有管理员可以解锁角色高于自己的账号",
    "login.err.no_account": "没有用户名为 {username} 的账号",
    "staff.cli.unlocked": "{username} 已解锁",
    "staff.cli.not_locked": "{username} 未被锁定",
    "staff.cli.locked": "已锁定",
    "staff.state.locked": "已锁定",
    "staff.key.unlock": "解锁登录",
    "staff.unlocked": "{username} 已解锁",
    "staff.not_locked": "{username} 未被锁定",
}

EN = {
    "server.error.too_many": "Too many requests, please try again later",
    "login.error.too_many": ("Too many log-in attempts: try again in {seconds} s; if you still cannot log in, "
                             "ask your supervisor or an administrator"),
    "login.err.unlock_role": "only an administrator may unlock an account of a role above one's own",
    "login.err.no_account": "no account has the user name {username}",
    "staff.cli.unlocked": "{username} unlocked",
    "staff.cli.not_locked": "{username} was not locked",
    "staff.cli.locked": "locked",
    "staff.state.locked": "locked",
    "staff.key.unlock": "Unlock log-in",
    "staff.unlocked": "{username} unlocked",
    "staff.not_locked": "{username} was not locked",
}
