"""Texts of the command line shared by its commands. Keys are ``cli.<area>.<name>``."""

ZH_CN: dict[str, str] = {
    "cli.api.role_needed": "需要{role}及以上角色：{user} 是{their}",
}

EN: dict[str, str] = {
    "cli.api.role_needed": "the role {role} or above is needed: {user} is {their}",
}
