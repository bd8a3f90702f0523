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
    from console.config import load_settings
    from console.errors import CalldeskError
    from console.i18n import set_locale, t

    settings = load_settings(args.config)
    set_locale(settings.center.locale)
    server = args.server or f"http://{settings.server.host}:{settings.server.port}"
    credentials = _credentials(args.user)
    from console.tui.app import AgentApp

    # The screen opens at once and logs in behind a "connecting" line: the first frame does
    # not wait for aiohttp or the network. A refused login ends it with one line and exit 2.
    app = AgentApp(connect=lambda: _connect(server, credentials), keymap=dict(settings.console.keys))
    app.run()
    if app.login_error is not None:
        raise CalldeskError(t("console.login.failed", server=server, message=app.login_error))
    return app.return_code or 0


def _credentials(user: str | None) -> tuple[str, str | None, str | None]:
    """(user, password, token), asked for before the screen takes the terminal."""
    import getpass

    from console.errors import CalldeskError
    from console.i18n import t

    token = os.environ.get("CALLDESK_TOKEN")
    if token:
        return user or "", None, token
    name = user or os.environ.get("CALLDESK_USER") or input(t("console.login.user")).strip()
    if not name:
        raise CalldeskError(t("console.login.no_user"))
    return name, os.environ.get("CALLDESK_PASSWORD") or getpass.getpass(t("console.login.password")), None


async def _connect(server: str, credentials: tuple[str, str | None, str | None]):  # noqa: ANN202
    from console.tui.agent.context import AgentContext
    from console.tui.client import Client

    user, password, token = credentials
    client = Client(server, token=token)
    if token:
        await client.me()
    else:
        await client.login(user, password or "")
    center = await client.config()
    assert client.user is not None
    return AgentContext(user=client.user, center=center, client=client)
