"""axe-core, the accessibility engine, for the browser tests. It is a test tool, not part of
letdown: npm fetches the pinned version into a cache directory outside the repository the
first time (LETDOWN_TEST_CACHE, else ~/.cache/letdown-tests), and the tests inject it into
each page through the DevTools protocol, which the page's Content-Security-Policy does not
govern (the page itself still runs under it)."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
from pathlib import Path

AXE_VERSION = "4.14.1"
# WCAG 2.2 A and AA, and axe's best practices (landmarks, headings, one main).
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def _cache_dir() -> Path:
    configured = os.environ.get("LETDOWN_TEST_CACHE")
    return Path(configured) if configured else Path.home() / ".cache" / "letdown-tests"


def axe_source() -> str:
    """The text of axe.min.js, installed once per machine with npm."""
    folder = _cache_dir() / f"axe-core-{AXE_VERSION}"
    script = folder / "node_modules" / "axe-core" / "axe.min.js"
    folder.mkdir(parents=True, exist_ok=True)
    # Two test workers may both get here first: one installs, the other waits.
    with open(folder / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not script.exists():
            npm = shutil.which("npm")
            if npm is None:
                raise RuntimeError(
                    "npm is missing: 'apt-get install npm' (the accessibility tests fetch "
                    f"axe-core {AXE_VERSION} with it)"
                )
            subprocess.run(
                [npm, "install", "--prefix", str(folder), "--no-audit", "--no-fund",
                 "--loglevel", "error", f"axe-core@{AXE_VERSION}"],
                check=True,
                timeout=300,
            )  # fmt: skip
    return script.read_text(encoding="utf-8")


RUN = """async () => {
  const result = await axe.run(document, {
    runOnly: { type: "tag", values: %s },
    // Experimental in axe, so off unless asked: a link's name must contain its visible text.
    rules: { "label-content-name-mismatch": { enabled: true } },
    resultTypes: ["violations"],
  });
  return result.violations.map(v => ({
    id: v.id,
    help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ") + " :: " + n.failureSummary),
  }));
}"""


def violations(page, source: str) -> list[dict]:  # type: ignore[no-untyped-def]
    """axe's violations on the page as it is now."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(source)  # defines window.axe
    return page.evaluate(RUN % json.dumps(AXE_TAGS))  # type: ignore[no-any-return]
