"""The protocol notes, docs/protocol.md: every citation of them names a section they have.

Rules, faults, variants, dispute reasons and schemas cite the notes as ``docs/protocol.md >
<Section>``; so may any text of the package.  No citation may name a document the user does not
have (the team's PROTOCOL.md or HELPERS.md), and an installed package must find the notes.
"""

from __future__ import annotations

import dataclasses
import importlib
import importlib.util
import json
import re
import shutil
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conformance.spec import derive, notes
from conformance.spec.schemas import SCHEMA_DIR
from conformance.suite import rules
from conformance.suite.rulebook import load as load_rulebook

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "conformance"
# The headings are stable: sources cite them, so a rename must be deliberate (and change this).
SECTIONS = ("Sources", "The request", "SigV4", "JSON text", "Order of checks", "Constraints",
            "The response", "Errors", "Observed answers", "Disputed points", "Cost and safety")
# A document that only the project's authors had: no citation may name one.
UNAVAILABLE = re.compile(r"(?<![\w/.-])(?:PROTOCOL|HELPERS)\.md")
# The source tags a fact of the notes may end with (defined under "## Sources").
SOURCE_TAGS = ("API", "User Guide", "Smithy", "botocore", "SigV4", "aws4_testsuite", "Tagging",
               "Observed", "RFC", "Java", "Pricing")


def _strings(value: Any) -> Iterator[str]:
    """Every string inside a dataclass instance, a dict, a list or a tuple."""
    if isinstance(value, str):
        yield value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            yield from _strings(getattr(value, f.name))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(key)
            yield from _strings(item)
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            yield from _strings(item)


def _registries() -> Iterator[tuple[str, Any]]:
    """The faults and variants, wherever the endpoint package keeps them."""
    for module_name in ("conformance.endpoint.faults", "conformance.endpoint.variants"):
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        for attr in ("ALL_FAULTS", "FAULTS", "WARNING_FAULTS", "VARIANTS"):
            if isinstance(getattr(module, attr, None), dict):
                yield f"{module_name}.{attr}", getattr(module, attr)


def cited_texts() -> Iterator[tuple[str, str]]:
    """(where, text) for every source string the project cites, and every text it ships."""
    for rule in load_rulebook().rules.values():
        yield f"rule {rule.id}", rule.source
        if rule.disputed:
            yield f"rule {rule.id} (disputed)", rule.disputed
    for point, reason in rules.DISPUTES.items():
        yield f"dispute {point}", reason
    for where, registry in _registries():
        for name, entry in registry.items():
            for text in _strings(entry):
                yield f"{where}[{name}]", text
    for path in sorted(SCHEMA_DIR.glob("*.json")):
        yield from ((path.name, text) for text in _strings(json.loads(path.read_text("utf-8"))))
    for path in sorted(PACKAGE.rglob("*.py")):
        yield str(path.relative_to(ROOT)), path.read_text("utf-8")
    for name in ("CONFORMANCE.md", "README.md", "ARCHITECTURE.md", "docs/protocol.md"):
        if (ROOT / name).is_file():
            yield name, (ROOT / name).read_text("utf-8")


def test_the_notes_have_the_stable_sections() -> None:
    assert notes.sections() == SECTIONS


def test_every_citation_of_the_notes_names_one_of_their_sections() -> None:
    known = notes.sections()
    wrong = [(where, rest) for where, text in cited_texts()
             for rest, section in notes.cited_sections(text, known) if section is None]
    assert not wrong, f"citations of docs/protocol.md naming no section of it: {wrong}"


def test_the_rules_and_the_schemas_do_cite_the_notes() -> None:
    cited = {section for _, text in cited_texts()
             for _, section in notes.cited_sections(text, notes.sections())}
    assert {"The request", "SigV4", "Constraints", "Errors", "Observed answers"} <= cited
    assert any(notes.CITATION in rule.source for rule in load_rulebook().rules.values())
    assert rules.OBSERVED.startswith("observed AWS behaviour (docs/protocol.md > Observed answers")
    assert derive.PROTOCOL == notes.CITATION


def test_no_citation_names_a_document_the_user_does_not_have() -> None:
    found = [(where, m.group(0)) for where, text in cited_texts() for m in UNAVAILABLE.finditer(text)]
    assert not found, f"citations of unavailable documents: {found}"


def test_every_fact_of_the_notes_names_its_source() -> None:
    text = notes.protocol_notes_path().read_text("utf-8")
    untagged = []
    for block in re.split(r"\n(?=## )", text)[1:]:
        heading, _, body = block.partition("\n")
        if heading in ("## Sources", "## Observed answers"):   # the sources; one tag for the whole list
            continue
        for bullet in re.split(r"\n(?=- )", body.strip()):
            if not bullet.startswith("- "):
                continue
            tags = re.findall(r"\[([^\]`]+)\]", bullet)
            if not any(t.startswith(SOURCE_TAGS) for t in tags):
                untagged.append(f"{heading}: {bullet[:60]}")
    assert not untagged, untagged
    observed = text.split("## Observed answers", 1)[1].split("\n## ", 1)[0]
    assert "[Observed" in observed.split("\n- ", 1)[0]


def test_the_citation_parser_takes_the_longest_heading_and_refuses_a_partial_one() -> None:
    known = ("Errors", "Errors in depth", "The request")
    text = ("a; docs/protocol.md > Errors in depth (x)\n"
            "b docs/protocol.md > The requests\n"
            "# c (docs/protocol.md > The\n#   request), a placeholder: docs/protocol.md > <Section>")
    assert [section for _, section in notes.cited_sections(text, known)] == \
        ["Errors in depth", None, "The request"]


# --- shipped with the package --------------------------------------------------------------------


def test_the_package_finds_the_notes() -> None:
    path = notes.protocol_notes_path()
    assert path.is_file() and path.name == "protocol.md"
    assert path.read_text("utf-8").startswith("# Protocol notes")


def test_the_wheel_maps_docs_into_the_package() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"]
    assert "conformance.docs" in config["packages"]
    assert config["package-dir"]["conformance.docs"] == "docs"
    assert "*.md" in config["package-data"]["conformance.docs"]


def test_an_installed_package_finds_its_copy_of_the_notes(tmp_path: Path) -> None:
    """Laid out as a wheel installs it (conformance/docs/protocol.md, no source tree above)."""
    site = tmp_path / "site-packages"
    (site / "conformance" / "spec").mkdir(parents=True)
    (site / "conformance" / "docs").mkdir()
    installed = site / "conformance" / "spec" / "notes.py"
    shutil.copy(PACKAGE / "spec" / "notes.py", installed)
    shutil.copy(notes.protocol_notes_path(), site / "conformance" / "docs" / "protocol.md")
    spec = importlib.util.spec_from_file_location("_installed_notes", installed)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["_installed_notes"] = module
    try:
        spec.loader.exec_module(module)
        found = module.protocol_notes_path()
        assert found == (site / "conformance" / "docs" / "protocol.md").resolve()
        assert module.sections(found) == SECTIONS
    finally:
        del sys.modules["_installed_notes"]


@pytest.mark.parametrize("section", SECTIONS)
def test_each_section_has_content(section: str) -> None:
    text = notes.protocol_notes_path().read_text("utf-8")
    body = text.split(f"\n## {section}\n", 1)[1].split("\n## ", 1)[0]
    assert body.strip().count("\n- ") >= 1 or body.strip().startswith("- ")
