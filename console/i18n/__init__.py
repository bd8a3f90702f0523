"""The one translation layer of calldesk: every user-facing string goes through :func:`t`.

    from console.i18n import t, set_locale
    set_locale("en")
    t("console.status.queue_waiting", n=3)

Catalogues live next to this module, one module per area (``console.py`` for the agent
console, ``server.py`` for the server's error messages, …). Each module defines two dicts,
``ZH_CN`` and ``EN``, mapping a dotted key to a ``str.format`` template. Areas merge at import
time, so helpers add their own file instead of editing a shared one. A key missing from
English falls back to Chinese, and a key missing everywhere shows the key itself: a missing
translation is visible, never a crash in front of a caller.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import Literal

Locale = Literal["zh_CN", "en"]
LOCALES: tuple[Locale, ...] = ("zh_CN", "en")
DEFAULT_LOCALE: Locale = "zh_CN"

_catalogues: dict[str, dict[str, str]] = {"zh_CN": {}, "en": {}}
_locale: Locale = DEFAULT_LOCALE


def _load() -> None:
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        _catalogues["zh_CN"].update(getattr(module, "ZH_CN", {}))
        _catalogues["en"].update(getattr(module, "EN", {}))


def set_locale(locale: str) -> None:
    """Switch the language of every later :func:`t` call; an unknown locale is refused."""
    global _locale  # noqa: PLW0603 - the language is the process's
    if locale not in LOCALES:
        raise ValueError(f"unknown locale {locale!r} (expected one of {', '.join(LOCALES)})")
    _locale = locale


def get_locale() -> Locale:
    return _locale


def has(key: str, locale: str | None = None) -> bool:
    return key in _catalogues[locale or _locale]


def keys(locale: str) -> set[str]:
    return set(_catalogues[locale])


def t(key: str, /, **kwargs: object) -> str:
    """The text of ``key`` in the current locale, formatted with ``kwargs``."""
    template = _catalogues[_locale].get(key) or _catalogues[DEFAULT_LOCALE].get(key)
    if template is None:
        return key
    if not kwargs:
        return template
    try:
        return template.format(**kwargs)
    except (KeyError, IndexError, ValueError):
        # A translator's typo in a placeholder must not take the screen down.
        return template


_load()
