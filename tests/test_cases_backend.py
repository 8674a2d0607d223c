"""The Hypothesis backend: a seed fixes the cases in any process, whatever local modules it loaded.

Each digest comes from a process of its own (another PYTHONHASHSEED each time), so nothing
carried over inside one interpreter can make the same seed look reproducible.
"""

from __future__ import annotations

import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest
from cases_support import ARN, REGION

from conformance.suite.cases import backend

ROOT = Path(__file__).resolve().parent.parent

# Hypothesis draws constants from the source of loaded local modules: a module full of them must
# change nothing (the CLI, the pytest plugin and a bench script load different modules).
CASES_DIGEST = """
import hashlib, json, sys
sys.path.insert(0, sys.argv[1])
if sys.argv[2] == "with-constants":
    import local_constants  # noqa: F401
from conformance.suite.cases import generate_cases
cases = generate_cases("{arn}", "{region}", "quick", int(sys.argv[3]))
print(hashlib.sha256(repr([(c.signature, json.dumps(c.params, sort_keys=True), c.raw_body, c.signing)
                           for c in cases]).encode()).hexdigest())
"""


@pytest.fixture(scope="module")
def constants_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A local module full of the constants Hypothesis would otherwise pick up."""
    path = tmp_path_factory.mktemp("constants")
    ints = ", ".join(str(i) for i in range(0, 600, 1))
    byte_strings = ", ".join(repr(bytes(range(n))) for n in range(1, 100))
    (path / "local_constants.py").write_text(
        f"INTS = [{ints}]\nBYTES = [{byte_strings}]\nSTRINGS = ['Key', 'Value', 'k0', 'v', 'arn', 'é字']\n")
    return path


@cache
def digest(constants: Path, mode: str, seed: int, hash_seed: int) -> str:
    """The digest of the quick profile's cases for ``seed``, computed in a fresh process."""
    script = CASES_DIGEST.format(arn=ARN, region=REGION)
    env = {"PYTHONHASHSEED": str(hash_seed), "PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "-c", script, str(constants), mode, str(seed)], cwd=ROOT,
                          check=True, capture_output=True, text=True, env=env)
    return done.stdout.strip()


def test_this_hypothesis_draws_the_cases_with_the_backend():
    assert backend.backend_settings() == {"backend": backend.BACKEND}


def test_the_same_seed_gives_the_same_cases_in_two_processes(constants_dir: Path):
    first, second = digest(constants_dir, "plain", 3, 1), digest(constants_dir, "plain", 3, 2)
    assert len(first) == 64 and first == second


def test_another_seed_gives_other_cases(constants_dir: Path):
    assert digest(constants_dir, "plain", 3, 1) != digest(constants_dir, "plain", 4, 1)


def test_the_same_seed_gives_the_same_cases_whatever_local_modules_are_loaded(constants_dir: Path):
    assert digest(constants_dir, "plain", 3, 1) == digest(constants_dir, "with-constants", 3, 2)


PROVIDER_PROBE = """
import sys
sys.path.insert(0, sys.argv[1])
import local_magic  # noqa: F401  (a local module: Hypothesis' default provider reads its constants)
from hypothesis import given, seed, settings, strategies as st
from conformance.suite.cases.backend import backend_settings

def hits(**backend):
    drawn = []
    @settings(database=None, max_examples=1000, **backend)
    @given(st.integers(0, 10**9))
    def draw(n):
        drawn.append(n)
    seed(0)(draw)()
    return drawn.count(987654321)

print(hits(), hits(**backend_settings()))
"""


def test_the_backend_never_draws_a_constant_of_a_local_module(tmp_path: Path):
    """Hypothesis' default provider draws a local module's constant; the backend never does."""
    (tmp_path / "local_magic.py").write_text("MAGIC = 987654321\n")
    done = subprocess.run([sys.executable, "-c", PROVIDER_PROBE, str(tmp_path)], cwd=ROOT, check=True,
                          capture_output=True, text=True)
    default_hits, backend_hits = map(int, done.stdout.split())
    assert default_hits > 0 and backend_hits == 0, done.stdout
