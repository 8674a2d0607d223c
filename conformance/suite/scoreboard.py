"""The scoreboard: every exchange through every check, a tally and a status per rule.

A :class:`Scoreboard` runs the case's own rule, the cross-cutting checks and the run-level
checks of :mod:`conformance.suite.checks` on each exchange, and keeps per rule the cases seen,
the first failures with their evidence, the answers and the disputed alternatives accepted.
A rule's status is pass, fail (a MUST rule broken), warn (a SHOULD rule broken), disputed (only
answers the sources disagree on were seen, all of them accepted) or untested.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from conformance.suite import rulebook
from conformance.suite.checks import (
    EXCHANGE_CHECKS,
    MUST,
    RUN_CHECKS,
    Answer,
    answer_label,
    check_case_rule,
    read_answer,
)
from conformance.suite.model import Case, Exchange, Failure
from conformance.suite.rules import Rule

MAX_EVIDENCE = 50      # failures per rule kept with their full exchange; the rest are counted
STATUSES = ("pass", "fail", "warn", "disputed", "untested")

@dataclass
class RuleTally:
    """Everything seen for one rule."""

    cases: int = 0
    failure_count: int = 0
    failures: list[Failure] = field(default_factory=list)      # the first MAX_EVIDENCE, with evidence
    answers: Counter[str] = field(default_factory=Counter)     # case rules: answers seen
    alternatives: Counter[str] = field(default_factory=Counter)  # disputed answers accepted
    disputes: set[str] = field(default_factory=set)            # why the answers are disputed


@dataclass(frozen=True)
class RuleResult:
    rule: Rule
    status: str
    tally: RuleTally


def placeholder_rule(rule_id: str) -> Rule:
    """A rule id seen in a case but missing from the registry (reported, never silently lost)."""
    return Rule(id=rule_id, area=rule_id.split(".", 1)[0], statement="(not in the rule registry)",
                source="(unknown)", severity=MUST)


class Scoreboard:
    """Runs every check on each exchange and keeps a tally per rule."""

    def __init__(self, rules: dict[str, Rule] | None = None, max_evidence: int = MAX_EVIDENCE) -> None:
        self.rules = dict(rulebook.load().rules if rules is None else rules)
        self.max_evidence = max_evidence
        self.tallies: dict[str, RuleTally] = {rid: RuleTally() for rid in self.rules}
        self.run_checks = {rid: make() for rid, make in RUN_CHECKS.items()}
        self.exchanges = 0
        self.skipped: Counter[str] = Counter()

    def tally(self, rule_id: str) -> RuleTally:
        found = self.tallies.get(rule_id)
        if found is None:
            self.rules.setdefault(rule_id, placeholder_rule(rule_id))
            found = self.tallies[rule_id] = RuleTally()
        return found

    def _note(self, rule_id: str, exchange: Exchange, reason: str | None) -> Failure | None:
        tally = self.tally(rule_id)
        tally.cases += 1
        if reason is None:
            return None
        tally.failure_count += 1
        failure = Failure(rule_id, exchange.case.id, reason, exchange)
        if len(tally.failures) < self.max_evidence:
            tally.failures.append(failure)
        return failure

    def record(self, exchange: Exchange) -> list[Failure]:
        """Judge one exchange against every rule that applies; the failures found."""
        self.exchanges += 1
        ans = read_answer(exchange)
        found: list[Failure] = []
        case = exchange.case
        if case.allowed:
            self._record_case_rule(exchange, ans, found)
        for rule_id, (applies, check) in EXCHANGE_CHECKS.items():
            if applies(exchange, ans):
                failure = self._note(rule_id, exchange, check(exchange, ans))
                if failure:
                    found.append(failure)
        for rule_id, run_check in self.run_checks.items():
            verdict = run_check.observe(exchange, ans)
            if verdict is not False:
                failure = self._note(rule_id, exchange, verdict if isinstance(verdict, str) else None)
                if failure:
                    found.append(failure)
        return found

    def _record_case_rule(self, exchange: Exchange, ans: Answer, found: list[Failure]) -> None:
        case = exchange.case
        if ans.status is None:     # no answer: judged by transport.answered, not by the case's rule
            return
        tally = self.tally(case.rule_id)
        label = answer_label(ans)
        tally.answers[label] += 1
        why = case.disputed or self.rules[case.rule_id].disputed
        if why:
            tally.disputes.add(why)
            if ans.matched > 0:
                tally.alternatives[label] += 1
        failure = self._note(case.rule_id, exchange, check_case_rule(exchange, ans))
        if failure:
            found.append(failure)

    def add_failure(self, failure: Failure) -> None:
        """A failure found outside the checks (the preflight's), tallied as theirs are."""
        tally = self.tally(failure.rule_id)
        tally.cases += 1
        tally.failure_count += 1
        if len(tally.failures) < self.max_evidence:
            tally.failures.append(failure)

    def skip(self, case: Case, reason: str) -> None:
        """A case that was not sent (snapshot cap, circuit breaker, ...)."""
        self.skipped[reason] += 1

    def status(self, rule_id: str) -> str:
        rule, tally = self.rules[rule_id], self.tallies[rule_id]
        if tally.failure_count:
            return "fail" if rule.severity == MUST else "warn"
        if not tally.cases:
            return "untested"
        if tally.alternatives:
            return "disputed"
        return "pass"

    def results(self) -> list[RuleResult]:
        return [RuleResult(rule, self.status(rid), self.tallies[rid]) for rid, rule in self.rules.items()]

    def counts(self) -> Counter[str]:
        return Counter(self.status(rid) for rid in self.rules)

    def must_failed(self) -> bool:
        return any(self.status(rid) == "fail" for rid in self.rules)

    def failing_rules(self) -> list[str]:
        return [rid for rid in self.rules if self.status(rid) == "fail"]
