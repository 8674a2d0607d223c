"""Which fault of the reference endpoint proves each rule: the join of the rulebook with the fault
registry (a fault names its rule in :mod:`conformance.endpoint.faults`; the rulebook knows no fault).

A MUST rule's faults make a run fail, a SHOULD rule's make it warn.  Reports name a rule's first
fault (report.json) or all of them (CONFORMANCE.md).
"""

from __future__ import annotations

from conformance.endpoint.faults import ALL_FAULTS


def fault_rules() -> dict[str, str]:
    """Fault name -> the id of the rule it must break, in the registry's order."""
    return {fault.name: fault.rule for fault in ALL_FAULTS.values()}


def rule_faults(rule_id: str) -> tuple[str, ...]:
    """Every fault of the reference endpoint that must make ``rule_id`` fail (or warn)."""
    return tuple(name for name, rule in fault_rules().items() if rule == rule_id)


def first_fault(rule_id: str) -> str | None:
    """The fault that proves ``rule_id`` is checked (the first of the registry), or None."""
    faults = rule_faults(rule_id)
    return faults[0] if faults else None
