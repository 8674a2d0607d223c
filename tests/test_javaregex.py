"""java.util.regex semantics and dialect verdicts on the cases where Java, Python and ECMA differ."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from conformance.spec import javaregex
from conformance.spec.javaregex import fullmatch, is_ambiguous, java_fullmatch, translate, verdicts

# The reference's patterns (API_CreateSnapshot.md; Tag key: botocore model > TagKey).
ARN = (r"arn:(aws(|-cn|-us-gov|-iso[A-Za-z0-9_-]*)):storagegateway:[a-z\-0-9]+:[0-9]+:gateway\/(.+)"
       r"\/volume\/vol-(\S+)")
TAG = r"^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$"
SNAP = r"\Asnap-([0-9A-Fa-f]{8}|[0-9A-Fa-f]{17})\z"
GW = "arn:aws:storagegateway:us-east-2:111122223333:gateway/"

J, P, E = "java", "python", "ecma"

# (id, pattern, value, dialects whose verdict is "matches")
DIALECT_CASES: list[tuple[str, str, str, set[str]]] = [
    # '.': Java excludes \u0085 \u2028 \u2029; ECMA excludes \u2028 \u2029; Python only \n.
    ("dot-nel", ARN, GW + "sgw\u0085x/volume/vol-1", {P, E}),
    ("dot-line-separator", ARN, GW + "sgw\u2028x/volume/vol-1", {P}),
    ("dot-paragraph-separator", ARN, GW + "sgw\u2029x/volume/vol-1", {P}),
    ("dot-emoji", ARN, GW + "sgw😀/volume/vol-😀", {J, P, E}),
    # \S: Java's \s is ASCII [ \t\n\x0B\f\r]; Python's and ECMA's are Unicode (differently).
    ("nonspace-nel", ARN, GW + "sgw/volume/vol-1\u0085", {J, E}),
    ("nonspace-record-separator", ARN, GW + "sgw/volume/vol-1\x1e", {J, E}),
    ("nonspace-vertical-tab", ARN, GW + "sgw/volume/vol-1\x0b", set()),
    ("nonspace-nbsp", ARN, GW + "sgw/volume/vol-1\xa0", {J}),
    ("nonspace-line-separator", ARN, GW + "sgw/volume/vol-1\u2028", {J}),
    ("account-arabic-indic-digits", ARN, "arn:aws:storagegateway:us-east-2:١٢٣:gateway/g/volume/vol-1",
     set()),
    # \p{L} \p{Z} \p{N}: Unicode categories in every dialect.
    ("tag-letters-spaces-digits", TAG, "Éq 中 ٣", {J, P, E}),
    ("tag-nbsp", TAG, "a\xa0b", {J, P, E}),
    ("tag-line-separator-is-Z", TAG, "a\u2028b", {J, P, E}),
    ("tag-nel-is-control", TAG, "a\u0085b", set()),
    ("tag-vertical-tab", TAG, "a\x0bb", set()),
    ("tag-record-separator", TAG, "a\x1eb", set()),
    ("tag-combining-mark", TAG, "e\u0301", set()),
    ("tag-precomposed", TAG, "\u00e9", {J, P, E}),
    ("tag-emoji", TAG, "😀", set()),
    ("tag-astral-digit", TAG, "\U0001d7d8", {J, P, E}),
    # \d: ASCII in Java and ECMA, Unicode in Python.
    ("digit-arabic-indic", r"\d+", "١٢٣", {P}),
    ("range-arabic-indic", r"[0-9]+", "١٢٣", set()),
    ("space-record-separator", r"\s", "\x1e", {P}),
    ("space-nbsp", r"\s", "\xa0", {P, E}),
    # \A and \z anchor the whole input.
    ("anchors-snapshot-id", SNAP, "snap-78e22663", {J, P, E}),
    ("anchors-snapshot-id-17", SNAP, "snap-0123456789abcdef0", {J, P, E}),
    ("anchors-trailing-newline", SNAP, "snap-78e22663\n", set()),
    ("anchors-prefix", SNAP, "xsnap-78e22663", set()),
    # '$': Java's (and Python's) may match before one final line terminator; ECMA's never.
    ("dollar-whole-match-final-newline", TAG, "abc\n", set()),
    ("dollar-not-consumed", r"a$", "a\n", set()),
    ("dollar-before-final-newline", r"a$\n", "a\n", {J, P}),
    ("dollar-before-final-crlf", r"a$\r\n", "a\r\n", {J}),
    ("dollar-before-final-nel", r"a$\u0085", "a\u0085", {J}),
]


@pytest.mark.parametrize(("pattern", "value", "matching"), [c[1:] for c in DIALECT_CASES],
                         ids=[c[0] for c in DIALECT_CASES])
def test_each_dialect_gives_its_own_verdict(pattern: str, value: str, matching: set[str]) -> None:
    assert verdicts(pattern, value) == {d: d in matching for d in javaregex.DIALECTS}


@pytest.mark.parametrize(("pattern", "value", "matching"), [c[1:] for c in DIALECT_CASES],
                         ids=[c[0] for c in DIALECT_CASES])
def test_a_value_is_ambiguous_exactly_when_the_dialects_disagree(pattern: str, value: str,
                                                                 matching: set[str]) -> None:
    assert is_ambiguous(pattern, value) == (0 < len(matching) < 3)


def test_the_example_volume_arn_matches_in_every_dialect() -> None:
    value = GW + "sgw-12A3456B/volume/vol-1122AABB"
    assert verdicts(ARN, value) == {J: True, P: True, E: True}
    assert not is_ambiguous(ARN, value)


def test_the_pattern_must_match_the_whole_value_not_a_part() -> None:
    value = GW + "sgw-12A3456B/volume/vol-1122AABB"
    assert not java_fullmatch(ARN, "x" + value)
    assert not java_fullmatch(ARN, value + " ")
    assert not java_fullmatch(ARN, value.replace("storagegateway", "ec2"))


def test_java_dollar_never_matches_between_cr_and_lf() -> None:
    assert not fullmatch(r"a\r$\n", "a\r\n")
    assert fullmatch(r"a\r$\n", "a\r\n", "python")


def test_java_capital_z_is_the_end_before_a_final_terminator() -> None:
    assert java_fullmatch(r"a\Z\n", "a\n")
    assert not java_fullmatch(r"a\Z", "a\n")


def test_constructs_without_a_faithful_translation_are_refused() -> None:
    with pytest.raises(javaregex.UnsupportedPattern):
        translate(r"[\S]")
    with pytest.raises(javaregex.UnsupportedPattern):
        translate(r"a\Z", "ecma")


def _java_major() -> int | None:
    java = shutil.which("java")
    if java is None:
        return None
    out = subprocess.run([java, "-version"], capture_output=True, text=True, check=False).stderr
    for token in out.replace('"', " ").split():
        head = token.split(".")[0]
        if head.isdigit() and "." in token:
            return int(head) if head != "1" else int(token.split(".")[1])
    return None


JAVA_ORACLE = """
import java.nio.charset.StandardCharsets; import java.util.regex.Pattern; import java.io.*;
public class Oracle { public static void main(String[] a) throws IOException {
  BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
  for (String line; (line = in.readLine()) != null; ) { String[] f = line.split("\\t", -1);
    System.out.println(Pattern.matches(hex(f[0]), hex(f[1])) ? "1" : "0"); } }
  static String hex(String h) { byte[] b = new byte[h.length() / 2];
    for (int i = 0; i < b.length; i++) b[i] = (byte) Integer.parseInt(h.substring(2 * i, 2 * i + 2), 16);
    return new String(b, StandardCharsets.UTF_8); } }
"""


def test_java_verdicts_agree_with_a_real_jvm_when_one_is_installed(tmp_path: Path) -> None:
    major = _java_major()
    if major is None or major < 11:
        pytest.skip("no Java 11+ runtime on PATH: the java verdicts are checked against the table only")
    source = tmp_path / "Oracle.java"
    source.write_text(JAVA_ORACLE, encoding="utf-8")
    lines = "".join(f"{p.encode().hex()}\t{v.encode().hex()}\n" for _, p, v, _ in DIALECT_CASES)
    done = subprocess.run(["java", str(source)], input=lines, capture_output=True, text=True,
                          check=True, timeout=60)
    jvm = [x == "1" for x in done.stdout.split()]
    ours = [java_fullmatch(p, v) for _, p, v, _ in DIALECT_CASES]
    assert jvm == ours
