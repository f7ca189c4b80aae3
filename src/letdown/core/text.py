"""Text people type, judged by what a reader sees: a comment made of a zero-width space is
empty, and "аlice" with a Cyrillic "а" is "alice". Pure: no Django."""

from __future__ import annotations

import unicodedata

# General categories that draw nothing on their own: controls, format characters (zero-width
# space and joiners, the byte-order mark, bidi marks), separators, combining marks with no
# letter to sit on, private-use and unassigned code points.
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Co", "Cn", "Cs", "Zs", "Zl", "Zp", "Mn", "Me"})
# Letters and symbols that draw nothing either: the Hangul fillers, the braille blank, the
# Mongolian vowel separator.
_BLANK_CHARACTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800\u180e")


def _visible(character: str) -> bool:
    return (
        not character.isspace()
        and character not in _BLANK_CHARACTERS
        and unicodedata.category(character) not in _INVISIBLE_CATEGORIES
    )


def has_visible_text(value: str) -> bool:
    return any(_visible(character) for character in value)


def _fold(name: str) -> str:
    return unicodedata.normalize("NFKC", name).casefold()


def _same_glyph(a: str, b: str) -> bool:
    if a == b:
        return True
    # Unicode's confusables data (UTS #39), as the confusable_homoglyphs package ships it; read
    # here only, when a name is checked, since loading it takes a fifth of a second.
    from confusable_homoglyphs.confusables import confusables_data

    return any(h["c"] == b for h in confusables_data.get(a, ())) or any(
        h["c"] == a for h in confusables_data.get(b, ())
    )


def looks_alike(a: str, b: str) -> bool:
    """True when two names read the same: equal once NFKC-normalised and case-folded, or
    differing only in characters Unicode lists as confusable one for one ("аlice" in Cyrillic
    and "alice", "a1ice" and "alice")."""
    a, b = _fold(a), _fold(b)
    return len(a) == len(b) and all(_same_glyph(x, y) for x, y in zip(a, b, strict=True))
