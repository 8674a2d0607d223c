"""The OpenAPI 3.1 export: document shape, validity, schemathesis loading, and pattern translations.

Every translated pattern is checked against ``conformance.spec.javaregex``'s Java verdicts on values
built around characters where java.util.regex, Python ``re`` and ECMA-262 disagree; the ECMA
text is run in node (one subprocess for the whole corpus) when node is installed.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from conformance.protocol import envelope
from conformance.spec import openapi
from conformance.spec.javaregex import UnsupportedPattern, java_fullmatch, to_ecma, to_python_re
from conformance.spec.schemas import load

VOLUME_ARN = "arn:aws:storagegateway:us-east-2:111122223333:gateway/sgw-12A3456B/volume/vol-1122AABB"
MEDIA = "application/x-amz-json-1.1"

# Characters on which the dialects part ways: Java line terminators ECMA/Python '.' accept,
# separators Python's \s and ECMA's \s include but Java's does not, Unicode digits and letters,
# combining marks, astral characters, a lone surrogate.
TRICKY = [
    "\u0085", "\u2028", "\u2029", "\x1c", "\x1d", "\x1e", "\x1f", "\x0b", "\x0c", "\xa0", "\u3000",
    "\u1680", "\u200b", "\ufeff", "\u0660", "\u06f1", "\u0966", "\u00b2", "\u2160", "\u0301",
    "e\u0301", "\U0001f600", "\U0001d400", "\U00010400", "\U0001f1eb\U0001f1f7", "\ud800", "\n", "\r",
    "\r\n", "\t", " ", "_", "-", "@", "+", ".", "é", "ß", "İ", "中", "a", "Z", "5",
]


def _values(base: str) -> list[str]:
    """The base value, and each tricky character alone, inserted at and replacing every position."""
    values = [base, "", base + "\n", base + "\r\n", "\n" + base]
    for t in TRICKY:
        values.append(t)
        values += [base[:k] + t + base[k:] for k in range(len(base) + 1)]
        values += [base[:k] + t + base[k + 1:] for k in range(len(base))]
    return values


def _exported_patterns(document: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if "x-java-pattern" in node:
                found.append(node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(document)
    return found


# Java patterns beyond the committed ones, each with a base value, to exercise the translator.
EXTRA_PATTERNS: dict[str, str] = {
    "a.c": "abc",
    "\\Ax+\\z": "xxx",
    "[^a]b": "cb",
    "\\S+": "abc",
    "\\s*x": "  x",
    "\\d\\w+": "1ab",
    "[a-z-0]+": "ab-0",
    "\\p{Lu}\\p{N}*": "A12",
    "(?:ab|c)$": "ab",
    "[\\w-]+": "a-b_c",
    "[^\\p{L}]+": "12",
}


def _cases() -> list[tuple[str, str]]:
    """(Java pattern, value) pairs: the committed patterns and the extra ones, on tricky values."""
    request, tag = load("CreateSnapshotRequest"), load("Tag")
    bases = {
        request["properties"]["VolumeARN"]["pattern"]: VOLUME_ARN,
        load("CreateSnapshotResponse")["properties"]["SnapshotId"]["pattern"]: "snap-1234abcd",
        tag["properties"]["Key"]["pattern"]: "key one:/=+-@_.",
        **EXTRA_PATTERNS,
    }
    return [(pattern, value) for pattern, base in bases.items() for value in _values(base)]


def _node_verdicts(pairs: list[tuple[str, str]]) -> list[bool]:
    """``new RegExp(pattern, 'u').test(value)`` for every pair, in one node process."""
    patterns = list(dict.fromkeys(p for p, _ in pairs))
    index = {p: i for i, p in enumerate(patterns)}
    script = (
        "const d=JSON.parse(require('fs').readFileSync(0,'utf8'));"
        "const r=d.patterns.map(p=>new RegExp(p,'u'));"
        "process.stdout.write(JSON.stringify(d.pairs.map(([i,v])=>r[i].test(v))));"
    )
    data = {"patterns": patterns, "pairs": [(index[p], v) for p, v in pairs]}
    done = subprocess.run(["node", "-e", script], input=json.dumps(data), capture_output=True,
                          text=True, check=True, timeout=60)
    return json.loads(done.stdout)


needs_node = pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return openapi.export_openapi()


def test_the_exported_document_validates_as_openapi_3_1(document: dict[str, Any]) -> None:
    validator = pytest.importorskip("openapi_spec_validator")
    validator.validate(document)
    assert document["openapi"].startswith("3.1")


def test_schemathesis_loads_the_document_and_finds_the_create_snapshot_operation(
        document: dict[str, Any]) -> None:
    schemathesis = pytest.importorskip("schemathesis")
    schema = schemathesis.openapi.from_dict(document)
    operation = schema["/"]["POST"]
    assert operation.definition.raw["operationId"] == "CreateSnapshot"


def test_request_bodies_schemathesis_generates_from_the_document_are_valid_for_java_patterns(
        document: dict[str, Any]) -> None:
    schemathesis = pytest.importorskip("schemathesis")
    from hypothesis import HealthCheck, given, settings

    from conformance.spec.schemas import is_valid

    schemathesis.serializer.alias(MEDIA, "application/json")
    strategy = schemathesis.openapi.from_dict(document)["/"]["POST"].as_strategy()
    bodies: list[Any] = []

    @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(strategy)
    def collect(case: Any) -> None:
        bodies.append(case.body)

    collect()
    # null stands for an absent optional member on the wire (docs/protocol.md > The request)
    invalid = [b for b in bodies
               if not is_valid("CreateSnapshotRequest", {k: v for k, v in b.items() if v is not None})]
    assert bodies and not invalid, invalid[:3]


def test_the_operation_is_post_slash_with_the_target_header_and_the_json_1_1_body(
        document: dict[str, Any]) -> None:
    operation = document["paths"]["/"]["post"]
    (target,) = operation["parameters"]
    assert (target["name"], target["in"], target["required"]) == ("X-Amz-Target", "header", True)
    assert target["schema"]["const"] == envelope.CREATE_SNAPSHOT_TARGET
    assert target["schema"]["enum"] == [envelope.CREATE_SNAPSHOT_TARGET]
    body = operation["requestBody"]["content"][MEDIA]["schema"]
    assert operation["requestBody"]["required"]
    assert body == {"$ref": "#/components/schemas/CreateSnapshotRequest"}


def test_success_and_error_answers_refer_to_the_response_and_error_body_schemas(
        document: dict[str, Any]) -> None:
    responses = document["paths"]["/"]["post"]["responses"]
    assert responses["200"]["content"][MEDIA]["schema"]["$ref"].endswith("/CreateSnapshotResponse")
    assert responses["400"]["content"][MEDIA]["schema"]["$ref"].endswith("/StorageGatewayErrorBody")
    assert document["components"]["schemas"]["StorageGatewayErrorBody"]["required"] == ["__type"]


def test_sigv4_is_described_as_an_authorization_header_scheme_and_required(document: dict[str, Any]) -> None:
    scheme = document["components"]["securitySchemes"][openapi.SECURITY_SCHEME]
    assert (scheme["type"], scheme["in"], scheme["name"]) == ("apiKey", "header", "Authorization")
    assert "Signature Version 4" in scheme["description"]
    assert document["security"] == [{openapi.SECURITY_SCHEME: []}]


def test_the_server_is_a_local_placeholder_never_an_aws_endpoint(document: dict[str, Any]) -> None:
    (server,) = document["servers"]
    assert "amazonaws" not in json.dumps(server)
    assert server["variables"]["host"]["default"] == "127.0.0.1"


def test_tags_are_referenced_as_a_component_and_no_file_reference_remains(document: dict[str, Any]) -> None:
    request = document["components"]["schemas"]["CreateSnapshotRequest"]
    assert request["properties"]["Tags"]["items"] == {"$ref": "#/components/schemas/Tag"}
    assert ".schema.json" not in json.dumps(document["components"]["schemas"])
    assert "$id" not in request and "$schema" not in request


def test_an_optional_request_member_accepts_null_but_required_ones_do_not(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    assert schemas["CreateSnapshotRequest"]["properties"]["Tags"]["type"] == ["array", "null"]
    assert schemas["CreateSnapshotRequest"]["properties"]["VolumeARN"]["type"] == "string"
    assert schemas["Tag"]["properties"]["Key"]["type"] == "string"


def test_every_pattern_keeps_its_java_text_and_gets_an_ecma_and_a_python_translation(
        document: dict[str, Any]) -> None:
    patterns = _exported_patterns(document)
    assert len(patterns) == 5     # VolumeARN twice, SnapshotId, Tag.Key, Tag.Value
    for prop in patterns:
        assert prop["pattern"] == to_ecma(prop["x-java-pattern"])
        assert prop["x-python-pattern"] == to_python_re(prop["x-java-pattern"])
        assert "x-untranslated-pattern" not in prop


def test_exporting_leaves_the_committed_schemas_untouched(document: dict[str, Any]) -> None:
    key = load("Tag")["properties"]["Key"]
    assert key["pattern"] == "^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$" and "x-java-pattern" not in key


def test_python_translations_give_java_verdicts_on_tricky_values() -> None:
    python = {p: re.compile(to_python_re(p)) for p, _ in _cases()}
    wrong = [(p, v) for p, v in _cases() if (python[p].search(v) is not None) != java_fullmatch(p, v)]
    assert not wrong, wrong[:5]


@needs_node
def test_ecma_translations_give_java_verdicts_in_node_on_tricky_values() -> None:
    cases = _cases()
    ecma = {p: to_ecma(p) for p, _ in cases}
    verdicts = _node_verdicts([(ecma[p], v) for p, v in cases])
    wrong = [(p, v) for (p, v), ecma in zip(cases, verdicts, strict=True) if ecma != java_fullmatch(p, v)]
    assert not wrong, wrong[:5]


def _code_point_sample() -> list[str]:
    bmp = [chr(c) for c in range(0x10000) if not 0xD800 <= c <= 0xDFFF]
    return bmp + [chr(c) for c in range(0x10000, 0x110000, 61)]


def test_the_tag_pattern_in_python_agrees_with_java_on_every_bmp_code_point_and_an_astral_sample() -> None:
    java = load("Tag")["properties"]["Key"]["pattern"]
    python = re.compile(to_python_re(java))
    wrong = [hex(ord(c)) for c in _code_point_sample()
             if (python.search(c) is not None) != java_fullmatch(java, c)]
    assert not wrong, wrong[:10]


@needs_node
def test_the_tag_pattern_in_node_agrees_with_java_on_every_bmp_code_point_and_an_astral_sample() -> None:
    java = load("Tag")["properties"]["Key"]["pattern"]
    sample = _code_point_sample()
    ecma = to_ecma(java)
    verdicts = _node_verdicts([(ecma, c) for c in sample])
    wrong = [hex(ord(c)) for c, ecma in zip(sample, verdicts, strict=True) if ecma != java_fullmatch(java, c)]
    assert not wrong, wrong[:10]


@pytest.mark.parametrize("pattern", ["a$b", "a++", "(?i)a", "a\\bb", "[a[b]]", "[a&&b]"])
def test_a_java_construct_with_no_faithful_translation_is_refused(pattern: str) -> None:
    with pytest.raises(UnsupportedPattern):
        to_ecma(pattern)
    with pytest.raises(UnsupportedPattern):
        to_python_re(pattern)


def test_an_untranslatable_pattern_is_left_out_and_explained(monkeypatch: pytest.MonkeyPatch) -> None:
    real_load = openapi.load

    def load_with_word_boundary(name: str) -> dict[str, Any]:
        schema = json.loads(json.dumps(real_load(name)))
        if name == "CreateSnapshotResponse":
            schema["properties"]["SnapshotId"]["pattern"] = "\\bsnap-[0-9a-f]+"
        return schema

    monkeypatch.setattr(openapi, "load", load_with_word_boundary)
    response = openapi.export_openapi()["components"]["schemas"]["CreateSnapshotResponse"]
    prop = response["properties"]["SnapshotId"]
    assert "pattern" not in prop and "x-python-pattern" not in prop
    assert prop["x-untranslated-pattern"]["java"] == "\\bsnap-[0-9a-f]+"
    assert set(prop["x-untranslated-pattern"]["reasons"]) == {"ecma", "python"}


def test_write_openapi_writes_utf8_json_equal_to_the_export(tmp_path: Path, document: dict[str, Any]) -> None:
    target = tmp_path / "openapi.json"
    openapi.write_openapi(target)
    assert json.loads(target.read_text("utf-8")) == document


def test_write_openapi_without_a_path_prints_the_document(capsysbinary: pytest.CaptureFixture[bytes],
                                                          document: dict[str, Any]) -> None:
    openapi.write_openapi(None)
    assert json.loads(capsysbinary.readouterr().out.decode("utf-8")) == document
