"""What the two terminal clients (`calldesk console`, `calldesk supervisor`) share: their
`--server`/`--user`/`--ca` options and how they get credentials before the screen takes the terminal.

Credentials: ``CALLDESK_TOKEN`` (a token already issued), else a user name from ``--user``,
``CALLDESK_USER`` or a prompt, with ``CALLDESK_PASSWORD`` or a getpass prompt.
"""

from __future__ import annotations

import argparse
import os


def add_client_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--server", metavar="URL", help="server address, http:// or https:// (default: from config, "
                        "http://127.0.0.1:8421); the consoles take several, comma-separated, and move to the next "
                        "when one stops answering")
    parser.add_argument("--user", metavar="NAME", help="user name (default: $CALLDESK_USER, else asked)")
    parser.add_argument("--ca", metavar="FILE", help="CA (PEM) that signed an https server's certificate "
                        "(default: [console] ca_file from config, else the system's trust store)")


def server_url(args: argparse.Namespace, settings) -> str:  # settings: a Settings, imported late
    """The server a command talks to: the first of :func:`server_urls`."""
    return server_urls(args, settings)[0]


def server_urls(args: argparse.Namespace, settings) -> list[str]:  # settings: a Settings, imported late
    """The servers a console may use, in order: ``--server`` (comma-separated), else ``[console]
    servers``, else the one of ``[server]`` (the same config.toml as the server's)."""
    from console.errors import CalldeskError

    if args.server:
        given = [address.strip().rstrip("/") for address in args.server.split(",") if address.strip()]
        bad = [address for address in given if not address.startswith(("http://", "https://"))]
        if bad or not given:
            raise CalldeskError(f"--server: {bad[0] if bad else args.server!r} is not a server address "
                                "(expected http://host:port or https://host:port)")
        return given
    if settings.console.servers:
        return list(settings.console.servers)
    scheme = "https" if settings.server.tls_cert else "http"
    return [f"{scheme}://{settings.server.host}:{settings.server.port}"]


def ca_file(args: argparse.Namespace, settings) -> str | None:  # settings: a Settings, imported late
    """The CA file to verify an https server with: ``--ca`` (as given), else ``[console] ca_file``
    (relative to the config file); checked now, so that a wrong path is one line before any screen."""
    from console.config.paths import config_relative
    from console.errors import CalldeskError
    from console.tui.tls import CaFileError, client_ssl_context

    given = getattr(args, "ca", None)
    path = given or (str(config_relative(settings, settings.console.ca_file)) if settings.console.ca_file else None)
    if path is not None:
        try:
            client_ssl_context(path)
        except CaFileError as exc:
            raise CalldeskError(str(exc)) from None
    return path


def credentials(user: str | None) -> tuple[str, str | None, str | None]:
    """(user, password, token)."""
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
