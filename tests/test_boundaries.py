"""The import boundary of ARCHITECTURE.md, checked in a fresh interpreter per package."""

import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def modules_under(package: str) -> list[str]:
    path = ROOT / package.replace(".", "/")
    names = [package]
    for info in pkgutil.walk_packages([str(path)], prefix=f"{package}."):
        names.append(info.name)
    return names


def imported_after(modules: list[str]) -> set[str]:
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "print('\\n'.join(sorted(sys.modules)))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return set(out.stdout.split())


@pytest.mark.parametrize("package", ["telephony", "console.store", "console.crm"])
def test_core_packages_import_no_ui(package):
    loaded = imported_after(modules_under(package))
    assert not {m for m in loaded if m.split(".")[0] in {"textual", "rich"}}, package


def test_telephony_imports_nothing_from_console():
    loaded = imported_after(modules_under("telephony"))
    assert not {m for m in loaded if m == "console" or m.startswith("console.")}


# --- issue 17: the command line's writes go through the API ---------------------------------
# Only these commands may open the store themselves: the schema, the demo data, the first admin
# (staff bootstrap-admin), the demo, benchmarks, replay/simulate tools, and the server itself.
DIRECT_STORE = {"db", "seed", "serve", "demo", "demo_db", "demo_watch", "demo_procs", "simulate", "simulate_run",
                "simulate_store", "replay"}
DIRECT_FUNCTIONS = {"staff": {"_bootstrap"}}
STORE_SIDE = ("console.store", "console.server", "sqlalchemy", "sqlmodel", "alembic", "psycopg")
PURE_CRM = {"console.crm.queue_names"}


def _imports(node) -> set[str]:
    import ast

    names: set[str] = set()
    for sub in ast.walk(node):
        if isinstance(sub, ast.Import):
            names.update(a.name for a in sub.names)
        elif isinstance(sub, ast.ImportFrom) and sub.module:
            names.add(sub.module)
            names.update(f"{sub.module}.{a.name}" for a in sub.names)  # from console.crm import campaign_admin
    return names


def _reaches_the_store(name: str) -> bool:
    if any(name == pure or name.startswith(pure + ".") for pure in PURE_CRM):
        return False
    return name.startswith(STORE_SIDE) or name.startswith("console.crm.")


@pytest.mark.parametrize("path", sorted((ROOT / "console" / "cli").glob("*.py")), ids=lambda p: p.stem)
def test_cli_commands_import_nothing_that_opens_the_store(path):
    """campaign, report, import, login and staff (but bootstrap-admin) talk to the server only."""
    import ast

    name = path.stem
    if name in DIRECT_STORE or name.startswith("bench"):
        return
    tree = ast.parse(path.read_text(encoding="utf-8"))
    allowed = DIRECT_FUNCTIONS.get(name, set())
    parts = [n for n in tree.body if not (isinstance(n, ast.FunctionDef) and n.name in allowed)]
    found = sorted(n for part in parts for n in _imports(part) if _reaches_the_store(n))
    assert not found, (f"console/cli/{path.name} imports {', '.join(found)}: "
                       "go through the API (console/cli/api_session.py)")


def test_the_pure_crm_helpers_of_the_cli_reach_no_store():
    loaded = imported_after(sorted(PURE_CRM))
    assert not {m for m in loaded if m.startswith(("sqlalchemy", "sqlmodel", "console.store"))}


# --- issue 15: the server's composition root ---------------------------------------------------
# The app's keys (console/server/keys.py) are read by the web layer only: the factory that
# composes the server, the routes, the middleware and the WebSocket handler. A service receives its
# collaborators from app.py and never looks them up in the app.
WEB_LAYER = {"app", "auth", "ws_auth", "forwarded", "openapi"}


@pytest.mark.parametrize("path", sorted((ROOT / "console" / "server").glob("*.py")), ids=lambda p: p.stem)
def test_services_receive_their_collaborators_and_read_no_app_key(path):
    import ast

    if path.stem in WEB_LAYER or path.stem == "keys":
        return
    found = _imports(ast.parse(path.read_text(encoding="utf-8")))
    assert "console.server.keys" not in found, (
        f"console/server/{path.name} reads the app's keys: let app.py hand it what it needs")


def test_the_modules_the_keys_name_do_not_import_the_keys():
    """console/server/keys.py names the types of what the app holds; none of those modules reads
    the keys back (the import circle through keys.py that the server once had)."""
    import ast

    keys_path = ROOT / "console" / "server" / "keys.py"
    named = {n for n in _imports(ast.parse(keys_path.read_text(encoding="utf-8")))
             if n.startswith("console.server.") and n.count(".") == 2}
    assert named, "keys.py names no module"
    circling = sorted(name for name in named
                      if "console.server.keys" in _imports(ast.parse((ROOT / (name.replace(".", "/") + ".py"))
                                                                   .read_text(encoding="utf-8"))))
    assert not circling, f"{', '.join(circling)} import console.server.keys, which names them"
