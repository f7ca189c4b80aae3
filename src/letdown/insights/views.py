"""The Insights page: her own statistics, read from the cache of results and charts that the
selector keeps until her data changes. One page per household, so there is nothing of another
household to ask for."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
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


def page_context(household: Household) -> dict[str, Any]:
    """What the page shows of a household: for her, and through a specialist's share link."""
    page = selectors.insights_page_for(household, timezone.now())
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


@household_view
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "insights/index.html", page_context(household_of(request)))
