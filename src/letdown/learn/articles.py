"""Load, render and search the Learn articles: Markdown files with YAML front matter in which
every fact carries a citation marker such as ``[@ramsay2004]``, a key of the shared references
file (references.py). Pure Python, no Django."""

from __future__ import annotations

import datetime
import functools
import html
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

from letdown.routines.catalogue import STEP_TYPES

from .references import MARKDOWN_CITATION, Source, as_date, fingerprint, load_references

CONTENT_DIR = Path(__file__).resolve().parent / "content"

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

# Nobody with clinical credentials reviews these pages, so the role must never suggest it.
_CLINICAL_ROLE_WORDS = re.compile(
    r"\b(clinician|clinical|doctor|physician|midwife|nurse|ibclc|consultant|medically)\b",
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

    @property
    def url(self) -> str:
        return article_url(self.slug)


@dataclass(frozen=True)
class SearchHit:
    article: Article
    snippet_text: str
    score: float


def article_url(slug: str) -> str:
    return f"/learn/{slug}/"


def load_articles(
    content_dir: Path | None = None, references_path: Path | None = None
) -> dict[str, Article]:
    """Every article in `content_dir` (default: the package's content/), keyed by slug, its
    citations resolved against the references file (default: the package's references.yaml).

    Parsed once per set of file versions: the cache key includes each file's mtime and size,
    so an edited article or references file is picked up without a restart.
    """
    directory = Path(content_dir) if content_dir is not None else CONTENT_DIR
    # Recursive, so articles may be grouped in folders; a slug must still be unique.
    paths = sorted(directory.rglob("*.md"))
    files = tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in paths)
    return dict(_load_fingerprinted(files, fingerprint(references_path)))


@functools.lru_cache(maxsize=16)
def _load_fingerprinted(
    files: tuple[tuple[str, int, int], ...], references_file: tuple[str, int, int]
) -> Mapping[str, Article]:
    sources = load_references(Path(references_file[0]))
    articles: dict[str, Article] = {}
    learn_links: dict[str, set[str]] = {}
    for path_text, _mtime, _size in files:
        path = Path(path_text)
        article, linked_slugs = _load_article(path, sources)
        if article.slug in articles:
            other = articles[article.slug].source_path
            raise ArticleError(f"{path}: duplicate slug {article.slug!r} (also in {other})")
        articles[article.slug] = article
        learn_links[article.slug] = linked_slugs
    for slug, linked in learn_links.items():
        missing = sorted(linked - articles.keys())
        if missing:
            path = articles[slug].source_path
            raise ArticleError(f"{path}: links to unknown article(s): {', '.join(missing)}")
    return articles


def _load_article(path: Path, sources: Mapping[str, Source]) -> tuple[Article, set[str]]:
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
) -> list[SearchHit]:
    """Articles whose title, summary or text contain every word of `query` (as word starts),
    best first. Matching ignores case, accents and hyphens ("letdown" finds "let-down",
    "dmer" finds "D-MER"), common endings ("leaking" finds "leaks"), and finds the synonyms
    kept with the articles (content/synonyms.yaml)."""
    words = _WORD.findall(_fold(query))
    if not words or limit <= 0:
        return []
    synonyms = load_synonyms() if synonyms is None else synonyms
    terms = [_term(word, synonyms) for word in words]
    hits: list[SearchHit] = []
    for article in articles.values():
        title, summary = _fold(article.title), _fold(article.summary)
        body, body_index = _fold_with_index(article.plain_text)
        # A title made mostly of the query words ("What is let-down?" for "let down") beats a
        # longer title that merely contains them.
        title_words = [m.span() for m in _WORD.finditer(title)]
        found = [m.span() for term in terms for p in term for m in p.finditer(title)]
        covered = sum(any(a <= start and end <= b for a, b in found) for start, end in title_words)
        score = _TITLE_WEIGHT * covered / max(len(title_words), 1)
        for term in terms:
            in_title = any(p.search(title) for p in term)
            in_summary = any(p.search(summary) for p in term)
            body_hits = sum(len(p.findall(body)) for p in term)
            if not (in_title or in_summary or body_hits):
                break
            # The best field counts once: a summary repeating a title word adds nothing.
            score += _TITLE_WEIGHT if in_title else _SUMMARY_WEIGHT * in_summary
            score += _BODY_WEIGHT * min(body_hits, _BODY_HITS_COUNTED)
        else:
            snippet = _snippet(article, body, body_index, [p for term in terms for p in term])
            hits.append(SearchHit(article=article, snippet_text=snippet, score=score))
    # On equal scores the shorter, more general title comes first.
    hits.sort(key=lambda hit: (-hit.score, len(hit.article.title), hit.article.title))
    return hits[:limit]


SYNONYMS_PATH = CONTENT_DIR / "synonyms.yaml"
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


def _squash(text: str) -> str:
    """A phrase as a synonym key: folded, its hyphens and spaces gone."""
    return "".join(_WORD.findall(_fold(text)))


@functools.lru_cache(maxsize=4)
def load_synonyms(path: Path | None = None) -> Mapping[str, frozenset[str]]:
    """Each word or phrase of content/synonyms.yaml, squashed, to every phrase of its group."""
    groups = yaml.safe_load((path or SYNONYMS_PATH).read_text(encoding="utf-8")) or []
    table: dict[str, set[str]] = {}
    for group in groups:
        if not isinstance(group, list) or not all(isinstance(p, str) for p in group):
            raise ValueError(f"{path or SYNONYMS_PATH}: each line must be a list of phrases")
        for phrase in group:
            for key in {_squash(phrase), _stem(_squash(phrase))}:
                table.setdefault(key, set()).update(_fold(p) for p in group)
    return {key: frozenset(phrases) for key, phrases in table.items()}


def _term(word: str, synonyms: Mapping[str, frozenset[str]]) -> tuple[re.Pattern[str], ...]:
    """The patterns one query word matches by: the word itself (its stem as a word start, any
    hyphen between its letters allowed) or any of its synonyms."""
    phrases = (
        {_stem(word)} | synonyms.get(word, frozenset()) | synonyms.get(_stem(word), frozenset())
    )
    return tuple(_word_start(phrase) for phrase in sorted(phrases))


@functools.lru_cache(maxsize=256)
def _word_start(phrase: str) -> re.Pattern[str]:
    """A phrase's words as word starts; a hyphen may sit between any two letters and a space
    or hyphen between words ("letdown" finds "let-down", "milk ejection" "milk-ejection")."""
    words = _WORD.findall(phrase)
    if len(words) > 1:
        # A phrase is matched whole except for its last word, which may carry an ending.
        parts = [_letters(w) + r"\b" for w in words[:-1]] + [_letters(_stem(words[-1]))]
        return re.compile(r"\b" + r"[\s\-‐]+".join(parts))
    return re.compile(r"\b" + _letters(phrase))


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
