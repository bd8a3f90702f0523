"""`calldesk`'s parser is built without importing the helpers of console/cli nor the simulator's
scenarios (issue 18: looking for ``register`` in each module imported aiohttp, Textual and the
whole agent screen, ~400 ms before any command ran, `calldesk console`'s first frame included)."""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_building_the_parser_imports_no_ui_and_no_http_client():
    code = (
        "import sys\n"
        "from console.cli import build_parser\n"
        "build_parser()\n"
        "print('\\n'.join(sorted(sys.modules)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    loaded = set(out.stdout.split())
    assert not {name.split(".")[0] for name in loaded} & {"textual", "rich", "aiohttp", "sqlalchemy", "pydantic"}
    assert "telephony.simulator.catalogue" not in loaded  # `simulate --help` lists it, when asked


def test_every_module_that_registers_a_command_is_registered():
    import console.cli as cli

    registering = [info for info in pkgutil.iter_modules(cli.__path__)
                   if hasattr(importlib.import_module(f"console.cli.{info.name}"), "register")]
    assert registering
    assert all(cli._registers(info) for info in registering)
    helpers = [info for info in pkgutil.iter_modules(cli.__path__) if info not in registering]
    assert not any(cli._registers(info) for info in helpers)
