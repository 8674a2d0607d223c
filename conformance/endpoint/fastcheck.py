"""A request body's schema as a compiled predicate: the reference endpoint's shortcut for valid bodies.

jsonschema walks a schema generically, and that walk was the largest single cost of answering
a valid CreateSnapshot (bench/bench_emulator.py).  :func:`compile_check` turns a schema that uses
only the keywords in :data:`CHECKED` into a plain function.  Its answer is one-sided: ``True``
means the body is valid (jsonschema would report nothing: tests/test_fastcheck.py holds the
two together over every case the suite sends and every fault and variant), ``False`` means
"ask jsonschema", which finds and words the violations.  A schema using any other keyword,
or a type other than object, array or string, compiles to ``None``: always ask jsonschema.
Lengths are counted in code points and patterns matched as java.util.regex does
(:func:`conformance.spec.javaregex.java_fullmatch`), as the default validator does; a fault or
variant that measures otherwise does not use this shortcut.  A pattern's answers for the last
:data:`MEMO_SIZE` distinct values are remembered (a client sends the same VolumeARN again and
again, and matching it was a tenth of a request's time).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from conformance.spec.javaregex import java_fullmatch

Check = Callable[[Any], bool]
CHECKED = frozenset({"type", "required", "properties", "items", "minLength", "maxLength", "pattern",
                     "minItems", "maxItems", "$ref"})
ANNOTATIONS = frozenset({"$id", "$schema", "title", "description", "$comment", "examples", "default"})
TYPES: dict[str, type] = {"object": dict, "array": list, "string": str}
MEMO_SIZE = 1024                        # per pattern: values whose match is remembered


class _Unsupported(Exception):
    """The schema needs jsonschema."""


def compile_check(schema: Mapping[str, Any], documents: Mapping[str, Mapping[str, Any]]) -> Check | None:
    """``schema`` as a predicate (``$ref`` resolved among ``documents`` by ``$id``), or None."""
    try:
        return _compile(schema, documents, depth=0)
    except _Unsupported:
        return None


def _resolve(ref: str, documents: Mapping[str, Mapping[str, Any]]) -> Mapping[str, Any]:
    found = [d for d in documents.values() if str(d.get("$id", "")).rsplit("/", 1)[-1] == ref]
    if len(found) != 1:
        raise _Unsupported(ref)
    return found[0]


def _compile(schema: Any, documents: Mapping[str, Mapping[str, Any]], depth: int) -> Check:
    if not isinstance(schema, Mapping):   # a boolean schema
        raise _Unsupported(schema)
    keywords = {k for k in schema if not k.startswith("x-") and k not in ANNOTATIONS}
    if keywords - CHECKED or depth > 8:
        raise _Unsupported(sorted(keywords - CHECKED))
    if "$ref" in schema:
        if keywords != {"$ref"}:
            raise _Unsupported("$ref beside other keywords")
        return _compile(_resolve(str(schema["$ref"]), documents), documents, depth + 1)
    kind = schema.get("type")
    if not isinstance(kind, str) or kind not in TYPES:
        raise _Unsupported(kind)
    if kind == "string":
        return _string(schema)
    if kind == "array":
        item = _compile(schema["items"], documents, depth + 1) if "items" in schema else None
        low, high = int(schema.get("minItems", 0)), schema.get("maxItems")

        def array(value: Any) -> bool:
            return (isinstance(value, list) and len(value) >= low and (high is None or len(value) <= high)
                    and (item is None or all(map(item, value))))
        return array
    properties = schema.get("properties", {})
    members = {name: _compile(sub, documents, depth + 1) for name, sub in properties.items()}
    required = tuple(schema.get("required", ()))

    def obj(value: Any) -> bool:
        return (isinstance(value, dict) and all(name in value for name in required)
                and all(check(value[name]) for name, check in members.items() if name in value))
    return obj


def _string(schema: Mapping[str, Any]) -> Check:
    if {"items", "properties", "required", "minItems", "maxItems"} & set(schema):
        raise _Unsupported("array or object keywords on a string")
    low, high, pattern = int(schema.get("minLength", 0)), schema.get("maxLength"), schema.get("pattern")
    matches = _memo(pattern) if pattern is not None else None

    def string(value: Any) -> bool:
        return (isinstance(value, str) and len(value) >= low and (high is None or len(value) <= high)
                and (matches is None or matches(value)))
    return string


def _memo(pattern: str) -> Check:
    """``java_fullmatch(pattern, value)``, remembered for up to MEMO_SIZE values (then forgotten)."""
    known: dict[str, bool] = {}

    def matches(value: str) -> bool:
        answer = known.get(value)
        if answer is None:
            if len(known) >= MEMO_SIZE:
                known.clear()
            answer = known[value] = java_fullmatch(pattern, value)
        return answer
    return matches
