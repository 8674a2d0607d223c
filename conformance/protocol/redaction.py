"""Redaction by field: a run's secrets masked in what an exchange records, before anything is written.

The transport records every exchange through :class:`Secrets`, so that the suite never holds a
secret: the signature it sent (in the recorded ``Authorization`` header), the session token
(``X-Amz-Security-Token``) and, wherever an endpoint's answer or a transport error echoes one of
them or the secret key, the piece of the string value that holds it.  Nothing else is touched:
the request body the suite generated carries no secret and is kept as sent, and reports,
junit.xml and the terminal are written from these already redacted exchanges with no text pass
of their own.

A secret is matched in its encoded forms (as is, JSON-escaped, percent-encoded).  A value of
:data:`LONG_SECRET` characters or more (real keys, tokens and signatures) is masked wherever it
occurs, and so is a start or an end of it of :data:`FRAGMENT_MIN` characters or more (what is left
of it where an endpoint cut its message to length).  A shorter value, such as the ``test`` /
``test`` pair LocalStack users pass, is masked only as a whole word (not inside ``latest`` or
``untested``), and not where the request itself showed it in the open (a VolumeARN with a
``-test-`` part: see :meth:`Secrets.public_in`); one under :data:`MIN_SECRET` characters is not
masked at all.  In a JSON answer
only the string values (and member names) that hold a secret change, so it stays the same JSON.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from urllib.parse import quote

MARKER = "[redacted]"      # the one marker: what stands where a secret was
MIN_SECRET = 4             # a shorter value is not masked (no credential is that short)
LONG_SECRET = 16           # from this length on a value is masked anywhere, cut pieces included
FRAGMENT_MIN = 8           # characters of a long secret's start or end masked on their own
TOKEN_HEADER = "x-amz-security-token"

_SIGNATURE_FIELD = re.compile(r"Signature=([0-9a-fA-F]+)")
_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_WORD_EDGE_BEFORE = r"(?<![A-Za-z0-9])"
_WORD_EDGE_AFTER = r"(?![A-Za-z0-9])"


def encoded_forms(value: str) -> tuple[str, ...]:
    """The forms a secret takes in an answer: as is, inside a JSON string, percent-encoded."""
    forms = (value, json.dumps(value)[1:-1], quote(value, safe=""))
    return tuple(dict.fromkeys(forms))


def sent_signatures(headers: Mapping[str, str]) -> tuple[str, ...]:
    """The signatures an ``Authorization`` header of these request headers carries."""
    found: list[str] = []
    for name, value in headers.items():
        if name.lower() == "authorization":
            found += _SIGNATURE_FIELD.findall(value)
    return tuple(found)


@dataclass(frozen=True)
class Secrets:
    """The secrets one exchange could reveal, and the functions that mask them.

    Build it with :meth:`of` (any values: secret keys, session tokens) and add what a request
    carried with :meth:`with_sent`; an empty one masks nothing but the token header.
    """

    values: tuple[str, ...] = field(default=(), repr=False)   # never shown: they are the secrets
    _long: tuple[str, ...] = field(default=(), init=False, repr=False, compare=False)
    _probes: tuple[str, ...] = field(default=(), init=False, repr=False, compare=False)
    _short: re.Pattern[str] | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        long_forms = tuple(sorted(dict.fromkeys(f for v in self.values if len(v) >= LONG_SECRET
                                                for f in encoded_forms(v)), key=len, reverse=True))
        short_forms = tuple(dict.fromkeys(f for v in self.values if len(v) < LONG_SECRET
                                          for f in encoded_forms(v)))
        probes = [f[:FRAGMENT_MIN] for f in (*long_forms, *short_forms)]
        probes += [f[-FRAGMENT_MIN:] for f in long_forms]
        object.__setattr__(self, "_long", long_forms)
        object.__setattr__(self, "_probes", tuple(dict.fromkeys(probes)))
        object.__setattr__(self, "_short", _whole_words(short_forms))

    @staticmethod
    def of(*values: str | None) -> Secrets:
        """The secrets among ``values`` (None, and values under MIN_SECRET characters, are left out)."""
        kept = {v for v in values if v and len(v) >= MIN_SECRET}
        return Secrets(tuple(sorted(kept, key=lambda v: (-len(v), v))))

    def with_values(self, values: Iterable[str | None]) -> Secrets:
        return Secrets.of(*self.values, *values)

    def with_sent(self, headers: Mapping[str, str]) -> Secrets:
        """These secrets and those a request carries: its signature and its session token."""
        token = [v for k, v in headers.items() if k.lower() == TOKEN_HEADER]
        return self.with_values([*sent_signatures(headers), *token])

    def public_in(self, url: str, body: bytes) -> Secrets:
        """These secrets less the short ones that the request itself sent in the open (its URL or
        body, e.g. a VolumeARN holding ``test``) as a whole word: masking those in the answer would
        only corrupt its echo of the request, and the checks that judge it.  Free without a short
        secret (the request is decoded only then)."""
        if self._short is None:
            return self
        text = url + body.decode("utf-8", "replace")
        if not self._short.search(text):
            return self
        return Secrets(tuple(v for v in self.values if len(v) >= LONG_SECRET or not _shows(text, v)))

    # -- masking ---------------------------------------------------------------------------------
    def text(self, text: str) -> str:
        """``text`` with every secret (and every cut piece of a long one) replaced by MARKER."""
        if not self._probes or not self._may_hold(text):
            return text
        for form in self._long:          # longest first
            if form in text:
                text = text.replace(form, MARKER)
        if self._short is not None:
            text = self._short.sub(MARKER, text)
        return _without_fragments(text, self._long)

    def headers(self, headers: Mapping[str, str]) -> dict[str, str]:
        """Header names and values masked; the session token header's value is MARKER."""
        return {self.text(name): MARKER if name.lower() == TOKEN_HEADER and value else self.text(value)
                for name, value in headers.items()}

    def body(self, body: bytes) -> bytes:
        """A body with its secrets masked: in a JSON body only the strings holding one change."""
        if not self._probes or not body:
            return body
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            return self.text(body.decode("utf-8", "surrogateescape")).encode("utf-8", "surrogateescape")
        if "\\" not in text and not self._may_hold(text):
            return body
        masked = _JSON_STRING.sub(self._json_string, text) if _is_json(text) else self.text(text)
        return body if masked == text else masked.encode("utf-8")

    def _json_string(self, match: re.Match[str]) -> str:
        token = match.group()
        try:
            value = json.loads(token)
        except ValueError:
            return self.text(token)
        masked = self.text(value)
        return token if masked == value else json.dumps(masked)

    def _may_hold(self, text: str) -> bool:
        """False when no secret can be in ``text`` (a fast test: no start and no end of any form)."""
        return any(probe in text for probe in self._probes)


def _whole_words(forms: tuple[str, ...]) -> re.Pattern[str] | None:
    """One regex matching any of ``forms`` (longest first) where it is a whole word."""
    if not forms:
        return None
    words = "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True))
    return re.compile(f"{_WORD_EDGE_BEFORE}(?:{words}){_WORD_EDGE_AFTER}")


def _shows(text: str, value: str) -> bool:
    """``value`` (in any of its forms) stands in ``text`` as a whole word."""
    words = _whole_words(encoded_forms(value))
    return words is not None and words.search(text) is not None


def _is_json(text: str) -> bool:
    try:
        json.loads(text)
    except (ValueError, RecursionError):
        return False
    return True


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _fragment_spans(text: str, secret: str) -> list[tuple[int, int]]:
    """Where a start or an end of ``secret`` (FRAGMENT_MIN characters or more) lies in ``text``."""
    spans: list[tuple[int, int]] = []
    head, tail = secret[:FRAGMENT_MIN], secret[-FRAGMENT_MIN:]
    i = text.find(head)
    while i != -1:
        spans.append((i, i + _common_prefix(text[i:], secret)))
        i = text.find(head, i + 1)
    j = text.find(tail)
    while j != -1:
        end = j + FRAGMENT_MIN
        spans.append((end - _common_prefix(text[:end][::-1], secret[::-1]), end))
        j = text.find(tail, j + 1)
    return spans


def _without_fragments(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every start or end of a long secret left by a cut replaced by MARKER."""
    spans = sorted(span for secret in secrets for span in _fragment_spans(text, secret))
    if not spans:
        return text
    merged: list[list[int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    out, last = [], 0
    for start, end in merged:
        out += [text[last:start], MARKER]
        last = end
    out.append(text[last:])
    return "".join(out)
