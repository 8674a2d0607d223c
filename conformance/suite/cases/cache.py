"""A disk cache of generated case lists: generation is deterministic, so a list is made once.

The same seed, profile, target (volume, region, missing volume) and code give the same cases,
so a run loads them from ``<cache dir>/cases/<key>.json`` instead of running Hypothesis again.
The key hashes all of that: the arguments, the versions of the tool and of Hypothesis, and the
bytes of every module and schema that generation reads (an edited strategy is a new key).

The directory is ``$SGW_CONFORMANCE_CACHE`` if set (``off`` disables the cache), else
``$XDG_CACHE_HOME/sgw-conformance``, else ``~/.cache/sgw-conformance``.  The cache is only ever
an optimisation: a directory that cannot be written, or a file that cannot be read, means the
cases are generated as without it; it never changes what is sent.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

import hypothesis

from conformance.spec.schemas import SCHEMA_DIR
from conformance.suite.case_spec import case_from_spec, case_to_spec
from conformance.suite.model import Case
from conformance.version import __version__

ENV = "SGW_CONFORMANCE_CACHE"
FORMAT = 1
_PACKAGE = Path(__file__).resolve().parents[2]          # conformance/
_INPUTS = ("suite", "spec", "protocol")                 # what generation reads


def cache_dir() -> Path | None:
    """Where case lists are kept, or None when the cache is off."""
    chosen = os.environ.get(ENV)
    if chosen is not None:
        return None if chosen.strip().lower() in ("", "0", "off", "no", "false") else Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "sgw-conformance"


@lru_cache(maxsize=1)
def code_digest() -> str:
    """A digest of the code and data generation depends on (read once per process)."""
    digest = hashlib.sha256(f"{FORMAT}/{__version__}/{hypothesis.__version__}".encode())
    files = [p for part in _INPUTS for p in sorted((_PACKAGE / part).rglob("*.py"))]
    files += sorted(SCHEMA_DIR.glob("*.json"))
    for path in files:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def key(*args: object) -> str:
    return hashlib.sha256(json.dumps([code_digest(), *map(str, args)]).encode()).hexdigest()[:32]


def _read(path: Path) -> list[Case] | None:
    try:
        data = json.loads(path.read_text("utf-8"))
        return [case_from_spec(spec) for spec in data["cases"]]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _write(path: Path, cases: list[Case]) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        specs = [case_to_spec(c) for c in cases]
        text = json.dumps({"format": FORMAT, "cases": specs}, separators=(",", ":"))
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, delete=False,
                                         suffix=".tmp") as handle:
            handle.write(text)
        os.replace(handle.name, path)       # atomic: a concurrent reader sees the old file or the new
    except (OSError, TypeError, ValueError):
        return                              # no cache this time: the run goes on


def cached(args: tuple[object, ...], produce: Callable[[], list[Case]]) -> list[Case]:
    """The case list for ``args``: from the cache when it holds it, else produced and stored."""
    where = cache_dir()
    if where is None:
        return produce()
    path = where / "cases" / f"{key(*args)}.json"
    found = _read(path) if path.is_file() else None
    if found is not None:
        return found
    cases = produce()
    _write(path, cases)
    return cases
