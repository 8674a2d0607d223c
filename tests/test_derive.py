"""Deriving the JSON Schemas from an API reference page in AWS's markdown form."""

from __future__ import annotations

import copy
import json
import sys
from pathlib import Path
from typing import Any

import pytest

from conformance.errors import ReferenceFormatError
from conformance.spec import derive
from conformance.spec.derive import build_schemas
from conformance.spec.reference_page import Member, parse_reference
from conformance.spec.schemas import SCHEMA_DIR, SCHEMA_NAMES

# A page in the reference's markdown form, with the CreateSnapshot facts and our own wording.
# The phrases the derivation quotes (Tags text) keep the reference's words.
ARN = r"arn:(aws(|-cn|-us-gov|-iso[A-Za-z0-9_-]*)):storagegateway:[a-z\-0-9]+:[0-9]+:gateway\/(.+)"
ARN += r"\/volume\/vol-(\S+)"
PAGE = r"""
# CreateSnapshot<a name="API_CreateSnapshot"></a>

Takes a snapshot of a volume.

## Request Syntax<a name="API_CreateSnapshot_RequestSyntax"></a>

```
{
   "SnapshotDescription": "string",
   "Tags": [ { "Key": "string", "Value": "string" } ],
   "VolumeARN": "string"
}
```

## Request Parameters<a name="API_CreateSnapshot_RequestParameters"></a>

 ** [SnapshotDescription](#API_CreateSnapshot_RequestSyntax) **   <a name="x-SnapshotDescription"></a>
Words shown with the snapshot.
Type: String
Length Constraints: Minimum length of 1. Maximum length of 255.
Required: Yes

 ** [Tags](#API_CreateSnapshot_RequestSyntax) **   <a name="x-Tags"></a>
A list of up to 50 tags for the snapshot.
Valid characters for key and value are letters, spaces, and numbers, and the following
special characters: \$1 - = . \$1 : / @. The maximum length of a tag's key is 128 characters,
and the maximum length for a tag's value is 256.
Type: Array of [Tag](API_Tag.md) objects
Required: No

 ** [VolumeARN](#API_CreateSnapshot_RequestSyntax) **   <a name="x-VolumeARN"></a>
The volume's ARN.
Type: String
Length Constraints: Minimum length of 50. Maximum length of 500.
Pattern: `{ARN}`
Required: Yes

## Response Syntax<a name="API_CreateSnapshot_ResponseSyntax"></a>

```
{ "SnapshotId": "string", "VolumeARN": "string" }
```

## Response Elements<a name="API_CreateSnapshot_ResponseElements"></a>

 ** [SnapshotId](#API_CreateSnapshot_ResponseSyntax) **   <a name="x-SnapshotId"></a>
The new snapshot's id.
Type: String
Pattern: `\Asnap-([0-9A-Fa-f]{8}|[0-9A-Fa-f]{17})\z`

 ** [VolumeARN](#API_CreateSnapshot_ResponseSyntax) **   <a name="x-VolumeARN-out"></a>
The snapshotted volume's ARN.
Type: String
Length Constraints: Minimum length of 50. Maximum length of 500.
Pattern: `{ARN}`

## Errors<a name="API_CreateSnapshot_Errors"></a>

 ** InternalServerError **
Something failed inside.
 ** error **
A [StorageGatewayError](API_StorageGatewayError.md) with details.
 ** message **
Readable text.
HTTP Status Code: 400

 ** InvalidGatewayRequestException **
The request was not valid.
 ** error **
A [StorageGatewayError](API_StorageGatewayError.md) with details.
 ** message **
Readable text.
HTTP Status Code: 400

 ** ServiceUnavailableError **
Not available now.
 ** error **
A [StorageGatewayError](API_StorageGatewayError.md) with details.
 ** message **
Readable text.
HTTP Status Code: 400

## See Also<a name="API_CreateSnapshot_SeeAlso"></a>

Elsewhere.
""".replace("{ARN}", ARN)


def committed() -> dict[str, dict[str, Any]]:
    return {n: json.loads((SCHEMA_DIR / f"{n}.schema.json").read_text("utf-8")) for n in SCHEMA_NAMES}


def without_sources(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: without_sources(v) for k, v in node.items() if k != "x-source"}
    if isinstance(node, list):
        return [without_sources(v) for v in node]
    return node


# --- parsing -------------------------------------------------------------------------------


def test_the_request_member_blocks_are_read_in_page_order_with_their_constraints() -> None:
    page = parse_reference(PAGE)
    assert [m.name for m in page.request] == ["SnapshotDescription", "Tags", "VolumeARN"]
    description, tags, arn = page.request
    assert (description.type_text, description.min_length, description.max_length, description.required) == (
        "String", 1, 255, True)
    assert (arn.min_length, arn.max_length, arn.required) == (50, 500, True)
    assert arn.pattern == ARN
    assert (tags.type_text, tags.required, tags.max_items) == ("Array of Tag objects", False, 50)
    assert tags.max_items_text == "A list of up to 50 tags"


def test_the_response_blocks_have_patterns_and_no_required_line() -> None:
    page = parse_reference(PAGE)
    snapshot_id, arn = page.response
    assert snapshot_id.name == "SnapshotId"
    assert snapshot_id.pattern == r"\Asnap-([0-9A-Fa-f]{8}|[0-9A-Fa-f]{17})\z"
    assert (snapshot_id.min_length, snapshot_id.max_length, snapshot_id.required) == (None, None, None)
    assert (arn.name, arn.min_length, arn.max_length) == ("VolumeARN", 50, 500)


def test_the_errors_section_gives_each_error_its_fields_and_http_status() -> None:
    errors = parse_reference(PAGE).errors
    assert [(e.name, e.status) for e in errors] == [("InternalServerError", 400),
                                                    ("InvalidGatewayRequestException", 400),
                                                    ("ServiceUnavailableError", 400)]
    assert all(e.fields == ("error", "message") and e.error_shape == "StorageGatewayError" for e in errors)


def test_the_mangled_special_characters_of_the_tags_text_decode_to_the_tag_key_set() -> None:
    text = derive.read_tag_text(parse_reference(PAGE).request_member("Tags"))
    assert text.specials == ("_", ".", ":", "/", "=", "+", "-", "@")
    assert text.mangled == ("_", "+")
    assert text.key_max[0] == 128 and text.value_max[0] == 256
    assert text.value_shares_charset


def test_the_request_syntax_is_read_as_json() -> None:
    assert parse_reference(PAGE).request_syntax == {"SnapshotDescription": "string",
                                                    "Tags": [{"Key": "string", "Value": "string"}],
                                                    "VolumeARN": "string"}


# --- building ------------------------------------------------------------------------------


def test_the_generated_schemas_are_the_committed_files_byte_for_byte(reference_page: Path) -> None:
    rendered = derive.render_schemas(reference_page.read_text("utf-8"))
    assert sorted(rendered) == sorted(f"{n}.schema.json" for n in SCHEMA_NAMES)
    for name, text in rendered.items():
        assert (SCHEMA_DIR / name).read_text("utf-8") == text, name


def test_a_page_in_the_same_form_with_other_prose_gives_the_same_schemas() -> None:
    assert build_schemas(PAGE) == committed()


def test_regeneration_does_not_need_botocore(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [m for m in sys.modules if m == "botocore" or m.startswith("botocore.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "botocore", None)   # any import of botocore now fails
    assert build_schemas(PAGE)["Tag"]["properties"]["Key"]["maxLength"] == 128


def test_write_schemas_writes_the_four_files_in_the_committed_format(tmp_path: Path) -> None:
    written = derive.write_schemas(tmp_path / "out", PAGE)
    assert [p.name for p in written] == [f"{n}.schema.json" for n in SCHEMA_NAMES]
    for path in written:
        assert path.read_text("utf-8") == (SCHEMA_DIR / path.name).read_text("utf-8")


def test_every_constraint_names_its_source() -> None:
    constraint_keywords = {"type", "minLength", "maxLength", "pattern", "maxItems", "items", "enum",
                           "required"}

    def walk(node: dict[str, Any], where: str) -> None:
        sources = node.get("x-source", {})
        for keyword in constraint_keywords & set(node):
            assert keyword in sources and sources[keyword], f"{where}.{keyword} has no x-source"
        for name, sub in node.get("properties", {}).items():
            walk(sub, f"{where}.{name}")

    for name, schema in build_schemas(PAGE).items():
        walk(schema, name)


def test_the_tag_schema_records_that_its_facts_come_from_botocore_and_the_tags_text() -> None:
    key = build_schemas(PAGE)["Tag"]["properties"]["Key"]["x-source"]
    assert key["minLength"].startswith("botocore model > TagKey")
    assert "'maximum length of a tag's key is 128'" in key["maxLength"]
    assert "_ . : / = + - @" in key["pattern"] and "'_' and '+' printed there as '\\$1'" in key["pattern"]


def test_the_error_code_table_keeps_botocores_62_values_verbatim() -> None:
    assert len(derive.ERROR_CODES) == len(set(derive.ERROR_CODES)) == 62
    assert "LunAlreadyAllocated " in derive.ERROR_CODES and "LunAlreadyAllocated" not in derive.ERROR_CODES


def test_the_data_tables_agree_with_botocores_model() -> None:
    session = pytest.importorskip("botocore.session")
    model = session.get_session().get_service_model("storagegateway")
    assert tuple(model.shape_for("ErrorCode").enum) == derive.ERROR_CODES
    tag = model.operation_model("CreateSnapshot").input_shape.members["Tags"].member
    assert tuple(tag.required_members) == derive.TAG_REQUIRED
    for member, facts in derive.TAG_FACTS.items():
        shape = tag.members[member]
        assert shape.name == facts["shape"]
        assert shape.metadata.get("min", 0) == facts["minLength"]
        assert shape.metadata.get("max") == facts["maxLength"]
        assert shape.metadata.get("pattern") == facts["pattern"]


# --- markdown variations ---------------------------------------------------------------------

VARIATIONS: dict[str, tuple[str, str]] = {
    "crlf-line-endings": ("\n", "\r\n"),
    "bold-names-without-spaces": (" ** [VolumeARN](#API_CreateSnapshot_RequestSyntax) **",
                                  "**[VolumeARN](#API_CreateSnapshot_RequestSyntax)**"),
    "deeper-headings": ("## Request Parameters", "### Request Parameters"),
    "pattern-without-backticks": ("Pattern: `\\Asnap-([0-9A-Fa-f]{8}|[0-9A-Fa-f]{17})\\z`",
                                  "Pattern: \\Asnap-([0-9A-Fa-f]{8}|[0-9A-Fa-f]{17})\\z"),
    "no-anchors": ('<a name="API_CreateSnapshot"></a>', ""),
    "markdown-line-breaks": ("\n", "  \n"),
}


@pytest.mark.parametrize("old,new", VARIATIONS.values(), ids=list(VARIATIONS))
def test_markdown_variations_give_the_same_schemas(old: str, new: str) -> None:
    assert old in PAGE
    assert build_schemas(PAGE.replace(old, new)) == committed()


def test_an_array_members_line_gives_max_items_with_that_line_as_source() -> None:
    tags_type = "Type: Array of [Tag](API_Tag.md) objects"
    page = PAGE.replace(tags_type, f"{tags_type}\nArray Members: Maximum number of 50 items.")
    page = page.replace("A list of up to 50 tags", "Tags")
    tags = build_schemas(page)["CreateSnapshotRequest"]["properties"]["Tags"]
    assert tags["maxItems"] == 50
    assert tags["x-source"]["maxItems"] == "API_CreateSnapshot.md > Request Parameters > Tags > Array Members"
    assert without_sources(build_schemas(page)) == without_sources(committed())


def test_a_changed_constraint_on_the_page_changes_the_schema() -> None:
    page = PAGE.replace("Maximum length of 255.", "Maximum length of 128.")
    description = build_schemas(page)["CreateSnapshotRequest"]["properties"]["SnapshotDescription"]
    assert description["maxLength"] == 128


# --- pages that are not in the expected form -----------------------------------------------------

BROKEN: dict[str, tuple[str, str, str]] = {
    "no-request-parameters": ("## Request Parameters", "## Parameters", "no 'Request Parameters' section"),
    "no-member-blocks": (" ** [", " - [", "has no member blocks"),
    "no-type-line": ("Type: String\nLength Constraints: Minimum length of 1. Maximum length of 255.",
                     "Length Constraints: Minimum length of 1. Maximum length of 255.",
                     "'SnapshotDescription' under 'Request Parameters' has no 'Type:' line"),
    "no-errors": ("## Errors", "## Faults", "no 'Errors' section"),
    "no-status-codes": ("HTTP Status Code: 400", "Status: bad", "'HTTP Status Code: N' blocks"),
    "unknown-special-character": (r"\$1 - = . \$1 : / @", r"\$1 - = . ! : / @", "do not decode"),
    "tag-key-maximum-changed": ("tag's key is 128", "tag's key is 64", "TAG_FACTS['Key'] says maxLength 128"),
    "no-tag-text": ("The maximum length of a tag's key is 128 characters,", "", "key/value maximum lengths"),
    "tags-not-tag-objects": ("Type: Array of [Tag](API_Tag.md) objects", "Type: Array of strings",
                             "expected 'Array of Tag objects'"),
    "another-operation": ("CreateSnapshot", "DeleteVolume", "not of CreateSnapshot"),
}


@pytest.mark.parametrize("old,new,message", BROKEN.values(), ids=list(BROKEN))
def test_a_page_without_the_expected_blocks_is_refused_with_a_clear_error(old: str, new: str,
                                                                          message: str) -> None:
    assert old in PAGE
    with pytest.raises(ReferenceFormatError, match=None) as raised:
        build_schemas(PAGE.replace(old, new))
    assert message in str(raised.value)


def test_a_page_that_is_not_an_api_reference_page_is_refused() -> None:
    with pytest.raises(ReferenceFormatError, match="OperationName"):
        build_schemas("just some notes\n")


def test_building_does_not_alter_the_parsed_page() -> None:
    page = parse_reference(PAGE)
    before = copy.deepcopy(page)
    derive.build_request(page)
    derive.build_tag(page)
    assert page == before


def test_an_array_of_strings_becomes_an_array_schema_with_string_items() -> None:
    member = Member(name="Names", type_text="Array of strings", max_items=3,
                           max_items_text="a list of up to 3 names")
    schema = derive.member_schema(member, "Request Parameters", derive._Sources(parse_reference(PAGE)))
    assert (schema["type"], schema["items"], schema["maxItems"]) == ("array", {"type": "string"}, 3)
