"""Test helper: see the signatures that really went on the wire, to prove none is ever shown."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from requests.adapters import HTTPAdapter


@contextmanager
def captured_signatures() -> Iterator[list[str]]:
    """Collect the SigV4 signature of every request ``requests`` sends inside the block."""
    signatures: list[str] = []
    real_send = HTTPAdapter.send

    def spy(self: HTTPAdapter, request: Any, *args: Any, **kw: Any) -> Any:
        auth = request.headers.get("Authorization", "")
        if "Signature=" in auth:
            signatures.append(auth.rsplit("Signature=", 1)[1].strip())
        return real_send(self, request, *args, **kw)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(HTTPAdapter, "send", spy)
        yield signatures
