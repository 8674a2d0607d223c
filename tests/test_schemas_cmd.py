"""``sgw-conformance schemas``: --check, --compare-botocore, --summary, --openapi; disputed.json."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conformance.cli import schemas as schemas_cmd
from conformance.cli.main import main
from conformance.spec import botocore_compare
from conformance.spec.schemas import SCHEMA_DIR

REPO_ROOT = Path(__file__).resolve().parent.parent
RECORD_KEYS = {"id", "schema", "member", "keyword", "shape", "schemas", "botocore", "disputed",
               "suite_accepts", "rule", "source"}


@pytest.fixture
def schemas_copy(tmp_path: Path) -> Path:
    """A copy of schemas/ that a test may edit (the real files are never touched)."""
    return Path(shutil.copytree(SCHEMA_DIR, tmp_path / "schemas"))


@pytest.fixture
def no_botocore(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make every import of botocore fail, as on a machine without the [botocore] extra."""
    for name in [m for m in sys.modules if m == "botocore" or m.startswith("botocore.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "botocore", None)


def edit_json(path: Path, edit: object) -> None:
    data = json.loads(path.read_text("utf-8"))
    edit(data)  # type: ignore[operator]
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


# --- --check -----------------------------------------------------------------------------------


def test_check_exits_0_when_the_schemas_are_what_the_page_gives(reference_page: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schemas", "--check", "--reference", str(reference_page)]) == 0
    assert capsys.readouterr().out.startswith("ok: the 4 schemas")


def test_check_exits_1_with_a_readable_diff_after_a_constraint_is_edited_by_hand(
        reference_page: Path, schemas_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = schemas_copy / "CreateSnapshotRequest.schema.json"
    target.write_text(target.read_text("utf-8").replace('"maxLength": 255', '"maxLength": 256'), "utf-8")
    code = main(["schemas", "--check", "--reference", str(reference_page),
                 "--schemas-dir", str(schemas_copy)])
    out = capsys.readouterr().out
    assert code == 1
    assert f"--- {target} (committed)" in out
    assert "+++ CreateSnapshotRequest.schema.json (regenerated from API_CreateSnapshot.md)" in out
    assert '-      "maxLength": 256,' in out and '+      "maxLength": 255,' in out
    assert "FAIL: 1 schema file(s)" in out
    assert "Tag.schema.json" not in out


def test_check_with_write_regenerates_the_edited_copy(reference_page: Path, schemas_copy: Path) -> None:
    (schemas_copy / "Tag.schema.json").unlink()
    args = ["schemas", "--check", "--reference", str(reference_page), "--schemas-dir", str(schemas_copy)]
    assert main(args) == 1
    assert main([*args, "--write"]) == 0
    assert main(args) == 0
    assert (schemas_copy / "Tag.schema.json").read_bytes() == (SCHEMA_DIR / "Tag.schema.json").read_bytes()


def test_check_reads_the_page_named_by_sgw_reference(reference_page: Path, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    copy = shutil.copy(reference_page, tmp_path / "page.md")
    monkeypatch.setenv("SGW_REFERENCE", str(copy))
    monkeypatch.setattr(schemas_cmd, "DEFAULT_REFERENCE", tmp_path / "absent.md")
    assert schemas_cmd.resolve_reference(None) == Path(copy)
    assert main(["schemas", "--check"]) == 0


def test_check_without_any_reference_page_asks_for_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("SGW_REFERENCE", raising=False)
    monkeypatch.setattr(schemas_cmd, "DEFAULT_REFERENCE", tmp_path / "absent.md")
    assert main(["schemas", "--check"]) == 2
    assert "pass --reference PATH" in capsys.readouterr().err


def test_check_with_a_missing_file_is_a_usage_error(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schemas", "--check", "--reference", str(tmp_path / "nope.md")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_check_with_a_page_lacking_the_parameter_blocks_is_a_usage_error(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = tmp_path / "page.md"
    page.write_text("# CreateSnapshot\n\n## Request Parameters\n\nNothing here.\n", "utf-8")
    assert main(["schemas", "--check", "--reference", str(page)]) == 2
    err = capsys.readouterr().err
    assert "the 'Request Parameters' section has no member blocks" in err and str(page) in err


def test_write_alone_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schemas", "--write"]) == 2
    assert "--write goes with" in capsys.readouterr().err


def test_check_as_a_separate_process_exits_0_and_then_1_on_an_edited_copy(reference_page: Path,
                                                                          schemas_copy: Path) -> None:
    command = [sys.executable, "-m", "conformance.cli.main", "schemas", "--check",
               "--reference", str(reference_page)]
    ok = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True, timeout=60)
    assert (ok.returncode, ok.stderr) == (0, "")
    edit_json(schemas_copy / "Tag.schema.json", lambda s: s["properties"]["Key"].update(maxLength=129))
    failed = subprocess.run([*command, "--schemas-dir", str(schemas_copy)], cwd=REPO_ROOT,
                            capture_output=True, text=True, timeout=60)
    assert failed.returncode == 1
    assert '-      "maxLength": 129,' in failed.stdout and '+      "maxLength": 128,' in failed.stdout


# --- --compare-botocore -------------------------------------------------------------------------


def test_compare_botocore_prints_the_three_differences_and_finds_them_recorded(
        capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("botocore")
    assert main(["schemas", "--compare-botocore"]) == 0
    out = capsys.readouterr().out
    assert "|-eusc" in out                                       # the model's extra partition
    assert "CreateSnapshotRequest.VolumeARN.pattern" in out
    assert "CreateSnapshotRequest.Tags.maxItems" in out and "validation.Tags.maxItems" in out
    assert "Tag.Value.pattern" in out and "validation.Tag.Value.pattern" in out
    assert "records exactly these differences" in out


def test_the_differences_are_the_recorded_disputes() -> None:
    pytest.importorskip("botocore")
    found = botocore_compare.differences()
    assert found == botocore_compare.load_disputes()
    by_id = {r["id"]: r for r in found}
    arn = by_id["CreateSnapshotRequest.VolumeARN.pattern"]
    assert "-eusc" not in arn["schemas"] and "|-eusc)" in arn["botocore"]
    assert (by_id["CreateSnapshotRequest.Tags.maxItems"]["schemas"],
            by_id["CreateSnapshotRequest.Tags.maxItems"]["botocore"]) == (50, None)
    # the model's silence on a maximum is recorded, but it is not a dispute (the limit holds) ...
    assert by_id["CreateSnapshotRequest.Tags.maxItems"]["disputed"] is False
    # ... while the tag-value character set is contradicted by the Tag page as well
    assert by_id["Tag.Value.pattern"]["botocore"] is None and by_id["Tag.Value.pattern"]["disputed"] is True


def test_compare_botocore_exits_1_when_disputed_json_misses_a_difference(
        schemas_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("botocore")
    path = schemas_copy / "disputed.json"
    path.write_text(json.dumps([r for r in json.loads(path.read_text("utf-8"))
                                if r["id"] != "Tag.Value.pattern"]), "utf-8")
    assert main(["schemas", "--compare-botocore", "--schemas-dir", str(schemas_copy)]) == 1
    assert "not recorded: Tag.Value.pattern" in capsys.readouterr().out
    assert main(["schemas", "--compare-botocore", "--schemas-dir", str(schemas_copy), "--write"]) == 0
    assert path.read_bytes() == (SCHEMA_DIR / "disputed.json").read_bytes()


def test_compare_botocore_notices_a_difference_that_went_away(schemas_copy: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("botocore")
    edit_json(schemas_copy / "CreateSnapshotRequest.schema.json",
              lambda s: s["properties"]["Tags"].pop("maxItems"))
    assert main(["schemas", "--compare-botocore", "--schemas-dir", str(schemas_copy)]) == 1
    out = capsys.readouterr().out
    assert "recorded but no longer a difference: CreateSnapshotRequest.Tags.maxItems" in out


def test_compare_botocore_finds_a_new_difference_in_an_edited_schema(schemas_copy: Path) -> None:
    pytest.importorskip("botocore")
    edit_json(schemas_copy / "CreateSnapshotRequest.schema.json",
              lambda s: s["properties"]["SnapshotDescription"].update(maxLength=256))
    found = {r["id"]: r for r in botocore_compare.differences(directory=schemas_copy)}
    record = found["CreateSnapshotRequest.SnapshotDescription.maxLength"]
    assert (record["schemas"], record["botocore"], record["rule"]) == (
        256, 255, "validation.SnapshotDescription.maxLength")


def test_compare_botocore_without_botocore_says_what_to_install(no_botocore: None,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schemas", "--compare-botocore"]) == 2
    assert "install sgw-conformance[botocore]" in capsys.readouterr().err


def test_the_disputes_load_without_botocore(no_botocore: None) -> None:
    records = botocore_compare.load_disputes()
    assert [r["id"] for r in records] == sorted(r["id"] for r in records)
    assert {r["id"] for r in records} >= {"CreateSnapshotRequest.VolumeARN.pattern",
                                          "CreateSnapshotRequest.Tags.maxItems", "Tag.Value.pattern"}
    assert all(set(r) == RECORD_KEYS and r["schemas"] != r["botocore"] for r in records)
    assert set(botocore_compare.disputes_by_rule()) >= {
        "validation.VolumeARN.pattern", "validation.Tags.maxItems", "validation.Tag.Value.pattern"}


def test_the_committed_disputed_json_is_in_its_canonical_form() -> None:
    text = (SCHEMA_DIR / "disputed.json").read_text("utf-8")
    assert botocore_compare.dump_disputes(json.loads(text)) == text


# --- --summary and --openapi ---------------------------------------------------------------------


def test_summary_lists_members_constraints_sources_and_disputes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schemas", "--summary"]) == 0
    out = capsys.readouterr().out
    assert "  VolumeARN            string  required minLength=50 maxLength=500" in out
    assert "  Tags                 array   optional maxItems=50 items=Tag" in out
    assert "  error.errorCode      string  optional enum(62 values)" in out
    assert "sources cited: botocore model (11), API_CreateSnapshot.md (5)" in out
    assert "disputed points (3, either answer conformant)" in out


def test_summary_is_the_default_action(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schemas"]) == 0
    assert "CreateSnapshotRequest: CreateSnapshot request body" in capsys.readouterr().out


def test_openapi_writes_the_export_to_a_file_when_the_module_exists(tmp_path: Path) -> None:
    openapi = pytest.importorskip("conformance.spec.openapi")
    target = tmp_path / "openapi.json"
    assert main(["schemas", "--openapi", str(target)]) == 0
    assert json.loads(target.read_text("utf-8")) == json.loads(json.dumps(openapi.export_openapi()))


def test_openapi_without_the_export_module_is_a_usage_error(monkeypatch: pytest.MonkeyPatch,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setitem(sys.modules, "conformance.spec.openapi", None)
    assert main(["schemas", "--openapi"]) == 2
    assert "OpenAPI export is not available" in capsys.readouterr().err
