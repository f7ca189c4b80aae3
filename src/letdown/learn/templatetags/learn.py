"""Template helpers for Learn: search-word highlighting in escaped snippets, and the article
links the Logbook shows after a slow session or a leak (the choice is made in selectors)."""

from __future__ import annotations

import re
from typing import Any

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from letdown.learn import selectors

register = template.Library()

_WORD = re.compile(r"\w+")


@register.filter
def highlight(text: str, query: str) -> SafeString:
    """`text` escaped, with the starts of words matching the query's words in <mark>.
    Matching runs on the raw text and each piece is escaped on its own, so a query can never
    match inside an escaped entity such as "&amp;"."""
    words = sorted(set(_WORD.findall(str(query).casefold())), key=len, reverse=True)
    if not words:
        return escape(text)
    pattern = re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + ")", re.IGNORECASE)
    pieces: list[str] = []
    position = 0
    for match in pattern.finditer(str(text)):
        pieces.append(escape(text[position : match.start()]))
        pieces.append(f"<mark>{escape(match.group(0))}</mark>")
        position = match.end()
    pieces.append(escape(text[position:]))
    return mark_safe("".join(pieces))  # noqa: S308 - every piece above is escaped


@register.inclusion_tag("learn/_after_session_links.html")
def learn_after_session(session: Any, facts: Any) -> dict[str, Any]:
    articles = selectors.articles_after_session(
        ended=session.ended_at is not None,
        time_to_first_letdown_s=facts.time_to_first_letdown_s,
        lactation_number=session.lactation.number,
    )
    return {
        "articles": articles,
        "time_to_first_letdown_s": facts.time_to_first_letdown_s,
    }


@register.inclusion_tag("learn/_after_leak_links.html")
def learn_after_leak() -> dict[str, Any]:
    return {"articles": selectors.articles_after_leak()}
