"""The Learn pages: article list and search, each article with its notices and references,
and the in-context links from the Logbook to the articles that exist."""

from __future__ import annotations

import re
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from letdown.learn import selectors
from letdown.learn.articles import load_articles, search
from letdown.learn.templatetags.learn import highlight
from letdown.logbook.models import Kind

from ..factories import LactationFactory, LeakFactory, LetDownFactory, SessionFactory

ARTICLES = load_articles()
DISCLAIMER = "This article is no substitute for a doctor or a lactation specialist"
PRODUCT_CAUTION = "letdown does not vouch for any product or brand"
PACKAGE = Path(__file__).resolve().parents[2] / "src" / "letdown"


class _Anchors(HTMLParser):
    """Every id in a page, and every href."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name == "id" and value:
                self.ids.add(value)
            if tag == "a" and name == "href" and value:
                self.hrefs.append(value)


def _anchors(html: str) -> _Anchors:
    parser = _Anchors()
    parser.feed(html)
    return parser


# --- Article pages ------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("slug", sorted(ARTICLES))
def test_every_article_page_shows_notice_review_and_references(slug: str, client: Client) -> None:
    article = ARTICLES[slug]
    response = client.get(f"/learn/{slug}/")
    assert response.status_code == 200
    html = response.content.decode()
    title = f'<h1 id="article-title" lang="en">{article.title}</h1>'
    assert title in html.replace("&#x27;", "'")
    assert DISCLAIMER in html
    # A visitor whose browser names no region reads English dates the US way.
    assert f"Last reviewed {article.last_reviewed:%B %-d, %Y}" in html
    assert article.reviewer_role in html
    assert (PRODUCT_CAUTION in html) is article.mentions_products
    page = _anchors(html)
    # Every citation number on the page jumps to a reference that is on the page.
    citations = [h for h in page.hrefs if h.startswith("#ref-")]
    assert citations, "an article without citations"
    assert {h.removeprefix("#") for h in citations} <= page.ids
    assert {f"ref-{ref.id}" for ref in article.references} <= page.ids


@pytest.mark.django_db
def test_article_links_the_routine_steps_it_names(client: Client) -> None:
    html = client.get("/learn/helping-let-down/").content.decode()
    steps = re.search(r'<section class="card routine-steps".*?</section>', html, re.DOTALL)
    assert steps is not None
    hrefs = _anchors(steps.group(0)).hrefs
    assert hrefs == [f"/routines/steps/{s}/" for s in ARTICLES["helping-let-down"].routine_steps]
    assert "Warm compress" in steps.group(0)
    # An article naming no step has no such section.
    assert "routine-steps" not in client.get("/learn/d-mer/").content.decode()


@pytest.mark.django_db
def test_unknown_article_is_404(client: Client) -> None:
    assert client.get("/learn/no-such-article/").status_code == 404
    assert client.get("/learn/Leaks/").status_code == 404


@pytest.mark.django_db
def test_articles_are_readable_without_an_account_and_by_anyone(
    client: Client, member_client: Client, stranger_client: Client
) -> None:
    # Public health education, no family data: every persona gets the page.
    for who in (client, member_client, stranger_client):
        assert who.get("/learn/").status_code == 200
        assert who.get("/learn/leaks/").status_code == 200


@pytest.mark.django_db
def test_logged_out_reader_gets_a_way_back_and_a_way_in(client: Client) -> None:
    html = client.get("/learn/leaks/").content.decode()
    assert 'href="/learn/"' in html
    assert f'href="{reverse("login")}"' in html


# --- Index and search ---------------------------------------------------------------------


@pytest.mark.django_db
def test_index_lists_every_article_in_reading_order(client: Client) -> None:
    html = client.get(reverse("learn:index")).content.decode()
    positions = [html.index(f'href="/learn/{slug}/"') for slug in selectors.READING_ORDER]
    assert positions == sorted(positions)
    assert set(selectors.READING_ORDER) == set(ARTICLES)
    assert "no substitute for a doctor or a lactation specialist" in html


@pytest.mark.django_db
def test_search_lists_matching_articles_with_highlighted_snippets(client: Client) -> None:
    response = client.get(reverse("learn:index"), {"q": "pads"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'href="/learn/leaks/"' in html
    assert 'href="/learn/d-mer/"' not in html
    assert "<mark>pads</mark>" in html.lower()


@pytest.mark.django_db
def test_search_query_is_shown_escaped(client: Client) -> None:
    html = client.get(reverse("learn:index"), {"q": '<script>alert("q")</script>'}).content
    assert b"<script>alert" not in html
    assert b"&lt;script&gt;alert" in html
    assert b"No article matches" in html


@pytest.mark.django_db
def test_search_with_no_match_says_so(client: Client) -> None:
    html = client.get(reverse("learn:index"), {"q": "zebra"}).content.decode()
    assert "No article matches “zebra”" in html


def test_highlight_escapes_every_piece_and_never_matches_inside_an_entity() -> None:
    assert highlight("Tom & <Jerry> amp", [(14, 17)]) == "Tom &amp; &lt;Jerry&gt; <mark>amp</mark>"
    assert highlight("<b>", []) == "&lt;b&gt;"


def test_highlight_marks_what_the_search_matched() -> None:
    marked = lambda q, language="en": [  # noqa: E731
        str(highlight(hit.snippet_text, hit.marks))
        for hit in search(load_articles(language=language), q, language=language)
    ]
    assert "may also <mark>leak</mark> while" in " ".join(marked("leaking"))
    assert "las <mark>eyecciones</mark> fueron" in " ".join(marked("eyeccion", "es"))  # no accent
    assert "<mark>Milchspendereflex</mark>" in " ".join(marked("Reflex", "de"))  # whole word


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "marks"),
    [
        ("leaking", ["<mark>leaks</mark>", "<mark>leak</mark>"]),  # other forms of the word
        ("letdown", ["<mark>let-down</mark>"]),  # the hyphen the query left out
        ("dmer", ["<mark>D-MER</mark>"]),
        ("worry", ["<mark>Anxiety</mark>"]),  # a synonym, in the title
    ],
)
def test_search_results_highlight_what_matched(client: Client, query: str, marks: list) -> None:
    html = client.get(reverse("learn:index"), {"q": query}).content.decode()
    results = html[html.index('class="results-h"') :]
    for mark in marks:
        assert mark in results, mark


# --- Every link into Learn points at an article ------------------------------------------

_LEARN_PATH = re.compile(r"/learn/([a-z0-9][a-z0-9_-]*)/")
_LEARN_URL_NAME = re.compile(r"""learn:article['"]\s*,?\s*(?:args=\[)?\s*['"]([^'"]+)['"]""")


def _linked_slugs() -> dict[str, set[str]]:
    """Slugs of /learn/<slug>/ links (and {% url 'learn:article' 'slug' %} / reverse calls)
    anywhere in the package's Python, templates, scripts and article content."""
    found: dict[str, set[str]] = {}
    for path in PACKAGE.rglob("*"):
        if path.suffix not in {".py", ".html", ".js", ".md", ".txt"} or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8")
        for pattern in (_LEARN_PATH, _LEARN_URL_NAME):
            for slug in pattern.findall(text):
                found.setdefault(slug, set()).add(str(path.relative_to(PACKAGE)))
    return found


def test_the_scan_finds_the_links_it_should() -> None:
    # The scan would pass vacuously if it found nothing: it must see the Routine's links.
    linked = _linked_slugs()
    assert "helping-let-down" in linked and "anxiety-and-let-down" in linked
    assert any(p.startswith("routines/") for p in linked["helping-let-down"])


@pytest.mark.django_db
def test_every_article_linked_from_the_app_exists(client: Client) -> None:
    for slug, paths in _linked_slugs().items():
        assert slug in ARTICLES, f"/learn/{slug}/ is linked from {sorted(paths)} but missing"
        assert client.get(f"/learn/{slug}/").status_code == 200


def test_every_slug_the_app_offers_in_context_exists() -> None:
    offered = {*selectors.READING_ORDER, *selectors.AFTER_SLOW_SESSION, *selectors.AFTER_LEAK}
    assert offered <= set(ARTICLES)


# --- In context: after a slow session, after a leak ---------------------------------------


@pytest.mark.parametrize(
    ("ended", "first_s", "expected"),
    [
        (True, None, True),
        (True, 301.0, True),
        (True, 300.0, False),
        (True, 95.0, False),
        (False, None, False),  # still running: the let-down may yet come
    ],
)
def test_slow_or_absent_letdown(ended: bool, first_s: float | None, expected: bool) -> None:
    assert (
        selectors.slow_or_absent_letdown(ended=ended, time_to_first_letdown_s=first_s) is expected
    )


def test_first_time_article_is_offered_only_in_a_first_lactation() -> None:
    first = selectors.articles_after_session(
        ended=True, time_to_first_letdown_s=None, lactation_number=1
    )
    later = selectors.articles_after_session(
        ended=True, time_to_first_letdown_s=None, lactation_number=2
    )
    assert [a.slug for a in first] == [
        "helping-let-down",
        "anxiety-and-let-down",
        "first-time-parents",
    ]
    assert [a.slug for a in later] == ["helping-let-down", "anxiety-and-let-down"]


@pytest.mark.django_db
def test_slow_session_page_links_the_articles(family, member_client, stranger_client) -> None:
    session = SessionFactory(lactation=family.lactation, kind=Kind.PUMPING)
    LetDownFactory(session=session, at=session.started_at + timedelta(minutes=7, seconds=5))
    url = reverse("session_edit", args=[session.pk]) + "?ended=1"
    html = member_client.get(url).content.decode()
    assert "Let-down took 7:05 this time" in html
    for slug in ("helping-let-down", "anxiety-and-let-down", "first-time-parents"):
        assert f'href="/learn/{slug}/"' in html
    assert stranger_client.get(url).status_code == 404


@pytest.mark.django_db
def test_session_without_letdown_links_the_articles(family, owner_client) -> None:
    session = SessionFactory(lactation=family.lactation)
    html = owner_client.get(reverse("session_edit", args=[session.pk])).content.decode()
    assert "No let-down logged this time" in html
    assert 'href="/learn/helping-let-down/"' in html


@pytest.mark.django_db
def test_quick_letdown_gets_no_article_links(family, owner_client) -> None:
    session = SessionFactory(lactation=family.lactation)
    LetDownFactory(session=session, at=session.started_at + timedelta(seconds=95))
    html = owner_client.get(reverse("session_edit", args=[session.pk])).content.decode()
    assert 'href="/learn/' not in html.replace('href="/learn/" ', "")
    assert "learn-links" not in html


@pytest.mark.django_db
def test_second_lactation_is_not_sent_to_the_first_time_article(family, owner_client) -> None:
    second = LactationFactory(household=family.household, number=2)
    session = SessionFactory(lactation=second)
    html = owner_client.get(reverse("session_edit", args=[session.pk])).content.decode()
    assert 'href="/learn/helping-let-down/"' in html
    assert 'href="/learn/first-time-parents/"' not in html


@pytest.mark.django_db
def test_leak_page_links_the_leaks_article(family, member_client, stranger_client) -> None:
    leak = LeakFactory(lactation=family.lactation)
    url = reverse("leak_detail", args=[leak.pk])
    html = member_client.get(url).content.decode()
    assert 'href="/learn/leaks/"' in html
    assert "Unexpected let-down and leaks" in html
    assert stranger_client.get(url).status_code == 404
