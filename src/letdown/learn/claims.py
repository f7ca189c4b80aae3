"""Find health statements in Django templates that carry no citation.

A sentence in a translatable string ({% translate %} or {% blocktranslate %}) counts as a
health statement when it is a full sentence (five words or more) that talks about the body,
feeding or evidence (see CLAIM_WORDS). It is cited when the element around it (the nearest
enclosing <p>, <li>, <figcaption>, ...) holds a {% cite "key" %} tag. A sentence that only looks
like a claim (an instruction such as "tap Let-down when milk flows") is let through by a
{# nocite: why #} comment in the same element, so every exception is written down where it is.
Disclaimers ("not medical advice") are not claims. Pure Python, no Django."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

CLAIM_WORDS = re.compile(
    r"\b(?:oxytocin|prolactin|hormones?|reflex|stress\w*|worr\w*|anxi\w*|tired|mood|d-mer|"
    r"depress\w*|supply|stud(?:y|ies)|trials?|reviews?|research\w*|evidence|mastitis|fever|"
    r"infect\w*|pain\w*|hurts?|sore|nipples?|weight|nappies|diapers?|jaundice|"
    r"lactation (?:consultant|specialist)s?|ibclc|doctors?|midwi\w+|fades?|settles?|"
    r"hold\w* (?:it|the reflex|let-down) back|sets? off|can help|warmth|massage)\b",
    re.IGNORECASE,
)
DISCLAIMER = re.compile(
    r"not medical advice|no substitute for|for education only|educational information",
    re.IGNORECASE,
)
MIN_WORDS = 5

_STRING = re.compile(
    r"\{%\s*(?:translate|trans)\s+(?P<q>[\"'])(?P<simple>.*?)(?P=q)[^%]*%\}"
    r"|\{%\s*(?:blocktranslate|blocktrans)\b[^%]*%\}(?P<block>.*?)"
    r"\{%\s*(?:endblocktranslate|endblocktrans)\s*%\}",
    re.DOTALL,
)
_UNIT_TAGS = (
    "p",
    "li",
    "figcaption",
    "dd",
    "td",
    "th",
    "blockquote",
    "label",
    "aside",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "caption",
    "legend",
    "summary",
)
_OPEN = re.compile(r"<(" + "|".join(_UNIT_TAGS) + r")\b[^>]*>", re.IGNORECASE)
_CITE = re.compile(r"\{%\s*cite\b")
_NOCITE = re.compile(r"\{#\s*nocite:\s*\S")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|(?<=:)\s+(?=[A-Z])")
_TAGS = re.compile(r"<[^>]+>|\{\{.*?\}\}|\{%.*?%\}")
_WORD = re.compile(r"[\w'’-]+")


@dataclass(frozen=True)
class UncitedClaim:
    path: Path
    line: int
    sentence: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.sentence}"


def claim_sentences(text: str) -> list[str]:
    """The sentences of `text` that read as health statements."""
    plain = " ".join(_TAGS.sub(" ", text).split())
    sentences = [s.strip() for s in _SENTENCE_END.split(plain) if s.strip()]
    return [
        sentence
        for sentence in sentences
        if len(_WORD.findall(sentence)) >= MIN_WORDS
        and CLAIM_WORDS.search(sentence)
        and not DISCLAIMER.search(sentence)
    ]


def _unit(source: str, start: int, end: int) -> str:
    """The text of the innermost block element around source[start:end], or the string's
    own line when it stands in no such element."""
    opening = None
    for match in _OPEN.finditer(source, 0, start):
        tag = match.group(1).lower()
        close = re.compile(rf"</{tag}\s*>", re.IGNORECASE).search(source, match.end())
        if close is not None and close.start() >= end:
            opening = (match.start(), close.end())  # later openings are further in
    if opening is None:
        line_start = source.rfind("\n", 0, start) + 1
        line_end = source.find("\n", end)
        return source[line_start : line_end if line_end != -1 else len(source)]
    return source[opening[0] : opening[1]]


def uncited_claims_in(path: Path) -> list[UncitedClaim]:
    source = path.read_text(encoding="utf-8")
    found: list[UncitedClaim] = []
    for match in _STRING.finditer(source):
        text = match.group("simple") if match.group("simple") is not None else match.group("block")
        sentences = claim_sentences(text or "")
        if not sentences:
            continue
        unit = _unit(source, match.start(), match.end())
        if _CITE.search(unit) or _NOCITE.search(unit):
            continue
        line = source.count("\n", 0, match.start()) + 1
        found.extend(UncitedClaim(path=path, line=line, sentence=s) for s in sentences)
    return found


def uncited_claims(paths: Iterable[Path]) -> list[UncitedClaim]:
    """Every uncited health statement in the given template files, in file order."""
    return [claim for path in sorted(paths) for claim in uncited_claims_in(path)]


def template_files(*directories: Path) -> list[Path]:
    return sorted(p for d in directories for p in d.rglob("*.html"))
