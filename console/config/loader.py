"""Reading config.toml and the CALLDESK_… environment into :class:`Settings`.

Errors name the file, the key (dotted, ``pbx[0].port``) and what is wrong, in one line.
Precedence: built-in defaults < config.toml < environment variables.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import SecretStr, ValidationError
from pydantic_core import ErrorDetails

from console.config.settings import Settings
from console.errors import CalldeskError

ENV_PREFIX = "CALLDESK_"
# A key's path in the raw config, as pydantic reports it: section and key names, list indexes.
KeyPath = tuple[str | int, ...]

# Named variables kept from the wording; every other override is CALLDESK_<SECTION>__<KEY>.
NAMED_ENV: dict[str, KeyPath] = {
    "CALLDESK_DATABASE_URL": ("database", "url"),
    "CALLDESK_AMI_SECRET": ("pbx", 0, "secret"),
    "CALLDESK_PBX_HOST": ("pbx", 0, "host"),
    "CALLDESK_PBX_PORT": ("pbx", 0, "port"),
}
_SECRET_WORDS = ("secret", "url", "password")


class ConfigError(CalldeskError):
    """config.toml or a CALLDESK_… variable is wrong; the message says which key and why."""


def default_path(env: Mapping[str, str] = os.environ) -> Path:
    return Path(env.get("CALLDESK_CONFIG") or "config.toml")


def load_settings(path: str | Path | None = None, env: Mapping[str, str] = os.environ) -> Settings:
    """Settings from ``path`` (default ``$CALLDESK_CONFIG`` or ``./config.toml``) plus ``env``.

    A missing file means built-in defaults (only when no path was asked for explicitly).
    """
    explicit = path is not None or bool(env.get("CALLDESK_CONFIG"))
    file = Path(path) if path is not None else default_path(env)
    raw: dict[str, Any] = {}
    if file.is_file():
        raw = _read_toml(file)
    elif explicit:
        raise ConfigError(f"{file}: config file not found")
    origins = _apply_env(raw, env, file)
    try:
        settings = Settings.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(_describe(exc, file, origins)) from None
    source = file.resolve() if file.is_file() else None
    settings = _resolve_sqlite(settings, source.parent if source else Path.cwd())
    settings._source = source
    return settings


def _read_toml(file: Path) -> dict[str, Any]:
    try:
        with file.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{file}: not valid TOML: {exc}") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{file}: not UTF-8 text: {exc}") from None
    except OSError as exc:
        raise ConfigError(f"{file}: cannot read: {exc.strerror}") from None


def _apply_env(raw: dict[str, Any], env: Mapping[str, str], file: Path) -> dict[KeyPath, str]:
    """Write environment overrides into the raw dict; returns key path -> variable name."""
    origins: dict[KeyPath, str] = {}
    for var, value in env.items():
        if var in NAMED_ENV:
            loc: KeyPath = NAMED_ENV[var]
        elif var.startswith(ENV_PREFIX) and "__" in var:
            loc = tuple(part.lower() for part in var[len(ENV_PREFIX):].split("__"))
            if not all(loc):
                raise ConfigError(f"environment variable {var}: malformed name (expected CALLDESK_<SECTION>__<KEY>)")
        else:
            continue
        _set_path(raw, loc, value, var)
        origins[loc] = var
    return origins


def _set_path(raw: dict[str, Any], loc: KeyPath, value: str, var: str) -> None:
    node: Any = raw
    for i, part in enumerate(loc[:-1]):
        if isinstance(part, int):
            # Only the first [[pbx]] is addressed by a named variable; create it if absent.
            while len(node) <= part:
                node.append({})
            node = node[part]
            continue
        nxt = node.setdefault(part, [] if isinstance(loc[i + 1], int) else {})
        if not isinstance(nxt, (dict, list)):
            raise ConfigError(f"environment variable {var}: {_dotted(loc[: i + 1])} is not a section")
        if isinstance(nxt, list) and not isinstance(loc[i + 1], int):
            raise ConfigError(f"environment variable {var}: {_dotted(loc[: i + 1])} is a list; "
                              "only scalars can be overridden")
        node = nxt
    node[loc[-1]] = value


def _dotted(loc: KeyPath) -> str:
    out = ""
    for part in loc:
        if part == "[key]":  # pydantic's marker for "the dict key itself is wrong"
            continue
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _describe(exc: ValidationError, file: Path, origins: dict[KeyPath, str]) -> str:
    problems = []
    for err in exc.errors(include_url=False):
        loc = tuple(err["loc"])
        key = _dotted(loc) or "(top level)"
        what = _what(err, loc)
        var = next((v for o, v in origins.items() if loc[: len(o)] == o), None)
        where = f"{file}: {key}" + (f" (from environment variable {var})" if var else "")
        problems.append(f"{where}: {what}")
    extra = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
    return problems[0] + extra if len(problems) <= 1 else "; ".join(problems[:3]) + extra


def _what(err: ErrorDetails, loc: KeyPath) -> str:
    kind = err["type"]
    if kind == "extra_forbidden":
        return "unknown key"
    if kind == "missing":
        return "missing required key"
    message = err["msg"].removeprefix("Value error, ")
    secret = any(w in str(part).lower() for part in loc for w in _SECRET_WORDS)
    value = err.get("input")
    if secret or isinstance(value, (dict, list)) or value is None:
        return message
    return f"{message} (got {value!r})"


def _resolve_sqlite(settings: Settings, base: Path) -> Settings:
    """Make a relative SQLite path absolute against the config file's directory."""
    url = settings.database.url.get_secret_value()
    prefix = next((p for p in ("sqlite:///", "sqlite+pysqlite:///") if url.startswith(p)), None)
    if prefix is None or url[len(prefix):].startswith(("/", ":memory:")) or url == prefix:
        return settings
    absolute = prefix + str(base / url[len(prefix):])
    database = settings.database.model_copy(update={"url": SecretStr(absolute)})
    return settings.model_copy(update={"database": database})
