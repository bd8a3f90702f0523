"""`calldesk console`: the agent's console, a client of `calldesk serve`.

Log-in: ``CALLDESK_TOKEN`` (a token already issued) or a password from ``CALLDESK_PASSWORD``
or typed at a getpass prompt. Keys and language come from the local config.toml
(``[console.keys]``, ``center.locale``); everything else comes from the server.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from console.cli.client_login import add_client_arguments, ca_file, credentials, server_urls

if TYPE_CHECKING:
    from console.config import ConsoleSettings


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("console", help="the agent console (talks to calldesk serve)")
    add_client_arguments(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from console.config import load_settings
    from console.errors import CalldeskError
    from console.i18n import set_locale, t

    settings = load_settings(args.config)
    set_locale(settings.center.locale)
    servers = server_urls(args, settings)
    ca = ca_file(args, settings)
    given = credentials(args.user)
    from console.tui.app import AgentApp

    # The screen opens at once and logs in behind a "connecting" line: the first frame does
    # not wait for aiohttp or the network. A refused login ends it with one line and exit 2.
    app = AgentApp(connect=lambda: _connect(servers, given, settings.console, ca), keymap=dict(settings.console.keys),
                   freeze_heap=True)
    app.run()
    if app.login_error is not None:
        raise CalldeskError(t("console.login.failed", server=", ".join(servers), message=app.login_error))
    return app.return_code or 0


async def _connect(servers: str | list[str], given: tuple[str, str | None, str | None], console: ConsoleSettings,
                   ca: str | None = None):
    from pathlib import Path

    from console.tui.agent.context import AgentContext
    from console.tui.client import Client
    from console.tui.recording_player import RecordingPlayer

    user, password, token = given
    client = Client(servers, token=token, ca_file=ca)
    if token:
        await client.me()
    else:
        await client.login(user, password or "")
    center = await client.config()
    assert client.user is not None
    player = RecordingPlayer(client, Path(console.recordings_dir).expanduser(), console.player)  # noqa: ASYNC240 - only ~ expanded
    return AgentContext(user=client.user, center=center, client=client, recordings=player)
