"""Files that config.toml names: a relative path is relative to the config file's directory."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def config_relative(settings: Any, value: str | Path) -> Path:
    """``value`` as a path, a relative one taken from the directory of the file ``settings``
    came from (the working directory when there was none)."""
    path = Path(value).expanduser()
    if path.is_absolute():
        return path
    source = getattr(settings, "source", None)
    return (source.parent if source else Path.cwd()) / path
