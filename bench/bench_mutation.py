"""Mutation bench: how many small defects of the reference endpoint the unmodified suite kills.

A small AST mutator of our own walks the endpoint's default code paths (every module of
``conformance/endpoint`` that answers a request: :data:`MODULES`; the code that runs only with a
fault or a variant on is not a default path and is skipped, found from the code's structure)
and makes one mutant per point: a comparison flipped (``<`` and ``<=``, ``==`` and ``!=``,
``in`` and ``not in``, ``is`` and ``is not``), ``and`` and ``or`` swapped, a ``not`` dropped
from a condition, an integer constant moved by one.  Each mutant is a copy of the
package with that one module changed; it is served and judged in its own process by
``sgw-conformance run`` (the suite's modules are byte-for-byte the original: the suite never
imports the endpoint), with the run's exchanges recorded (``--record``).

The code that answers ListVolumes (:data:`OUT_OF_SCOPE`) is not mutated: it is served only for
discovery, and no source the rules cite fixes its answers.

An *answer* is what a client acts on: the status, the error type and the errorCode (a message
is prose for people: no source fixes its wording and no rule reads it).  A mutant is *killed*
when the run exits 1 (or 2: the endpoint became unusable); every other one is a *survivor*.  A
survivor whose answers, in request order, all equal the original endpoint's on the same run is
*silent*: no request of the suite tells it apart, which is where the suite is blind, not a
proof that it cannot be told apart.  Every survivor is reviewed and labelled in
``bench/mutation_labels.json`` ({mutant id: {"label": "equivalent" | "undocumented", "reason":
...}}): *equivalent* when no request can make it answer otherwise (the reason says why),
*undocumented* when some request can but the sources do not fix the behaviour it changes.  A
survivor without a label counts against both scores.  Printed::

    overall      killed / (killed + survivors not labelled equivalent)
    fixed points killed / (killed + survivors labelled neither equivalent nor undocumented)

and every survivor with its label; ``--out FILE`` also writes each mutant's verdict as JSON.

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
MODULES = ("endpoint/auth.py", "endpoint/validation.py", "endpoint/backend.py", "endpoint/app.py",
           "endpoint/exchange.py", "endpoint/store.py", "endpoint/http.py", "endpoint/headers.py",
           "endpoint/fastcheck.py", "endpoint/errors.py")
# Outside the API under test: ListVolumes is served only so that the suite (and clients) can
# discover a volume; no source cited by the rules fixes its answers (module -> top-level names).
OUT_OF_SCOPE = {"endpoint/backend.py": ("list_volumes", "_marker_offset", "DEFAULT_LIST_LIMIT"),
                "endpoint/validation.py": ("LIST_VOLUMES_SCHEMA",)}
# Lines that consult a fault or a variant (or skip them all when none is on) are not default paths.
SKIP_MARKERS = ("faults(", "variants(", "self.faults or self.variants", "self.variants and", "logger.",
                "raise AssertionError")

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
    where: str = ""        # the enclosing function (or "<module>") and the mutated expression

    @property
    def id(self) -> str:
        """Stable across edits elsewhere in the module: module, function, kind and expression."""
        return f"{self.module}:{self.where}:{self.kind}"


_SWITCHES = ("faults", "variants", "_fault")   # self._fault("x"): the HTTP server's way of asking


def _is_switch_call(node: ast.AST) -> bool:
    """``self.faults("x")``, ``variants("y")``: one fault or variant asked about."""
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    return (isinstance(func, ast.Attribute) and func.attr in _SWITCHES) or \
        (isinstance(func, ast.Name) and func.id in _SWITCHES)


def _is_any_switch(node: ast.AST) -> bool:
    """``self.faults or self.variants`` (or one of them): whether any switch is on."""
    if isinstance(node, ast.BoolOp) and isinstance(node.op, ast.Or):
        return all(_is_any_switch(v) for v in node.values)
    return (isinstance(node, ast.Attribute) and node.attr in _SWITCHES) or \
        (isinstance(node, ast.Name) and node.id in _SWITCHES)


def _runs_only_when_switched(test: ast.AST) -> bool:
    """An ``if`` body that runs only with a switch on: its test is a switch, or a conjunction
    holding one (not negated)."""
    if _is_switch_call(test) or _is_any_switch(test):
        return True
    return isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And) and \
        any(_is_switch_call(v) or _is_any_switch(v) for v in test.values)


def _is_default_guard(stmt: ast.stmt) -> bool:
    """``if not (self.faults or self.variants): ...; return`` or ``if not variants("x"): return``:
    what follows it in the block is the switched path."""
    return (isinstance(stmt, ast.If) and isinstance(stmt.test, ast.UnaryOp)
            and isinstance(stmt.test.op, ast.Not)
            and (_is_any_switch(stmt.test.operand) or _is_switch_call(stmt.test.operand))
            and bool(stmt.body) and isinstance(stmt.body[-1], ast.Return))


def switched_nodes(tree: ast.Module) -> set[int]:
    """ids of the nodes that run only with a fault or a variant on (not the default paths): the
    bodies of switched ``if``s, what follows a default guard, and the module-level functions and
    constants used nowhere else (found to a fixed point)."""
    switched: set[int] = set()

    def mark(node: ast.AST) -> None:
        switched.update(id(n) for n in ast.walk(node))

    def block(stmts: list[ast.stmt]) -> None:
        for i, stmt in enumerate(stmts):
            if _is_default_guard(stmt):
                for rest in stmts[i + 1:]:
                    mark(rest)
            if isinstance(stmt, ast.If) and _runs_only_when_switched(stmt.test):
                for inner in stmt.body:
                    mark(inner)
                if isinstance(stmt.test, ast.BoolOp):   # the test's other terms matter only with it
                    for term in stmt.test.values:
                        mark(term)
            for field in ("body", "orelse", "finalbody", "handlers"):
                inner_block = getattr(stmt, field, None)
                if isinstance(inner_block, list) and inner_block and isinstance(inner_block[0], ast.AST):
                    block([b for b in inner_block if isinstance(b, ast.stmt)] or
                          [s for h in inner_block for s in getattr(h, "body", [])])

    block(tree.body)
    for node in ast.walk(tree):
        if isinstance(node, ast.IfExp) and _runs_only_when_switched(node.test):
            mark(node.body)                     # `a if switch else b`: a is the switched value
        if isinstance(node, ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp) and any(
                _runs_only_when_switched(cond) for gen in node.generators for cond in gen.ifs):
            mark(node)                          # empty unless a switch is on
    definitions = {name: stmt for stmt in tree.body for name in _defined_names(stmt)}
    methods = {f"self.{stmt.name}": stmt for cls in tree.body if isinstance(cls, ast.ClassDef)
               for stmt in cls.body if isinstance(stmt, ast.FunctionDef) and not stmt.name.startswith("__")}
    definitions.update(methods)
    while True:
        uses: dict[str, list[ast.AST]] = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id in definitions:
                uses.setdefault(node.id, []).append(node)
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) \
                    and f"{node.value.id}.{node.attr}" in definitions:
                uses.setdefault(f"{node.value.id}.{node.attr}", []).append(node)
        newly = [name for name, stmt in definitions.items() if id(stmt) not in switched and uses.get(name)
                 and all(id(u) in switched for u in uses[name])]
        if not newly:
            return switched
        for name in newly:
            mark(definitions[name])


def _out_of_scope(tree: ast.Module, names: tuple[str, ...]) -> set[int]:
    """ids of the nodes of the named functions, methods and constants (anywhere in the module)."""
    found: set[int] = set()
    for node in ast.walk(tree):
        named = getattr(node, "name", None) if isinstance(node, ast.FunctionDef | ast.ClassDef) else None
        if isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            named = next((t.id for t in targets if isinstance(t, ast.Name)), None)
        if named in names:
            found.update(id(n) for n in ast.walk(node))
    return found


def _marked(line: str) -> bool:
    return any(marker in line for marker in SKIP_MARKERS)


def _defined_names(stmt: ast.stmt) -> list[str]:
    if isinstance(stmt, ast.FunctionDef | ast.ClassDef):
        return [stmt.name]
    if isinstance(stmt, ast.Assign):
        return [t.id for t in stmt.targets if isinstance(t, ast.Name)]
    if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
        return [stmt.target.id]
    return []


class _Finder(ast.NodeVisitor):
    """Every mutation point of a module's default paths (in source order)."""

    def __init__(self, module: str, lines: list[str], switched: set[int]) -> None:
        self.module, self.lines, self.switched = module, lines, switched
        self.found: list[Mutant] = []
        self.function = "<module>"
        self.seen: dict[str, int] = {}

    def _skip(self, node: ast.AST) -> bool:
        text = self.lines[node.lineno - 1]   # type: ignore[attr-defined]
        return id(node) in self.switched or _marked(text)

    def _add(self, node: ast.AST, kind: str) -> None:
        if self._skip(node):
            return
        where = f"{self.function}:{ast.unparse(node)[:70]}"
        self.seen[where + kind] = n = self.seen.get(where + kind, 0) + 1
        self.found.append(Mutant(self.module, node.lineno, node.col_offset, kind,   # type: ignore[attr-defined]
                                 where if n == 1 else f"{where}#{n}"))

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        outer, self.function = self.function, node.name
        self.generic_visit(node)
        self.function = outer

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
        tree = ast.parse(text)
        skipped = switched_nodes(tree) | _out_of_scope(tree, OUT_OF_SCOPE.get(module, ()))
        finder = _Finder(module, text.splitlines(), skipped)
        finder.visit(tree)
        found.extend(finder.found)
    return found


def mutated_source(mutant: Mutant) -> str:
    tree = ast.parse((PACKAGE / mutant.module).read_text("utf-8"))
    return ast.unparse(ast.fix_missing_locations(_Mutator(mutant).visit(tree)))


def _answers(har: Path) -> list[tuple[int, str, str]]:
    """(status, error type, errorCode) of every recorded answer, in order."""
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
        error = body.get("error") if isinstance(body, dict) else None
        code = error.get("errorCode", "") if isinstance(error, dict) else ""
        out.append((int(response.get("status", 0)), str(kind).rsplit("#", 1)[-1], str(code)))
    return out


def snapshot(into: Path, revision: str) -> Path:
    """The package and the data beside it as committed at ``revision``, taken once: the source
    every mutant is made from (uncommitted edits in the working tree reach no mutant)."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", revision, "conformance", "schemas", "docs"],
                             check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into / "conformance"


def judge(mutant: Mutant | None, profile: str) -> tuple[int, list[tuple[int, str, str]]]:
    """Run the suite against the (mutated) endpoint in a fresh process: exit code and answers."""
    with tempfile.TemporaryDirectory(prefix="sgw-mutant-") as tmp:
        copy = Path(tmp) / "conformance"
        shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
        for beside in ("schemas", "docs"):          # the snapshot's data, read beside the package
            (Path(tmp) / beside).symlink_to(PACKAGE.parent / beside)
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
    parser.add_argument("--revision", default="HEAD", help="the commit whose endpoint is mutated (HEAD)")
    parser.add_argument("--out", help="write each mutant's verdict (killed, silent, answer-changed) here")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="sgw-mutation-source-") as source:
        global PACKAGE
        PACKAGE = snapshot(Path(source), args.revision)
        return bench(args)


def bench(args: argparse.Namespace) -> int:
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
    verdicts: dict[str, str] = {}
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        for mutant, (exit_code, answers) in zip(points, pool.map(lambda m: judge(m, args.profile), points),
                                                 strict=True):
            verdicts[mutant.id] = ("killed" if exit_code != 0 else "silent" if answers == original
                                   else "answer-changed")
    if args.out:
        Path(args.out).write_text(json.dumps(verdicts, indent=1) + "\n", "utf-8")
    print_scores(points, verdicts, labels, args.profile)
    return 0


def print_scores(points: list[Mutant], verdicts: dict[str, str], labels: dict[str, dict[str, str]],
                 profile: str) -> None:
    """The two scores and every survivor with its label (or [unlabelled])."""
    killed = sum(1 for v in verdicts.values() if v == "killed")
    survivors = [m for m in points if verdicts[m.id] != "killed"]
    kind = {m.id: labels.get(m.id, {}).get("label", "unlabelled") for m in survivors}
    not_equivalent = [m for m in survivors if kind[m.id] != "equivalent"]
    fixed = [m for m in not_equivalent if kind[m.id] != "undocumented"]
    silent = sum(1 for m in survivors if verdicts[m.id] == "silent")
    print(f"mutants judged: {len(points)} (profile {profile}); killed {killed}; survivors {len(survivors)} "
          f"({silent} silent: every answer of the suite unchanged)")
    print(f"labelled: {sum(1 for k in kind.values() if k == 'equivalent')} equivalent, "
          f"{sum(1 for k in kind.values() if k == 'undocumented')} undocumented, "
          f"{sum(1 for k in kind.values() if k == 'unlabelled')} unlabelled")
    print(f"overall      {killed / max(1, killed + len(not_equivalent)):.3f}  "
          f"killed / (killed + survivors not equivalent)")
    print(f"fixed points {killed / max(1, killed + len(fixed)):.3f}  "
          f"killed / (killed + survivors neither equivalent nor undocumented)")
    for m in survivors:
        label = labels.get(m.id)
        note = f"[{label['label']}: {label['reason']}]" if label else "[unlabelled]"
        print(f"  survivor ({verdicts[m.id]}) {m.id}  {note}")


if __name__ == "__main__":
    raise SystemExit(main())
