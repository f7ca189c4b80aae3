"""{% cite "key" ["key" ...] %}: a citation in a template, linked to its entry on the Sources
page. A literal key that the shared references file lacks is a TemplateSyntaxError when the
template is compiled, so a typo fails the first test that renders the page (and the template
check in tests/learn/test_citations.py), never a reader's request.

{% cite_list keys %} cites every key of a sequence (a routine step's sources)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from letdown.learn.references import ReferenceError, Source, load_references, resolve

register = template.Library()


def _links(sources: Iterable[Source]) -> SafeString:
    page = reverse("learn:sources")
    return format_html_join(
        "; ",
        '<a href="{}#ref-{}">{}</a>',
        ((page, source.key, source.short) for source in sources),
    )


def cite_html(keys: Iterable[str]) -> SafeString:
    """The inline citation for `keys`: "(Ueda 1994; Dewey 2001)" with each name a link."""
    try:
        sources = resolve(keys)
    except ReferenceError as error:
        raise template.TemplateSyntaxError(str(error)) from error
    return format_html('<span class="cite">({})</span>', _links(sources))


class _CiteNode(template.Node):
    def __init__(self, keys: list[template.base.FilterExpression]) -> None:
        self.keys = keys

    def render(self, context: template.Context) -> str:
        return cite_html(str(key.resolve(context)) for key in self.keys)


@register.tag
def cite(parser: template.base.Parser, token: template.base.Token) -> _CiteNode:
    bits = token.split_contents()[1:]
    if not bits:
        raise template.TemplateSyntaxError('{% cite %} needs at least one key: {% cite "key" %}')
    known = load_references()
    for bit in bits:
        if bit[:1] in "\"'" and bit[-1:] == bit[:1] and bit[1:-1] not in known:
            raise template.TemplateSyntaxError(
                f"{{% cite %}}: unknown citation key {bit[1:-1]!r}; add it to "
                "letdown/learn/references.yaml"
            )
    return _CiteNode([parser.compile_filter(bit) for bit in bits])


@register.simple_tag
def cite_list(keys: Any) -> SafeString:
    return cite_html(str(key) for key in keys)
