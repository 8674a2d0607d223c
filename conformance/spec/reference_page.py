"""An AWS API reference page (markdown) read into a small model: members, errors, syntax.

The page (``API_CreateSnapshot.md``) is split into its sections; the member blocks
(``** [Name](...) **`` followed by ``Type:`` / ``Length Constraints:`` / ``Pattern:`` /
``Required:`` lines) under "Request Parameters" and "Response Elements" become
:class:`Member` records and the modelled errors under "Errors" :class:`ErrorDoc` records, with
their HTTP status codes.  :mod:`conformance.spec.derive` builds the schemas from this model.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from conformance.errors import ReferenceFormatError

# Section headings the parser looks for (as the reference spells them).
REQUEST_SECTION = "Request Parameters"
RESPONSE_SECTION = "Response Elements"
REQUEST_SYNTAX_SECTION = "Request Syntax"
RESPONSE_SYNTAX_SECTION = "Response Syntax"
ERRORS_SECTION = "Errors"


# ---------------------------------------------------------------------------------------
# The intermediate model.


@dataclass(frozen=True)
class Member:
    """One parameter block of the page."""

    name: str
    type_text: str                  # the "Type:" line, links reduced to their text
    description: str = ""
    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None
    required: bool | None = None    # None: the block has no "Required:" line
    max_items: int | None = None
    max_items_text: str | None = None   # the words the maximum was read from


@dataclass(frozen=True)
class ErrorDoc:
    """One modelled error of the Errors section."""

    name: str
    status: int
    fields: tuple[str, ...]
    error_shape: str | None = None  # the type linked from the "error" field


@dataclass(frozen=True)
class ReferencePage:
    operation: str
    page: str                       # e.g. "API_CreateSnapshot.md" (the name used in x-source)
    request: tuple[Member, ...]
    response: tuple[Member, ...]
    errors: tuple[ErrorDoc, ...]
    request_syntax: dict[str, Any] | None = None
    sections: dict[str, str] = field(default_factory=dict, repr=False)

    def request_member(self, name: str) -> Member:
        return _find(self.request, name, REQUEST_SECTION)

    def response_member(self, name: str) -> Member:
        return _find(self.response, name, RESPONSE_SECTION)


def _find(members: Iterable[Member], name: str, section: str) -> Member:
    for member in members:
        if member.name == name:
            return member
    raise ReferenceFormatError(f"the page has no '{name}' block under '{section}'")


# ---------------------------------------------------------------------------------------
# Parsing.

_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_HTML_TAG = re.compile(r"<[^>]*>")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_BOLD_NAME = re.compile(r"^\s*\*\*\s*(?:\[([^\]]+)\]\([^)]*\)|([^*\[\]]+?))\s*\*\*")
_FIELD = re.compile(
    r"^\s*(Type|Length Constraints|Pattern|Required|Array Members|Valid Values)\s*:\s*(.*?)\s*$", re.I)
_STATUS = re.compile(r"^\s*HTTP Status Code\s*:\s*(\d{3})\b", re.I)
_CODE_FENCE = re.compile(r"```[^\n]*\n(.*?)```", re.S)
_ANCHOR = re.compile(r'<a name="(API_[A-Za-z0-9]+)"></a>')
_LENGTH_WORDS: dict[str, re.Pattern[str]] = {
    "min": re.compile(r"Minimum length of (\d+)", re.I),
    "max": re.compile(r"Maximum length of (\d+)", re.I),
    "fixed": re.compile(r"Fixed length of (\d+)", re.I),
}
_ITEMS_MAX = re.compile(r"Maximum number of (\d+) items?", re.I)
_UP_TO = re.compile(r"\b(a list of up to (\d+) [\w-]+)", re.I)


def _plain(text: str) -> str:
    """Markdown inline text reduced to words (links to their text; emphasis and HTML tags dropped)."""
    text = _HTML_TAG.sub("", _LINK.sub(r"\1", text)).replace("**", "").replace("`", "")
    return re.sub(r"\s+", " ", text).strip()


def split_sections(text: str) -> tuple[str, dict[str, str]]:
    """The page's title (first level-1 heading) and the body of every other heading."""
    title = ""
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    in_fence = False
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if line.lstrip().startswith("```"):
            in_fence = not in_fence
        heading = None if in_fence else _HEADING.match(line)
        if heading and len(heading.group(1)) == 1 and not title:
            title, current = _plain(heading.group(2)), None
        elif heading:
            current = sections.setdefault(_plain(heading.group(2)).lower(), [])
        elif current is not None:
            current.append(line)
    return title, {name: "\n".join(lines) for name, lines in sections.items()}


def _blocks(body: str) -> list[tuple[str, list[str]]]:
    """(bold name, following lines) for every ``** name **`` line of a section body."""
    blocks: list[tuple[str, list[str]]] = []
    for line in body.split("\n"):
        bold = _BOLD_NAME.match(line)
        if bold:
            blocks.append(((bold.group(1) or bold.group(2)).strip(), []))
        elif blocks:
            blocks[-1][1].append(line)
    return blocks


def _lengths(text: str) -> tuple[int | None, int | None]:
    found = {k: int(m.group(1)) for k, rx in _LENGTH_WORDS.items() if (m := rx.search(text))}
    if "fixed" in found:
        return found["fixed"], found["fixed"]
    return found.get("min"), found.get("max")


def _pattern(text: str) -> str:
    quoted = re.fullmatch(r"(`+)\s?(.*?)\s?\1", text)
    return quoted.group(2) if quoted else text


def parse_member(name: str, lines: list[str], section: str) -> Member:
    """One ``** [Name](...) **`` block: its description and its Type/Length/Pattern/Required lines."""
    fields: dict[str, str] = {}
    description: list[str] = []
    for line in lines:
        found = _FIELD.match(line)
        if found:
            fields[found.group(1).lower()] = found.group(2)
        elif not fields and line.strip():
            description.append(line.strip())
    if "type" not in fields:
        raise ReferenceFormatError(f"'{name}' under '{section}' has no 'Type:' line")
    low, high = _lengths(fields.get("length constraints", ""))
    text = _plain(" ".join(description))
    items = _ITEMS_MAX.search(fields.get("array members", ""))
    up_to = _UP_TO.search(text)
    max_items, max_items_text = (
        (int(items.group(1)), f"Array Members: {_plain(items.group(0))}") if items
        else (int(up_to.group(2)), up_to.group(1)) if up_to else (None, None))
    required = fields.get("required")
    return Member(
        name=name,
        type_text=_plain(fields["type"]),
        description=text,
        min_length=low,
        max_length=high,
        pattern=_pattern(fields["pattern"]) if "pattern" in fields else None,
        required=None if required is None else required.strip().lower().startswith("yes"),
        max_items=max_items,
        max_items_text=max_items_text,
    )


def _members(sections: dict[str, str], section: str) -> tuple[Member, ...]:
    body = sections.get(section.lower())
    if body is None:
        raise ReferenceFormatError(f"the page has no '{section}' section (a '## {section}' heading)")
    members = tuple(parse_member(name, lines, section) for name, lines in _blocks(body))
    if not members:
        raise ReferenceFormatError(
            f"the '{section}' section has no member blocks ('** [Name](...) **' then 'Type: ...')")
    return members


def parse_errors(body: str) -> tuple[ErrorDoc, ...]:
    """The Errors section: each error's name, fields (``** error **``...) and HTTP status."""
    errors: list[ErrorDoc] = []
    name: str | None = None
    fields: list[str] = []
    error_shape: str | None = None
    for line in body.split("\n"):
        bold = _BOLD_NAME.match(line)
        status = _STATUS.match(line)
        if bold and name is None:
            name, fields, error_shape = (bold.group(1) or bold.group(2)).strip(), [], None
        elif bold:
            fields.append((bold.group(1) or bold.group(2)).strip())
        elif name is not None and fields and fields[-1] == "error" and error_shape is None:
            linked = _LINK.search(line)
            error_shape = linked.group(1) if linked else None
        if status and name is not None:
            errors.append(ErrorDoc(name, int(status.group(1)), tuple(fields), error_shape))
            name = None
    return tuple(errors)


def _syntax(sections: dict[str, str], section: str) -> dict[str, Any] | None:
    fence = _CODE_FENCE.search(sections.get(section.lower(), ""))
    if not fence:
        return None
    try:
        parsed = json.loads(fence.group(1))
    except json.JSONDecodeError:
        return None
    return parsed if isinstance(parsed, dict) else None


def parse_reference(text: str) -> ReferencePage:
    """Read an API reference page (markdown) into a :class:`ReferencePage`."""
    title, sections = split_sections(text)
    anchor = _ANCHOR.search(text)
    operation = anchor.group(1)[len("API_"):] if anchor else title
    if not operation or not re.fullmatch(r"[A-Za-z0-9]+", operation):
        raise ReferenceFormatError("the page has no '# OperationName' title: is it an API reference page?")
    request = _members(sections, REQUEST_SECTION)
    response = _members(sections, RESPONSE_SECTION)
    errors_body = sections.get(ERRORS_SECTION.lower())
    if errors_body is None:
        raise ReferenceFormatError(f"the page has no '{ERRORS_SECTION}' section")
    errors = parse_errors(errors_body)
    if not errors:
        raise ReferenceFormatError(
            "the 'Errors' section has no '** Name **' ... 'HTTP Status Code: N' blocks")
    return ReferencePage(
        operation=operation,
        page=f"API_{operation}.md",
        request=request,
        response=response,
        errors=errors,
        request_syntax=_syntax(sections, REQUEST_SYNTAX_SECTION),
        sections=sections,
    )
