"""Texts of `calldesk demo` (the terminal around the console, and its live-event view)."""

ZH_CN = {
    "demo.db.creating": "正在创建演示数据库 {where}（首次运行，约需数十秒）…",
    "demo.db.ready": "数据库：{where}",
    "demo.starting": "正在启动 PBX 模拟器（AMI 端口 {ami}）和服务器（{url}）…",
    "demo.starting_sim": "正在启动 PBX 模拟器（AMI 端口 {ami}）…",
    "demo.ready": "一切就绪。几秒钟内就会有来电。",
    "demo.more": "再开一个坐席台：CALLDESK_PASSWORD={password} calldesk console --server {url} --user agent1002\n"
                 "主管视图：      CALLDESK_PASSWORD={password} calldesk supervisor --server {url} --user sup1",
    "demo.quit_hint": "在坐席台中按 Ctrl+Q 退出，演示随之关闭。",
    "demo.no_server": "服务器（calldesk serve）尚未就绪：这里直接显示模拟器的实时通话事件。按 Ctrl-C 退出。",
    "demo.stopping": "正在关闭演示…",
    "demo.stopped": "演示已关闭，没有遗留进程。",
    "demo.child_failed": "{what} 启动失败（退出码 {code}）；日志：{log}\n{tail}",
    "demo.child_timeout": "{what} 在 {seconds} 秒内没有就绪；日志：{log}",
    "demo.event.ringing": "{time}  振铃  坐席 {agent} ← {caller} {name}（{queue}）",
    "demo.event.answered": "{time}  接通  坐席 {agent}（{queue}，等待 {wait} 秒）",
    "demo.event.ended": "{time}  结束  {caller} {name}：{outcome}，{by}挂机（通话 {talk} 秒）",
    "demo.event.callback": "{time}  回电请求  {caller} {name}（{queue}）",
    "demo.event.transferred": "{time}  转接  {from_agent} → {to}",
    "demo.unknown_caller": "未知来电",
    "demo.outcome.answered": "已接听", "demo.outcome.abandoned": "放弃", "demo.outcome.no_answer": "无人接听",
    "demo.outcome.busy": "忙", "demo.outcome.rejected": "被拒接", "demo.outcome.cancelled": "取消",
    "demo.outcome.refused": "未能排队", "demo.outcome.callback_requested": "要求回电", "demo.outcome.failed": "失败",
    "demo.by.caller": "客户", "demo.by.agent": "坐席", "demo.by.system": "系统",
}

EN = {
    "demo.db.creating": "Creating the demo database {where} (first run, takes a few tens of seconds)…",
    "demo.db.ready": "Database: {where}",
    "demo.starting": "Starting the PBX simulator (AMI port {ami}) and the server ({url})…",
    "demo.starting_sim": "Starting the PBX simulator (AMI port {ami})…",
    "demo.ready": "Ready. Calls will arrive within seconds.",
    "demo.more": "Another agent console: "
                 "CALLDESK_PASSWORD={password} calldesk console --server {url} --user agent1002\n"
                 "Supervisor view:       "
                 "CALLDESK_PASSWORD={password} calldesk supervisor --server {url} --user sup1",
    "demo.quit_hint": "Quit the console with Ctrl+Q; the demo stops with it.",
    "demo.no_server": "The server (calldesk serve) is not available yet: showing the simulator's live call events. "
                      "Ctrl-C to quit.",
    "demo.stopping": "Stopping the demo…",
    "demo.stopped": "Demo stopped; no process left behind.",
    "demo.child_failed": "{what} failed to start (exit code {code}); log: {log}\n{tail}",
    "demo.child_timeout": "{what} was not ready within {seconds} s; log: {log}",
    "demo.event.ringing": "{time}  ringing   agent {agent} <- {caller} {name} ({queue})",
    "demo.event.answered": "{time}  answered  agent {agent} ({queue}, waited {wait} s)",
    "demo.event.ended": "{time}  ended     {caller} {name}: {outcome}, hung up by {by} (talked {talk} s)",
    "demo.event.callback": "{time}  callback  {caller} {name} ({queue})",
    "demo.event.transferred": "{time}  transfer  {from_agent} -> {to}",
    "demo.unknown_caller": "unknown caller",
    "demo.outcome.answered": "answered", "demo.outcome.abandoned": "abandoned", "demo.outcome.no_answer": "no answer",
    "demo.outcome.busy": "busy", "demo.outcome.rejected": "rejected", "demo.outcome.cancelled": "cancelled",
    "demo.outcome.refused": "refused", "demo.outcome.callback_requested": "callback requested",
    "demo.outcome.failed": "failed",
    "demo.by.caller": "the caller", "demo.by.agent": "the agent", "demo.by.system": "the system",
}
