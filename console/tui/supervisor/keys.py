"""The supervisor's key bindings, as data (remappable by id like the agent console's)."""

from __future__ import annotations

from console.tui.keys import KeySpec

SUPERVISOR_KEYS: tuple[KeySpec, ...] = (
    KeySpec("supervisor.keys", "f1", "app.show_help_panel", "sup.key.keys"),
    KeySpec("supervisor.listen", "f2", "spy('listen')", "sup.key.listen"),
    KeySpec("supervisor.whisper", "f3", "spy('whisper')", "sup.key.whisper"),
    KeySpec("supervisor.barge", "f4", "spy('barge')", "sup.key.barge"),
    KeySpec("supervisor.pause", "f6", "pause_agent(True)", "sup.key.pause"),
    KeySpec("supervisor.unpause", "f7", "pause_agent(False)", "sup.key.unpause"),
    KeySpec("supervisor.logout", "f8", "logout_agent", "sup.key.logout"),
    KeySpec("supervisor.report", "f9", "report", "sup.key.report"),
    # Not in the footer (its row is full; F1 lists it): the wallboard snapshots stay as they are.
    KeySpec("supervisor.campaigns", "f10", "campaigns", "sup.key.campaigns", show=False),
    KeySpec("supervisor.qa", "f12", "qa", "sup.key.qa", show=False),
    KeySpec("supervisor.risk", "ctrl+k", "risk", "sup.key.risk", show=False),
    KeySpec("supervisor.refresh", "f5", "refresh", "sup.key.refresh"),
)

ADMIN_KEYS: tuple[KeySpec, ...] = (
    # Administrators only (the board installs it for them): staff accounts. Listed by F1.
    KeySpec("supervisor.staff", "f11", "staff", "staff.key.open", show=False),
)

REPORT_KEYS: tuple[KeySpec, ...] = (
    KeySpec("report.board", "escape", "close", "sup.key.board"),
    KeySpec("report.run", "f5", "run_report", "sup.report.load"),
)

QA_KEYS: tuple[KeySpec, ...] = (
    KeySpec("qa.board", "escape", "close", "sup.key.board"),
    KeySpec("qa.load", "f5", "load_calls", "sup.qa.load"),
)

QA_REVIEW_KEYS: tuple[KeySpec, ...] = (
    KeySpec("qa.recording", "ctrl+r", "play_recording", "console.key.recording"),
)

RISK_KEYS: tuple[KeySpec, ...] = (
    KeySpec("risk.board", "escape", "close", "sup.key.board"),
    KeySpec("risk.load", "f5", "load", "sup.qa.load"),
)
