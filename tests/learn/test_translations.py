"""The Learn articles in Spanish and German: each one says what the English original says,
with the same sources, links and numbers; the reader gets her language on the same URL, and
English for an article without a current translation; search follows her language."""

from __future__ import annotations

import re
import textwrap
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from letdown.learn import selectors
from letdown.learn.articles import (
    CONTENT_DIR,
    NOTICE_FIELDS,
    SOURCE_LANGUAGE,
    Article,
    ArticleError,
    load_articles,
    load_library,
    load_notices,
    search,
)
from tests.factories import LeakFactory, LetDownFactory, SessionFactory

TRANSLATED = ("es", "de")


def test_the_translated_languages_are_offered() -> None:
    """The pages below are read in these languages through the settings, not an override."""
    assert {code for code, _name in settings.LANGUAGES} >= set(TRANSLATED)


MARKER = re.compile(r"\[@[^\]]*\]")
LINK = re.compile(r"\]\((/[^)\s]+)\)")
# Digits in the text, with a decimal comma read as a point: "2,5" says what "2.5" says.
NUMBER = re.compile(r"\d+(?:[.,]\d+)?")


def _front_and_body(path: Path) -> tuple[dict[str, object], str]:
    _, front, body = path.read_text(encoding="utf-8").split("---\n", 2)
    return yaml.safe_load(front), body


def _pairs() -> list[tuple[str, str]]:
    return [(lang, path.stem) for lang in TRANSLATED for path in sorted(CONTENT_DIR.glob("*.md"))]


@pytest.fixture(scope="module")
def library():  # type: ignore[no-untyped-def]
    return load_library()


# --- The content --------------------------------------------------------------------------


def test_every_article_exists_in_each_language(library) -> None:  # type: ignore[no-untyped-def]
    assert library.languages == ("en", "de", "es")
    for language in TRANSLATED:
        assert set(library.translations[language]) == set(library.originals)
        assert all(a.language == language for a in library.articles(language).values())
    assert library.stale() == [], "a translation is older than its original"


@pytest.mark.parametrize(("language", "slug"), _pairs())
def test_a_translation_keeps_the_front_matter_of_its_original(language: str, slug: str) -> None:
    original, _ = _front_and_body(CONTENT_DIR / f"{slug}.md")
    translated, _ = _front_and_body(CONTENT_DIR / language / f"{slug}.md")
    assert list(translated) == list(original)
    for field in ("slug", "routine_steps", "mentions_products"):
        assert translated[field] == original[field], field
    # Translated, not copied: the words a reader sees are her language's.
    for field in ("title", "summary", "reviewer_role"):
        assert translated[field] != original[field], field
    summary = str(translated["summary"])
    assert summary.count(". ") == 0 and summary.endswith("."), "the summary is one sentence"


@pytest.mark.parametrize(("language", "slug"), _pairs())
def test_a_translation_cites_every_source_where_the_original_does(language: str, slug: str) -> None:
    _, original = _front_and_body(CONTENT_DIR / f"{slug}.md")
    _, translated = _front_and_body(CONTENT_DIR / language / f"{slug}.md")
    # The same citation markers in the same order: every cited sentence kept its source,
    # and no sentence gained one the original does not have.
    assert MARKER.findall(translated) == MARKER.findall(original)
    assert LINK.findall(translated) == LINK.findall(original)
    assert translated.count("\n## ") == original.count("\n## ")
    english = load_articles()[slug]
    article = load_articles(language=language)[slug]
    assert [r.id for r in article.references] == [r.id for r in english.references]
    assert article.references_html == english.references_html  # the studies' own citations


@pytest.mark.parametrize(("language", "slug"), _pairs())
def test_a_translation_keeps_every_number_of_the_original(language: str, slug: str) -> None:
    english = load_articles()[slug]
    article = load_articles(language=language)[slug]

    def numbers(text: str) -> Counter[str]:
        return Counter(n.replace(",", ".") for n in NUMBER.findall(text))

    assert numbers(article.plain_text) == numbers(english.plain_text)


@pytest.mark.parametrize(("language", "slug"), _pairs())
def test_a_translation_is_about_as_long_as_its_original(language: str, slug: str) -> None:
    english = len(re.findall(r"\w+", load_articles()[slug].plain_text))
    words = len(re.findall(r"\w+", load_articles(language=language)[slug].plain_text))
    # German joins words, Spanish needs more of them; far outside this, something is missing
    # or added.
    assert 0.8 <= words / english <= 1.3, words


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_disclaimer_and_product_caution_exist_in_each_language(language: str) -> None:
    english, notices = load_notices("en"), load_notices(language)
    assert notices.language == language
    for field in NOTICE_FIELDS:
        assert getattr(notices, field) and getattr(notices, field) != getattr(english, field)
    raw = yaml.safe_load((CONTENT_DIR / language / "notices.yaml").read_text(encoding="utf-8"))
    assert set(raw) == set(NOTICE_FIELDS)


def test_german_and_spanish_use_the_terms_parents_meet() -> None:
    german = load_articles(language="de")
    spanish = load_articles(language="es")
    assert "Milchspendereflex" in german["what-is-let-down"].plain_text
    assert "Let-down-Reflex" in german["what-is-let-down"].plain_text
    assert "reflejo de eyección" in spanish["what-is-let-down"].plain_text
    assert "bajada de la leche" in spanish["what-is-let-down"].plain_text
    assert "D-MER" in german["d-mer"].title and "D-MER" in spanish["d-mer"].title
    assert "dysphorischer Milchspendereflex" in german["d-mer"].plain_text
    assert "reflejo disfórico de eyección de la leche" in spanish["d-mer"].plain_text


# --- Choosing the language ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("requested", "expected"),
    [("de", "de"), ("de-at", "de"), ("es_MX", "es"), ("fr", "en"), (None, "en"), ("", "en")],
)
def test_a_regional_or_unknown_language_gets_the_nearest_articles(
    library, requested: str | None, expected: str
) -> None:  # type: ignore[no-untyped-def]
    assert library.language_for(requested) == expected


REFERENCES = 'src: {short: Author 2020, kind: book, text: "Author A. A title. 2020."}\n'


def _article(path: Path, title: str, *, reviewed: str = "2026-11-27", body: str = "") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        textwrap.dedent(f"""\
            ---
            title: {title}
            slug: {path.stem}
            summary: One sentence.
            last_reviewed: {reviewed}
            reviewer_role: Checked against the cited sources
            mentions_products: false
            routine_steps: []
            changelog:
              - date: {reviewed}
                change: A change.
            ---
            """)
        + (body or "Fact [@src].\n"),
        encoding="utf-8",
    )


def _load(directory: Path, language: str | None) -> dict[str, Article]:
    references = directory.parent / "references.yaml"
    references.write_text(REFERENCES, encoding="utf-8")
    return load_articles(directory, references_path=references, language=language)


def test_an_untranslated_article_falls_back_to_english(tmp_path: Path) -> None:
    _article(tmp_path / "c" / "one.md", "One")
    _article(tmp_path / "c" / "two.md", "Two")
    _article(tmp_path / "c" / "de" / "one.md", "Eins")
    german = _load(tmp_path / "c", "de")
    assert {slug: (a.title, a.language) for slug, a in german.items()} == {
        "one": ("Eins", "de"),
        "two": ("Two", "en"),
    }
    assert {a.title for a in _load(tmp_path / "c", "en").values()} == {"One", "Two"}


def test_a_translation_older_than_its_original_is_not_shown(tmp_path: Path) -> None:
    # The original changed (perhaps its advice) after the translation was made.
    _article(tmp_path / "c" / "one.md", "One", reviewed="2026-12-03")
    _article(tmp_path / "c" / "de" / "one.md", "Eins", reviewed="2026-11-27")
    assert _load(tmp_path / "c", "de")["one"].title == "One"
    references = tmp_path / "references.yaml"
    stale = load_library(tmp_path / "c", references_path=references).stale()
    assert [a.title for a in stale] == ["Eins"]


@pytest.mark.parametrize(
    ("folder", "body", "message"),
    [
        ("de", "Fact [@src].\n", "translates no article"),
        ("en", "Fact [@src].\n", "the English originals sit at the top"),
        ("german", "Fact [@src].\n", "named by its code"),
        ("de", "Fact [@other].\n", "must cite the sources of its original"),
    ],
)
def test_a_bad_translation_raises_an_error_naming_it(
    tmp_path: Path, folder: str, body: str, message: str
) -> None:
    _article(tmp_path / "c" / "one.md", "One")
    name = "lonely" if message == "translates no article" else "one"
    _article(tmp_path / "c" / folder / f"{name}.md", "Eins", body=body)
    references = tmp_path / "references.yaml"
    references.write_text(REFERENCES + 'other: {short: O, kind: book, text: "O."}\n')
    with pytest.raises(ArticleError, match=message) as raised:
        load_articles(tmp_path / "c", references_path=references)
    assert f"{folder}/{name}.md" in str(raised.value)


def test_notices_fall_back_to_english_for_an_untranslated_language() -> None:
    assert load_notices("fr").language == SOURCE_LANGUAGE
    assert load_notices("de-CH").language == "de"


# --- Search in each language --------------------------------------------------------------


def _slugs(language: str, query: str) -> list[str]:
    articles = load_articles(language=language)
    return [hit.article.slug for hit in search(articles, query, language=language)]


@pytest.mark.parametrize(
    ("language", "query", "first"),
    [
        ("es", "eyección", "what-is-let-down"),
        ("es", "eyeccion", "what-is-let-down"),  # typed without the accent
        ("es", "bajada de la leche", "what-is-let-down"),  # a phrase of the synonym list
        ("es", "sacaleches", "helping-let-down"),  # the articles say "extractor"
        ("es", "pérdidas de leche", "leaks"),
        ("es", "discos de lactancia", "leaks"),
        ("es", "D-MER", "d-mer"),
        ("es", "ictericia", "when-to-ask-for-help"),  # the article says "amarillo"
        ("es", "pezones agrietados", "when-to-ask-for-help"),  # "agrietados" by its stem
        ("de", "Milchspendereflex", "what-is-let-down"),
        ("de", "Stilleinlage", "leaks"),  # the article says "Stilleinlagen"
        ("de", "auslaufende Milch", "leaks"),
        ("de", "D-MER", "d-mer"),
        ("de", "Gelbsucht", "when-to-ask-for-help"),  # the article says "Gelbfärbung"
        ("de", "Brustentzündung Fieber", "when-to-ask-for-help"),
        ("de", "Dopamin Stimmung", "d-mer"),
        ("de", "Babyblues", "when-to-ask-for-help"),
    ],
)
def test_search_finds_the_right_article_in_each_language(
    language: str, query: str, first: str
) -> None:
    assert _slugs(language, query)[0] == first


def test_german_search_finds_words_inside_compounds_and_umlauts_typed_as_two_letters() -> None:
    # "Reflex" is the end of "Milchspendereflex"; "Pumpe" of "Milchpumpe".
    assert "what-is-let-down" in _slugs("de", "Reflex")
    assert _slugs("de", "Muettern") == _slugs("de", "Müttern") != []
    assert _slugs("de", "brueste") == _slugs("de", "Brüste") != []


def test_spanish_search_reads_endings_and_accents() -> None:
    assert _slugs("es", "pérdida") == _slugs("es", "perdidas") != []
    assert _slugs("es", "PEZÓN") == _slugs("es", "pezones") != []


def test_a_query_in_one_language_does_not_find_the_other_languages_words() -> None:
    assert _slugs("de", "eyección") == []
    assert _slugs("es", "Milchspendereflex") == []


# --- Pages --------------------------------------------------------------------------------

GERMAN_DISCLAIMER = load_notices("de").disclaimer
SPANISH_DISCLAIMER = load_notices("es").disclaimer


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("accept", "language", "disclaimer"),
    [("de", "de", GERMAN_DISCLAIMER), ("es-ES,es;q=0.9", "es", SPANISH_DISCLAIMER)],
)
def test_the_same_url_serves_the_readers_language(
    client: Client, accept: str, language: str, disclaimer: str
) -> None:
    for slug in selectors.READING_ORDER:
        article = load_articles(language=language)[slug]
        response = client.get(f"/learn/{slug}/", HTTP_ACCEPT_LANGUAGE=accept)
        assert response.status_code == 200
        html = response.content.decode()
        assert f'<h1 id="article-title" lang="{language}">{article.title}</h1>' in html
        assert f'<div class="article-body" lang="{language}">' in html
        assert disclaimer in html
        assert (load_notices(language).product_caution in html) is article.mentions_products
        assert "Accept-Language" in response["Vary"]
    english = client.get("/learn/d-mer/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert load_articles()["d-mer"].title in english
    assert load_notices("en").disclaimer in english


@pytest.mark.django_db
def test_the_index_and_search_follow_the_readers_language(client: Client) -> None:
    german = load_articles(language="de")
    html = client.get("/learn/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert all(article.title in html for article in german.values())
    assert load_notices("de").list_disclaimer in html
    found = client.get("/learn/?q=Stilleinlagen", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert 'href="/learn/leaks/" lang="de"' in found
    spanish = client.get("/learn/?q=sacaleches", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert load_articles(language="es")["helping-let-down"].title in spanish
    # The same query in English rules finds nothing: the words are not in those articles.
    assert "/learn/leaks/" not in client.get("/learn/?q=Stilleinlagen").content.decode()


def test_articles_shown_in_context_are_in_the_readers_language() -> None:
    for language in TRANSLATED:
        with translation.override(language):
            after_leak = selectors.articles_after_leak()
            after_session = selectors.articles_after_session(
                ended=True, time_to_first_letdown_s=None, lactation_number=1
            )
        translated = load_articles(language=language)
        assert [a.title for a in after_leak] == [translated["leaks"].title]
        assert [a.language for a in after_session] == [language] * 3
        assert [a.title for a in after_session] == [
            translated[slug].title for slug in selectors.AFTER_SLOW_SESSION
        ]


@pytest.mark.django_db
def test_a_leak_and_a_slow_session_offer_articles_in_her_language(
    family, member_client: Client
) -> None:  # type: ignore[no-untyped-def]
    leak = LeakFactory(lactation=family.lactation)
    session = SessionFactory(lactation=family.lactation)
    LetDownFactory(session=session, at=session.started_at + timedelta(minutes=9))
    for language in TRANSLATED:
        articles = load_articles(language=language)
        html = member_client.get(
            reverse("leak_detail", args=[leak.pk]), HTTP_ACCEPT_LANGUAGE=language
        ).content.decode()
        assert f'href="/learn/leaks/" lang="{language}">{articles["leaks"].title}<' in html
        html = member_client.get(
            reverse("session_edit", args=[session.pk]) + "?ended=1",
            HTTP_ACCEPT_LANGUAGE=language,
        ).content.decode()
        for slug in selectors.AFTER_SLOW_SESSION:
            link = f'href="/learn/{slug}/" lang="{language}">{articles[slug].title}<'
            assert link in html.replace("&#x27;", "'"), slug
