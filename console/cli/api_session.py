"""CLI commands that work through `calldesk serve`'s API as a logged-in user.

Issue 17: every write of the CLI goes through the API, so that the roles, the rules and the audit
trail apply to a shell as they do to the apps. :func:`run_as` logs in as the consoles do
(``CALLDESK_TOKEN``, or ``--user`` / ``CALLDESK_USER`` with ``CALLDESK_PASSWORD`` or a prompt:
console/cli/client_login.py), checks the least role the command needs against the server's role
vocabulary, runs the command with the client, and turns every refusal into the one-line
:class:`CalldeskError` the CLI prints (the thing acted on, the field, the server's words).
"""

from __future__ import annotations

import argparse
from collections.abc import Awaitable, Callable
from typing import Any

Work = Callable[[Any, argparse.Namespace], Awaitable[int]]


def run_as(args: argparse.Namespace, work: Work, role: str, where: Callable[[argparse.Namespace], Any] | None = None) -> int:
    """Log in (``--server``, ``--user``), require ``role`` or above, and run ``work(client, args)``.
    ``where``: what a refusal names first (an account, a file)."""
    import asyncio

    from console.cli.client_login import ca_file, credentials, server_url
    from console.config import load_settings
    from console.i18n import set_locale

    settings = load_settings(args.config)
    set_locale(settings.center.locale)
    server = server_url(args, settings)
    ca = ca_file(args, settings)
    given = credentials(args.user)
    return asyncio.run(_session(server, given, role, work, args, where, ca))


async def _session(server: str, given: tuple[str, str | None, str | None], role: str, work: Work,
                   args: argparse.Namespace, where: Callable[[argparse.Namespace], Any] | None,
                   ca: str | None = None) -> int:
    from console.errors import CalldeskError
    from console.i18n import t
    from console.tui.client import ApiError
    from console.tui.supervisor.client import SupervisorClient

    name, password, token = given
    client = SupervisorClient(server, token=token, ca_file=ca)
    try:
        try:
            await (client.me() if token else client.login(name, password or ""))
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


def error_line(where: Any, field: str | None, message: str) -> str:
    """``zhaoli: extension: 分机 1001 已分配给 …``: what was acted on, the field, the reason."""
    return ": ".join([*([str(where)] if where else []), *([field] if field else []), message])
