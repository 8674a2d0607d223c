"""Shared fixtures of the project's own tests (keep this file small)."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
REFERENCE_PAGE = REPO_ROOT.parent / "shared" / "reference" / "API_CreateSnapshot.md"


@pytest.fixture(scope="session")
def reference_page() -> Path:
    """The API reference page (AWS's text, not shipped with the project): skip when absent."""
    if not REFERENCE_PAGE.is_file():
        pytest.skip(f"API reference page not found at {REFERENCE_PAGE}: the project keeps facts derived "
                    "from it, not a copy; put API_CreateSnapshot.md there to run this test")
    return REFERENCE_PAGE
