"""Template helpers for Learn: search-word highlighting in escaped snippets, and the article
links the Logbook shows after a slow session or a leak (the choice is made in selectors)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from letdown.learn import selectors
from letdown.learn.articles import Span, pieces

register = template.Library()


@register.filter
def highlight(text: str, marks: Iterable[Span]) -> SafeString:
    """`text` escaped, with the spans the search matched (SearchHit.marks, .title_marks) in
    <mark>. The spans index the raw text and each piece is escaped on its own, so a mark can
    never fall inside an escaped entity such as "&amp;"."""
    return format_html_join(
        "", "{}", ((format_html("<mark>{}</mark>", p) if m else p,) for p, m in pieces(text, marks))
    )


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
