"""Form drafts kept on disk, so that a crash or a lost connection loses nothing typed.

One JSON file under the user's state directory; each draft is keyed (``ticket:<call>``) and
written whole on every change via a temporary file and an atomic rename. A corrupt file is
set aside (``.corrupt``) rather than silently emptied.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from platformdirs import user_state_dir


def default_path() -> Path:
    return Path(user_state_dir("calldesk")) / "drafts.json"


class DraftStore:
    def __init__(self, path: Path | None = None) -> None:
        self.path = path or default_path()
        self._drafts: dict[str, dict[str, Any]] = self._read()

    def _read(self) -> dict[str, dict[str, Any]]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (ValueError, OSError):
            self.path.replace(self.path.with_suffix(".corrupt"))
            return {}
        return data if isinstance(data, dict) else {}

    def get(self, key: str) -> dict[str, Any] | None:
        return self._drafts.get(key)

    def keys(self) -> list[str]:
        return list(self._drafts)

    def save(self, key: str, fields: dict[str, Any]) -> None:
        self._drafts[key] = fields
        self._write()

    def discard(self, key: str) -> None:
        if self._drafts.pop(key, None) is not None:
            self._write()

    def _write(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self._drafts, ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(tmp, self.path)
