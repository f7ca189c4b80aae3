"""The one list of sources the app cites (references.yaml), loaded and checked: every Learn
article, template citation, routine step and model document cites a key from it. Pure Python,
no Django."""

from __future__ import annotations

import datetime
import functools
import html
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

REFERENCES_PATH = Path(__file__).resolve().parent / "references.yaml"

KINDS = frozenset({"article", "guideline", "book", "web"})
_FIELDS = frozenset({"short", "kind", "text", "doi", "pmid", "pmcid", "url", "accessed"})
_KEY = re.compile(r"[a-z0-9][a-z0-9_-]*\Z")
_DOI = re.compile(r"10\.\d{4,9}/\S+\Z")
_PMID = re.compile(r"\d{5,9}\Z")
_PMCID = re.compile(r"PMC\d{4,9}\Z")
# A journal citation a reader can find: volume and pages or an article number ("2015;15:156",
# "1978;2(6135):466", "2016;9:CD006170"), or a DOI or PMID that leads to it.
_VOLUME_AND_PAGES = re.compile(r"\d{4};\s*\d+(?:\s*\([^)]*\))?:\s*[A-Za-z]*\d+")
# [@key] or [@key; @other] in Markdown (articles and docs).
MARKDOWN_CITATION = re.compile(r"\[(@[a-z0-9][a-z0-9_-]*(?:[ \t]*;[ \t]*@[a-z0-9][a-z0-9_-]*)*)\]")


class ReferenceError(ValueError):
    """The references file is malformed, or a key is cited that it does not hold."""


@dataclass(frozen=True)
class Source:
    """One entry of references.yaml."""

    key: str
    short: str
    kind: str
    text: str
    doi: str | None
    pmid: str | None
    pmcid: str | None
    url: str | None
    accessed: datetime.date | None

    @property
    def full_text(self) -> str:
        """The citation as a reader sees it, with its identifiers and, for a web page, the
        address and the date it was checked."""
        parts = [self.text]
        if self.doi:
            parts.append(f"doi:{self.doi}.")
        if self.pmid:
            parts.append(f"PMID {self.pmid}.")
        if self.pmcid:
            parts.append(f"{self.pmcid}.")
        if self.url:
            accessed = f" (accessed {self.accessed.isoformat()})" if self.accessed else ""
            parts.append(f"{self.url}{accessed}.")
        return " ".join(parts)

    @property
    def html(self) -> str:
        return source_html(self)


def load_references(path: Path | None = None) -> dict[str, Source]:
    """Every source in the references file (default: the package's), keyed by its key.
    Parsed again only when the file changes."""
    file = Path(path) if path is not None else REFERENCES_PATH
    stat = file.stat()
    return dict(_load(str(file), stat.st_mtime_ns, stat.st_size))


def fingerprint(path: Path | None = None) -> tuple[str, int, int]:
    file = Path(path) if path is not None else REFERENCES_PATH
    stat = file.stat()
    return (str(file), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=8)
def _load(path_text: str, _mtime: int, _size: int) -> Mapping[str, Source]:
    path = Path(path_text)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise ReferenceError(f"{path}: not valid YAML: {error}") from error
    if not isinstance(raw, dict):
        raise ReferenceError(f"{path}: must be a mapping of key: entry")
    return {str(key): _source(path, key, entry) for key, entry in raw.items()}


def _source(path: Path, key: Any, entry: Any) -> Source:
    where = f"{path}: {key!r}"
    if not isinstance(key, str) or not _KEY.match(key):
        raise ReferenceError(f"{where}: a key must be lower-case [a-z0-9_-]")
    if not isinstance(entry, dict):
        raise ReferenceError(f"{where}: must be a mapping of fields")
    unknown = sorted(set(entry) - _FIELDS)
    if unknown:
        raise ReferenceError(f"{where}: unknown field(s): {', '.join(unknown)}")
    for name in ("short", "kind", "text"):
        if not isinstance(entry.get(name), str) or not entry[name].strip():
            raise ReferenceError(f"{where}: {name} must be non-empty text")
    kind = entry["kind"]
    if kind not in KINDS:
        raise ReferenceError(f"{where}: kind must be one of {', '.join(sorted(KINDS))}")
    doi = _optional(where, entry, "doi", _DOI)
    pmid = _optional(where, entry, "pmid", _PMID)
    pmcid = _optional(where, entry, "pmcid", _PMCID)
    url = entry.get("url")
    if url is not None and (
        not isinstance(url, str) or not url.startswith(("https://", "http://"))
    ):
        raise ReferenceError(f"{where}: url must be an http(s) address")
    accessed = _accessed(where, entry.get("accessed"))
    if url and accessed is None:
        raise ReferenceError(f"{where}: a web address needs the date it was accessed")
    if accessed is not None and not url:
        raise ReferenceError(f"{where}: accessed is the date a url was checked; no url given")
    text = " ".join(entry["text"].split())
    if kind == "web" and not url:
        raise ReferenceError(f"{where}: a web page needs its url and accessed date")
    if kind == "article" and not (doi or pmid or _VOLUME_AND_PAGES.search(text)):
        raise ReferenceError(
            f"{where}: a journal article needs its volume and pages (or article number), "
            "a doi or a pmid"
        )
    return Source(
        key=key,
        short=entry["short"].strip(),
        kind=kind,
        text=text,
        doi=doi,
        pmid=pmid,
        pmcid=pmcid,
        url=url,
        accessed=accessed,
    )


def _optional(
    where: str, entry: Mapping[str, Any], name: str, pattern: re.Pattern[str]
) -> str | None:
    value = entry.get(name)
    if value is None:
        return None
    text = str(value).strip()
    if not pattern.match(text):
        raise ReferenceError(f"{where}: {name} {text!r} is not of the right form")
    return text


def _accessed(where: str, value: Any) -> datetime.date | None:
    if value is None:
        return None
    date = as_date(value)
    if date is None:
        raise ReferenceError(f"{where}: accessed must be an ISO date such as 2026-12-03")
    return date


def as_date(value: Any) -> datetime.date | None:
    """A date from YAML (which reads 2026-12-03 as a date) or from ISO text; None otherwise."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def resolve(keys: Iterable[str], references: Mapping[str, Source] | None = None) -> list[Source]:
    """The sources for `keys`, in order; ReferenceError names any key the file lacks."""
    known = references if references is not None else load_references()
    keys = list(keys)
    missing = [key for key in keys if key not in known]
    if missing:
        raise ReferenceError(f"unknown citation key(s): {', '.join(missing)}")
    return [known[key] for key in keys]


def markdown_citation_keys(text: str) -> list[str]:
    """Every key cited as [@key] in Markdown text, in order of first use."""
    keys: list[str] = []
    for match in MARKDOWN_CITATION.finditer(text):
        for part in match.group(1).split(";"):
            key = part.strip().lstrip("@")
            if key not in keys:
                keys.append(key)
    return keys


def source_html(source: Source) -> str:
    """The full citation, escaped, with its DOI, PMID and address as links that tell the other
    site nothing about the page the reader came from."""
    parts = [html.escape(source.text)]
    if source.doi:
        doi = html.escape(source.doi)
        parts.append(f'doi: <a href="https://doi.org/{doi}" {_REL}>{doi}</a>.')
    if source.pmid:
        parts.append(
            f'PMID: <a href="https://pubmed.ncbi.nlm.nih.gov/{source.pmid}/" {_REL}>'
            f"{source.pmid}</a>."
        )
    if source.pmcid:
        parts.append(f"{source.pmcid}.")
    if source.url:
        url = html.escape(source.url, quote=True)
        accessed = (
            f" (accessed {source.accessed.isoformat()})" if source.accessed is not None else ""
        )
        parts.append(f'<a href="{url}" {_REL}>{url}</a>{accessed}.')
    return " ".join(parts)


_REL = 'rel="noopener noreferrer"'
