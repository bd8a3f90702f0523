"""CLI commands that work through `calldesk serve`'s API as a logged-in user.

Issue 17: every write of the CLI goes through the API, so that the roles, the rules and the audit
trail apply to a shell as they do to the apps. :func:`run_as` logs in, checks the least role the
command needs against the server's role vocabulary, runs the command with the client, and turns
every refusal into the one-line :class:`CalldeskError` the CLI prints (the thing acted on, the
field, the server's words).

Who the command runs as, first that applies:

1. ``CALLDESK_TOKEN``: a token already issued (scripts); refused, it says so and asks for nothing.
2. The token `calldesk login` saved for this server (console/cli/token_cache.py), unless ``--user``
   names someone else. Expired or revoked (a server restart ends every session): dropped, and the
   password is asked again (or, with no terminal to ask on, the command says to log in).
3. ``--user`` / ``CALLDESK_USER`` with ``CALLDESK_PASSWORD`` or a prompt: this command only.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Awaitable, Callable
from typing import Any

Work = Callable[[Any, argparse.Namespace], Awaitable[int]]


def run_as(args: argparse.Namespace, work: Work, role: str, where: Callable[[argparse.Namespace], Any] | None = None,
           read_timeout_s: float = 120) -> int:
    """Log in (``--server``, ``--user``), require ``role`` or above, and run ``work(client, args)``.
    ``where``: what a refusal names first (an account, a file). ``read_timeout_s``: how long the
    server may take to answer one request (an import of a large file: long)."""
    import asyncio

    from console.cli.client_login import server_url
    from console.config import load_settings
    from console.i18n import set_locale

    settings = load_settings(args.config)
    set_locale(settings.center.locale)
    server = server_url(args, settings)
    return asyncio.run(_session(server, getattr(args, "user", None), role, work, args, where, read_timeout_s))


async def _session(server: str, user_option: str | None, role: str, work: Work, args: argparse.Namespace,
                   where: Callable[[argparse.Namespace], Any] | None, read_timeout_s: float) -> int:
    from console.cli.token_cache import TokenCache
    from console.errors import CalldeskError
    from console.i18n import t
    from console.tui.client import ApiError

    client = await open_client(server, user_option, TokenCache.default(), read_timeout_s)
    try:
        try:
            roles = (await client.config()).roles
        except ApiError as exc:
            raise CalldeskError(t("console.login.failed", server=server, message=exc.message)) from None
        user = client.user
        assert user is not None
        if user.role not in roles or roles.index(user.role) < roles.index(role):
            raise CalldeskError(t("cli.api.role_needed", role=t(f"staff.role.{role}"), user=user.username,
                                  their=t(f"staff.role.{user.role}")))
        try:
            return await work(client, args)
        except ApiError as exc:
            raise CalldeskError(error_line(where(args) if where else None, exc.field, exc.message)) from None
    finally:
        await client.close()


async def open_client(server: str, user_option: str | None, cache: Any, read_timeout_s: float = 120) -> Any:
    """A :class:`CliClient` logged in to ``server`` as the rules of this module say; else one line why."""
    import datetime as dt
    import os

    from console.cli.api_client import CliClient
    from console.errors import CalldeskError
    from console.i18n import t
    from console.tui.client import ApiError

    env_token = os.environ.get("CALLDESK_TOKEN")
    if env_token:
        return await _with_token(CliClient(server, token=env_token, read_timeout_s=read_timeout_s), server,
                                 t("cli.login.env_token_refused", server=server))
    saved = cache.get(server)
    if saved is not None and (user_option is None or user_option == saved.username):
        if not saved.expired(dt.datetime.now(dt.UTC)):
            client = CliClient(server, token=saved.token, read_timeout_s=read_timeout_s)
            try:
                await client.me()
                return client
            except ApiError as exc:
                await client.close()
                if exc.status != 401:
                    raise CalldeskError(t("console.login.failed", server=server, message=exc.message)) from None
        cache.forget(server)
        user_option = user_option or saved.username
        print(t("cli.login.saved_expired", server=server, username=saved.username), file=sys.stderr)
    name, password = ask_credentials(server, user_option)
    client = CliClient(server, read_timeout_s=read_timeout_s)
    try:
        await client.login(name, password)
    except ApiError as exc:
        await client.close()
        raise CalldeskError(t("console.login.failed", server=server, message=exc.message)) from None
    return client


async def _with_token(client: Any, server: str, refused: str) -> Any:
    from console.errors import CalldeskError
    from console.i18n import t
    from console.tui.client import ApiError

    try:
        await client.me()
    except ApiError as exc:
        await client.close()
        raise CalldeskError(refused if exc.status == 401 else
                            t("console.login.failed", server=server, message=exc.message)) from None
    return client


def ask_credentials(server: str, user_option: str | None) -> tuple[str, str]:
    """(user, password) from ``--user`` / ``CALLDESK_USER`` and ``CALLDESK_PASSWORD``, else asked at
    the terminal; with no terminal to ask on, one line saying how to log in."""
    import getpass
    import os

    from console.errors import CalldeskError
    from console.i18n import t

    name = user_option or os.environ.get("CALLDESK_USER") or ""
    password = os.environ.get("CALLDESK_PASSWORD") or ""
    if (not name or not password) and not sys.stdin.isatty():
        raise CalldeskError(t("cli.login.needed", server=server))
    name = name or input(t("console.login.user")).strip()
    if not name:
        raise CalldeskError(t("console.login.no_user"))
    return name, password or getpass.getpass(t("console.login.password"))


def error_line(where: Any, field: str | None, message: str) -> str:
    """``zhaoli: extension: 分机 1001 已分配给 …``: what was acted on, the field, the reason."""
    return ": ".join([*([str(where)] if where else []), *([field] if field else []), message])
