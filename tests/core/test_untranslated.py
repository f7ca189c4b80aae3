"""No user-facing literal outside gettext. A simple extractor, not a reader; its rules:

Templates (every file under templates/ but sw.js, admin/ and the e-mail subject/body files
whose every line is translated anyway):
- removed first: `{% translate %}`/`{% blocktranslate %}…{% endblocktranslate %}` blocks,
  every other `{% %}` tag, `{{ }}` variables, `{# #}` and `<!-- -->` comments, `<script>`,
  `<style>`, `<svg>` path data and `<code>` contents;
- then any text between tags, and the values of `alt`, `title`, `aria-label`,
  `placeholder` and `data-*` attributes (a data- value without a space is a slug), that
  still holds a word of two or more letters is a literal: the test lists it with its file
  and line.
- Allowed: the app's name (letdown), unit symbols (mL, oz, g, kg, lb, min, h, s), the
  language names of the switch (each in itself), and `{# untranslated: why #}` on the line.

Python (every module under src/letdown but migrations, the command line, the pure cores that
return slugs and numbers, and the reflex model's developer tools):
- a string literal given as `label=`, `help_text=`, `verbose_name=`, `empty_label=`,
  `title=` or `message=`, as the first argument of `ValidationError` or
  `PermissionDenied`, `messages.<level>()`'s text, or `{"message": ...}` in a view's
  context, that is not inside `gettext`, `gettext_lazy`, `pgettext`, `ngettext`,
  `gettext_noop` (or `_`) is a literal.
A literal that should stay English (a log line, an API error for programs) is not in those
places, or carries `# untranslated: why` on its line.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import letdown

ROOT = Path(letdown.__file__).parent
TEMPLATES = ROOT / "templates"

_ALLOWED_WORDS = {
    "letdown",
    "ml",
    "oz",
    "g",
    "kg",
    "lb",
    "min",
    "h",
    "s",
    "english",
    "español",
    "deutsch",
    "api",
    "pdf",
    "csv",
    "json",
    "ibclc",
    "d-mer",
}

_BLOCK_TRANSLATE = re.compile(
    r"{%\s*blocktrans(?:late)?\b.*?{%\s*endblocktrans(?:late)?\s*%}", re.S
)
_STRIP = [
    re.compile(r"{#.*?#}", re.S),
    re.compile(r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}", re.S),
    # A class name for the body, not text.
    re.compile(r"{%\s*block body_class\s*%}.*?{%\s*endblock\s*%}", re.S),
    re.compile(r"<!--.*?-->", re.S),
    re.compile(r"<(script|style|code)\b[^>]*>.*?</\1>", re.S),
    _BLOCK_TRANSLATE,
    re.compile(r"{%.*?%}", re.S),
    re.compile(r"{{.*?}}", re.S),
]
_ATTRIBUTE = re.compile(r'\s(alt|title|aria-label|placeholder|data-[\w-]+)="([^"]*)"')
_TAG = re.compile(r"<[^>]*>", re.S)
_WORD = re.compile(r"[^\W\d_][^\W\d_'’-]*[^\W\d_]", re.U)


def _blank(match: re.Match[str]) -> str:
    """Keeps line numbers: what is removed becomes its newlines."""
    return "\n" * match.group(0).count("\n")


def _literal_words(text: str) -> list[str]:
    return [w for w in _WORD.findall(text) if w.lower() not in _ALLOWED_WORDS]


def template_literals(source: str) -> list[tuple[int, str]]:
    """(line, text) of every untranslated literal in a template's source."""
    for pattern in _STRIP:
        source = pattern.sub(_blank, source)
    found: list[tuple[int, str]] = []
    lines = source.split("\n")
    for number, line in enumerate(lines, start=1):
        if "untranslated:" in line:
            continue
        for name, value in _ATTRIBUTE.findall(line):
            # A data- attribute holds a slug for a script (data-value="milk") unless it has
            # a space: then it is text the script shows.
            if name.startswith("data-") and " " not in value.strip():
                continue
            if _literal_words(value):
                found.append((number, value))
    # Text between tags, with tags (and the attributes just checked) taken out.
    text = _TAG.sub(
        lambda m: " " * len(m.group(0)) if "\n" not in m.group(0) else _blank(m), source
    )
    for number, line in enumerate(text.split("\n"), start=1):
        words = _literal_words(line.replace("&nbsp;", " ").replace("&middot;", " "))
        if words and "untranslated:" not in lines[number - 1]:
            found.append((number, line.strip()))
    return found


_TEMPLATE_SKIP = {"sw.js", "admin", "offline.html.txt"}


def _templates() -> list[Path]:
    return sorted(
        path
        for path in TEMPLATES.rglob("*")
        if path.is_file()
        and path.suffix in {".html", ".txt"}
        and not (set(path.relative_to(TEMPLATES).parts) & _TEMPLATE_SKIP)
    )


_GETTEXT = {
    "_",
    "gettext",
    "gettext_lazy",
    "pgettext",
    "pgettext_lazy",
    "ngettext",
    "ngettext_lazy",
    "gettext_noop",
    "npgettext",
    "format_lazy",
}
_KEYWORDS = {"label", "help_text", "verbose_name", "empty_label", "title", "message"}
_CALLS = {"ValidationError", "PermissionDenied"}
_MESSAGES = {"success", "error", "info", "warning", "debug"}
_PY_SKIP_DIRS = {"migrations", "reflex", "stats"}
_PY_SKIP_FILES = {"cli.py", "settings.py", "engine.py", "projection.py", "formats.py"}


def _name(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _is_text(node: ast.expr) -> bool:
    """A literal with words in it: an f-string or a plain string."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return bool(_literal_words(node.value))
    if isinstance(node, ast.JoinedStr):
        return any(
            isinstance(v, ast.Constant) and _literal_words(str(v.value)) for v in node.values
        )
    if isinstance(node, ast.BinOp):
        return _is_text(node.left)
    return False


def python_literals(source: str) -> list[tuple[int, str]]:
    tree = ast.parse(source)
    lines = source.splitlines()
    found: list[tuple[int, str]] = []

    def flag(node: ast.expr) -> None:
        if _is_text(node) and "untranslated:" not in lines[node.lineno - 1]:
            found.append((node.lineno, ast.unparse(node)))

    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            callee = _name(node.func)
            if callee in _GETTEXT:
                continue
            for keyword in node.keywords:
                if keyword.arg in _KEYWORDS:
                    flag(keyword.value)
            if callee in _CALLS and node.args:
                flag(node.args[0])
            if (
                callee in _MESSAGES
                and isinstance(node.func, ast.Attribute)
                and _name(node.func.value) == "messages"
                and len(node.args) >= 2
            ):
                flag(node.args[1])
        elif isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                if (
                    isinstance(key, ast.Constant)
                    and key.value in {"message", "error"}
                    and value is not None
                ):
                    flag(value)
    return found


def _modules() -> list[Path]:
    return sorted(
        path
        for path in ROOT.rglob("*.py")
        if not (set(path.relative_to(ROOT).parts[:-1]) & _PY_SKIP_DIRS)
        and path.name not in _PY_SKIP_FILES
    )


def test_the_extractor_finds_a_literal_and_passes_a_translated_one() -> None:
    assert template_literals('<p>{% translate "Hello" %}</p>\n<p>Hello there</p>') == [
        (2, "Hello there")
    ]
    assert template_literals('<img alt="A baby">') == [(1, "A baby")]
    assert template_literals("<td>{{ v }} mL</td>") == []
    assert python_literals('forms.CharField(label="Name")') == [(1, "'Name'")]
    assert python_literals('forms.CharField(label=_("Name"))') == []
    assert python_literals('messages.success(request, "Saved.")') == [(1, "'Saved.'")]


def test_no_template_shows_an_untranslated_literal() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{line}: {text}"
        for path in _templates()
        for line, text in template_literals(path.read_text())
    ]
    assert found == [], "\n".join(found)


def test_no_python_module_shows_an_untranslated_literal() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{line}: {text}"
        for path in _modules()
        for line, text in python_literals(path.read_text())
    ]
    assert found == [], "\n".join(found)
