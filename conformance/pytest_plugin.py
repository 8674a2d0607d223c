"""pytest plugin entry point (inert unless its options are given); built in the suite's issue."""

from __future__ import annotations
