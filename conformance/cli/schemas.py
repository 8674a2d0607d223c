"""``sgw-conformance schemas``: check, compare, summarise or export the JSON Schemas.

- ``--check [--reference PATH]``: regenerate the schemas from the API reference page in
  memory; exit 1 with a unified diff when ``schemas/`` differs (``--write`` regenerates).
- ``--compare-botocore``: every difference from botocore's storagegateway model; exit 0 when
  ``schemas/disputed.json`` records exactly them, 1 otherwise (``--write`` rewrites it).
- ``--summary`` (the default): members, constraints and sources of the committed schemas.
- ``--openapi [FILE]``: the OpenAPI export of :mod:`conformance.spec.openapi`, when that exists.
"""

from __future__ import annotations

import argparse
import difflib
import importlib
import json
import os
import re
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from conformance.errors import UsageError
from conformance.spec import botocore_compare, derive
from conformance.spec.reference_page import ReferenceFormatError
from conformance.spec.schemas import SCHEMA_DIR, SCHEMA_NAMES

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_REFERENCE = REPO_ROOT.parent / "shared" / "reference" / "API_CreateSnapshot.md"
REFERENCE_ENV = "SGW_REFERENCE"
DOCUMENT = re.compile(r"\b(?:API_\w+\.md|docs/protocol\.md|[A-Z]+\.md|botocore model)")
ACTIONS = ("check", "compare_botocore", "summary", "openapi")
CONSTRAINT_KEYWORDS = ("minLength", "maxLength", "minItems", "maxItems", "pattern", "enum", "items",
                       "additionalProperties")


def configure(parser: argparse.ArgumentParser) -> None:
    action = parser.add_mutually_exclusive_group()
    action.add_argument("--check", action="store_true",
                        help="regenerate the schemas from the API reference page; exit 1 with a diff "
                             "if schemas/ differs")
    action.add_argument("--compare-botocore", action="store_true",
                        help="list the differences from botocore's model; exit 1 unless disputed.json "
                             "records exactly them")
    action.add_argument("--summary", action="store_true",
                        help="print the schemas' members, constraints and sources (the default)")
    action.add_argument("--openapi", nargs="?", const="-", metavar="FILE",
                        help="write the OpenAPI export to FILE (or stdout)")
    parser.add_argument("--reference", metavar="PATH",
                        help=f"the API reference page (markdown); default: ${REFERENCE_ENV}, "
                             "else ../shared/reference/API_CreateSnapshot.md beside the project")
    parser.add_argument("--schemas-dir", metavar="DIR", type=Path, default=SCHEMA_DIR,
                        help="the schemas directory (default: the project's schemas/)")
    parser.add_argument("--write", action="store_true",
                        help="with --check: regenerate the files; with --compare-botocore: "
                             "rewrite disputed.json")


def command(args: argparse.Namespace) -> int:
    directory: Path = args.schemas_dir
    if not directory.is_dir():
        raise UsageError(f"--schemas-dir {directory}: not a directory")
    if args.write and not (args.check or args.compare_botocore):
        raise UsageError("--write goes with --check or --compare-botocore")
    if args.check:
        return check(resolve_reference(args.reference), directory, write=args.write)
    if args.compare_botocore:
        return compare_botocore(directory, write=args.write)
    if args.openapi is not None:
        return export_openapi(args.openapi)
    return summary(directory)


# ---------------------------------------------------------------------------------------
# --check


def resolve_reference(given: str | None) -> Path:
    """--reference, else $SGW_REFERENCE, else the shared copy beside the project."""
    env = os.environ.get(REFERENCE_ENV)
    origin, path = (("--reference", Path(given)) if given else (f"${REFERENCE_ENV}", Path(env)) if env
                    else ("default", DEFAULT_REFERENCE))
    if path.is_file():
        return path
    if origin == "default":
        raise UsageError(f"no API reference page at {path}: pass --reference PATH "
                         f"(a copy of API_CreateSnapshot.md) or set {REFERENCE_ENV}")
    raise UsageError(f"{origin} {path}: no such file")


def regenerate(reference: Path) -> dict[str, str]:
    """File name -> text, as the page gives them (a malformed page is a usage error)."""
    try:
        text = reference.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read {reference}: {exc}") from exc
    try:
        return derive.render_schemas(text)
    except ReferenceFormatError as exc:
        raise UsageError(f"{reference}: {exc}") from exc


def schema_diff(directory: Path, expected: dict[str, str], reference: Path) -> list[str]:
    """Unified diff lines from the committed files to the regenerated ones."""
    lines: list[str] = []
    for name, text in expected.items():
        path = directory / name
        committed = path.read_text("utf-8") if path.is_file() else ""
        lines.extend(difflib.unified_diff(
            committed.splitlines(keepends=True), text.splitlines(keepends=True),
            fromfile=f"{path} (committed)", tofile=f"{name} (regenerated from {reference.name})"))
    return lines


def check(reference: Path, directory: Path, *, write: bool = False) -> int:
    expected = regenerate(reference)
    diff = schema_diff(directory, expected, reference)
    if write:
        for name, text in expected.items():
            (directory / name).write_text(text, encoding="utf-8")
        print(f"wrote {len(expected)} schemas to {directory} from {reference}")
        return 0
    if not diff:
        print(f"ok: the {len(expected)} schemas in {directory} are what {reference} gives")
        return 0
    sys.stdout.writelines(line if line.endswith("\n") else line + "\n" for line in diff)
    changed = sum(1 for line in diff if line.startswith("+++ "))
    print(f"\nFAIL: {changed} schema file(s) in {directory} differ from what {reference} gives "
          "(a file was edited by hand, or the page or conformance/spec/derive.py changed; "
          "--write regenerates)")
    return 1


# ---------------------------------------------------------------------------------------
# --compare-botocore


def excerpt(value: Any, other: Any, width: int = 44) -> str:
    """A value shown compactly; a long string is cut to the part that differs from ``other``."""
    if value is None:
        return "(none)"
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    if len(text) <= width or not isinstance(other, str) or not isinstance(value, str):
        return text if len(text) <= width else text[: width - 1] + "…"
    start = len(os.path.commonprefix([text, other]))
    end = len(os.path.commonprefix([text[::-1], other[::-1]]))
    end = min(end, len(text) - start)
    lo, hi = max(0, start - 10), min(len(text), len(text) - end + 10)
    return ("…" if lo else "") + text[lo:hi] + ("…" if hi < len(text) else "")


def difference_table(records: list[dict[str, Any]]) -> Iterator[str]:
    rows = [(r["id"], excerpt(r["schemas"], r["botocore"]), excerpt(r["botocore"], r["schemas"]), r["rule"])
            for r in records]
    header = ("difference", "schemas/ (API reference)", f"botocore {botocore_compare.botocore_version()}",
              "suite rule")
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(4)]
    for row in [header, tuple("-" * w for w in widths), *rows]:
        yield "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()


def compare_botocore(directory: Path, *, write: bool = False) -> int:
    found = botocore_compare.differences(directory=directory)
    disputed = sum(1 for r in found if r.get("disputed", True))
    print(f"{len(found)} difference(s) between {directory} and botocore's {botocore_compare.SERVICE} model; "
          f"{disputed} contradiction(s) are disputed points (the suite accepts either answer), the rest "
          "the model's silence (the reference's constraint holds)\n")
    for line in difference_table(found):
        print(line)
    path = botocore_compare.disputed_path(directory)
    if write:
        botocore_compare.write_disputes(found, directory)
        print(f"\nwrote {len(found)} disputed point(s) to {path}")
        return 0
    recorded = botocore_compare.load_disputes(path)
    if botocore_compare.dump_disputes(recorded) == botocore_compare.dump_disputes(found):
        print(f"\nok: {path} records exactly these differences")
        return 0
    print(f"\nFAIL: {path} does not record exactly these differences")
    for line in _record_mismatch(recorded, found):
        print(f"  {line}")
    print("  (rerun with --write to rewrite it)")
    return 1


def _record_mismatch(recorded: list[dict[str, Any]], found: list[dict[str, Any]]) -> Iterator[str]:
    old = {r["id"]: r for r in recorded}
    new = {r["id"]: r for r in found}
    for key in sorted(set(old) | set(new)):
        if key not in old:
            yield f"not recorded: {key}"
        elif key not in new:
            yield f"recorded but no longer a difference: {key}"
        elif old[key] != new[key]:
            fields = sorted(k for k in set(old[key]) | set(new[key]) if old[key].get(k) != new[key].get(k))
            yield f"recorded differently: {key} ({', '.join(fields)})"


# ---------------------------------------------------------------------------------------
# --summary


def _constraint(keyword: str, value: Any) -> str:
    if keyword == "enum":
        return f"enum({len(value)} values)"
    if keyword == "items":
        return f"items={value.get('$ref', value.get('type', '?')).removesuffix('.schema.json')}"
    if keyword == "additionalProperties":
        return f"map of {value.get('type', '?')}"
    return f"{keyword}={value}"


def _members(schema: dict[str, Any], prefix: str = "") -> Iterator[tuple[str, dict[str, Any], bool]]:
    required = set(schema.get("required", []))
    for name, sub in schema.get("properties", {}).items():
        yield prefix + name, sub, name in required
        if sub.get("properties"):
            yield from _members(sub, f"{prefix}{name}.")


def _documents(schema: Any) -> Iterator[str]:
    """The documents each x-source string in ``schema`` names (each once per string)."""
    if isinstance(schema, dict):
        for key, value in schema.items():
            if key == "x-source":
                for text in value.values():
                    yield from dict.fromkeys(DOCUMENT.findall(text))
            else:
                yield from _documents(value)
    elif isinstance(schema, list):
        for item in schema:
            yield from _documents(item)


def summary_lines(directory: Path) -> Iterator[str]:
    schemas = botocore_compare.read_schemas(directory)
    for name in SCHEMA_NAMES:
        schema = schemas[name]
        yield f"{name}: {schema.get('title', '')}"
        for member, sub, required in _members(schema):
            limits = [_constraint(k, sub[k]) for k in CONSTRAINT_KEYWORDS if k in sub and k != "pattern"]
            flag = "required" if required else "optional"
            yield f"  {member:<20} {sub.get('type', '?'):<7} {flag:<8} {' '.join(limits)}".rstrip()
            if "pattern" in sub:
                yield f"  {'':<20} pattern {sub['pattern']}"
        if "x-errors" in schema:
            yield "  errors: " + ", ".join(f"{k} (HTTP {v})" for k, v in schema["x-errors"].items())
        counts = Counter(_documents(schema))
        yield "  sources cited: " + ", ".join(f"{doc} ({n})" for doc, n in counts.most_common())
    disputes = [r for r in botocore_compare.load_disputes(botocore_compare.disputed_path(directory))
                 if r.get("disputed", True)]
    yield (f"disputed points ({len(disputes)}, either answer conformant): "
           + ", ".join(r["id"] for r in disputes))


def summary(directory: Path) -> int:
    for line in summary_lines(directory):
        print(line)
    return 0


# ---------------------------------------------------------------------------------------
# --openapi


def export_openapi(target: str) -> int:
    try:
        openapi = importlib.import_module("conformance.spec.openapi")
    except ModuleNotFoundError as exc:
        if exc.name != "conformance.spec.openapi":
            raise
        raise UsageError("the OpenAPI export is not available (no conformance.spec.openapi)") from exc
    text = json.dumps(openapi.export_openapi(), indent=2, ensure_ascii=False) + "\n"
    if target == "-":
        sys.stdout.write(text)
    else:
        Path(target).write_text(text, encoding="utf-8")
        print(f"wrote {target}")
    return 0
