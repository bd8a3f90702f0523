"""`calldesk supervisor`: the supervisor's live board, a client of `calldesk serve`.

Log-in as for `calldesk console` (``CALLDESK_TOKEN``, or ``--user`` / ``CALLDESK_USER`` with
``CALLDESK_PASSWORD`` or a prompt). Keys, language and the alert thresholds (``[supervisor]``)
come from the local config.toml; the figures come from the server.
"""

from __future__ import annotations

import argparse

from console.cli.client_login import add_client_arguments, ca_file, credentials, server_urls


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("supervisor", help="the supervisor's live queues and agent board")
    add_client_arguments(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import asyncio

    from console.config import load_settings
    from console.i18n import set_locale
    from console.tui.supervisor.board_state import Thresholds

    settings = load_settings(args.config)
    set_locale(settings.center.locale)
    ctx = asyncio.run(connect(server_urls(args, settings), args.user, ca_file(args, settings)))
    ctx.thresholds = Thresholds(**settings.supervisor.model_dump())
    from pathlib import Path

    from console.tui.recording_player import RecordingPlayer

    ctx.recordings = RecordingPlayer(ctx.client, Path(settings.console.recordings_dir).expanduser(),
                                     settings.console.player)
    from console.tui.supervisor.app import SupervisorApp

    SupervisorApp(ctx, keymap=dict(settings.console.keys)).run()
    return 0


async def connect(servers: str | list[str], user: str | None, ca: str | None = None):
    """Log in before the screen opens, so a typo or a missing role fails in one line."""
    from console.errors import CalldeskError
    from console.i18n import t
    from console.tui.client import ApiError
    from console.tui.supervisor.client import SupervisorClient
    from console.tui.supervisor.context import SupervisorContext

    name, password, token = credentials(user)
    client = SupervisorClient(servers, token=token, ca_file=ca)
    try:
        if token:
            await client.me()
        else:
            await client.login(name, password)
        center = await client.config()
    except ApiError as exc:
        await client.close()
        raise CalldeskError(t("console.login.failed", server=client.base_url, message=exc.message)) from None
    await client.close()
    client._session = None  # made on this short-lived loop; the App opens its own
    assert client.user is not None
    if client.user.role == "agent":
        raise CalldeskError(t("sup.role", user=client.user.username, role=client.user.role))
    return SupervisorContext(user=client.user, client=client, center=center)
