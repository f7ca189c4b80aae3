"""Text judged by what a reader sees: invisible-only input is empty, look-alike names are
the same name."""

from __future__ import annotations

import pytest

from letdown.core.text import has_visible_text, looks_alike

INVISIBLE = [
    "\u200b",  # zero-width space
    " \u200c\u200d\u2060\ufeff ",  # joiners, word joiner, byte-order mark
    "\u3164\u115f\uffa0",  # Hangul fillers
    "\u2800",  # braille blank
    "\u00a0\u2003\u3000",  # no-break, em and ideographic spaces
    "\u202e\u200f",  # bidi controls
    "\u0301\ufe0f",  # a combining accent and a variation selector with nothing to sit on
]


@pytest.mark.parametrize("text", INVISIBLE)
def test_invisible_only_text_has_nothing_to_read(text):
    assert not has_visible_text(text)


@pytest.mark.parametrize("text", ["a", "\u200bok", "日本", "🙂", "é", "٣"])
def test_anything_visible_counts(text):
    assert has_visible_text(text)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("\u0430lice", "alice"),  # Cyrillic а
        ("ａlice", "alice"),  # full width, folded by NFKC
        ("ALICE", "alice"),
        ("a1ice", "alice"),
        ("b\u043eb", "bob"),  # Cyrillic о
    ],
)
def test_look_alike_names(a, b):
    assert looks_alike(a, b)


@pytest.mark.parametrize(("a", "b"), [("alice", "alicia"), ("sam", "pam"), ("bob", "bobby")])
def test_different_names(a, b):
    assert not looks_alike(a, b)
