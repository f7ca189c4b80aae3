"""The Learn articles load, cite every fact, render safely and can be searched (no database)."""

from __future__ import annotations

import datetime
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from letdown.learn.articles import (
    ROUTINE_STEP_SLUGS,
    Article,
    ArticleError,
    article_url,
    load_articles,
    load_synonyms,
    search,
)
from letdown.routines.catalogue import STEP_TYPES

ROUTINE_STEPS_IN_BRIEF = {
    "warm_drink",
    "warm_compress",
    "breast_massage",
    "hand_expression",
    "breathing",
    "imagery",
    "relaxing_sound",
    "baby_cry",
    "baby_photo",
    "scent_cloth",
    "pump_phases",
}
EXPECTED_SLUGS = {
    "what-is-let-down",
    "what-sets-it-off",
    "helping-let-down",
    "anxiety-and-let-down",
    "first-time-parents",
    "leaks",
    "d-mer",
    "when-to-ask-for-help",
}
MARKER = re.compile(r"\[@[^\]]*\]")
PRODUCT_WORDS = re.compile(r"\b(pumps?|pumping|pads?|shields?)\b", re.IGNORECASE)


@pytest.fixture(scope="module")
def articles() -> dict[str, Article]:
    return load_articles()


def _write(directory: Path, name: str, body: str, **overrides: object) -> Path:
    """A small valid article file, with front-matter lines replaced or removed (None)."""
    fields: dict[str, object] = {
        "title": "Test article",
        "slug": name,
        "summary": "One sentence.",
        "last_reviewed": "2026-11-27",
        "reviewer_role": "Reviewed against the cited sources",
        "mentions_products": "false",
        "routine_steps": "[]",
        "changelog": "\n  - date: 2026-11-27\n    change: First version.",
    }
    fields.update(overrides)
    front = "\n".join(f"{key}: {value}" for key, value in fields.items() if value is not None)
    path = directory / f"{name}.md"
    path.write_text(f"---\n{front}\n---\n{textwrap.dedent(body)}", encoding="utf-8")
    return path


TEST_REFERENCES = """
src: {short: Author 2020, kind: book, text: "Author A. A title. J Test. 2020;1:1-2."}
a: {short: A, kind: book, text: Source A.}
b: {short: B, kind: book, text: Source B.}
"""


def _load(directory: Path) -> dict[str, Article]:
    """The articles in `directory`, cited against a small references file of test sources."""
    references = directory.parent / f"{directory.name}-references.yaml"
    if not references.exists():
        references.write_text(TEST_REFERENCES, encoding="utf-8")
    return load_articles(directory, references_path=references)


# --- The shipped content ------------------------------------------------------------------


def test_the_eight_linked_slugs_exist(articles: dict[str, Article]) -> None:
    assert set(articles) == EXPECTED_SLUGS


def test_front_matter_is_complete(articles: dict[str, Article]) -> None:
    for article in articles.values():
        assert article.title and article.summary and article.reviewer_role
        assert article.last_reviewed >= datetime.date(2026, 11, 27)
        assert article.changelog[0].date == article.last_reviewed, article.slug
        assert "clinician" not in article.reviewer_role.lower()
        assert isinstance(article.mentions_products, bool)
        assert article.references, article.slug
        # The summary is one sentence: one full stop, at the end.
        assert article.summary.count(". ") == 0 and article.summary.endswith("."), article.slug


def test_every_marker_resolves_to_a_numbered_reference(articles: dict[str, Article]) -> None:
    for article in articles.values():
        source = article.source_path.read_text(encoding="utf-8").split("\n---\n", 1)[1]
        ids_in_source = {
            ref_id.strip().lstrip("@")
            for marker in MARKER.findall(source)
            for ref_id in marker[1:-1].split(";")
        }
        reference_ids = {ref.id for ref in article.references}
        assert ids_in_source == reference_ids, article.slug
        assert [ref.number for ref in article.references] == list(
            range(1, len(article.references) + 1)
        )
        for ref in article.references:
            assert f'href="#ref-{ref.id}"' in article.body_html
            assert f'id="ref-{ref.id}"' in article.references_html
        assert "[@" not in article.body_html


def test_every_reference_is_cited_and_numbered_by_first_use(
    articles: dict[str, Article],
) -> None:
    for article in articles.values():
        first_link_positions = [
            article.body_html.index(f'href="#ref-{ref.id}"') for ref in article.references
        ]
        assert first_link_positions == sorted(first_link_positions), article.slug


def test_every_paragraph_carries_a_citation(articles: dict[str, Article]) -> None:
    for article in articles.values():
        paragraphs = re.findall(r"<p>(.*?)</p>", article.body_html, re.DOTALL)
        assert paragraphs
        for paragraph in paragraphs:
            assert 'class="citation"' in paragraph, (article.slug, paragraph[:80])


def test_articles_are_short_enough_to_read_while_feeding(articles: dict[str, Article]) -> None:
    for article in articles.values():
        # The two pages with the safety advice run a little longer than the rest.
        words = len(re.findall(r"\w+", article.plain_text))
        assert 250 <= words <= 520, (article.slug, words)


def test_sections_have_stable_anchors_in_the_html(articles: dict[str, Article]) -> None:
    for article in articles.values():
        assert article.sections, article.slug
        for anchor, title in article.sections:
            assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", anchor)
            assert f'<h2 id="{anchor}">' in article.body_html
            assert title in article.plain_text


def test_routine_step_links_name_known_steps(articles: dict[str, Article]) -> None:
    linked: set[str] = set()
    for article in articles.values():
        steps = set(re.findall(r'href="/routines/steps/([^"/]+)/"', article.body_html))
        assert steps <= ROUTINE_STEPS_IN_BRIEF, article.slug
        assert steps == set(article.routine_steps), article.slug
        linked |= steps
    # Every step in the Routine has a Learn page that explains it.
    assert linked == ROUTINE_STEPS_IN_BRIEF == ROUTINE_STEP_SLUGS


def test_helping_and_anxiety_articles_link_their_steps(articles: dict[str, Article]) -> None:
    assert set(articles["helping-let-down"].routine_steps) == {
        "warm_drink",
        "warm_compress",
        "breast_massage",
        "hand_expression",
        "pump_phases",
    }
    assert {"imagery", "relaxing_sound", "baby_cry", "scent_cloth"} <= set(
        articles["anxiety-and-let-down"].routine_steps
    )


def test_pages_about_products_are_flagged(articles: dict[str, Article]) -> None:
    for article in articles.values():
        talks_about_products = PRODUCT_WORDS.search(article.plain_text) is not None
        assert article.mentions_products == talks_about_products, article.slug


def test_references_link_doi_and_pubmed(articles: dict[str, Article]) -> None:
    ramsay = next(ref for ref in articles["what-is-let-down"].references if ref.id == "ramsay2004")
    assert '<a href="https://doi.org/10.1542/peds.113.2.361"' in ramsay.text_html
    assert '<a href="https://pubmed.ncbi.nlm.nih.gov/14754950/"' in ramsay.text_html


def test_urls() -> None:
    assert article_url("leaks") == "/learn/leaks/"


def test_loading_is_cached_until_a_file_changes(tmp_path: Path) -> None:
    path = _write(tmp_path, "one", "Text [@src].\n")
    first = _load(tmp_path)
    assert _load(tmp_path)["one"] is first["one"]
    path.write_text(path.read_text(encoding="utf-8").replace("Text", "New text, longer"))
    assert "New text" in _load(tmp_path)["one"].plain_text


# --- Rendering ----------------------------------------------------------------------------


def test_raw_html_in_content_is_rendered_inert(tmp_path: Path) -> None:
    _write(
        tmp_path,
        "unsafe",
        """
        ## Hi <script>alert(1)</script>

        Fact <script>alert("x")</script> <img src=x onerror=alert(1)> [@src].

        <div onclick="steal()">block</div>
        """,
    )
    article = _load(tmp_path)["unsafe"]
    assert "<script" not in article.body_html
    assert "<img" not in article.body_html
    assert "<div" not in article.body_html
    assert "&lt;script&gt;" in article.body_html


def test_only_safe_links_and_no_images_survive(tmp_path: Path) -> None:
    _write(
        tmp_path,
        "links",
        """
        [a](javascript:alert(1)) [b](data:text/html,x) [c](//evil.example/)
        [d](https://example.org/) [e](#ref-src) [f](/learn/links/) [g](other/page)
        ![pic](https://tracker.example/pixel.png) [@src].
        """,
    )
    html = _load(tmp_path)["links"].body_html
    hrefs = re.findall(r'href="([^"]*)"', html)
    assert hrefs == [
        "https://example.org/",
        "#ref-src",
        "/learn/links/",
        "other/page",
        "#ref-src",
    ]
    assert 'rel="noopener noreferrer"' in html
    assert "<img" not in html and "tracker.example" not in html
    assert "pic" in html


def test_citations_become_numbered_superscripts(tmp_path: Path) -> None:
    _write(
        tmp_path,
        "cites",
        """
        ## First part

        One fact [@b]. Two facts [@a; @b].
        """,
    )
    article = _load(tmp_path)["cites"]
    assert [(ref.id, ref.number) for ref in article.references] == [("b", 1), ("a", 2)]
    assert (
        'One fact<sup class="citation">[<a href="#ref-b">1</a>]</sup>. Two facts'
        '<sup class="citation">[<a href="#ref-a">2</a>, <a href="#ref-b">1</a>]</sup>.'
    ) in article.body_html
    assert article.references_html == (
        '<ol class="references"><li id="ref-b" value="1">Source B.</li>'
        '<li id="ref-a" value="2">Source A.</li></ol>'
    )
    assert article.plain_text == "First part\nOne fact. Two facts."
    assert article.sections == (("first-part", "First part"),)


def test_repeated_headings_get_distinct_anchors(tmp_path: Path) -> None:
    _write(tmp_path, "dup", "## Café crème\n\nA [@src].\n\n## Café crème\n\nB [@src].\n")
    assert _load(tmp_path)["dup"].sections == (
        ("cafe-creme", "Café crème"),
        ("cafe-creme-2", "Café crème"),
    )


# --- Bad files ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "overrides", "message"),
    [
        ("Fact [@src].\n", {"summary": None}, "missing front-matter field(s): summary"),
        ("Fact [@nobody].\n", {}, "citation key(s) not in the references file: nobody"),
        ("No marker here.\n", {}, "cites no source"),
        ("Fact [@src].\n", {"references": "[]"}, "unknown front-matter field(s): references"),
        ("Fact [@src].\n", {"changelog": "[]"}, "changelog must be a list"),
        (
            "Fact [@src].\n",
            {"last_reviewed": "2026-12-03"},
            "must be the date of the newest changelog entry",
        ),
        (
            "Fact [@src].\n",
            {"changelog": "\n  - {date: 2026-11-01, change: a}\n  - {date: 2026-11-27, change: b}"},
            "newest first",
        ),
        ("Fact [@src].\n", {"slug": "other"}, "does not match the file name"),
        ("Fact [@src].\n", {"mentions_products": "maybe"}, "must be true or false"),
        ("Fact [@src].\n", {"last_reviewed": "last week"}, "must be an ISO date"),
        ("Fact [@src].\n", {"reviewer_role": "Reviewed by a midwife"}, "clinical review"),
        ("Fact [@src].\n", {"colour": "blue"}, "unknown front-matter field(s): colour"),
        (
            "See [tea](/routines/steps/tea/) [@src].\n",
            {},
            "unknown routine step(s): tea",
        ),
        (
            "See [drink](/routines/steps/warm_drink/) [@src].\n",
            {},
            "must list exactly the steps",
        ),
        ("Read [this](/learn/nowhere/) [@src].\n", {}, "unknown article(s): nowhere"),
    ],
)
def test_a_bad_file_raises_an_error_naming_it(
    tmp_path: Path, body: str, overrides: dict[str, object], message: str
) -> None:
    _write(tmp_path, "good", "Fine [@src].\n")
    _write(tmp_path, "broken", body, **overrides)
    with pytest.raises(ArticleError) as raised:
        _load(tmp_path)
    assert "broken.md" in str(raised.value)
    assert message in str(raised.value)


def test_missing_front_matter_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "plain.md").write_text("# Just Markdown\n", encoding="utf-8")
    with pytest.raises(ArticleError, match=r"plain\.md: no YAML front matter"):
        _load(tmp_path)


def test_a_folder_must_be_named_by_a_language_code(tmp_path: Path) -> None:
    _write(tmp_path, "twin", "A [@src].\n")
    (tmp_path / "topic").mkdir()
    _write(tmp_path / "topic", "twin", "B [@src].\n")
    with pytest.raises(ArticleError, match=r"topic/twin\.md: a folder of the content holds one"):
        _load(tmp_path)


# --- Search -------------------------------------------------------------------------------


def test_search_finds_and_ranks_title_matches_first(articles: dict[str, Article]) -> None:
    hits = search(articles, "leaks")
    assert hits[0].article.slug == "leaks"
    # Every page mentions let-down; the page about nothing else should come first.
    assert search(articles, "let down")[0].article.slug == "what-is-let-down"
    assert search(articles, "pump")[0].article.slug == "helping-let-down"
    assert [hit.score for hit in hits] == sorted((hit.score for hit in hits), reverse=True)


def test_search_needs_every_word(articles: dict[str, Article]) -> None:
    both = {hit.article.slug for hit in search(articles, "dopamine mood")}
    assert both == {"d-mer"}
    assert search(articles, "dopamine zebra") == []


def test_search_ignores_case_and_accents(articles: dict[str, Article]) -> None:
    plain = [hit.article.slug for hit in search(articles, "oxytocin")]
    assert plain
    assert [hit.article.slug for hit in search(articles, "ÓXYTÓCIN")] == plain
    assert [hit.article.slug for hit in search(articles, "  ")] == []


def test_search_matches_word_starts_not_word_middles(articles: dict[str, Article]) -> None:
    assert {hit.article.slug for hit in search(articles, "alveol")} >= {"what-is-let-down"}
    assert search(articles, "lveoli") == []


def test_search_snippet_is_plain_text_around_the_match(articles: dict[str, Article]) -> None:
    hit = search(articles, "dopamine")[0]
    assert "dopamine" in hit.snippet_text
    assert "<" not in hit.snippet_text and "[@" not in hit.snippet_text
    assert len(hit.snippet_text) <= 200


def test_search_snippet_maps_back_through_accent_folding(tmp_path: Path) -> None:
    _write(tmp_path, "accents", "Ça déjà straße " * 20 + "target word here [@src].\n")
    hit = search(_load(tmp_path), "TARGET")[0]
    assert "target word here" in hit.snippet_text


def test_search_respects_limit(articles: dict[str, Article]) -> None:
    assert len(search(articles, "let", limit=3)) == 3
    assert search(articles, "let", limit=0) == []


def test_routine_catalogue_and_learn_pages_point_at_each_other(
    articles: dict[str, Article],
) -> None:
    for slug, step in STEP_TYPES.items():
        page = next(a for a in articles.values() if a.url == step.learn_url)
        # The page a step sends the parent to explains that very step.
        assert slug in page.routine_steps, (slug, step.learn_url)


def test_the_module_stays_free_of_django() -> None:
    code = "import sys, letdown.learn.articles; sys.exit('django' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_search_ignores_hyphens_and_endings_and_knows_synonyms() -> None:
    articles = load_articles()
    slugs = lambda query: [hit.article.slug for hit in search(articles, query)]  # noqa: E731
    assert slugs("letdown")[0] == "what-is-let-down"
    assert slugs("dmer") == ["d-mer"]
    assert slugs("leaking") == slugs("leak") == slugs("LEAKS")
    assert "when-to-ask-for-help" in slugs("lactation consultant")  # the articles say IBCLC


def _slugs(query: str) -> list[str]:
    return [hit.article.slug for hit in search(load_articles(), query)]


@pytest.mark.parametrize(
    "spellings",
    [
        ("letdown", "let-down", "Let-Down", "LETDOWN", "let down", "let‐down"),
        ("dmer", "D-MER", "d-mer", "DMER", "D MER"),
        ("leaking", "leak", "leaks", "Leaked", "LEAKING"),
        ("milk ejection reflex", "milk-ejection reflex", "letdown"),
    ],
)
def test_every_spelling_finds_the_same_articles_in_the_same_order(
    spellings: tuple[str, ...],
) -> None:
    found = {query: _slugs(query) for query in spellings}
    first = found[spellings[0]]
    assert first and all(slugs == first for slugs in found.values()), found


def test_the_right_articles_come_first() -> None:
    assert _slugs("letdown")[0] == "what-is-let-down"
    assert _slugs("dmer") == ["d-mer"]
    assert _slugs("leaking")[0] == "leaks"
    assert "what-sets-it-off" in _slugs("leaking")  # "milk may leak when a baby cries"
    assert _slugs("worry")[0] == "anxiety-and-let-down"


def test_a_synonym_never_matches_another_sense_of_a_word() -> None:
    # "nerves carry the news to the brain" is anatomy, not anxiety.
    assert "nerves" not in {p for group in load_synonyms().values() for p in group}


def _marked(pieces) -> list[str]:  # type: ignore[no-untyped-def]
    return [piece for piece, matched in pieces if matched]


def test_results_mark_the_whole_words_that_matched() -> None:
    hits = {hit.article.slug: hit for hit in search(load_articles(), "leaking")}
    # The query's stem finds other forms of the word; each is marked whole.
    assert "leaks" in _marked(hits["leaks"].title_pieces)
    assert "leak" in _marked(hits["what-sets-it-off"].snippet_pieces)
    # A synonym's match is marked too: "leak" and "drip" are one group.
    assert "dripping" in _marked(hits["what-is-let-down"].snippet_pieces)
    for hit in hits.values():
        assert "".join(p for p, _m in hit.snippet_pieces) == hit.snippet_text
        assert "".join(p for p, _m in hit.title_pieces) == hit.article.title


def test_marks_map_back_through_hyphens_case_and_accents(tmp_path: Path) -> None:
    _write(tmp_path, "accents", "Ça déjà LET-DOWNS straße, and Déjà-vu [@src].\n")
    hit = search(_load(tmp_path), "letdown deja")[0]
    assert _marked(hit.snippet_pieces) == ["déjà", "LET-DOWNS", "Déjà"]
