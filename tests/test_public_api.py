"""The public face: what users call is importable from ``conformance`` and works as documented."""

from __future__ import annotations

import subprocess
import sys

import pytest

import conformance


def test_the_documented_example_runs_the_suite_against_a_reference_endpoint() -> None:
    from conformance import ReferenceEndpoint, RunConfig, run_suite
    with ReferenceEndpoint() as endpoint:
        result = run_suite(RunConfig(endpoint=endpoint.url, credentials=endpoint.credentials,
                                     profile="quick"))
    assert result.exit_code == 0, result.failing_rules()
    assert result.endpoint.startswith(endpoint.url)


def test_every_exported_name_resolves_and_the_rules_are_the_rulebook() -> None:
    assert set(conformance.__all__) == {"RULES", "__version__", *conformance._EXPORTS}
    for name in conformance.__all__:
        assert getattr(conformance, name) is not None, name
    assert "validation.SnapshotDescription.maxLength" in conformance.RULES
    assert isinstance(conformance.RULES["accept.valid-request"], conformance.Rule)


def test_every_error_of_the_tree_is_an_sgw_conformance_error_and_usage_errors_exit_2() -> None:
    from conformance import errors
    assert issubclass(errors.DiscoveryError, errors.EndpointError)
    assert issubclass(errors.EndpointError, errors.UsageError)
    assert issubclass(errors.ReferenceFormatError, errors.UsageError)
    usage = (errors.UsageError, errors.EndpointError, errors.DiscoveryError, errors.ReferenceFormatError)
    for error in usage:
        assert issubclass(error, errors.SgwConformanceError) and error.exit_code == 2
    assert errors.ReportSchemaError.exit_code == 1


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        conformance.Nope  # noqa: B018


def test_importing_the_package_imports_no_layer() -> None:
    probe = "import sys, conformance; print(sorted(m for m in sys.modules if m.startswith('conformance.')))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "['conformance.version']", done.stdout + done.stderr
