"""Mutation bench: how many small defects of the reference endpoint the unmodified suite kills.

A small AST mutator of our own walks the endpoint's default code paths (``auth``, ``validation``,
``backend``, ``app``; lines that consult a fault or a variant are not default paths and are
skipped) and makes one mutant per point: a comparison flipped (``<`` and ``<=``, ``==`` and
``!=``, ``in`` and ``not in``, ``is`` and ``is not``), ``and`` and ``or`` swapped, a ``not``
dropped from a condition, an integer constant moved by one.  Each mutant is a copy of the
package with that one module changed; it is served and judged in its own process by
``sgw-conformance run`` (the suite's modules are byte-for-byte the original: the suite never
imports the endpoint), with the run's exchanges recorded (``--record``).

A mutant is *killed* when the run exits 1 (or 2: the endpoint became unusable).  A survivor
*changes an answer* when one of its answers (status and error type, in request order) differs
from the original endpoint's on the same run; a survivor that changes none is reported apart
(no request of the suite can tell it from the original here).  Survivors reviewed and labelled
live in ``bench/mutation_labels.json`` ({mutant id: {"label": "equivalent" | "undocumented",
"reason": ...}}).  Printed::

    overall      killed / (killed + answer-changing survivors)
    fixed points killed / (killed + answer-changing survivors not labelled undocumented)

Usage: ``python bench/bench_mutation.py [--limit N] [--profile quick] [--jobs 2] [--list]``.
"""

from __future__ import annotations

import argparse
import ast
import concurrent.futures
import json
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "conformance"
LABELS = Path(__file__).with_name("mutation_labels.json")
MODULES = ("endpoint/auth.py", "endpoint/validation.py", "endpoint/backend.py", "endpoint/app.py")
SKIP_MARKERS = ("faults(", "variants(", "logger.", "raise AssertionError")

# comparison operator -> its mutant
COMPARE_SWAPS: dict[type, type] = {
    ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt, ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq, ast.In: ast.NotIn, ast.NotIn: ast.In, ast.Is: ast.IsNot, ast.IsNot: ast.Is}


@dataclass(frozen=True)
class Mutant:
    module: str
    line: int
    col: int
    kind: str

    @property
    def id(self) -> str:
        return f"{self.module}:{self.line}:{self.col}:{self.kind}"


class _Finder(ast.NodeVisitor):
    """Every mutation point of a module (in source order)."""

    def __init__(self, module: str, lines: list[str]) -> None:
        self.module, self.lines, self.found = module, lines, []

    def _skip(self, node: ast.AST) -> bool:
        text = self.lines[node.lineno - 1]   # type: ignore[attr-defined]
        return any(marker in text for marker in SKIP_MARKERS)

    def _add(self, node: ast.AST, kind: str) -> None:
        if not self._skip(node):
            self.found.append(Mutant(self.module, node.lineno, node.col_offset, kind))  # type: ignore[attr-defined]

    def visit_Compare(self, node: ast.Compare) -> None:
        if type(node.ops[0]) in COMPARE_SWAPS:
            self._add(node, f"compare:{type(node.ops[0]).__name__}")
        self.generic_visit(node)

    def visit_BoolOp(self, node: ast.BoolOp) -> None:
        self._add(node, f"boolop:{type(node.op).__name__}")
        self.generic_visit(node)

    def visit_If(self, node: ast.If) -> None:
        if isinstance(node.test, ast.UnaryOp) and isinstance(node.test.op, ast.Not):
            self._add(node.test, "not-dropped")
        self.generic_visit(node)

    def visit_Constant(self, node: ast.Constant) -> None:
        if type(node.value) is int and node.value not in (0, 1):
            self._add(node, "int+1")


class _Mutator(ast.NodeTransformer):
    def __init__(self, mutant: Mutant) -> None:
        self.mutant = mutant

    def _here(self, node: ast.AST) -> bool:
        return (node.lineno, node.col_offset) == (self.mutant.line, self.mutant.col)  # type: ignore[attr-defined]

    def visit_Compare(self, node: ast.Compare) -> ast.AST:
        if self._here(node) and self.mutant.kind.startswith("compare:"):
            node.ops[0] = COMPARE_SWAPS[type(node.ops[0])]()
        return self.generic_visit(node)

    def visit_BoolOp(self, node: ast.BoolOp) -> ast.AST:
        if self._here(node) and self.mutant.kind.startswith("boolop:"):
            node.op = ast.Or() if isinstance(node.op, ast.And) else ast.And()
        return self.generic_visit(node)

    def visit_UnaryOp(self, node: ast.UnaryOp) -> ast.AST:
        if self._here(node) and self.mutant.kind == "not-dropped":
            return self.generic_visit(node).operand   # type: ignore[attr-defined, no-any-return]
        return self.generic_visit(node)

    def visit_Constant(self, node: ast.Constant) -> ast.AST:
        if self._here(node) and self.mutant.kind == "int+1":
            return ast.copy_location(ast.Constant(node.value + 1), node)
        return node


def mutants() -> list[Mutant]:
    found: list[Mutant] = []
    for module in MODULES:
        text = (PACKAGE / module).read_text("utf-8")
        finder = _Finder(module, text.splitlines())
        finder.visit(ast.parse(text))
        found.extend(finder.found)
    return found


def mutated_source(mutant: Mutant) -> str:
    tree = ast.parse((PACKAGE / mutant.module).read_text("utf-8"))
    return ast.unparse(ast.fix_missing_locations(_Mutator(mutant).visit(tree)))


def _answers(har: Path) -> list[tuple[int, str]]:
    """(status, error type) of every recorded answer, in order."""
    if not har.exists():
        return []
    entries = json.loads(har.read_text("utf-8")).get("log", {}).get("entries", [])
    out = []
    for entry in entries:
        response = entry.get("response", {})
        text = response.get("content", {}).get("text") or ""
        try:
            body = json.loads(text)
        except ValueError:
            body = {}
        kind = body.get("__type", "") if isinstance(body, dict) else ""
        out.append((int(response.get("status", 0)), str(kind).rsplit("#", 1)[-1]))
    return out


def judge(mutant: Mutant | None, profile: str) -> tuple[int, list[tuple[int, str]]]:
    """Run the suite against the (mutated) endpoint in a fresh process: exit code and answers."""
    with tempfile.TemporaryDirectory(prefix="sgw-mutant-") as tmp:
        copy = Path(tmp) / "conformance"
        shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
        for beside in ("schemas", "docs"):          # the source tree's data, read beside the package
            (Path(tmp) / beside).symlink_to(ROOT / beside)
        if mutant is not None:
            (copy / mutant.module).write_text(mutated_source(mutant), "utf-8")
        har = Path(tmp) / "run.har"
        env = {"PYTHONPATH": tmp, "SGW_CONFORMANCE_CACHE": "off", "PATH": "/usr/bin:/bin",
               "PYTHONDONTWRITEBYTECODE": "1"}
        done = subprocess.run([sys.executable, "-m", "conformance", "run", "--profile", profile,
                               "--report-dir", str(Path(tmp) / "report"), "--record", str(har), "-q"],
                              cwd=tmp, env=env, capture_output=True, text=True, timeout=300)
        return done.returncode, _answers(har)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=0, help="judge every n-th point to keep this many")
    parser.add_argument("--profile", default="quick")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--list", action="store_true", help="list the mutation points and stop")
    args = parser.parse_args(argv)
    points = mutants()
    if args.limit and len(points) > args.limit:
        step = len(points) / args.limit
        points = [points[int(i * step)] for i in range(args.limit)]
    if args.list:
        for m in points:
            print(m.id)
        return 0
    labels: dict[str, dict[str, str]] = json.loads(LABELS.read_text("utf-8")) if LABELS.exists() else {}
    code, original = judge(None, args.profile)
    if code != 0:
        print(f"the original endpoint does not pass (exit {code})")
        return 2
    killed, silent, survivors = 0, [], []
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        for mutant, (exit_code, answers) in zip(points, pool.map(lambda m: judge(m, args.profile), points),
                                                 strict=True):
            if exit_code != 0:
                killed += 1
            elif answers == original:
                silent.append(mutant)
            else:
                survivors.append(mutant)
    undocumented = [m for m in survivors if labels.get(m.id, {}).get("label") == "undocumented"]
    equivalent = [m for m in survivors if labels.get(m.id, {}).get("label") == "equivalent"]
    fixed = [m for m in survivors if m not in undocumented and m not in equivalent]
    overall = killed / max(1, killed + len(survivors))
    on_fixed = killed / max(1, killed + len(fixed))
    print(f"mutants judged: {len(points)} (profile {args.profile}); killed {killed}; survivors that change "
          f"an answer {len(survivors)}; survivors that change none of the suite's answers {len(silent)}")
    print(f"overall      {overall:.3f}  killed / (killed + answer-changing survivors)")
    print(f"fixed points {on_fixed:.3f}  (survivors labelled undocumented or equivalent left out: "
          f"{len(undocumented)} + {len(equivalent)})")
    for m in survivors:
        label = labels.get(m.id)
        note = f"[{label['label']}: {label['reason']}]" if label else "[unlabelled]"
        print(f"  survivor {m.id}  {note}")
    for m in silent:
        print(f"  no answer changed: {m.id}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
