"""Why a customer CSV row or file is refused (console/store/importing; docs/import-csv.md).
Keys ``import.row.*`` (one row) and ``import.file.*`` (the whole file)."""

ZH_CN: dict[str, str] = {
    "import.row.client_no_missing": "缺少 client_no",
    "import.row.client_no_shape": "client_no {value!r} 不是 12 位数字",
    "import.row.name_missing": "缺少 name",
    "import.row.name_long": "name 超过 64 个字符",
    "import.row.tier": "tier {value!r} 不是 "
                       "standard、silver、gold、platinum、diamond（普通、银卡、金卡、白金、钻石）之一",
    "import.row.risk_level": "risk_level {value!r} 不是 C1…C5",
    "import.row.id_number": "id_number 不是有效的 18 位居民身份证号（格式、出生日期或校验位不对）",
    "import.row.gender": "gender {value!r} 不是 M/F（男/女）",
    "import.row.phone": "电话 {value!r} 不是有效的电话号码",
    "import.row.phone_service": "电话 {value!r} 是服务号码，不是客户的电话",
    "import.row.aum": "aum {value!r} 不是金额",
    "import.row.aum_range": "aum {value!r} 超出范围",
    "import.row.date": "{column} {value!r} 不是日期（YYYY-MM-DD）",
    "import.row.choice": "{column} {value!r} 不是 {allowed} 之一",
    "import.row.flag": "{column} {value!r} 不是 是/否（yes/no、1/0、true/false）",
    "import.row.twice": "client_no {value} 已在第 {line} 行出现",
    "import.row.manager": "manager {value!r} 不是在职员工的用户名",
    "import.row.not_utf8": "不是 UTF-8 编码：第 {column} 列字节 0x{byte}（请将文件另存为 UTF-8；"
                           "不读取 GB18030/GBK 导出的文件）",
    "import.row.not_csv": "不是有效的 CSV：{reason}",
    "import.row.fields": "有 {n} 个字段，表头有 {header} 个",
    "import.file.cannot_read": "{file}：无法读取：{reason}",
    "import.file.no_header": "{file}:1: 第一行须为表头（{required}, …）",
    "import.file.header_csv": "{file}:1: 表头不是有效的 CSV：{reason}",
    "import.file.unknown_column": "{file}:1: 未知的列 {columns}（可用的列：{known}；见 docs/import-csv.md）",
    "import.file.missing_column": "{file}:1: 缺少必需的列 {columns}",
    "import.file.column_twice": "{file}:1: 列 {columns} 出现了两次",
}

EN: dict[str, str] = {
    "import.row.client_no_missing": "client_no is missing",
    "import.row.client_no_shape": "client_no {value!r} is not 12 digits",
    "import.row.name_missing": "name is missing",
    "import.row.name_long": "name is longer than 64 characters",
    "import.row.tier": "tier {value!r} is not one of standard, silver, gold, platinum, diamond "
                       "(普通, 银卡, 金卡, 白金, 钻石)",
    "import.row.risk_level": "risk_level {value!r} is not C1…C5",
    "import.row.id_number": "id_number is not a valid 18-character resident id (shape, birth date or check digit)",
    "import.row.gender": "gender {value!r} is not M/F (男/女)",
    "import.row.phone": "phone {value!r} is not a valid phone number",
    "import.row.phone_service": "phone {value!r} is a service number, not a customer's phone",
    "import.row.aum": "aum {value!r} is not an amount",
    "import.row.aum_range": "aum {value!r} is out of range",
    "import.row.date": "{column} {value!r} is not a date (YYYY-MM-DD)",
    "import.row.choice": "{column} {value!r} is not one of {allowed}",
    "import.row.flag": "{column} {value!r} is not yes/no (1/0, true/false, 是/否)",
    "import.row.twice": "client_no {value} already appears on line {line}",
    "import.row.manager": "manager {value!r} is not an active staff username",
    "import.row.not_utf8": "not UTF-8: byte 0x{byte} at column {column} (save the file as UTF-8; GB18030/GBK "
                           "exports are not read)",
    "import.row.not_csv": "not valid CSV: {reason}",
    "import.row.fields": "has {n} fields, the header has {header}",
    "import.file.cannot_read": "{file}: cannot read: {reason}",
    "import.file.no_header": "{file}:1: the first line must be the header ({required}, …)",
    "import.file.header_csv": "{file}:1: header is not valid CSV: {reason}",
    "import.file.unknown_column": "{file}:1: unknown column {columns} (columns: {known}; see docs/import-csv.md)",
    "import.file.missing_column": "{file}:1: missing required column {columns}",
    "import.file.column_twice": "{file}:1: column {columns} appears twice",
}
