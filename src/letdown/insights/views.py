"""The Insights page: her own statistics, read from the cache of results and charts that the
selector keeps until her data changes. One page per household, so there is nothing of another
household to ask for."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from letdown.accounts.access import household_of, household_view
from letdown.accounts.models import Household
from letdown.learn.articles import Article, Reference, load_articles

from . import selectors
from .stats.results import FactorEffect

# The sources of the health statements on the page, in the order they are numbered there. The
# reference texts come from the Learn articles that cite them, so both read the same.
SOURCES = (
    ("gardner2015", "what-is-let-down"),
    ("ramsay2004", "what-is-let-down"),
    ("ueda1994", "anxiety-and-let-down"),
    ("mcneilly1983", "what-is-let-down"),
    ("mcneilly1978", "leaks"),
)

# The Learn articles that explain a finding, linked from the section showing it.
LEARN_SLUGS = (
    "what-is-let-down",
    "helping-let-down",
    "anxiety-and-let-down",
    "first-time-parents",
    "leaks",
    "when-to-ask-for-help",
)


@dataclass(frozen=True)
class Source:
    number: int
    reference: Reference


def _sources(articles: dict[str, Article]) -> list[Source]:
    sources = []
    for number, (reference_id, slug) in enumerate(SOURCES, start=1):
        article = articles.get(slug)
        references = {ref.id: ref for ref in article.references} if article else {}
        if reference_id in references:
            sources.append(Source(number=number, reference=references[reference_id]))
    return sources


def _factor_groups(factors: tuple[FactorEffect, ...]) -> dict[str, list[FactorEffect]]:
    """Clear differences first; those the data cannot tell apart yet, and those still waiting
    for sessions, are folded away so they do not bury the answers."""
    groups: dict[str, list[FactorEffect]] = {"clear": [], "unclear": [], "waiting": []}
    for factor in factors:
        if factor.status == "not_enough_sessions":
            groups["waiting"].append(factor)
        elif factor.clear:
            groups["clear"].append(factor)
        else:
            groups["unclear"].append(factor)
    return groups


def page_context(household: Household) -> dict[str, Any]:
    """What the page shows of a household: for her, and through a specialist's share link."""
    page = selectors.insights_page_for(household, timezone.now())
    articles = load_articles()
    insights = page.insights
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
        "factors": _factor_groups(insights.what_helps.factors),
        "first_lactation": first_lactation,
        "read_more": read_more,
        "learn": {slug.replace("-", "_"): articles.get(slug) for slug in LEARN_SLUGS},
        "sources": _sources(articles),
    }


@household_view
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "insights/index.html", page_context(household_of(request)))
