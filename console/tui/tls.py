"""How a console or CLI client trusts an ``https://`` server, and what it says when it cannot.

The system's trust store by default; ``--ca FILE`` or ``[console] ca_file`` names the CA that
signed the server's certificate instead (a center's own CA). A certificate that does not verify
is never accepted: the agent is told why (expired, wrong host, unknown CA) in one line.
"""

from __future__ import annotations

import ssl
from pathlib import Path

from console.i18n import t

# OpenSSL's X509_V_ERR_* codes that an agent or an administrator can act on.
_REASONS = {
    9: "transport.client.not_yet_valid",
    10: "transport.client.expired",
    18: "transport.client.unknown_ca",  # self-signed leaf
    19: "transport.client.unknown_ca",  # self-signed CA in the chain
    20: "transport.client.unknown_ca",  # issuer not in the trust store
    21: "transport.client.unknown_ca",
    62: "transport.client.wrong_host",
    64: "transport.client.wrong_host",  # IP address mismatch
}


class CaFileError(Exception):
    """The CA file given to trust a server cannot be used; the message names it and why."""


def client_ssl_context(ca_file: str | Path | None) -> ssl.SSLContext:
    """A verifying context: host name and chain checked, against ``ca_file`` or the system store."""
    if ca_file is None:
        return ssl.create_default_context()
    path = Path(ca_file)
    try:
        data = path.read_text(encoding="ascii")
    except FileNotFoundError:
        raise CaFileError(t("transport.ca.missing", file=path)) from None
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or exc
        raise CaFileError(t("transport.ca.unreadable", file=path, reason=reason)) from None
    try:
        return ssl.create_default_context(cadata=data)
    except ssl.SSLError as exc:
        raise CaFileError(t("transport.ca.not_pem", file=path, reason=exc.reason or exc)) from None


def verify_reason(code: int | None, message: str | None) -> str:
    """The reason a server certificate was refused, in the user's language."""
    key = _REASONS.get(code or -1)
    return t(key) if key else (message or t("transport.client.unverified"))


def tls_failure(exc: BaseException) -> str:
    """One line for a TLS handshake that failed: why the server's certificate was refused (an
    aiohttp ``ClientSSLError``; its ``certificate_error`` holds OpenSSL's verdict). The caller
    names the server (``console.login.failed``; the console's link line is about its server)."""
    cert_error = getattr(exc, "certificate_error", None)
    if isinstance(cert_error, ssl.SSLCertVerificationError):
        reason = verify_reason(cert_error.verify_code, cert_error.verify_message)
        return t("transport.client.cert_refused", reason=reason)
    os_error = getattr(exc, "os_error", None) or exc
    detail = getattr(os_error, "reason", None) or str(os_error) or type(os_error).__name__
    return t("transport.client.handshake_failed", reason=detail)
