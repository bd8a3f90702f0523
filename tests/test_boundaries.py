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
