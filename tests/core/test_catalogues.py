"""The Spanish and German catalogues: complete, compiling, shipped compiled (the .mo files are
committed, so `pip install` needs no gettext), and in step with the code."""

from __future__ import annotations

import gettext
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.utils import translation

import letdown
from letdown.reflex.explainer import FINDINGS
from letdown.routines.catalogue import IMAGERY_SCRIPT, STEP_TYPES

ROOT = Path(letdown.__file__).parent
LOCALE = ROOT / "locale"
LANGUAGES = ("es", "de")
DOMAINS = ("django", "djangojs")
CATALOGUES = [LOCALE / lang / "LC_MESSAGES" / f"{d}.po" for lang in LANGUAGES for d in DOMAINS]


def _msgfmt(*args: str) -> subprocess.CompletedProcess[str]:
    if shutil.which("msgfmt") is None:
        pytest.fail("msgfmt is missing: install Debian's gettext package (see README)")
    return subprocess.run(["msgfmt", *args], capture_output=True, text=True, check=False)


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: f"{p.parts[-3]}/{p.name}")
def test_every_catalogue_is_complete_and_compiles(po: Path, tmp_path: Path) -> None:
    """What `compilemessages` runs (msgfmt --check-format), plus msgfmt's own count: no
    untranslated or fuzzy message may remain."""
    answer = _msgfmt("--check-format", "--statistics", "-o", str(tmp_path / "x.mo"), str(po))
    assert answer.returncode == 0, answer.stderr
    assert "untranslated" not in answer.stderr and "fuzzy" not in answer.stderr, answer.stderr
    assert "translated message" in answer.stderr


def _catalog(mo: Path) -> dict[object, object]:
    with mo.open("rb") as f:
        return dict(gettext.GNUTranslations(f)._catalog)  # type: ignore[attr-defined]


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: f"{p.parts[-3]}/{p.name}")
def test_the_shipped_mo_matches_its_po(po: Path, tmp_path: Path) -> None:
    """The committed .mo is what Django reads; a .po changed without compilemessages fails."""
    fresh = tmp_path / "fresh.mo"
    assert _msgfmt("-o", str(fresh), str(po)).returncode == 0
    shipped = po.with_suffix(".mo")
    assert shipped.exists(), f"run: cd src/letdown && letdown manage compilemessages ({shipped})"
    assert _catalog(shipped) == _catalog(fresh), f"{shipped} is stale: run compilemessages"


def test_the_catalogues_hold_every_message_of_the_code(tmp_path: Path) -> None:
    """makemessages on a copy of the package: the fresh catalogues must name exactly the
    messages the committed ones do. Fails when a string was added, changed or removed in the
    code without `makemessages` (and a translation)."""
    copy = tmp_path / "letdown"
    shutil.copytree(
        ROOT,
        copy,
        ignore=shutil.ignore_patterns("locale", "__pycache__", "*.npz", "*.json", "*.png", "*.svg"),
    )
    out = tmp_path / "out" / "locale"
    for lang in LANGUAGES:
        (out / lang / "LC_MESSAGES").mkdir(parents=True)
    settings_module = tmp_path / "messages_settings.py"
    settings_module.write_text(
        f"from letdown.settings import *  # noqa\nLOCALE_PATHS = [{str(out)!r}]\n"
    )
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    for domain in DOMAINS:
        args = ["-d", domain, "--no-location", "--no-obsolete"]
        subprocess.run(
            [
                sys.executable,
                "-m",
                "django",
                "makemessages",
                "--settings=messages_settings",
                *(f"-l{lang}" for lang in LANGUAGES),
                *args,
            ],
            cwd=copy,
            env=env,
            check=True,
            capture_output=True,
        )
    for po in CATALOGUES:
        fresh = out / po.relative_to(LOCALE)
        missing = _ids_of(fresh) - _ids_of(po)
        extra = _ids_of(po) - _ids_of(fresh)
        assert not missing and not extra, (
            f"{po.relative_to(ROOT)} is out of date: run makemessages "
            f"(new in the code: {sorted(missing)[:5]}; gone from it: {sorted(extra)[:5]})"
        )


def _ids_of(po: Path) -> set[str]:
    """Each message's msgctxt, msgid and msgid_plural as one string, read from the .po text."""
    ids: set[str] = set()
    entry: dict[str, str] = {}
    field = ""
    for line in [*po.read_text(encoding="utf-8").splitlines(), ""]:
        if line.startswith(("msgctxt ", "msgid ", "msgid_plural ")):
            field, _, rest = line.partition(" ")
            entry[field] = _unquote(rest)
        elif line.startswith('"') and field:
            entry[field] += _unquote(line)
        elif line.startswith("msgstr"):
            field = ""
        elif not line.strip():
            if entry.get("msgid"):
                ids.add("\x04".join(entry.get(k, "") for k in ("msgctxt", "msgid", "msgid_plural")))
            entry, field = {}, ""
    return ids


def _unquote(text: str) -> str:
    return text.strip()[1:-1]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_step_texts_and_findings_are_translated(lang: str) -> None:
    """The routine catalogue and the Inside findings are data read by variable: the marks
    (gettext_noop) put them in the catalogues, and a page finds each translation."""
    texts = [t for s in STEP_TYPES.values() for t in (s.title, s.how_to, s.why)]
    texts += [line.text for line in IMAGERY_SCRIPT]
    texts += [f["text"] for f in FINDINGS.values()]
    with translation.override(lang):
        untranslated = [t for t in texts if translation.gettext(t) == t]
    assert untranslated == []


def test_german_speaks_of_the_milchspendereflex() -> None:
    with translation.override("de"):
        assert translation.gettext("Let-down") == "Milchspendereflex"
    with translation.override("es"):
        assert "reflejo de eyección" in translation.gettext(STEP_TYPES["warm_drink"].why)
