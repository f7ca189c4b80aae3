"""The Insights page: her own statistics, read from the cache of results and charts that the
selector keeps until her data changes, and the page's content rendered from them once and kept
per process like home's figures. One page per household, so there is nothing of another
household to ask for."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from letdown.accounts.access import household_of, household_view
from letdown.accounts.models import Household
from letdown.learn.articles import load_articles

from . import selectors
from .words import FactorWords, page_words

# The Learn articles that explain a finding, linked from the section showing it.
LEARN_SLUGS = (
    "what-is-let-down",
    "helping-let-down",
    "anxiety-and-let-down",
    "first-time-parents",
    "leaks",
    "when-to-ask-for-help",
)
# As home's figures (`CACHES["pages"]`): the key carries her data version, read fresh with
# every request, so no process can serve content another process's write has made stale.
CONTENT_CACHE_SECONDS = 60 * 60


def _factor_groups(factors: tuple[FactorWords, ...]) -> dict[str, list[FactorWords]]:
    """Clear differences first; those the data cannot tell apart yet, and those still waiting
    for sessions, are folded away so they do not bury the answers."""
    groups: dict[str, list[FactorWords]] = {"clear": [], "unclear": [], "waiting": []}
    for factor in factors:
        if factor.effect.status == "not_enough_sessions":
            groups["waiting"].append(factor)
        elif factor.effect.clear:
            groups["clear"].append(factor)
        else:
            groups["unclear"].append(factor)
    return groups


def page_context(household: Household, now: datetime) -> dict[str, Any]:
    """What the page shows of a household: for her, and through a specialist's share link."""
    page = selectors.insights_page_for(household, now)
    articles = load_articles(language=get_language())
    insights = page.insights
    words = page_words(insights, household.tz)
    lactation = household.current_lactation()
    # "Let-down with a first baby" is for a first lactation only.
    first_lactation = lactation is None or lactation.number == 1
    read_more = [
        articles[slug]
        for slug in LEARN_SLUGS
        if slug in articles and (first_lactation or slug != "first-time-parents")
    ]
    return {
        "household": household,
        "insights": insights,
        "charts": page.charts,
        "has_data": bool(
            insights.n_sessions
            or insights.n_running
            or insights.leaks.weeks
            or insights.rhythm.n_feeds
        ),
        "words": words,
        "factors": _factor_groups(words.factors),
        "factor_words": {factor.effect.slug: factor for factor in words.factors},
        "first_lactation": first_lactation,
        "read_more": read_more,
        "learn": {slug.replace("-", "_"): articles.get(slug) for slug in LEARN_SLUGS},
    }


def page_content(household: Household, *, share: bool) -> SafeString:
    """The page below the menu. Rendered once per change of anything it shows (the key) and
    while its next-feed prediction holds: a warm request neither reads the results nor words
    them, and renders only the frame around this."""
    now = timezone.now()
    key = selectors.page_key(household, now, share=share)
    kept: tuple[datetime | None, str] | None = caches["pages"].get(key)
    if isinstance(kept, tuple):
        kept_until, kept_html = kept
        if kept_until is None or now < kept_until:
            return mark_safe(kept_html)  # the template's output, escaped when it was rendered
    context = page_context(household, now)
    context["share"] = share
    html = render_to_string("insights/_content.html", context)
    until = selectors.current_until(context["insights"])
    caches["pages"].set(key, (until, html), CONTENT_CACHE_SECONDS)
    return mark_safe(html)


@household_view
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    content = page_content(household_of(request), share=False)
    return render(request, "insights/index.html", {"content": content})
