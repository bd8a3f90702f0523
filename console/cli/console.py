"""`calldesk console`: the agent's console, a client of `calldesk serve`.

Log-in: ``CALLDESK_TOKEN`` (a token already issued) or a password from ``CALLDESK_PASSWORD``
or typed at a getpass prompt. Keys and language come from the local config.toml
(``[console.keys]``, ``center.locale``); everything else comes from the server.
"""

from __future__ import annotations

import argparse
import os


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("console", help="the agent console (talks to calldesk serve)")
    parser.add_argument("--server", metavar="URL", help="server address (default: from config, http://127.0.0.1:8421)")
    parser.add_argument("--user", metavar="NAME", help="user name (default: $CALLDESK_USER, else asked)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import asyncio

    from console.config import load_settings
    from console.i18n import set_locale

    settings = load_settings(args.config)
    set_locale(settings.center.locale)
    server = args.server or f"http://{settings.server.host}:{settings.server.port}"
    ctx = asyncio.run(_connect(server, args.user))
    from console.tui.app import AgentApp

    AgentApp(ctx, keymap=dict(settings.console.keys)).run()
    return 0


async def _connect(server: str, user: str | None):
    """Log in (or check the token) before the screen opens, so a typo fails in one line."""
    import getpass

    from console.errors import CalldeskError
    from console.i18n import t
    from console.tui.agent.context import AgentContext
    from console.tui.client import ApiError, Client

    token = os.environ.get("CALLDESK_TOKEN")
    client = Client(server, token=token)
    try:
        if token:
            await client.me()
        else:
            name = user or os.environ.get("CALLDESK_USER") or input(t("console.login.user")).strip()
            if not name:
                raise CalldeskError(t("console.login.no_user"))
            password = os.environ.get("CALLDESK_PASSWORD") or getpass.getpass(t("console.login.password"))
            await client.login(name, password)
        center = await client.config()
    except ApiError as exc:
        await client.close()
        raise CalldeskError(t("console.login.failed", server=server, message=exc.message)) from None
    # The session was made on this short-lived loop; the App opens its own on its loop.
    await client.close()
    client._session = None
    assert client.user is not None
    return AgentContext(user=client.user, center=center, client=client)
