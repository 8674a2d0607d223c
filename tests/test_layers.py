"""The package's shape: its layers hold (import-linter), no import cycle, small documented modules."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "conformance"
MAX_LINES = 600


def test_the_import_contracts_of_pyproject_are_kept() -> None:
    lint = Path(sys.executable).with_name("lint-imports")
    if not lint.exists():
        pytest.skip("import-linter is not installed (pip install -e '.[test]')")
    done = subprocess.run([str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "0 broken" in done.stdout


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_module_is_under_600_lines_and_says_what_it_is_for(path: Path) -> None:
    text = path.read_text("utf-8")
    assert text.count("\n") <= MAX_LINES, f"{path.name}: {text.count(chr(10))} lines"
    assert ast.get_docstring(ast.parse(text)), f"{path.name} has no docstring saying its role"


def test_the_suite_never_imports_the_endpoint_and_the_endpoint_never_the_suite() -> None:
    for side, other in (("suite", "endpoint"), ("endpoint", "suite")):
        for path in (PACKAGE / side).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text("utf-8"))):
                names = ([node.module or ""] if isinstance(node, ast.ImportFrom)
                         else [a.name for a in node.names] if isinstance(node, ast.Import) else [])
                assert not any(n.startswith(f"conformance.{other}") for n in names), (path, names)


def test_every_subpackage_is_listed_for_the_wheel() -> None:
    import tomllib
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"]
    listed = set(setuptools["packages"])
    found = {".".join(p.parent.relative_to(ROOT).parts) for p in PACKAGE.rglob("__init__.py")}
    assert found <= listed, f"add to [tool.setuptools] packages: {sorted(found - listed)}"
