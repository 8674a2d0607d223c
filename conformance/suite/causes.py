"""Root causes first: a run's failing answers grouped by what they were.

Many failing rules often share one cause: an endpoint that answers every request with an HTML
500 fails forty rules with the same answer.  :func:`root_causes` groups the answers by status,
error type, media type and (for answers without an error type) the start of the body, keeps the
groups that made some rule fail, and :func:`headline` names the group that dominates the run (at
least half of the answers) and is not one ordinary answer a few rules disagree with (an AWS-shaped
answer counts only when at least ``MIN_RULES`` rules failed on it), so that it can be said once,
above the table, instead of forty times.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from conformance.suite.model import Exchange
from conformance.suite.preflight import Answer, read_answer
from conformance.suite.scoreboard import Scoreboard

DOMINANT_SHARE = 0.5      # a cause is the headline when at least this share of the answers had it
MAX_CAUSES = 5            # groups kept in report.json
NAMED_RULES = 5           # a headline names the rules when there are at most this many
MIN_RULES = 3             # rules an AWS-shaped answer must fail to be a headline


@dataclass(frozen=True)
class Cause:
    """One kind of failing answer: how many answers were like it, the rules it failed, an example."""

    answer: Answer
    count: int
    total: int
    rules: tuple[str, ...]
    example: str              # a case id with this answer

    def text(self) -> str:
        return f"{self.count} of {self.total} answers were {self.answer.describe()}"

    def to_json(self) -> dict[str, object]:
        return {"answer": self.answer.describe(), "status": self.answer.status,
                "error_type": self.answer.error_type, "media_type": self.answer.media_type,
                "body_start": self.answer.start, "count": self.count, "of": self.total,
                "rules": list(self.rules), "example_case": self.example}


def root_causes(exchanges: list[Exchange], board: Scoreboard) -> list[Cause]:
    """The kinds of answer that made rules fail, the most common first."""
    groups: dict[tuple[object, ...], list[Exchange]] = defaultdict(list)
    answers: dict[tuple[object, ...], Answer] = {}
    key_of: dict[str, tuple[object, ...]] = {}
    for exchange in exchanges:
        answer = read_answer(exchange)
        key = answer.key()
        groups[key].append(exchange)
        answers.setdefault(key, answer)
        key_of[exchange.case.id] = key
    rules: dict[tuple[object, ...], set[str]] = defaultdict(set)
    for rule_id, tally in board.tallies.items():
        if board.status(rule_id) not in ("fail", "warn"):
            continue
        for failure in tally.failures:
            found = key_of.get(failure.case_id)
            if found is not None:
                rules[found].add(rule_id)
    total = len(exchanges)
    causes = [Cause(answers[k], len(groups[k]), total, tuple(sorted(rules[k])), groups[k][0].case.id)
              for k in rules]
    causes.sort(key=lambda c: (-c.count, -len(c.rules)))
    return causes[:MAX_CAUSES]


def headline(causes: list[Cause]) -> str | None:
    """The cause most answers share, in words, when it dominates the run; else None."""
    if not causes or not causes[0].total:
        return None
    top = causes[0]
    rules = len(top.rules)
    if top.count < DOMINANT_SHARE * top.total or (top.answer.aws_shaped and rules < MIN_RULES):
        return None
    return f"{top.text()}: {rules} rule{'s' if rules != 1 else ''} failed on them{named(top)}"


def named(cause: Cause, most: int = NAMED_RULES) -> str:
    """' (rule, rule)' when the cause failed few rules: then they are named, not just counted."""
    return f" ({', '.join(cause.rules)})" if 0 < len(cause.rules) <= most else ""
