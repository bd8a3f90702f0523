"""Certificates the TLS tests make (trustme): a CA, and leaf certificates written as PEM files."""

from __future__ import annotations

import datetime as dt
import os
import ssl
from dataclasses import dataclass
from pathlib import Path

import trustme


@dataclass(frozen=True)
class CertFiles:
    cert: Path
    key: Path
    ca: Path


def issue(tmp: Path, name: str, ca: trustme.CA, *hosts: str, not_before: dt.datetime | None = None,
          not_after: dt.datetime | None = None) -> CertFiles:
    """A leaf certificate for ``hosts`` (default localhost and 127.0.0.1) signed by ``ca``."""
    leaf = ca.issue_cert(*(hosts or ("localhost", "127.0.0.1")), not_before=not_before, not_after=not_after)
    folder = tmp / name
    folder.mkdir(parents=True, exist_ok=True)
    cert, key, ca_file = folder / "server.crt", folder / "server.key", folder / "ca.pem"
    leaf.cert_chain_pems[0].write_to_path(str(cert))
    for extra in leaf.cert_chain_pems[1:]:
        extra.write_to_path(str(cert), append=True)
    leaf.private_key_pem.write_to_path(str(key))
    ca.cert_pem.write_to_path(str(ca_file))
    return CertFiles(cert, key, ca_file)


def raw_server_context(files: CertFiles) -> ssl.SSLContext:
    """A server context that serves whatever it is given (calldesk serve would refuse an expired
    certificate; this stands for a server that does not check)."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(files.cert, files.key)
    return context


def source_env(**extra: str) -> dict[str, str]:
    """The environment for a `python -m console` child that runs this checkout's code (a git
    worktree next to an installed one included), with ``extra`` variables."""
    import console

    root = str(Path(console.__file__).resolve().parents[1])
    return dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")])), **extra)
