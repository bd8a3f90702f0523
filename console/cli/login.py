"""`calldesk login` / `calldesk logout`: a token for the shell session, so the password is typed once.

``login`` asks for the password (or takes ``CALLDESK_PASSWORD``), logs in to the server and saves
the token the server issued, with its expiry, in a file only this user may read
(console/cli/token_cache.py). Every command that goes through the API (campaign, report, import,
staff) uses it until it expires, the server restarts, or ``logout`` revokes it on the server and
deletes it. ``--status`` says who is logged in where, without a round trip.
"""

from __future__ import annotations

import argparse
from typing import Any

from console.cli.client_login import add_client_arguments


def register(subparsers: argparse._SubParsersAction) -> None:
    login = subparsers.add_parser("login", help="log in to the server once for this shell session (saves a token)",
                                  description="Log in to `calldesk serve` and keep the token (mode 0600, under "
                                              "$XDG_RUNTIME_DIR or ~/.cache/calldesk) for the commands that "
                                              "follow: campaign, report, import, staff.")
    add_client_arguments(login)
    login.add_argument("--status", action="store_true", help="say who is logged in to the server, and until when")
    login.set_defaults(func=_login)
    logout = subparsers.add_parser("logout", help="end the saved session: revoke the token on the server and delete it")
    add_client_arguments(logout)
    logout.set_defaults(func=_logout)


def _setup(args: argparse.Namespace) -> tuple[str, Any]:
    from console.cli.client_login import server_url
    from console.cli.token_cache import TokenCache
    from console.config import load_settings
    from console.i18n import set_locale

    settings = load_settings(args.config)
    set_locale(settings.center.locale)
    return server_url(args, settings), TokenCache.default()


def _login(args: argparse.Namespace) -> int:
    import asyncio

    server, cache = _setup(args)
    if args.status:
        return _status(server, cache)
    return asyncio.run(_log_in(server, args.user, cache))


async def _log_in(server: str, user: str | None, cache: Any) -> int:
    import datetime as dt

    from console.cli.api_client import CliClient
    from console.cli.api_session import ask_credentials
    from console.cli.token_cache import SavedLogin
    from console.errors import CalldeskError
    from console.i18n import t
    from console.tui.client import ApiError

    name, password = ask_credentials(server, user)
    client = CliClient(server, read_timeout_s=30)
    try:
        made = await client.login(name, password)
    except ApiError as exc:
        raise CalldeskError(t("console.login.failed", server=server, message=exc.message)) from None
    finally:
        await client.close()
    expires = dt.datetime.fromisoformat(made.expires_at) if made.expires_at else None
    replaced = cache.get(server)
    cache.put(server, SavedLogin(made.token, made.user.username, expires))
    if replaced is not None and replaced.token != made.token:
        await _revoke(server, replaced.token)  # a session nobody will use again: end it
    print(t("cli.login.done", server=server, username=made.user.username, role=t(f"staff.role.{made.user.role}"),
            until=_local(expires), file=cache.path))
    return 0


def _status(server: str, cache: Any) -> int:
    import datetime as dt

    from console.i18n import t

    saved = cache.get(server)
    if saved is None or saved.expired(dt.datetime.now(dt.UTC)):
        print(t("cli.login.status_none", server=server))
        return 1
    print(t("cli.login.status", server=server, username=saved.username, until=_local(saved.expires_at)))
    return 0


def _local(when: Any) -> str:
    return when.astimezone().strftime("%Y-%m-%d %H:%M") if when else "-"


def _logout(args: argparse.Namespace) -> int:
    import asyncio

    from console.i18n import t

    server, cache = _setup(args)
    saved = cache.get(server)
    if saved is None:
        print(t("cli.logout.none", server=server))
        return 0
    revoked = asyncio.run(_revoke(server, saved.token))
    cache.forget(server)
    print(t("cli.logout.done" if revoked else "cli.logout.local_only", server=server, username=saved.username))
    return 0


async def _revoke(server: str, token: str) -> bool:
    """Revoke the token on the server; False when the server could not be told (down, token gone)."""
    from console.cli.api_client import CliClient
    from console.tui.client import ApiError

    client = CliClient(server, token=token, read_timeout_s=30)
    try:
        await client.request("POST", "/api/logout")
        return True
    except ApiError:
        return False
    finally:
        await client.close()
