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
- in the modules whose errors and notes she reads (MESSAGE_MODULES: the import readers and
  writer, the Baby Buddy pull, the routine catalogue's checks), also: the first argument of
  any exception raised, a `return` of a sentence (a literal with a space), the arguments of
  `Problem(...)` and `.problem(...)`, `.notes.append(...)`'s text and a `skipped[...]` key;
- everywhere: gettext given an f-string or `.format()` (the catalogue would hold the
  template's code, not a message: use named `%(x)s` placeholders).
A literal that should stay English (a log line, an API error for programs) is not in those
places, or carries `# untranslated: why` on its line. The backup and restore module
(transfer/backup.py) and the command line stay English: they speak only to the person who
runs `letdown backup` in a terminal, restore runs before Django's settings (and so gettext)
exist, and `letdown`'s command line is English throughout, so a translated error there
would be one foreign sentence among English ones.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
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
_PY_SKIP_FILES = {"cli.py", "settings.py", "engine.py", "projection.py"}
# Modules whose raised errors, returned sentences, problems, notes and skipped counts she
# reads: the import preview, the Baby Buddy pull form, a routine's steps (the editor, an
# import of routines).
MESSAGE_MODULES = {
    "transfer/formats.py",
    "transfer/services.py",
    "transfer/document.py",
    "transfer/babybuddy_api.py",
    "transfer/export.py",
    "routines/catalogue.py",
}
_NOTE_CALLS = {"Problem", "problem"}


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


def _is_sentence(node: ast.expr) -> bool:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return " " in node.value.strip() and _is_text(node)
    return isinstance(node, ast.JoinedStr) and _is_text(node)


def _is_template_code(node: ast.expr) -> bool:
    """An f-string, or a literal's .format(): code that gettext cannot look up."""
    if isinstance(node, ast.JoinedStr):
        return any(isinstance(v, ast.FormattedValue) for v in node.values)
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "format"
        and isinstance(node.func.value, ast.Constant)
    )


def _message_literals(tree: ast.AST, flag: Callable[[ast.expr], None]) -> None:
    """The rules of MESSAGE_MODULES (see the top of this file)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) and node.exc.args:
            flag(node.exc.args[0])
        elif isinstance(node, ast.Return) and node.value is not None:
            if _is_sentence(node.value):
                flag(node.value)
        elif isinstance(node, ast.Call):
            callee = _name(node.func)
            if callee in _NOTE_CALLS:
                for argument in node.args:
                    flag(argument)
            elif (
                callee == "append"
                and isinstance(node.func, ast.Attribute)
                and _name(node.func.value) == "notes"
                and node.args
            ):
                flag(node.args[0])
        elif (
            isinstance(node, ast.Subscript)
            and _name(node.value) == "skipped"
            and isinstance(node.slice, ast.expr)
        ):
            flag(node.slice)


def python_literals(source: str, *, messages: bool = False) -> list[tuple[int, str]]:
    """`messages`: the module is one of MESSAGE_MODULES, held to their rules too."""
    tree = ast.parse(source)
    lines = source.splitlines()
    found: list[tuple[int, str]] = []

    def flag(node: ast.expr) -> None:
        if _is_text(node) and "untranslated:" not in lines[node.lineno - 1]:
            found.append((node.lineno, ast.unparse(node)))

    if messages:
        _message_literals(tree, flag)
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            callee = _name(node.func)
            if callee in _GETTEXT:
                if node.args and _is_template_code(node.args[0]):
                    found.append((node.lineno, ast.unparse(node.args[0])))
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
    assert python_literals('_(f"Hello {name}")') == [(1, "f'Hello {name}'")]
    assert python_literals('_("Hello {}".format(name))') == [(1, "'Hello {}'.format(name)")]
    assert python_literals('_("Hello %(name)s") % {"name": name}') == []


def test_the_extractor_finds_a_message_left_in_english_in_a_message_module() -> None:
    source = "\n".join(
        [
            'raise FormatError(f"{name} is empty")',
            'raise ValueError("a weight row needs a weight")',
            'raise FormatError(gettext("%(file)s is empty") % {"file": name})',
            'incoming.problem(where, "it ends before it starts")',
            'incoming.problem(where, gettext("it ends before it starts"))',
            'incoming.skipped["dry nappies"] += 1',
            'incoming.skipped[gettext("dry nappies")] += 1',
            'incoming.skipped[row["type"]] += 1',
            'incoming.notes.append(f"{name}: letdown does not track {kind}; skipped.")',
            'outcome.problems.append(Problem("file", "the database refused it"))',
            'def f():\n    return "anxiety must be between 0 and 10"',
            'def g():\n    return "pumping"',
            'raise ValueError(f"Unknown kind {kind!r}")  # untranslated: a bug, never shown',
        ]
    )
    assert sorted(line for line, _ in python_literals(source, messages=True)) == [
        1,
        2,
        4,
        6,
        9,
        10,
        10,
        12,
    ]
    # Outside MESSAGE_MODULES a raised literal is an error for programs (a log, the API).
    assert python_literals(source) == []


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
        for line, text in python_literals(
            path.read_text(),
            messages=path.relative_to(ROOT).as_posix() in MESSAGE_MODULES,
        )
    ]
    assert found == [], "\n".join(found)


def test_every_message_module_is_checked() -> None:
    """A module renamed or moved would otherwise drop out of its rules unnoticed."""
    checked = {path.relative_to(ROOT).as_posix() for path in _modules()}
    assert checked >= MESSAGE_MODULES, MESSAGE_MODULES - checked
