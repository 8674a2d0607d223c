"""Shared fixtures of the project's own tests (keep this file small)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# The project's own tests generate their cases afresh (a determinism test must not compare a cached
# list with itself); tests/test_cases_cache.py turns the disk cache on where it is under test.
os.environ["SGW_CONFORMANCE_CACHE"] = "off"
# pytest-xdist workers inherit COLUMNS=80; the CLI honours COLUMNS (as rich and shutil
# do), so the tests that want a width set it themselves (tests/test_terminal_output.py).
os.environ.pop("COLUMNS", None)

REPO_ROOT = Path(__file__).resolve().parent.parent
REFERENCE_PAGE = REPO_ROOT.parent / "shared" / "reference" / "API_CreateSnapshot.md"


@pytest.fixture(scope="session")
def reference_page() -> Path:
    """The API reference page (AWS's text, not shipped with the project): skip when absent."""
    if not REFERENCE_PAGE.is_file():
        pytest.skip(f"API reference page not found at {REFERENCE_PAGE}: the project keeps facts derived "
                    "from it, not a copy; put API_CreateSnapshot.md there to run this test")
    return REFERENCE_PAGE


# --- the reference endpoint (conformance.endpoint) ---------------------------------------------------------
@pytest.fixture(scope="module")
def reference_endpoint():  # type: ignore[no-untyped-def]
    """A fault-free reference endpoint on 127.0.0.1 (port 0), shared by one test module."""
    from conformance.endpoint import ReferenceEndpoint

    with ReferenceEndpoint() as endpoint:
        yield endpoint


@pytest.fixture
def post_to():  # type: ignore[no-untyped-def]
    """``post_to(endpoint, params, raw=None, target=..., headers=None, authenticate=True, **sign_args)``:
    an awsJson1_1 POST (signed by default, ``sign_args`` as for conformance.sigv4.sign) over one
    keep-alive session; returns the ``requests.Response``."""
    import json

    import requests

    from conformance.protocol import envelope

    session = requests.Session()

    def post(endpoint, params=None, *, raw=None, target=envelope.CREATE_SNAPSHOT_TARGET,  # type: ignore[no-untyped-def]
             headers=None, authenticate=True, **sign_args):
        body = raw if raw is not None else json.dumps(params).encode("utf-8")
        if authenticate:
            sent = endpoint.signed_headers(body, target, **sign_args)
        else:
            sent = {"Content-Type": envelope.JSON_CONTENT_TYPE,
                    **({"X-Amz-Target": target} if target else {})}
        sent.update(headers or {})
        return session.post(endpoint.url, data=body, headers=sent, timeout=10)

    yield post
    session.close()


# --- every report.json written during the tests is checked against schemas/report.schema.json ----
@pytest.fixture(scope="session", autouse=True)
def reports_checked_against_their_schema():  # type: ignore[no-untyped-def]
    """Set SGW_CONFORMANCE_CHECK_REPORTS=1 for the session (subprocesses inherit it): then
    conformance.reports.writer.write_reports validates each report.json it writes and raises
    ReportSchemaError (a failing test) if the report breaks the schema."""
    import os

    from conformance.reports.report_json import CHECK_ENV

    before = os.environ.get(CHECK_ENV)
    os.environ[CHECK_ENV] = "1"
    yield
    if before is None:
        os.environ.pop(CHECK_ENV, None)
    else:
        os.environ[CHECK_ENV] = before
