"""What a run prints at the end: the rule table, the baseline's verdict and the summary line."""

from __future__ import annotations

from collections import Counter

from conformance.suite.results import RunResult
from conformance.suite.scoreboard import STATUSES


def _fit(line: str, width: int) -> str:
    return line if len(line) <= width else line[: width - 3] + "..."


def table(result: RunResult, width: int = 160) -> str:
    """One line per rule: status, severity, cases, id, and the first failure."""
    lines = [f"{'status':<9}{'sev':<7}{'cases':>6}  {'rule':<44} first failure"]
    fixed = Counter(rule for rule, _ in result.baseline.fixed) if result.baseline else Counter()
    for r in result.scoreboard.results():
        status, notes = result.status_of(r), []
        if fixed[r.rule.id]:
            notes.append(f"fixed since the baseline ({fixed[r.rule.id]} entries)")
        if r.tally.failures:
            f = r.tally.failures[0]
            notes.append(f"{'known (baseline): ' if status == 'known' else ''}{f.case_id}: {f.reason}")
        elif r.status == "disputed":
            notes.append("accepted disputed answers: " + ", ".join(r.tally.alternatives))
        first = "; ".join(notes)
        line = f"{status.upper():<9}{r.rule.severity:<7}{r.tally.cases:>6}  {r.rule.id:<44} {first}"
        lines.append(_fit(line, width))
    return "\n".join(lines)


def baseline_lines(result: RunResult, width: int = 160) -> list[str]:
    """What the baseline made of the run: new failures, fixed and unseen entries, the update."""
    cmp = result.baseline
    if cmp is None:
        return []
    head = (f"baseline {cmp.path}: {sum(cmp.known.values())} known failures "
            f"({len(cmp.known)} entries), {len(cmp.new)} new, {len(cmp.fixed)} fixed, "
            f"{len(cmp.unseen)} not checked by this run")
    lines = [head]
    for label, keys in (("NEW", sorted(cmp.new)), ("FIXED", cmp.fixed)):
        lines += [_fit(f"  {label:<6} {rule} [{signature}]", width) for rule, signature in keys]
    if cmp.updated:
        lines.append(f"baseline {cmp.path} updated: {len(cmp.written)} entries "
                     f"({len(cmp.new)} added, {len(cmp.fixed)} removed as fixed)")
    return lines


def summary_line(result: RunResult) -> str:
    counts = result.counts()
    parts = ", ".join(f"{counts[s]} {s}" for s in (*STATUSES, "known") if counts[s])
    skipped = sum(result.scoreboard.skipped.values())
    extra = f", {skipped} cases not sent" if skipped else ""
    return (f"{result.verdict.upper()}: {result.requests_sent} requests to {result.endpoint} in "
            f"{result.duration_s:.1f} s (profile {result.profile}, seed {result.seed}); "
            f"rules: {parts}{extra}")
