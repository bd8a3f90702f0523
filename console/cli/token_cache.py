"""Where `calldesk login` keeps its tokens for the shell session, one per server URL.

A JSON file readable by its owner only (mode 0600, in a 0700 directory): under
``$XDG_RUNTIME_DIR/calldesk`` (a per-login tmpfs the system empties when the session ends), else
``~/.cache/calldesk``; ``CALLDESK_TOKEN_FILE`` names another file. Each entry keeps the token's
expiry (the server's ``expires_at``: tokens do not slide), so an expired one is dropped without a
round trip. A file that someone else owns or that others may read is not trusted: it is ignored
and replaced, never read, since a token in it would be a session anyone could take.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import stat
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class SavedLogin:
    token: str
    username: str
    expires_at: dt.datetime | None

    def expired(self, now: dt.datetime) -> bool:
        return self.expires_at is not None and self.expires_at <= now


class TokenCache:
    def __init__(self, path: Path) -> None:
        self.path = path

    @classmethod
    def default(cls) -> TokenCache:
        named = os.environ.get("CALLDESK_TOKEN_FILE")
        if named:
            return cls(Path(named))
        runtime = os.environ.get("XDG_RUNTIME_DIR")
        base = Path(runtime) if runtime and Path(runtime).is_dir() else Path.home() / ".cache"
        return cls(base / "calldesk" / "tokens.json")

    @staticmethod
    def key(server: str) -> str:
        return server.rstrip("/")

    def get(self, server: str) -> SavedLogin | None:
        entry = self._read().get(self.key(server))
        if not isinstance(entry, dict) or not entry.get("token"):
            return None
        try:
            expires = dt.datetime.fromisoformat(entry["expires_at"]) if entry.get("expires_at") else None
        except (TypeError, ValueError):
            expires = None
        return SavedLogin(str(entry["token"]), str(entry.get("username", "")), expires)

    def put(self, server: str, saved: SavedLogin) -> None:
        entries = self._read()
        entries[self.key(server)] = {"token": saved.token, "username": saved.username,
                                     "expires_at": saved.expires_at.isoformat() if saved.expires_at else None}
        self._write(entries)

    def forget(self, server: str) -> bool:
        entries = self._read()
        if entries.pop(self.key(server), None) is None:
            return False
        self._write(entries)
        return True

    def _read(self) -> dict[str, object]:
        try:
            fd = os.open(self.path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        except OSError:
            return {}
        with os.fdopen(fd, encoding="utf-8") as f:
            info = os.fstat(f.fileno())
            if info.st_uid != os.getuid() or stat.S_IMODE(info.st_mode) & 0o077:
                return {}  # not private: not ours to trust (replaced at the next write)
            try:
                data = json.load(f)
            except (ValueError, UnicodeDecodeError):
                return {}
        return data if isinstance(data, dict) else {}

    def _write(self, entries: dict[str, object]) -> None:
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        temp = self.path.with_name(f".{self.path.name}.{os.getpid()}")
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            os.fchmod(f.fileno(), 0o600)  # whatever the umask, or a leftover temp file, said
            json.dump(entries, f)
        os.replace(temp, self.path)
