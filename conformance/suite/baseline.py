"""Baselines: the failures an endpoint is known to have, so that only new ones fail a run.

An emulator author fixes one deviation after another; a CI owner wants to gate on "nothing
new broke" meanwhile.  ``sgw-conformance run --baseline FILE`` reads FILE, a JSON list of
known failures, and

* a failure listed there does not fail the run (its rule's status is ``known``),
* a failure not listed there does (status ``fail``, as without a baseline),
* an entry whose case was sent and whose rule held is reported as ``fixed``,
* an entry this run could not check (its case was not sent) is reported as ``unseen``.

``--update-baseline`` rewrites FILE with the run's failures (and keeps the unseen entries).

An entry is keyed by the rule id and the case's stable ``signature`` (e.g.
``SnapshotDescription/maxLength+1``), never by generated values, so a new seed or a new
generated value under the same signature is still the same known failure.  Run-level rules
(:data:`conformance.suite.checks.RUN_CHECKS`: they judge the run as a whole, not one case) are
keyed by the rule id and the fixed signature :data:`RUN_SIGNATURE`.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from conformance.errors import UsageError
from conformance.suite.checks import RUN_CHECKS
from conformance.suite.model import Exchange, Failure
from conformance.suite.scoreboard import Scoreboard

FORMAT = 1
RUN_SIGNATURE = "(run)"
ABOUT = ("sgw-conformance baseline: the failures an endpoint is known to have, keyed by rule id and "
         "the case's stable signature. `sgw-conformance run --baseline FILE` fails only on failures "
         "not listed here and reports listed ones that now pass as fixed; `--update-baseline` rewrites "
         "this file with the current failures.")

Key = tuple[str, str]          # (rule id, signature)


def failure_key(failure: Failure) -> Key:
    """The baseline key of a failure: its rule and the stable signature of its case."""
    if failure.rule_id in RUN_CHECKS or failure.exchange is None:
        return failure.rule_id, RUN_SIGNATURE
    return failure.rule_id, failure.exchange.case.signature


class KeyedScoreboard(Scoreboard):
    """A :class:`Scoreboard` that also counts every failure by baseline key.

    The scoreboard keeps the evidence of the first failures of each rule only; a baseline
    must know every failing key, so they are counted here as they are found.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.failure_keys: Counter[Key] = Counter()

    def record(self, exchange: Exchange) -> list[Failure]:
        found = super().record(exchange)
        for failure in found:
            self.failure_keys[failure_key(failure)] += 1
        return found

    def add_failure(self, failure: Failure) -> None:
        super().add_failure(failure)
        self.failure_keys[failure_key(failure)] += 1


# --- the file -----------------------------------------------------------------------------------

def _entries_of(data: Any, path: Path) -> frozenset[Key]:
    entries = data.get("entries") if isinstance(data, dict) else None
    if not (isinstance(entries, list) and data.get("format") == FORMAT):
        raise UsageError(f"{path} is not a sgw-conformance baseline (format {FORMAT}, with an entries list)")
    keys: set[Key] = set()
    for entry in entries:
        rule, signature = (entry.get("rule"), entry.get("signature")) if isinstance(entry, dict) else (0, 0)
        if not (isinstance(rule, str) and isinstance(signature, str)):
            raise UsageError(f"{path}: every baseline entry needs a string rule and signature, not {entry!r}")
        keys.add((rule, signature))
    return frozenset(keys)


def load(path: Path, missing_ok: bool = False) -> frozenset[Key]:
    """The entries of a baseline file; UsageError if it is missing (unless ``missing_ok``) or broken."""
    try:
        text = path.read_text("utf-8")
    except FileNotFoundError:
        if missing_ok:
            return frozenset()
        raise UsageError(f"baseline {path} not found (create it with --update-baseline)") from None
    except OSError as exc:
        raise UsageError(f"cannot read baseline {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise UsageError(f"baseline {path} is not UTF-8 text: {exc.reason} at byte {exc.start}") from None
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise UsageError(f"baseline {path} is not JSON: {exc}") from None
    except RecursionError:
        raise UsageError(f"baseline {path} is not a baseline (JSON nested too deep)") from None
    return _entries_of(data, path)


def render(keys: Iterable[Key]) -> str:
    """The file's text: a header saying what it is, then the entries sorted (stable diffs)."""
    entries = [{"rule": rule, "signature": signature} for rule, signature in sorted(set(keys))]
    return json.dumps({"about": ABOUT, "format": FORMAT, "entries": entries}, indent=2,
                      ensure_ascii=False) + "\n"


def write(path: Path, keys: Iterable[Key]) -> None:
    """Write the baseline atomically (a crash leaves the old file); UsageError if it cannot be."""
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(render(keys), "utf-8")
        tmp.replace(path)
    except OSError as exc:
        raise UsageError(f"cannot write baseline {path}: {exc.strerror or exc}") from None


# --- comparing a run with its baseline ----------------------------------------------------------

@dataclass
class Comparison:
    """A run's failures against a baseline (and, after an update, the entries written)."""

    path: Path
    entries: frozenset[Key]                      # the baseline as read
    known: dict[Key, int]                        # failing now and listed: count of failures
    new: dict[Key, int]                          # failing now and not listed
    fixed: list[Key]                             # listed, checked this run, and held
    unseen: list[Key]                            # listed, but this run did not check them
    updated: bool = False                        # --update-baseline: the file now lists every failure
    written: frozenset[Key] = field(default_factory=frozenset)

    def accepted(self, key: Key) -> bool:
        """Does this failure not fail the run?"""
        return key in self.entries or self.updated

    def rule_status(self, rule_id: str, status: str) -> str:
        """``known`` for a failing rule all of whose failures are accepted; the status otherwise."""
        if status not in ("fail", "warn"):
            return status
        failing = [k for k in (*self.known, *self.new) if k[0] == rule_id]
        if failing and all(self.accepted(k) for k in failing):
            return "known"
        return status

    def to_json(self) -> dict[str, Any]:
        def listing(keys: Iterable[Key], counts: dict[Key, int] | None = None) -> list[dict[str, Any]]:
            return [{"rule": r, "signature": s, **({"failures": counts[(r, s)]} if counts else {})}
                    for r, s in sorted(keys)]
        return {"file": str(self.path), "updated": self.updated, "entries": len(self.entries),
                "known": listing(self.known, self.known), "new": listing(self.new, self.new),
                "fixed": listing(self.fixed), "unseen": listing(self.unseen)}


def compare(path: Path, entries: frozenset[Key], failures: Counter[Key], checked_rules: Iterable[str],
            sent_signatures: Iterable[str], update: bool = False) -> Comparison:
    """Sort the run's failures into known and new, and the baseline's other entries into fixed and unseen.

    An entry is fixed only if this run could have seen it fail: its rule was checked at least
    once and (for a case rule) a case with its signature got an answer.
    """
    checked, sent = set(checked_rules), set(sent_signatures)
    known = {k: n for k, n in failures.items() if k in entries}
    new = {k: n for k, n in failures.items() if k not in entries}
    fixed: list[Key] = []
    unseen: list[Key] = []
    for key in sorted(entries - failures.keys()):
        rule, signature = key
        seen = rule in checked and (signature == RUN_SIGNATURE or signature in sent)
        (fixed if seen else unseen).append(key)
    written = frozenset(failures) | frozenset(unseen) if update else frozenset()
    return Comparison(path, entries, known, new, fixed, unseen, update, written)
