"""What a run prints at the end, drawn with rich: the diagnosis and the root cause first, the rule
table fitted to the terminal (reasons wrapped, never cut), the baseline's verdict, a short summary
(the first failure with its replay command and a curl line), the summary line and the report paths.

Width: ``COLUMNS`` when set, else the terminal's, else unlimited (a log keeps its lines whole).
Colour only on a terminal and never with ``NO_COLOR`` (rich reads it).  Default: every rule that
failed, warned or was disputed, except those the root cause alone explains (counted); ``-v`` lists every
rule; ``-q`` prints the summary lines only.  Narrower than 100 columns, each rule's note goes on
its own lines below the rule.
"""

from __future__ import annotations

import os
import shutil
import textwrap
from collections import Counter
from typing import TextIO

from rich.console import Console
from rich.table import Table
from rich.text import Text

from conformance.reports.layout import curl_command, replay_command
from conformance.suite.causes import headline, named, root_causes
from conformance.suite.preflight import read_answer
from conformance.suite.results import RunResult
from conformance.suite.scoreboard import STATUSES, RuleResult

STACKED_BELOW = 100      # narrower than this: each rule's note on its own lines below the rule
LOG_WIDTH = 2000         # a log (not a terminal, no COLUMNS): lines as long as they are
MIN_WIDTH = 40
STYLES = {"fail": "bold red", "warn": "yellow", "known": "magenta", "disputed": "blue",
          "pass": "green", "untested": "dim"}
QUIET, NORMAL, VERBOSE = -1, 0, 1


def width_of(out: TextIO) -> int:
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) >= MIN_WIDTH:
        return int(columns)
    if getattr(out, "isatty", lambda: False)():
        return max(MIN_WIDTH, shutil.get_terminal_size((80, 24)).columns)
    return LOG_WIDTH


def console_for(out: TextIO, width: int | None = None) -> Console:
    tty = bool(getattr(out, "isatty", lambda: False)())
    return Console(file=out, width=width or width_of(out), force_terminal=tty,
                   color_system="auto" if tty else None,
                   no_color=bool(os.environ.get("NO_COLOR")) or not tty, highlight=False, markup=False,
                   emoji=False, soft_wrap=False)


def one_line(text: str) -> str:
    """A reason or a body excerpt on one line (an HTML body's newlines would break the table)."""
    return " ".join(text.split())


class Printer:
    """Draws one run's end of output."""

    def __init__(self, result: RunResult, out: TextIO, verbosity: int = NORMAL,
                 width: int | None = None) -> None:
        self.result, self.verbosity = result, verbosity
        self.console = console_for(out, width)
        self.causes = root_causes(result.exchanges, result.scoreboard)
        self.headline = headline(self.causes)
        self.cause_rules = set(self.causes[0].rules) if self.headline else set()
        self.cause_key = self.causes[0].answer.key() if self.headline else None

    def line(self, text: str, style: str | None = None) -> None:
        self.console.print(Text(text, style=style or ""), overflow="fold")

    def top(self) -> None:
        """The preflight's diagnosis and the root cause, above everything else."""
        if self.result.diagnosis:
            self.line(f"diagnosis: {self.result.diagnosis}", "bold")
        if self.headline:
            top = self.causes[0]
            text = self.headline
            if self.result.diagnosis and top.answer.describe() in self.result.diagnosis:
                rules = len(top.rules)
                text = (f"{top.count} of {top.total} answers were that same answer: {rules} "
                        f"rule{'s' if rules != 1 else ''} failed on them{named(top)}")
            self.line(f"root cause: {text}", "bold")

    def on_cause(self, r: RuleResult) -> bool:
        """Every failure of the rule kept with its evidence had the root cause's answer."""
        return bool(r.rule.id in self.cause_rules and r.tally.failures) and all(
            f.exchange is not None and read_answer(f.exchange).key() == self.cause_key
            for f in r.tally.failures)

    def _note(self, r: RuleResult, status: str, fixed: int) -> str:
        notes = [f"fixed since the baseline ({fixed} entries)"] if fixed else []
        if r.tally.failures:
            f = r.tally.failures[0]
            why = "the root cause above" if self.on_cause(r) else one_line(f.reason)
            notes.append(f"{'known (baseline): ' if status == 'known' else ''}{f.case_id}: {why}")
        elif r.status == "disputed":
            notes.append("accepted disputed answers: " + ", ".join(r.tally.alternatives))
        elif r.status == "untested":
            notes.append("no case exercised it")
        return "; ".join(notes)

    def table(self) -> None:
        result = self.result
        fixed = Counter(rule for rule, _ in result.baseline.fixed) if result.baseline else Counter()
        table = Table(box=None, pad_edge=False, show_edge=False, expand=False, padding=(0, 1),
                      header_style="bold")
        table.add_column("status", no_wrap=True)
        table.add_column("sev", no_wrap=True)
        table.add_column("cases", justify="right", no_wrap=True)
        table.add_column("rule", overflow="fold", ratio=2)
        table.add_column("first failure", overflow="fold", ratio=3)
        hidden: Counter[str] = Counter()
        stacked = self.console.width < STACKED_BELOW
        for r in result.scoreboard.results():
            status = result.status_of(r)
            if self.verbosity < VERBOSE and not fixed[r.rule.id]:
                if status in ("pass", "untested"):
                    hidden[status] += 1
                    continue
                if status in ("fail", "warn") and self.on_cause(r):
                    hidden["cause"] += 1
                    continue
            note = self._note(r, status, fixed[r.rule.id])
            if stacked:
                self.line(f"{status.upper():<9}{r.rule.severity:<7}{r.tally.cases:>5}  {r.rule.id}",
                          STYLES.get(status))
                for part in textwrap.wrap(note, self.console.width - 4, break_long_words=True,
                                          break_on_hyphens=False):
                    self.line("    " + part)
                continue
            table.add_row(Text(status.upper(), style=STYLES.get(status, "")), r.rule.severity,
                          str(r.tally.cases), r.rule.id, note)
        if not stacked:
            self.console.print(table)
        if hidden:
            parts = [f"{hidden['cause']} more failed on the root cause alone"] if hidden["cause"] else []
            parts += [f"{hidden['pass']} more pass"] if hidden["pass"] else []
            parts += [f"{hidden['untested']} untested (no case exercised them)"] if hidden["untested"] else []
            self.line(f"{', '.join(parts)} (-v lists every rule)", "dim")

    def baseline(self) -> None:
        cmp = self.result.baseline
        if cmp is None:
            return
        self.line(f"baseline {cmp.path}: {sum(cmp.known.values())} known failures "
                  f"({len(cmp.known)} entries), "
                  f"{len(cmp.new)} new, {len(cmp.fixed)} fixed, {len(cmp.unseen)} not checked by this run")
        for label, keys in (("NEW", sorted(cmp.new)), ("FIXED", cmp.fixed)):
            for rule, signature in keys:
                self.line(f"  {label:<6} {rule} [{signature}]")
        if cmp.updated:
            self.line(f"baseline {cmp.path} updated: {len(cmp.written)} entries "
                      f"({len(cmp.new)} added, {len(cmp.fixed)} removed as fixed)")

    def short_summary(self) -> None:
        """The first failing MUST rule: its reason, the command that replays it, a curl line."""
        result = self.result
        failing = result.failing_rules()
        if not failing or not result.report_paths:
            return
        tally = result.scoreboard.tallies[failing[0]]
        if not tally.failures:
            return
        first = tally.failures[0]
        more = f" (and {len(failing) - 1} more failing rules)" if len(failing) > 1 else ""
        self.line(f"first failure{more}: {failing[0]}: {first.case_id}: {one_line(first.reason)}")
        report_dir = result.report_paths["json"].parent
        self.line(f"  replay: {replay_command(report_dir, first.case_id, result.live)}")
        curl = curl_command(first.exchange, result.region) if first.exchange and not result.embedded else None
        if curl:
            self.line(f"  curl:   {curl}")

    def paths(self) -> None:
        paths = self.result.report_paths
        if paths:
            self.line(f"report: {paths['json']}")
            self.line(f"junit: {paths['junit']}")
            self.line(f"html report: {paths['html']}")

    def print_all(self) -> None:
        if self.verbosity > QUIET:
            self.top()
            self.table()
            self.line("")
            self.baseline()
            self.short_summary()
        elif self.result.diagnosis or self.headline:
            self.top()
        if self.result.stopped:
            self.line(f"stopped early: {self.result.stopped}")
        self.line(summary_line(self.result), STYLES.get(self.result.verdict, "bold"))
        self.paths()


def tested(result: RunResult) -> str:
    """Which endpoint the run tested, in words."""
    if result.embedded:
        extra = [f"faults {', '.join(result.faults)}"] if result.faults else []
        extra += [f"variants {', '.join(result.variants)}"] if result.variants else []
        return "the embedded reference endpoint" + (f" ({'; '.join(extra)})" if extra else "")
    return result.endpoint + (f" (from {result.endpoint_source})" if result.endpoint_source else "")


def summary_line(result: RunResult) -> str:
    counts = result.counts()
    parts = ", ".join(f"{counts[s]} {s}" for s in (*STATUSES, "known") if counts[s])
    skipped = sum(result.scoreboard.skipped.values())
    extra = f", {skipped} cases not sent" if skipped else ""
    verdict = result.verdict.upper() + ("" if result.complete else " (incomplete: interrupted)")
    return (f"{verdict}: {result.requests_sent} requests to {tested(result)} in "
            f"{result.duration_s:.1f} s (profile {result.profile}, seed {result.seed}); "
            f"rules: {parts}{extra}")
