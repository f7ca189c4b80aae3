"""Load, render and search the Learn articles: Markdown files with YAML front matter in which
every fact carries a citation marker such as ``[@ramsay2004]``, a key of the shared references
file (references.py). Pure Python, no Django.

The English originals sit at the top of content/; a folder named by a language code
(content/de/, content/es/) holds that language's translations under the same file names.
A reader gets each article in her language when its translation exists and is not older than
the original, and the English original otherwise."""

from __future__ import annotations

import datetime
import functools
import html
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import snowballstemmer
import yaml
from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

from letdown.routines.catalogue import STEP_TYPES

from .references import MARKDOWN_CITATION, Source, as_date, fingerprint, load_references

CONTENT_DIR = Path(__file__).resolve().parent / "content"
SOURCE_LANGUAGE = "en"
# A folder of content/ with such a name holds one language's translations ("de", "pt-br").
_LANGUAGE_FOLDER = re.compile(r"[a-z]{2,3}(?:-[a-z0-9]{2,8})*\Z")

# An article may only link to steps that exist in the Routine catalogue (also pure Python).
ROUTINE_STEP_SLUGS = frozenset(STEP_TYPES)

REQUIRED_FIELDS = (
    "title",
    "slug",
    "summary",
    "last_reviewed",
    "reviewer_role",
    "mentions_products",
    "routine_steps",
    "changelog",
)

# Nobody with clinical credentials reviews these pages, so the role must never suggest it, in
# any of the languages the articles are written in.
_CLINICAL_ROLE_WORDS = re.compile(
    r"\b(clinician|clinical|doctor|physician|midwife|nurse|ibclc|consultant|medically"
    r"|arzt|ärzt\w*|hebamme\w*|pflege\w*|\w*berater\w*|medizinisch\w*|klinisch\w*"
    r"|médic\w*|medic\w*|matrona\w*|enfermer\w*|consultor\w*|clínic\w*|sanitari\w*)\b",
    re.IGNORECASE,
)
_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)(.*)\Z", re.DOTALL)
_CITATION = MARKDOWN_CITATION
_ROUTINE_STEP_LINK = re.compile(r"/routines/steps/([^/?#]+)/\Z")
_LEARN_LINK = re.compile(r"/learn/([^/?#]+)/(?:#[^/]*)?\Z")
_URL_SCHEME = re.compile(r"[a-z][a-z0-9+.-]*:", re.IGNORECASE)
_WORD = re.compile(r"\w+")

SNIPPET_CHARS = 180


class ArticleError(ValueError):
    """An article file is malformed; the message names the file."""


@dataclass(frozen=True)
class Reference:
    id: str
    number: int
    text: str
    text_html: str


@dataclass(frozen=True)
class Change:
    """One line of an article's changelog: when it changed, and what changed."""

    date: datetime.date
    text: str


@dataclass(frozen=True)
class Article:
    slug: str
    title: str
    summary: str
    last_reviewed: datetime.date
    reviewer_role: str
    mentions_products: bool
    routine_steps: tuple[str, ...]
    references: tuple[Reference, ...]
    changelog: tuple[Change, ...]
    body_html: str
    references_html: str
    sections: tuple[tuple[str, str], ...]
    plain_text: str
    source_path: Path
    language: str = SOURCE_LANGUAGE

    @property
    def url(self) -> str:
        return article_url(self.slug)


# A stretch of text as (start, end) character positions.
Span = tuple[int, int]
# Text cut into (piece, matched) pairs: what a result shows, with what the search matched.
Pieces = tuple[tuple[str, bool], ...]


@dataclass(frozen=True)
class SearchHit:
    article: Article
    snippet_text: str
    score: float
    # The whole words the query matched in the snippet and in the title, found by the search's
    # own rules: "leaking" marks "leaks", "worry" "Anxiety", "eyeccion" "eyecciones", "letdown"
    # "let-down" and "Pumpe" all of "Milchpumpe".
    marks: tuple[Span, ...] = ()
    title_marks: tuple[Span, ...] = ()

    @property
    def snippet_pieces(self) -> Pieces:
        return pieces(self.snippet_text, self.marks)

    @property
    def title_pieces(self) -> Pieces:
        return pieces(self.article.title, self.title_marks)


def article_url(slug: str) -> str:
    return f"/learn/{slug}/"


def load_articles(
    content_dir: Path | None = None,
    references_path: Path | None = None,
    language: str | None = None,
) -> dict[str, Article]:
    """Every article in `content_dir` (default: the package's content/), keyed by slug, its
    citations resolved against the references file (default: the package's references.yaml),
    each in `language` where a current translation exists and in English otherwise."""
    return load_library(content_dir, references_path).articles(language)


@dataclass(frozen=True)
class Library:
    """The English originals and their translations, by language and slug."""

    originals: Mapping[str, Article]
    translations: Mapping[str, Mapping[str, Article]]

    @property
    def languages(self) -> tuple[str, ...]:
        return (SOURCE_LANGUAGE, *sorted(self.translations))

    def language_for(self, requested: str | None) -> str:
        """The language whose articles a reader asking for `requested` gets: "de-at" has
        the German ones, a language nobody has translated into the English ones."""
        code = (requested or SOURCE_LANGUAGE).lower().replace("_", "-")
        for candidate in (code, code.split("-")[0]):
            if candidate in self.languages:
                return candidate
        return SOURCE_LANGUAGE

    def articles(self, requested: str | None) -> dict[str, Article]:
        """Every article, in the requested language where its translation is current."""
        translated = self.translations.get(self.language_for(requested), {})
        chosen: dict[str, Article] = {}
        for slug, original in self.originals.items():
            translation = translated.get(slug)
            current = translation is not None and not _is_stale(translation, original)
            chosen[slug] = translation if translation is not None and current else original
        return chosen

    def stale(self) -> list[Article]:
        """Translations reviewed before their original last changed: they are not shown
        (the reader gets the original) until someone brings them up to date."""
        return [
            translation
            for by_slug in self.translations.values()
            for slug, translation in by_slug.items()
            if _is_stale(translation, self.originals[slug])
        ]


def _is_stale(translation: Article, original: Article) -> bool:
    # A changed original may carry corrected health advice; an older translation must not
    # keep showing what it replaced.
    return translation.last_reviewed < original.last_reviewed


def load_library(content_dir: Path | None = None, references_path: Path | None = None) -> Library:
    """All articles of `content_dir` in every language.

    Parsed once per set of file versions: the cache key includes each file's mtime and size,
    so an edited article or references file is picked up without a restart.
    """
    directory = Path(content_dir) if content_dir is not None else CONTENT_DIR
    paths = sorted(directory.glob("*.md")) + sorted(directory.glob("*/*.md"))
    files = tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in paths)
    return _load_fingerprinted(str(directory), files, fingerprint(references_path))


@functools.lru_cache(maxsize=16)
def _load_fingerprinted(
    directory: str, files: tuple[tuple[str, int, int], ...], references_file: tuple[str, int, int]
) -> Library:
    sources = load_references(Path(references_file[0]))
    by_language: dict[str, dict[str, Article]] = {}
    learn_links: list[tuple[Article, set[str]]] = []
    for path_text, _mtime, _size in files:
        path = Path(path_text)
        language = _language_of(path, Path(directory))
        article, linked_slugs = _load_article(path, sources, language)
        by_language.setdefault(language, {})[article.slug] = article
        learn_links.append((article, linked_slugs))
    originals = by_language.pop(SOURCE_LANGUAGE, {})
    for article, linked in learn_links:
        missing = sorted(linked - originals.keys())
        if missing:
            path = article.source_path
            raise ArticleError(f"{path}: links to unknown article(s): {', '.join(missing)}")
    for translations in by_language.values():
        for slug, translation in translations.items():
            _check_translation(translation, originals.get(slug))
    return Library(originals=originals, translations=by_language)


def _language_of(path: Path, directory: Path) -> str:
    if path.parent == directory:
        return SOURCE_LANGUAGE
    folder = path.parent.name
    if not _LANGUAGE_FOLDER.match(folder) or folder == SOURCE_LANGUAGE:
        raise ArticleError(
            f"{path}: a folder of the content holds one language's translations and is named "
            f"by its code (de, es, pt-br); the English originals sit at the top, not in {folder!r}"
        )
    return folder


def _check_translation(translation: Article, original: Article | None) -> None:
    """A translation says what its original says: the same sources, steps and products."""
    path = translation.source_path
    if original is None:
        raise ArticleError(f"{path}: translates no article (there is no English {path.name})")
    ids = {ref.id for ref in translation.references}
    original_ids = {ref.id for ref in original.references}
    if ids != original_ids:
        raise ArticleError(
            f"{path}: must cite the sources of its original, no more and no fewer: "
            f"missing {sorted(original_ids - ids)}, extra {sorted(ids - original_ids)}"
        )
    if set(translation.routine_steps) != set(original.routine_steps):
        raise ArticleError(f"{path}: routine_steps differ from the original's")
    if translation.mentions_products != original.mentions_products:
        raise ArticleError(f"{path}: mentions_products differs from the original's")


def _load_article(
    path: Path, sources: Mapping[str, Source], language: str
) -> tuple[Article, set[str]]:
    match = _FRONT_MATTER.match(path.read_text(encoding="utf-8"))
    if match is None:
        raise ArticleError(f"{path}: no YAML front matter between '---' lines at the top")
    try:
        meta = yaml.safe_load(match.group(1))
    except yaml.YAMLError as error:
        raise ArticleError(f"{path}: front matter is not valid YAML: {error}") from error
    if not isinstance(meta, dict):
        raise ArticleError(f"{path}: front matter must be a mapping of fields")
    _check_fields(path, meta)
    slug = _text_field(path, meta, "slug")
    if slug != path.stem:
        raise ArticleError(f"{path}: slug {slug!r} does not match the file name {path.stem!r}")
    routine_steps = _routine_steps(path, meta["routine_steps"])
    last_reviewed = _date_field(path, meta["last_reviewed"])
    changelog = _changelog(path, meta["changelog"], last_reviewed)
    rendered = _render(path, match.group(2), sources)

    linked_steps = {s for s in (_step_of(href) for href in rendered.hrefs) if s is not None}
    unknown_steps = sorted(linked_steps - ROUTINE_STEP_SLUGS)
    if unknown_steps:
        raise ArticleError(f"{path}: links to unknown routine step(s): {', '.join(unknown_steps)}")
    if linked_steps != set(routine_steps):
        raise ArticleError(
            f"{path}: routine_steps {sorted(routine_steps)} must list exactly the steps the "
            f"body links to {sorted(linked_steps)}"
        )
    references = tuple(
        Reference(
            id=ref_id,
            number=number,
            text=sources[ref_id].full_text,
            text_html=sources[ref_id].html,
        )
        for number, ref_id in enumerate(rendered.cited, start=1)
    )
    article = Article(
        slug=slug,
        title=_text_field(path, meta, "title"),
        summary=_text_field(path, meta, "summary"),
        last_reviewed=last_reviewed,
        reviewer_role=_reviewer_role(path, meta),
        mentions_products=_bool_field(path, meta, "mentions_products"),
        routine_steps=routine_steps,
        references=references,
        changelog=changelog,
        body_html=rendered.html,
        references_html=_references_list_html(references),
        sections=rendered.sections,
        plain_text=rendered.plain_text,
        source_path=path,
        language=language,
    )
    linked_articles = {m.group(1) for m in map(_LEARN_LINK.match, rendered.hrefs) if m}
    return article, linked_articles


def _check_fields(path: Path, meta: Mapping[str, Any]) -> None:
    missing = [name for name in REQUIRED_FIELDS if meta.get(name) is None]
    if missing:
        raise ArticleError(f"{path}: missing front-matter field(s): {', '.join(missing)}")
    unknown = sorted(set(meta) - set(REQUIRED_FIELDS))
    if unknown:
        raise ArticleError(f"{path}: unknown front-matter field(s): {', '.join(unknown)}")


def _text_field(path: Path, meta: Mapping[str, Any], name: str) -> str:
    value = meta[name]
    if not isinstance(value, str) or not value.strip():
        raise ArticleError(f"{path}: front-matter field {name!r} must be non-empty text")
    return value.strip()


def _bool_field(path: Path, meta: Mapping[str, Any], name: str) -> bool:
    value = meta[name]
    if not isinstance(value, bool):
        raise ArticleError(f"{path}: front-matter field {name!r} must be true or false")
    return value


def _date_field(path: Path, value: Any, name: str = "last_reviewed") -> datetime.date:
    date = as_date(value)
    if date is None:
        raise ArticleError(f"{path}: {name} must be an ISO date such as 2026-11-27")
    return date


def _reviewer_role(path: Path, meta: Mapping[str, Any]) -> str:
    role = _text_field(path, meta, "reviewer_role")
    if _CLINICAL_ROLE_WORDS.search(role):
        raise ArticleError(f"{path}: reviewer_role must not suggest a clinical review: {role!r}")
    return role


def _routine_steps(path: Path, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(step, str) for step in value):
        raise ArticleError(f"{path}: routine_steps must be a list of step slugs (may be [])")
    unknown = sorted(set(value) - ROUTINE_STEP_SLUGS)
    if unknown:
        raise ArticleError(f"{path}: unknown routine step(s): {', '.join(unknown)}")
    return tuple(value)


def _changelog(path: Path, value: Any, last_reviewed: datetime.date) -> tuple[Change, ...]:
    """The article's changes, newest first; the newest must be the last-reviewed date, so a
    change to the text cannot go out without both."""
    if not isinstance(value, list) or not value:
        raise ArticleError(f"{path}: changelog must be a list of {{date, change}} entries")
    changes: list[Change] = []
    for entry in value:
        if not isinstance(entry, dict) or set(entry) != {"date", "change"}:
            raise ArticleError(f"{path}: each changelog entry needs 'date' and 'change': {entry!r}")
        text = entry["change"]
        if not isinstance(text, str) or not text.strip():
            raise ArticleError(f"{path}: a changelog entry has no text")
        changes.append(
            Change(
                date=_date_field(path, entry["date"], "a changelog date"),
                text=" ".join(text.split()),
            )
        )
    dates = [change.date for change in changes]
    if dates != sorted(dates, reverse=True):
        raise ArticleError(f"{path}: changelog entries must be newest first")
    if dates[0] != last_reviewed:
        raise ArticleError(
            f"{path}: last_reviewed {last_reviewed} must be the date of the newest changelog "
            f"entry ({dates[0]})"
        )
    return tuple(changes)


def _step_of(href: str) -> str | None:
    match = _ROUTINE_STEP_LINK.match(href)
    return match.group(1) if match else None


# --- Notices ------------------------------------------------------------------------------

NOTICES_FILE = "notices.yaml"
NOTICE_FIELDS = ("education_only", "disclaimer", "product_caution", "list_disclaimer")


@dataclass(frozen=True)
class Notices:
    """What every article page says around the article: that it is for education only and no
    substitute for a doctor or a lactation specialist, and that naming a kind of product is
    no endorsement. Kept with the articles, so they are translated with the same care."""

    language: str
    education_only: str
    disclaimer: str
    product_caution: str
    list_disclaimer: str


def load_notices(language: str | None, content_dir: Path | None = None) -> Notices:
    """The notices in `language` ("de-at" reads content/de/), in English if untranslated."""
    directory = Path(content_dir) if content_dir is not None else CONTENT_DIR
    code = (language or SOURCE_LANGUAGE).lower().replace("_", "-")
    for candidate in (code, code.split("-")[0]):
        folder = directory if candidate == SOURCE_LANGUAGE else directory / candidate
        path = folder / NOTICES_FILE
        if _LANGUAGE_FOLDER.match(candidate) and path.is_file():
            return _load_notices(str(path), path.stat().st_mtime_ns, candidate)
    path = directory / NOTICES_FILE
    return _load_notices(str(path), path.stat().st_mtime_ns, SOURCE_LANGUAGE)


@functools.lru_cache(maxsize=16)
def _load_notices(path: str, _mtime: int, language: str) -> Notices:
    meta = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    if not isinstance(meta, dict) or set(meta) != set(NOTICE_FIELDS):
        raise ArticleError(f"{path}: needs exactly the fields {', '.join(NOTICE_FIELDS)}")
    texts = {name: meta[name] for name in NOTICE_FIELDS}
    if not all(isinstance(text, str) and text.strip() for text in texts.values()):
        raise ArticleError(f"{path}: every notice must be non-empty text")
    return Notices(language=language, **{name: " ".join(v.split()) for name, v in texts.items()})


# --- Markdown rendering -------------------------------------------------------------------


@dataclass(frozen=True)
class _Rendered:
    html: str
    sections: tuple[tuple[str, str], ...]
    plain_text: str
    cited: tuple[str, ...]
    hrefs: tuple[str, ...]


def _render(path: Path, body: str, sources: Mapping[str, Source]) -> _Rendered:
    env: dict[str, Any] = {"cited": []}
    tokens = _MARKDOWN.parse(body, env)
    cited: list[str] = env["cited"]
    unknown = [ref_id for ref_id in cited if ref_id not in sources]
    if unknown:
        raise ArticleError(
            f"{path}: citation key(s) not in the references file: {', '.join(unknown)}"
        )
    if not cited:
        raise ArticleError(f"{path}: cites no source")
    env["numbers"] = {ref_id: number for number, ref_id in enumerate(cited, start=1)}
    sections = _anchor_sections(tokens)
    hrefs = tuple(
        str(token.attrs["href"])
        for block in tokens
        if block.type == "inline"
        for token in block.children or ()
        if token.type == "link_open"
    )
    html_text = _MARKDOWN.renderer.render(tokens, _MARKDOWN.options, env)
    return _Rendered(
        html=html_text,
        sections=sections,
        plain_text=_plain_text(tokens),
        cited=tuple(cited),
        hrefs=hrefs,
    )


def _anchor_sections(tokens: Sequence[Token]) -> tuple[tuple[str, str], ...]:
    """Give every `##` heading a stable id from its text and list (anchor, title) pairs."""
    sections: list[tuple[str, str]] = []
    used: set[str] = set()
    for index, token in enumerate(tokens):
        if token.type != "heading_open" or token.tag != "h2":
            continue
        title = _inline_text(tokens[index + 1].children or ())
        anchor = _slugify(title) or "section"
        # A repeated heading must still get a unique id, or its link would jump to the first.
        candidate, counter = anchor, 2
        while candidate in used:
            candidate, counter = f"{anchor}-{counter}", counter + 1
        used.add(candidate)
        token.attrSet("id", candidate)
        sections.append((candidate, title))
    return tuple(sections)


def _plain_text(tokens: Sequence[Token]) -> str:
    blocks = (_inline_text(t.children or ()) for t in tokens if t.type == "inline")
    return "\n".join(block for block in blocks if block)


def _inline_text(children: Iterable[Token]) -> str:
    parts: list[str] = []
    for child in children:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return " ".join("".join(parts).split())


def _slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def _citation_rule(state: StateInline, silent: bool) -> bool:
    if state.src[state.pos] != "[":
        return False
    match = _CITATION.match(state.src, state.pos)
    if match is None:
        return False
    if not silent:
        ids = [part.strip().lstrip("@") for part in match.group(1).split(";")]
        cited: list[str] = state.env["cited"]
        cited.extend(ref_id for ref_id in ids if ref_id not in cited)
        # "…the alveoli [@a]." should read "…the alveoli¹." with no gap before the number.
        state.pending = state.pending.rstrip(" \t")
        if not state.pending and state.tokens and state.tokens[-1].type == "softbreak":
            state.tokens.pop()  # the marker began a new source line
        token = state.push("citation", "sup", 0)
        token.meta = {"ids": ids}
    state.pos = match.end()
    return True


def _render_citation(
    renderer: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    numbers: Mapping[str, int] = env["numbers"]
    links = ", ".join(
        f'<a href="#ref-{ref_id}">{numbers[ref_id]}</a>' for ref_id in tokens[idx].meta["ids"]
    )
    return f'<sup class="citation">[{links}]</sup>'


def _render_link_open(
    renderer: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    token = tokens[idx]
    if str(token.attrs.get("href", "")).lower().startswith(("http://", "https://")):
        # Leaving the app must not tell the other site which page the parent was reading.
        token.attrSet("rel", "noopener noreferrer")
    return renderer.renderToken(tokens, idx, options, env)


def _render_image_as_text(
    renderer: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    # An image could load from a third-party host, which the app never does: keep its alt text.
    alt_text = renderer.renderInlineAsText(tokens[idx].children or [], options, env)
    return html.escape(alt_text)


def _is_allowed_link(url: str) -> bool:
    """Only http(s), site-relative, document-relative and #anchor links are kept."""
    url = url.strip()
    if url.startswith("//"):
        # Protocol-relative URLs point at another host; say so explicitly with https://.
        return False
    if url.lower().startswith(("http://", "https://", "#", "/")):
        return True
    return _URL_SCHEME.match(url) is None


def _build_markdown() -> MarkdownIt:
    # html=False: any tag in the content is shown as text, never passed to the page.
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.validateLink = _is_allowed_link  # type: ignore[method-assign]
    md.inline.ruler.before("link", "citation", _citation_rule)
    md.add_render_rule("citation", _render_citation)
    md.add_render_rule("link_open", _render_link_open)
    md.add_render_rule("image", _render_image_as_text)
    return md


_MARKDOWN = _build_markdown()


def _references_list_html(references: Sequence[Reference]) -> str:
    items = "".join(
        f'<li id="ref-{ref.id}" value="{ref.number}">{ref.text_html}</li>' for ref in references
    )
    return f'<ol class="references">{items}</ol>'


# --- Search -------------------------------------------------------------------------------

_TITLE_WEIGHT = 10.0
_SUMMARY_WEIGHT = 4.0
_BODY_WEIGHT = 1.0
_BODY_HITS_COUNTED = 5  # beyond a few mentions, repetition says little about relevance


def search(
    articles: Mapping[str, Article],
    query: str,
    limit: int = 10,
    synonyms: Mapping[str, frozenset[str]] | None = None,
    language: str = SOURCE_LANGUAGE,
) -> list[SearchHit]:
    """Articles whose title, summary or text contain every word of `query` (as word starts),
    best first. Matching ignores case, accents and hyphens ("letdown" finds "let-down",
    "dmer" finds "D-MER", "eyeccion" finds "eyección"), endings by the rules of the query's
    `language` ("leaking" finds "leaks", "pérdidas" finds "pérdida", "Brüste" finds "Brust"),
    and finds the synonyms kept with that language's articles (synonyms.yaml)."""
    language = language if language in _RULES else SOURCE_LANGUAGE
    synonyms = load_synonyms(language) if synonyms is None else synonyms
    words = _query_words(query, synonyms, language)
    if not words or limit <= 0:
        return []
    terms = [_term(word, synonyms, language) for word in words]
    patterns = [p for term in terms for p in term]
    ignored = _RULES[language].title_stopwords
    hits: list[SearchHit] = []
    for article in articles.values():
        title, summary = _fold(article.title), _fold(article.summary)
        body, body_index = _fold_with_index(article.plain_text)
        # A title made mostly of the query words ("What is let-down?" for "let down") beats a
        # longer title that merely contains them.
        title_words = [m.span() for m in _WORD.finditer(title) if m.group() not in ignored]
        found = [m.span() for term in terms for p in term for m in p.finditer(title)]
        # A title word counts as covered when a match starts it (a stem covers its endings).
        covered = sum(any(a <= start < b for a, b in found) for start, _end in title_words)
        score = _TITLE_WEIGHT * covered / max(len(title_words), 1)
        for term in terms:
            in_title = any(p.search(title) for p in term)
            in_summary = any(p.search(summary) for p in term)
            # Each place once, however many of the term's patterns found it: "let-down" is
            # found by "letdown" and by its synonym "let-down", and must not count twice.
            body_hits = len({m.start() for p in term for m in p.finditer(body)})
            if not (in_title or in_summary or body_hits):
                break
            # The best field counts once: a summary repeating a title word adds nothing.
            score += _TITLE_WEIGHT if in_title else _SUMMARY_WEIGHT * in_summary
            score += _BODY_WEIGHT * min(body_hits, _BODY_HITS_COUNTED)
        else:
            snippet = _snippet(article, body, body_index, patterns)
            hits.append(
                SearchHit(
                    article=article,
                    snippet_text=snippet,
                    score=score,
                    marks=_marks(snippet, patterns),
                    title_marks=_marks(article.title, patterns),
                )
            )
    # On equal scores the shorter, more general title comes first.
    hits.sort(key=lambda hit: (-hit.score, len(hit.article.title), hit.article.title))
    return hits[:limit]


SYNONYMS_FILE = "synonyms.yaml"
SYNONYMS_PATH = CONTENT_DIR / SYNONYMS_FILE
_ENDINGS = (("ing", 6), ("ed", 5), ("s", 4))  # an ending, and the shortest word it is cut from


def _stem(word: str) -> str:
    """The word without a common English ending, so its prefix finds the other forms:
    "leaking" and "leaks" both become "leak"; "stopping" becomes "stop"."""
    for ending, shortest in _ENDINGS:
        if len(word) >= shortest and word.endswith(ending) and not word.endswith("ss"):
            stem = word[: -len(ending)]
            if (
                ending != "s"
                and len(stem) > 3
                and stem[-1] == stem[-2]
                and stem[-1] not in "aeiouls"
            ):
                stem = stem[:-1]
            return stem
    return word


@dataclass(frozen=True)
class _Rules:
    """How one language's query words find the text: the stem that finds a word's other
    forms, and whether a word may be found inside a longer one."""

    stem: Callable[[str], str]
    # German joins nouns into one word: "Reflex" must find "Milchspendereflex" and "Pumpe"
    # "Milchpumpe". Only stems of this many letters or more are looked for inside words.
    inside_words_from: int | None = None
    # Little words that make a title longer without saying more ("¿Qué es el reflejo de
    # eyección de la leche?" is about three words), left out when weighing a title's match.
    title_stopwords: frozenset[str] = frozenset()


def _snowball(algorithm: str) -> Callable[[str], str]:
    """A stemmer from the Snowball project's algorithms (snowballstemmer). A stemmer object
    keeps state while it works, so each call makes its own; the cache keeps that rare."""

    @functools.lru_cache(maxsize=4096)
    def stem(word: str) -> str:
        stemmed = _fold(snowballstemmer.stemmer(algorithm).stemWord(word))
        # A stem of one or two letters would find half the text; keep the word whole.
        return stemmed if len(stemmed) >= 3 else word

    return stem


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_RULES: dict[str, _Rules] = {
    SOURCE_LANGUAGE: _Rules(stem=_stem),
    "es": _Rules(
        stem=_snowball("spanish"),
        title_stopwords=_words(
            "a al con como de del el en es la las lo los para por que se su tu un una y"
        ),
    ),
    "de": _Rules(
        stem=_snowball("german"),
        inside_words_from=4,
        title_stopwords=_words(
            "am auf bei beim das dem den der des die du ein eine einer im in ist mit und "
            "von was wann wie zu zum zur"
        ),
    ),
}
# A hyphen between letters of a query joins them into one word ("let-down", "let‐down").
_JOINED = re.compile(r"(?<=\w)[\-‐](?=\w)")
# Typed without umlauts, German writes ae, oe, ue ("Uebelkeit"); the text has ä, ö, ü, which
# folding turns into a, o, u.
_GERMAN_UMLAUT_SPELLING = re.compile(r"(?<=[a-z])(?<!q)(?:ae|oe|ue)|^(?:ae|oe|ue)")


def _query_words(query: str, synonyms: Mapping[str, frozenset[str]], language: str) -> list[str]:
    """The query's words, folded. A hyphenated word is one word ("let-down" is "letdown",
    "D-MER" "dmer"), and words that together make a phrase of the synonym list are one
    ("milk ejection reflex", "bajada de la leche"), so each finds what its one-word spelling
    finds instead of being words that must each be found."""
    stem = _RULES[language].stem
    words = _WORD.findall(_JOINED.sub("", _fold(query)))
    joined: list[str] = []
    index = 0
    while index < len(words):
        for end in range(len(words), index + 1, -1):  # the longest phrase first
            phrase = "".join(words[index:end])
            if phrase in synonyms or stem(phrase) in synonyms:
                joined.append(phrase)
                index = end
                break
        else:
            joined.append(words[index])
            index += 1
    return joined


def _squash(text: str) -> str:
    """A phrase as a synonym key: folded, its hyphens and spaces gone."""
    return "".join(_WORD.findall(_fold(text)))


def load_synonyms(
    language: str = SOURCE_LANGUAGE, path: Path | None = None
) -> Mapping[str, frozenset[str]]:
    """Each word or phrase of a language's synonyms.yaml (content/synonyms.yaml for English,
    content/<language>/synonyms.yaml for the others), squashed, to every phrase of its group;
    empty for a language without the file."""
    if path is None:
        path = (
            SYNONYMS_PATH if language == SOURCE_LANGUAGE else CONTENT_DIR / language / SYNONYMS_FILE
        )
    if not path.is_file():
        return {}
    return _load_synonyms(str(path), path.stat().st_mtime_ns, language)


@functools.lru_cache(maxsize=8)
def _load_synonyms(path: str, _mtime: int, language: str) -> Mapping[str, frozenset[str]]:
    stem = _RULES.get(language, _RULES[SOURCE_LANGUAGE]).stem
    groups = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or []
    table: dict[str, set[str]] = {}
    for group in groups:
        if not isinstance(group, list) or not all(isinstance(p, str) for p in group):
            raise ValueError(f"{path}: each line must be a list of phrases")
        for phrase in group:
            for key in {_squash(phrase), stem(_squash(phrase))}:
                table.setdefault(key, set()).update(_fold(p) for p in group)
    return {key: frozenset(phrases) for key, phrases in table.items()}


def _term(
    word: str, synonyms: Mapping[str, frozenset[str]], language: str = SOURCE_LANGUAGE
) -> tuple[re.Pattern[str], ...]:
    """The patterns one query word matches by: the word itself (its stem as a word start, any
    hyphen between its letters allowed) or any of its synonyms."""
    stem = _RULES[language].stem
    spellings = {word}
    if language == "de":
        spellings.add(_GERMAN_UMLAUT_SPELLING.sub(lambda m: m.group(0)[0], word))
    phrases: set[str] = set()
    for spelling in spellings:
        phrases |= {stem(spelling)} | synonyms.get(spelling, frozenset())
        phrases |= synonyms.get(stem(spelling), frozenset())
    return tuple(_word_start(phrase, language) for phrase in sorted(phrases))


@functools.lru_cache(maxsize=512)
def _word_start(phrase: str, language: str = SOURCE_LANGUAGE) -> re.Pattern[str]:
    """A phrase's words as word starts; a hyphen may sit between any two letters and a space
    or hyphen between words ("letdown" finds "let-down", "milk ejection" "milk-ejection")."""
    rules = _RULES[language]
    words = _WORD.findall(phrase)
    if len(words) > 1:
        # A phrase is matched whole except for its last word, which may carry an ending.
        parts = [_letters(w) + r"\b" for w in words[:-1]] + [_letters(rules.stem(words[-1]))]
        return re.compile(r"\b" + r"[\s\-‐]+".join(parts))
    inside = rules.inside_words_from is not None and len(phrase) >= rules.inside_words_from
    return re.compile(("" if inside else r"\b") + _letters(phrase))


def _letters(word: str) -> str:
    return "[\\-‐]?".join(re.escape(char) for char in word)


def _fold(text: str) -> str:
    return _fold_with_index(text)[0]


@functools.lru_cache(maxsize=64)
def _fold_with_index(text: str) -> tuple[str, tuple[int, ...]]:
    """Lower-case, accent-free text and, for each of its characters, the index of the
    original character it came from (folding can change lengths: "ß" becomes "ss")."""
    folded: list[str] = []
    index: list[int] = []
    for position, char in enumerate(text):
        for part in unicodedata.normalize("NFKD", char.casefold()):
            if not unicodedata.combining(part):
                folded.append(part)
                index.append(position)
    return "".join(folded), tuple(index)


def _marks(text: str, patterns: Sequence[re.Pattern[str]]) -> tuple[Span, ...]:
    """The whole words of `text` the patterns match, in order, overlapping ones merged: a stem
    marks all of "leaking", "letdown" all of "LET-DOWNS", "Reflex" all of "Milchspendereflex"."""
    folded, index = _fold_with_index(text)
    spans = sorted(
        _whole_words(text, index[m.start()], index[m.end() - 1])
        for pattern in patterns
        for m in pattern.finditer(folded)
        if m.end() > m.start()
    )
    merged: list[Span] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return tuple(merged)


def _whole_words(text: str, first: int, last: int) -> Span:
    """From the start of the word holding the character at `first` to the end of the word
    holding the one at `last`."""
    while first > 0 and _WORD.match(text, first - 1):
        first -= 1
    word = _WORD.match(text, last)
    return first, word.end() if word else last + 1


def pieces(text: str, marks: Iterable[Span]) -> Pieces:
    """`text` cut into (piece, matched) pairs at the marked spans (SearchHit.marks)."""
    cut: list[tuple[str, bool]] = []
    position = 0
    for start, end in marks:
        cut += [(text[position:start], False), (text[start:end], True)]
        position = end
    cut.append((text[position:], False))
    return tuple((piece, matched) for piece, matched in cut if piece)


def _snippet(
    article: Article, body: str, body_index: Sequence[int], patterns: list[re.Pattern[str]]
) -> str:
    """Plain text around the first query word found in the body, taken from within one
    paragraph or heading; the summary when only the title or summary matched."""
    starts = [m.start() for m in (p.search(body) for p in patterns) if m]
    if not starts:
        return article.summary
    text = article.plain_text
    centre = body_index[min(starts)]
    block_start = text.rfind("\n", 0, centre) + 1
    block_end = text.find("\n", centre) % (len(text) + 1)
    start = max(block_start, centre - SNIPPET_CHARS // 3)
    end = min(block_end, start + SNIPPET_CHARS)
    # Cut at spaces so the snippet neither starts nor ends inside a word.
    if start > block_start:
        start = text.find(" ", start, centre) + 1 or start
    last_space = text.rfind(" ", centre, end)
    if end < block_end and last_space > centre:
        end = last_space
    cut_before, cut_after = start > block_start, end < block_end
    return ("…" if cut_before else "") + text[start:end].strip() + ("…" if cut_after else "")
