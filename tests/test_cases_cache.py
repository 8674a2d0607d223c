"""The case cache: a list generated once is loaded, not generated, and is the same list."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from conformance.suite import engine
from conformance.suite.case_spec import case_to_spec
from conformance.suite.cases import cache, generate_cases
from conformance.suite.cases.arns import missing_volume_arn

ARN = "arn:aws:storagegateway:us-east-2:111122223333:gateway/sgw-12A3456B/volume/vol-1122AABB"
ARGS = (ARN, "us-east-2", "quick", 3, missing_volume_arn(ARN))


@pytest.fixture
def cache_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv(cache.ENV, str(tmp_path))
    engine._generate.cache_clear()
    yield tmp_path
    engine._generate.cache_clear()


def fresh() -> list[dict[str, object]]:
    cases = generate_cases(volume_arn=ARN, region="us-east-2", profile="quick", seed=3,
                           missing_volume_arn=ARGS[-1])
    return [case_to_spec(c) for c in cases]


def test_a_cached_list_is_the_generated_list_and_is_loaded_the_second_time(
        cache_in: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = engine.generate(*ARGS)
    assert len(list(cache_in.glob("cases/*.json"))) == 1
    engine._generate.cache_clear()
    monkeypatch.setattr("conformance.suite.cases.generate_cases",
                        lambda **_kw: pytest.fail("generated again instead of loaded"))
    second = engine.generate(*ARGS)
    assert [case_to_spec(c) for c in second] == [case_to_spec(c) for c in first]
    assert [{k: v for k, v in s.items() if k != "id"} for s in map(case_to_spec, first)] == [
        {k: v for k, v in s.items() if k != "id"} for s in fresh()]


def test_other_arguments_or_other_code_are_another_key(monkeypatch: pytest.MonkeyPatch) -> None:
    assert cache.key(*ARGS) == cache.key(*ARGS)
    assert cache.key(*ARGS) != cache.key(*ARGS[:3], 4, ARGS[4])
    before = cache.key(*ARGS)
    monkeypatch.setattr(cache, "code_digest", lambda: "an edited strategy")
    assert cache.key(*ARGS) != before


def test_a_damaged_cache_file_is_generated_again(cache_in: Path) -> None:
    first = engine.generate(*ARGS)
    (file,) = cache_in.glob("cases/*.json")
    file.write_text("{not json", "utf-8")
    engine._generate.cache_clear()
    assert [case_to_spec(c) for c in engine.generate(*ARGS)] == [case_to_spec(c) for c in first]


def test_a_cache_that_cannot_be_written_changes_nothing(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("", "utf-8")
    monkeypatch.setenv(cache.ENV, str(blocked / "below-a-file"))
    engine._generate.cache_clear()
    assert len(engine.generate(*ARGS)) == len(fresh())


def test_off_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(cache.ENV, "off")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    engine._generate.cache_clear()
    engine.generate(*ARGS)
    assert cache.cache_dir() is None and not list(tmp_path.rglob("*.json"))
