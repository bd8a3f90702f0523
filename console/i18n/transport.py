"""Transport security: TLS set-up and verification, WebSocket authentication (issue 17)."""

ZH_CN = {
    "transport.ws.secret_in_url": "WebSocket 不接受 URL 中的 {param} 参数"
                                  "（URL 会被代理和日志记录，该令牌已作废，请重新登录）："
                                  "请用 Authorization: Bearer 请求头，"
                                  "或连接后第一条消息 {{\"kind\": \"auth\", \"token\": …}}",
    "transport.ws.closed_4400": "实时连接被服务器关闭：第一条消息不是认证消息",
    "transport.ws.closed_4403": "实时连接被服务器拒绝：登录已失效，请重新登录",
    "transport.ws.closed_4408": "实时连接被服务器关闭：未在时限内完成认证",
    "transport.cert.missing": "{key}：证书文件 {file} 不存在",
    "transport.cert.unreadable": "{key}：无法读取 {file}：{reason}",
    "transport.cert.not_pem": "{key}：{file} 不是 PEM 格式的证书",
    "transport.cert.invalid_dates": "{key}：证书 {file} {reason}，拒绝启动",
    "transport.cert.expired": "已于 {end} 过期",
    "transport.cert.not_yet_valid": "要到 {start} 才生效",
    "transport.cert.expires_soon": "证书 {file} 将于 {end} 过期，请尽快更换",
    "transport.cert.key_mismatch": "server.tls_key：私钥 {key_file} 与证书 {cert_file} 不匹配",
    "transport.cert.key_unusable": "{key}：{file} 不是可用的私钥（{reason}；私钥须为未加密的 PEM）",
    "transport.ca.missing": "CA 证书文件 {file} 不存在（--ca 或 [console] ca_file）",
    "transport.ca.unreadable": "无法读取 CA 证书文件 {file}：{reason}",
    "transport.ca.not_pem": "CA 证书文件 {file} 不是 PEM 格式的证书：{reason}",
    "transport.client.cert_refused": "服务器证书未通过验证：{reason}",
    "transport.client.handshake_failed": "TLS 握手失败：{reason}",
    "transport.client.expired": "证书已过期（请服务器管理员更换证书）",
    "transport.client.not_yet_valid": "证书尚未生效（检查服务器和本机的时钟）",
    "transport.client.unknown_ca": "证书的签发机构不受信任（用 --ca 或 [console] ca_file 指定签发它的 CA）",
    "transport.client.wrong_host": "证书与服务器地址不符（用证书上的主机名连接）",
    "transport.client.unverified": "证书无法验证",
}

EN = {
    "transport.ws.secret_in_url": "The WebSocket does not take {param} in its URL "
                                  "(URLs end up in proxy and access logs; that token is revoked, log in again): "
                                  "send it in an Authorization: Bearer header, "
                                  "or as the first message {{\"kind\": \"auth\", \"token\": …}}",
    "transport.ws.closed_4400": "The server closed the live link: the first message was not an auth message",
    "transport.ws.closed_4403": "The server refused the live link: the session has expired, log in again",
    "transport.ws.closed_4408": "The server closed the live link: no authentication in time",
    "transport.cert.missing": "{key}: certificate file {file} does not exist",
    "transport.cert.unreadable": "{key}: cannot read {file}: {reason}",
    "transport.cert.not_pem": "{key}: {file} is not a PEM certificate",
    "transport.cert.invalid_dates": "{key}: certificate {file} {reason}; not starting",
    "transport.cert.expired": "expired on {end}",
    "transport.cert.not_yet_valid": "is not valid before {start}",
    "transport.cert.expires_soon": "certificate {file} expires on {end}: replace it soon",
    "transport.cert.key_mismatch": "server.tls_key: the key {key_file} does not belong to the certificate {cert_file}",
    "transport.cert.key_unusable": "{key}: {file} is not a usable private key "
                                   "({reason}; it must be an unencrypted PEM key)",
    "transport.ca.missing": "CA file {file} does not exist (--ca or [console] ca_file)",
    "transport.ca.unreadable": "cannot read CA file {file}: {reason}",
    "transport.ca.not_pem": "CA file {file} is not a PEM certificate: {reason}",
    "transport.client.cert_refused": "the server's certificate did not verify: {reason}",
    "transport.client.handshake_failed": "TLS handshake failed: {reason}",
    "transport.client.expired": "the certificate has expired (the server's administrator must replace it)",
    "transport.client.not_yet_valid": "the certificate is not valid yet (check the server's and this machine's clocks)",
    "transport.client.unknown_ca": "the certificate's issuer is not trusted "
                                   "(name the CA that signed it with --ca or [console] ca_file)",
    "transport.client.wrong_host": "the certificate is not for this server's address "
                                   "(connect with the host name on the certificate)",
    "transport.client.unverified": "the certificate cannot be verified",
}
