"""Fixtures of the campaign tests: the server tests' floor (real server, SQLite then PostgreSQL)."""

from tests.server.cli_run import api_cli  # noqa: F401 - a fixture re-exported for this directory
from tests.server.conftest import (  # noqa: F401 - fixtures re-exported for this directory
    client,
    frozen_clock,
    make_client,
    seed,
    seeded,
    seeded_engine,
    supervisor_token,
)
