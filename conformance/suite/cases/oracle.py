"""Which rules a JSON body breaks according to ``schemas/``: the tests' oracle for the cases.

Used by the tests only (``tests/test_cases_*.py``), to prove that each generated case breaks
exactly the rule it is labelled with and that valid cases are valid; generation never calls it.
The reference endpoint has its own validator (``conformance.endpoint.validation``).
"""

from __future__ import annotations

from typing import Any

from conformance.spec import schemas
from conformance.suite import rulebook
from conformance.suite.cases.limits import limits


def effective(params: Any) -> Any:
    """The body as the API reads it: optional top-level members that are null are absent."""
    if not isinstance(params, dict):
        return params
    lim = limits()
    return {k: v for k, v in params.items() if v is not None or k in lim.required or k not in lim.members}


def _member(path: list[Any]) -> str:
    if path and path[0] == "Tags" and len(path) == 3:
        return f"Tag.{path[2]}"
    if path and path[0] == "Tags" and len(path) == 2:
        return "Tag"
    return str(path[0]) if path else ""


def _type_rule(path: list[Any], instance: Any) -> str:
    if not path:
        return "envelope.body-not-object"
    if instance is None:
        null_rule = f"validation.{_member(path)}.null"
        return null_rule if null_rule in rulebook.load().rules else f"validation.{_member(path)}.required"
    return "envelope.wrong-json-type"


def _rule_of_error(err: Any) -> list[str]:
    path = list(err.absolute_path)
    if err.validator == "required":
        missing = [p for p in err.validator_value if p not in err.instance]
        base = "Tag." if path else ""
        return [f"validation.{base}{m}.required" for m in missing]
    if err.validator == "type":
        return [_type_rule(path, err.instance)]
    return [f"validation.{_member(path)}.{err.validator}"]


def violations(params: Any) -> set[str]:
    """The rule ids a JSON body breaks according to ``schemas/`` (empty: valid)."""
    found: set[str] = set()
    for err in schemas.errors("CreateSnapshotRequest", effective(params)):
        found.update(_rule_of_error(err))
    return found
