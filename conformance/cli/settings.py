"""Flag defaults from a project's ``pyproject.toml`` and from ``SGW_`` environment variables.

Every option of ``run`` can be set three ways; the first found wins: the command line, an
environment variable ``SGW_<FLAG>`` (``--max-snapshots`` is ``SGW_MAX_SNAPSHOTS``), and the
``[tool.sgw-conformance]`` table of ``pyproject.toml`` in the working directory (``max-snapshots
= 3``, ``include = ["validation.*"]``).  A value is converted as the flag converts its argument, so
a bad one is the same one-line usage error (exit 2), naming where it came from.
"""

from __future__ import annotations

import argparse
import os
import tomllib
from pathlib import Path
from typing import Any

from conformance.errors import UsageError

TABLE = "sgw-conformance"
ENV_PREFIX = "SGW_"
TRUE = frozenset({"1", "true", "yes", "on"})
FALSE = frozenset({"0", "false", "no", "off", ""})


def pyproject_table(directory: Path | None = None) -> dict[str, Any]:
    path = (directory or Path.cwd()) / "pyproject.toml"
    if not path.is_file():
        return {}
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise UsageError(f"cannot read {path}: {exc}") from None
    table = data.get("tool", {}).get(TABLE, {})
    if not isinstance(table, dict):
        raise UsageError(f"{path}: [tool.{TABLE}] must be a table")
    return {str(k).replace("_", "-"): v for k, v in table.items()}


def _flag(action: argparse.Action) -> str | None:
    longs = [s for s in action.option_strings if s.startswith("--")]
    return longs[0][2:] if longs else None


def _convert(action: argparse.Action, value: Any, where: str) -> Any:
    flag = f"--{_flag(action)}"
    if isinstance(action, argparse._StoreTrueAction | argparse._StoreFalseAction):
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in TRUE | FALSE:
            return text in TRUE
        raise UsageError(f"{where}: {flag} takes true or false, not {value!r}")
    if isinstance(action, argparse._AppendAction | argparse._CountAction):
        if isinstance(action, argparse._CountAction):
            return int(value)
        items = value if isinstance(value, list) else [v for v in str(value).split(",") if v.strip()]
        return [_one(action, item, where, flag) for item in items]
    return _one(action, value, where, flag)


def _one(action: argparse.Action, value: Any, where: str, flag: str) -> Any:
    convert = action.type or str
    try:
        converted = convert(value if not isinstance(value, str) or convert is str else value.strip())  # type: ignore[operator]
    except (TypeError, ValueError):
        raise UsageError(f"{where}: {flag} cannot be {value!r}") from None
    if action.choices is not None and converted not in action.choices:
        raise UsageError(f"{where}: {flag} must be one of {', '.join(map(str, action.choices))}")
    return converted


def apply(parser: argparse.ArgumentParser, directory: Path | None = None) -> None:
    """Set the parser's defaults from the environment and pyproject.toml (the command line still wins)."""
    table = pyproject_table(directory)
    known = {_flag(a): a for a in parser._actions if _flag(a)}
    unknown = sorted(set(table) - set(known))
    if unknown:
        raise UsageError(f"pyproject.toml [tool.{TABLE}]: unknown setting {unknown[0]!r} "
                         f"(settings are the flags of `run`, e.g. max-snapshots)")
    defaults: dict[str, Any] = {}
    for flag, action in known.items():
        assert flag is not None
        if flag in ("help", "version"):
            continue
        env = ENV_PREFIX + flag.upper().replace("-", "_")
        if env in os.environ:
            defaults[action.dest] = _convert(action, os.environ[env], env)
        elif flag in table:
            defaults[action.dest] = _convert(action, table[flag], f"pyproject.toml [tool.{TABLE}] {flag}")
    parser.set_defaults(**defaults)
