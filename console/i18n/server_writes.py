"""The server's messages about CSV uploads and reports (campaign leads, customer import, the
supervisor report). Keys are ``server.<area>.<name>``."""

ZH_CN: dict[str, str] = {
    "server.campaign.csv_too_large": "CSV 文件过大（上限 {max} MB）",
    "server.campaign.csv_not_utf8": "CSV 不是 UTF-8 编码（第 {byte} 字节）",
    "server.import.too_large": "CSV 文件过大（上限 {max} MB）：请拆分后分别导入",
    "server.import.empty": "CSV 文件为空：第一行须为表头（client_no, name, …）",
    "server.report.bad_date": "{field} 须为 YYYY-MM-DD 日期（收到「{value}」）",
    "server.report.bad_choice": "{field} 须为 {allowed}（收到「{value}」）",
    "server.report.bad_range": "日期范围须在 1 到 {max} 天之间（to 不早于 from）",
    "server.report.bad_interval": "interval「{value}」无效：须为能整分一天的分钟或小时数，如 15m、30m、1h",
    "server.report.unknown_queue": "队列 {queue} 未配置（已配置：{queues}）",
    "server.report.not_your_queue": "队列 {queue} 不在你管理的范围内",
}

EN: dict[str, str] = {
    "server.campaign.csv_too_large": "the CSV file is too large (at most {max} MB)",
    "server.campaign.csv_not_utf8": "the CSV file is not UTF-8 (byte {byte})",
    "server.import.too_large": "the CSV file is too large (at most {max} MB): split it and import the parts",
    "server.import.empty": "the CSV file is empty: its first line must be the header (client_no, name, …)",
    "server.report.bad_date": "{field} must be a YYYY-MM-DD date (got '{value}')",
    "server.report.bad_choice": "{field} must be {allowed} (got '{value}')",
    "server.report.bad_range": "the dates must span 1 to {max} days (to not before from)",
    "server.report.bad_interval": "interval '{value}' is not valid: minutes or hours that divide a day, such as "
                                  "15m, 30m, 1h",
    "server.report.unknown_queue": "queue {queue} is not configured (configured: {queues})",
    "server.report.not_your_queue": "queue {queue} is not one of yours",
}
