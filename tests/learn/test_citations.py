"""Every health statement carries a citation key that resolves to a checked entry of the one
references file: articles, templates, routine steps and the model docs."""

from __future__ import annotations

import datetime
import textwrap
from pathlib import Path

import pytest
from django.template import Context, Template, TemplateSyntaxError, engines
from django.urls import reverse

import letdown
from letdown.learn.articles import load_articles
from letdown.learn.claims import claim_sentences, template_files, uncited_claims, uncited_claims_in
from letdown.learn.references import (
    ReferenceError,
    load_references,
    markdown_citation_keys,
    resolve,
)
from letdown.routines.catalogue import STEP_TYPES

from ..factories import LeakFactory

PACKAGE = Path(letdown.__file__).resolve().parent
TEMPLATES = PACKAGE / "templates"
DOCS = PACKAGE.parent.parent / "docs"

# The template folders whose health sentences must each carry {% cite %}. Add a folder here
# when its text has been given citations (insights/ and inside/ are being rewritten).
# live/ holds the live session page that used to be logbook/live.html.
CHECKED_TEMPLATE_DIRS = (
    "learn",
    "logbook",
    "live",
    "routines",
    "insights",
    "explainer",
    "charts",
    "share",
    "babylog",
)


# --- The references file ------------------------------------------------------------------


def test_the_references_file_loads_and_every_web_page_is_dated() -> None:
    references = load_references()
    assert len(references) >= 25
    for source in references.values():
        if source.url:
            assert source.accessed is not None and source.accessed <= datetime.date.today()
        if source.kind == "article":
            assert source.doi or source.pmid or ";" in source.text, source.key


def test_completed_references_carry_their_identifiers() -> None:
    references = load_references()
    assert references["sefidhaji2022"].doi == "10.1186/s13006-022-00511-7"
    assert references["sefidhaji2022"].pmid == "36175904"
    assert references["abm2022"].doi == "10.1089/bfm.2022.29207.kbm"
    assert "pp. 65–76" in references["who2009"].text
    assert references["lll_leaking"].url and references["lll_leaking"].accessed


def _write_references(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "references.yaml"
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("{short: X, kind: web, text: A page.}", "needs its url and accessed date"),
        (
            "{short: X, kind: web, text: A page., url: 'https://example.org/'}",
            "needs the date it was accessed",
        ),
        ("{short: X, kind: article, text: A. A title. J Test.}", "volume and pages"),
        ("{short: X, kind: article, text: A., doi: '11.1/x'}", "doi '11.1/x'"),
        ("{short: X, kind: leaflet, text: A.}", "kind must be one of"),
        ("{short: X, kind: book, text: A., isbn: '1'}", "unknown field(s): isbn"),
        ("{kind: book, text: A.}", "short must be non-empty"),
        ("{short: X, kind: book, text: A., accessed: 2026-12-03}", "no url given"),
    ],
)
def test_a_bad_entry_is_refused_with_a_message_naming_it(
    tmp_path: Path, entry: str, message: str
) -> None:
    path = _write_references(tmp_path, f"bad_one: {entry}\n")
    with pytest.raises(ReferenceError) as raised:
        load_references(path)
    assert "bad_one" in str(raised.value) and message in str(raised.value)


def test_an_article_with_volume_and_pages_needs_no_doi(tmp_path: Path) -> None:
    path = _write_references(
        tmp_path,
        "old: {short: Old 1978, kind: article, text: 'A. T. Br Med J. 1978;2(6135):466.'}\n",
    )
    assert load_references(path)["old"].short == "Old 1978"


def test_unknown_keys_are_named() -> None:
    with pytest.raises(ReferenceError, match="unknown citation key\\(s\\): nosuch"):
        resolve(["ramsay2004", "nosuch"])


def test_web_links_in_a_reference_tell_the_other_site_nothing() -> None:
    html = load_references()["nhs_mastitis"].html
    assert 'href="https://www.nhs.uk/conditions/mastitis/" rel="noopener noreferrer"' in html
    assert "(accessed 2026-12-03)" in html


# --- Every place that cites ---------------------------------------------------------------


def test_articles_cite_only_keys_of_the_references_file() -> None:
    known = load_references()
    for article in load_articles().values():
        assert {ref.id for ref in article.references} <= set(known), article.slug


def test_every_routine_step_cites_known_keys() -> None:
    for step in STEP_TYPES.values():
        assert step.sources, step.slug
        resolve(step.sources)


def test_model_docs_cite_only_known_keys() -> None:
    known = load_references()
    for path in sorted(DOCS.glob("*.md")):
        unknown = [k for k in markdown_citation_keys(path.read_text("utf-8")) if k not in known]
        assert unknown == [], f"{path.name} cites keys missing from references.yaml: {unknown}"


def test_every_checked_template_compiles_so_its_literal_keys_resolve() -> None:
    engine = engines["django"]
    for path in template_files(*(TEMPLATES / d for d in CHECKED_TEMPLATE_DIRS)):
        engine.get_template(str(path.relative_to(TEMPLATES)))


def test_no_health_sentence_in_checked_templates_lacks_a_citation() -> None:
    found = uncited_claims(template_files(*(TEMPLATES / d for d in CHECKED_TEMPLATE_DIRS)))
    assert found == [], "Health sentences without {% cite %}:\n" + "\n".join(map(str, found))


# --- The template check itself ------------------------------------------------------------


def _template(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "page.html"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_check_lists_an_uncited_claim_with_its_line(tmp_path: Path) -> None:
    path = _template(
        tmp_path,
        '<h1>{% translate "Tips" %}</h1>\n'
        '<p>{% translate "Stress during a feed can hold the reflex back." %}</p>\n',
    )
    [claim] = uncited_claims_in(path)
    assert claim.line == 2 and claim.sentence.startswith("Stress during a feed")


def test_a_cite_in_the_same_element_satisfies_the_check(tmp_path: Path) -> None:
    path = _template(
        tmp_path,
        "<li>{% blocktranslate %}Stress during a feed can hold the reflex back."
        '{% endblocktranslate %} {% cite "ueda1994" %}</li>\n'
        '<li>{% translate "Warmth before pumping gave more milk in one small trial." %}</li>\n',
    )
    assert [c.line for c in uncited_claims_in(path)] == [2]


def test_nocite_comments_and_disclaimers_are_let_through(tmp_path: Path) -> None:
    path = _template(
        tmp_path,
        '<p>{# nocite: a link title #}{% translate "See what stress and warmth do" %}</p>\n'
        '<p>{% translate "Educational information, not medical advice for you." %}</p>\n'
        '<p>{% translate "Tap here to save" %}</p>\n',
    )
    assert uncited_claims_in(path) == []


def test_claim_sentences_skip_interface_text() -> None:
    assert claim_sentences("Save details") == []
    assert claim_sentences("Tap Let-down when you feel it, then save.") == []
    assert claim_sentences("Oxytocin makes the muscle cells around the alveoli contract.")


# --- The {% cite %} tag and the Sources page ----------------------------------------------


def test_cite_links_each_key_to_the_sources_page() -> None:
    html = Template('{% load cite %}{% cite "ueda1994" "dewey2001" %}').render(Context())
    assert html == (
        '<span class="cite">(<a href="/learn/sources/#ref-ueda1994">Ueda 1994</a>; '
        '<a href="/learn/sources/#ref-dewey2001">Dewey 2001</a>)</span>'
    )


def test_an_unknown_key_fails_when_the_template_compiles() -> None:
    with pytest.raises(TemplateSyntaxError, match="unknown citation key 'ueda1995'"):
        Template('{% load cite %}{% cite "ueda1995" %}')


def test_a_key_from_a_variable_is_checked_when_rendered() -> None:
    template = Template("{% load cite %}{% cite_list keys %}")
    assert "Kent 2008" in template.render(Context({"keys": ["kent2008"]}))
    with pytest.raises(TemplateSyntaxError):
        template.render(Context({"keys": ["nosuch"]}))


@pytest.mark.django_db
def test_sources_page_lists_every_reference_with_its_anchor(client) -> None:
    response = client.get(reverse("learn:sources"))
    assert response.status_code == 200
    html = response.content.decode()
    for key in load_references():
        assert f'id="ref-{key}"' in html
    assert 'rel="noopener noreferrer"' in html


@pytest.mark.django_db
def test_sources_page_answers_only_get(client) -> None:
    assert client.post(reverse("learn:sources")).status_code == 405


# --- The safety content the issue asked for -----------------------------------------------


def test_help_page_has_the_signs_of_too_little_milk_nipples_mastitis_and_urgent_care() -> None:
    article = load_articles()["when-to-ask-for-help"]
    text = article.plain_text
    for phrase in ("six wet", "two dirty nappies", "dark", "hard to wake", "whites", "cracked"):
        assert phrase in text, phrase
    for phrase in ("cold packs", "ibuprofen", "do not pump extra", "deep or firm massage"):
        assert phrase in text, phrase
    assert "confused" in text and "spreads quickly" in text
    assert {"abm2022", "nice_cg98", "who2009", "nice2017"} <= {r.id for r in article.references}


def test_warmth_and_massage_advice_carries_the_caution() -> None:
    article = load_articles()["helping-let-down"]
    assert "hot, red, swollen or painful" in article.plain_text
    assert "abm2022" in {r.id for r in article.references}
    assert "no comparison group" in article.plain_text and "low in quality" in article.plain_text


def test_leaks_article_sends_her_to_a_specialist_when_leaks_persist() -> None:
    text = load_articles()["leaks"].plain_text
    assert "lactation specialist" in text and "get you down" in text


@pytest.mark.django_db
def test_page_after_a_leak_says_when_to_see_a_specialist(family, member_client, stranger_client):
    leak = LeakFactory(lactation=family.lactation)
    url = reverse("leak_detail", args=[leak.pk])
    html = member_client.get(url).content.decode()
    assert "lactation specialist (IBCLC)" in html
    assert 'href="/learn/sources/#ref-lll_leaking"' in html
    assert stranger_client.get(url).status_code == 404


def test_changed_articles_say_what_changed_at_their_end() -> None:
    for article in load_articles().values():
        assert article.last_reviewed >= datetime.date(2026, 12, 3), article.slug
        assert article.changelog[0].date == article.last_reviewed
        assert article.changelog[-1].text == "First version."


@pytest.mark.django_db
def test_article_page_shows_its_changelog_and_cited_sources(client) -> None:
    html = client.get("/learn/helping-let-down/").content.decode()
    assert "Changes to this page" in html and "2026-12-03" in html
    assert 'id="ref-abm2022"' in html


def test_every_finding_the_explainer_shows_cites_a_known_key() -> None:
    from letdown.reflex.explainer import FINDING_KEYS, FINDINGS

    for finding in FINDINGS.values():
        resolve(FINDING_KEYS[finding["source"]])


def test_the_cry_step_says_what_was_observed_not_more() -> None:
    why = STEP_TYPES["baby_cry"].why
    assert "strongest" not in why
    assert "as the baby cried" in why and "not itself been tested" in why
    assert STEP_TYPES["baby_cry"].sources == ("mcneilly1983",)


def test_the_model_docs_cite_their_sources_by_key_not_by_name() -> None:
    text = (DOCS / "reflex.md").read_text("utf-8")
    keys = markdown_citation_keys(text)
    resolve(keys)
    assert {"ueda1994", "mcneilly1983", "kent1999", "ramsay2004", "prime2011"} <= set(keys)
    # A source the references file holds is cited through its key, never as plain "Ueda 1994".
    for key, reference in load_references().items():
        assert reference.short not in text, (key, reference.short)
