"""Generated cases span the valid space, and the drawing machinery reaches every value cheaply."""

from __future__ import annotations

from cases_support import all_cases, cases_for

from conformance.spec.text import utf16_len
from conformance.suite.cases.draws import length_of
from conformance.suite.cases.text import decode_chars, description_alphabet, fit_utf16


# --- coverage of the valid space -------------------------------------------------------------------
def test_generated_valid_requests_span_lengths_scripts_and_tag_counts():
    valid = [c.params for c in cases_for(0) if c.signature in ("valid/gen", "unicode/gen")]
    descriptions = [p["SnapshotDescription"] for p in valid]
    tag_lists = [p["Tags"] for p in valid if p.get("Tags") is not None]
    keys = [t["Key"] for tags in tag_lists for t in tags]
    assert min(map(len, descriptions)) <= 5 and max(map(len, descriptions)) >= 200
    assert any(not d.isascii() for d in descriptions)
    assert any(utf16_len(d) > len(d) for d in descriptions)                     # astral characters
    assert any(len(tags) == 0 for tags in tag_lists) and max(map(len, tag_lists)) >= 30
    assert any(any(not ch.isascii() and ch.isalpha() for ch in k) for k in keys)
    assert any(len(t["Value"]) == 0 for tags in tag_lists for t in tags)
    assert any(p.get("Tags", []) is None for p in [c.params for c in cases_for(0)
                                                 if c.rule_id == "accept.null-optional"])


def test_tag_keys_in_valid_requests_are_distinct_and_avoid_the_reserved_prefix():
    for case in all_cases():
        if case.rule_id.startswith("accept.") and case.params and case.params.get("Tags"):  # raw: no params
            keys = [t["Key"] for t in case.params["Tags"]]
            assert len(keys) == len(set(keys))
            assert not any(k.lower().startswith("aws:") for k in keys)


# --- generation machinery --------------------------------------------------------------------------
def test_drawn_bytes_decode_to_characters_of_every_tier_of_the_alphabet():
    alpha = description_alphabet()
    assert decode_chars(alpha, bytes(3 * 5)) == alpha.ascii[0] * 5     # Hypothesis' simplest
    raw = bytes(range(256)) * 12
    text = decode_chars(alpha, raw)
    assert len(text) == len(raw) // 3
    assert set(text) <= set(alpha.all())
    assert any(c in alpha.ascii for c in text) and any(c in alpha.bmp for c in text)
    assert any(c in alpha.astral for c in text)


def test_lengths_from_drawn_bytes_reach_every_value_and_both_ends():
    lengths = [length_of(bytes([a, b]), 0, 256) for a in range(256) for b in range(0, 256, 7)]
    assert set(lengths) == set(range(257))
    assert lengths.count(0) > 100 and lengths.count(256) > 100     # each end 1 time in 16


def test_a_text_cut_to_a_utf16_limit_is_the_longest_prefix_that_fits():
    text = fit_utf16("a😀" * 200, 255)
    assert utf16_len(text) <= 255 and utf16_len(("a😀" * 200)[:len(text) + 1]) > 255


