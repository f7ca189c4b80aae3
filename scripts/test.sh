#!/usr/bin/env bash
# Runs the whole letdown test suite: installs what it needs first (a virtualenv with the
# test extras; Debian's Chromium for the browser tests when it is missing and we are root).
# SQLite by default; set DATABASE_URL=postgres://... to run it on PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
# The tests install this checkout in editable mode. Into .venv only when .venv already holds
# such an install (a developer's); a letdown installed there for use (`pip install .`, the
# README's demo) is left alone and the tests get .venv-test: reinstalling under a running
# letdown would pull its templates from under it.
if [ -z "${LETDOWN_VENV:-}" ]; then
  LETDOWN_VENV=.venv-test
  if [ -x .venv/bin/python ] && .venv/bin/python - "$PWD/src" <<'PY' 2>/dev/null; then
import sys, pathlib, letdown
sys.exit(0 if pathlib.Path(letdown.__file__).resolve().is_relative_to(sys.argv[1]) else 1)
PY
    LETDOWN_VENV=.venv
  fi
fi
VENV=$LETDOWN_VENV
echo "letdown tests in $VENV"
if [ ! -x "$VENV/bin/python" ]; then
  "$PYTHON" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install --quiet --upgrade pip
"$VENV/bin/python" -m pip install --quiet -e '.[test]'

# The report's PDF (WeasyPrint) needs Debian's Pango.
if ! ldconfig -p 2>/dev/null | grep -q libpangoft2-1.0; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 >/dev/null
  else
    echo "Pango is missing: run 'sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0' for the report's PDF." >&2
    exit 1
  fi
fi

# The translation catalogues' tests run makemessages and msgfmt (Debian's gettext).
if ! command -v msgfmt >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext >/dev/null
  else
    echo "gettext is missing: run 'sudo apt-get install gettext' for the translation tests." >&2
    exit 1
  fi
fi

SKIP_BROWSER=()
if [ ! -x /usr/bin/chromium ] || ! command -v npm >/dev/null; then
  # npm fetches axe-core, the accessibility engine, for the browser tests (tests/browser/axe.py).
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    # Only what is missing: a Node.js from NodeSource carries its own npm, and Debian's npm
    # package conflicts with it.
    missing=()
    [ -x /usr/bin/chromium ] || missing+=(chromium)
    command -v npm >/dev/null || missing+=(npm)
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "Chromium or npm is missing: the browser tests are SKIPPED." >&2
    echo "Install them ('sudo apt-get install chromium npm') to run them too." >&2
    SKIP_BROWSER=(-m "not browser and not slow")
  fi
fi

# Tests keep their secret key and files in a throw-away data directory.
LETDOWN_DATA_DIR=$(mktemp -d)
export LETDOWN_DATA_DIR
trap 'rm -rf "$LETDOWN_DATA_DIR"' EXIT
export LETDOWN_SECRET_KEY=${LETDOWN_SECRET_KEY:-test-only-secret-key-not-for-production-use-0123456789}

echo "letdown tests on ${DATABASE_URL:+PostgreSQL}${DATABASE_URL:-SQLite}" | sed 's#postgres://[^ ]*##'
# Two workers by default. Measured on the 2-core machine, quiet (load average under 1.5 before
# each run), SQLite, `-m "not browser"` (1479 tests, the 14 slow ones included), 3 Dec 2026:
# serial (-n 0) 489 s wall, -n 2 342 s wall: two workers take 30 % less time.
exec "$VENV/bin/pytest" -n "${LETDOWN_TEST_WORKERS:-2}" "${SKIP_BROWSER[@]}" "$@"
