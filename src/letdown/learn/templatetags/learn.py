"""Template helpers for Learn: search-word highlighting in escaped snippets. (The articles
offered after a slow session or a leak are chosen by the view, live/after.py.)"""

from __future__ import annotations

from collections.abc import Iterable

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

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
