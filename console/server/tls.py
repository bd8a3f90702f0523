"""The server's TLS context, checked before it listens: a bad certificate is one clear line.

``calldesk serve`` refuses to start (rather than warn) with a certificate that is expired or not
yet valid: every console would refuse it anyway, and a server that starts "fine" but that no agent
can reach is worse than one that says at once which file is wrong. Within
:data:`EXPIRY_WARNING_DAYS` of its end it starts and warns.
"""

from __future__ import annotations

import datetime as dt
import ssl
from pathlib import Path

from console.errors import CalldeskError
from console.i18n import t

EXPIRY_WARNING_DAYS = 14


class TlsSetupError(CalldeskError):
    """A certificate or key of [server] cannot be used; the message names the file and why."""


def validity_problem(not_before: dt.datetime, not_after: dt.datetime, now: dt.datetime) -> str | None:
    """Why a certificate valid from ``not_before`` to ``not_after`` cannot be served at ``now``
    (a translated phrase), or None. Pure: the clock comes in."""
    if now < not_before:
        return t("transport.cert.not_yet_valid", start=not_before.isoformat(timespec="seconds"))
    if now > not_after:
        return t("transport.cert.expired", end=not_after.isoformat(timespec="seconds"))
    return None


def expires_soon(not_after: dt.datetime, now: dt.datetime) -> bool:
    return not_after - now < dt.timedelta(days=EXPIRY_WARNING_DAYS)


def certificate_dates(cert_file: Path) -> tuple[dt.datetime, dt.datetime]:
    """(not_before, not_after) of the first certificate of a PEM file, aware UTC."""
    from cryptography import x509

    try:
        data = cert_file.read_bytes()
    except FileNotFoundError:
        raise TlsSetupError(t("transport.cert.missing", key="server.tls_cert", file=cert_file)) from None
    except OSError as exc:
        raise TlsSetupError(t("transport.cert.unreadable", key="server.tls_cert", file=cert_file,
                              reason=exc.strerror)) from None
    try:
        cert = x509.load_pem_x509_certificate(data)
    except ValueError:
        raise TlsSetupError(t("transport.cert.not_pem", key="server.tls_cert", file=cert_file)) from None
    return cert.not_valid_before_utc, cert.not_valid_after_utc


def server_ssl_context(cert_file: Path, key_file: Path, now: dt.datetime) -> ssl.SSLContext:
    """A TLS server context (TLS 1.2 and up) for this certificate and key, or :class:`TlsSetupError`
    naming the file and the reason: missing, unreadable, not PEM, key not the certificate's, the
    certificate expired or not yet valid."""
    not_before, not_after = certificate_dates(cert_file)
    problem = validity_problem(not_before, not_after, now)
    if problem is not None:
        raise TlsSetupError(t("transport.cert.invalid_dates", key="server.tls_cert", file=cert_file, reason=problem))
    _check_key_file(key_file)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    try:
        context.load_cert_chain(cert_file, key_file)
    except ssl.SSLError as exc:
        reason = exc.reason or str(exc)
        if "KEY_VALUES_MISMATCH" in str(exc).upper():
            raise TlsSetupError(t("transport.cert.key_mismatch", key_file=key_file, cert_file=cert_file)) from None
        raise TlsSetupError(t("transport.cert.key_unusable", key="server.tls_key", file=key_file,
                              reason=reason)) from None
    return context


def _check_key_file(key_file: Path) -> None:
    try:
        key_file.read_bytes()
    except FileNotFoundError:
        raise TlsSetupError(t("transport.cert.missing", key="server.tls_key", file=key_file)) from None
    except OSError as exc:
        raise TlsSetupError(t("transport.cert.unreadable", key="server.tls_key", file=key_file,
                              reason=exc.strerror)) from None
