#!/usr/bin/env bash
# Brings the Spanish and German catalogues in step with the code, then compiles them: run it
# after changing any user-facing string, translate what it left empty (msgstr ""), run it again.
# Needs Debian's gettext. No source locations are written, so moving code between modules
# changes nothing in the catalogues.
set -euo pipefail
cd "$(dirname "$0")/../src/letdown"
VENV=${LETDOWN_VENV:-../../.venv-test}
for domain in django djangojs; do
  "$VENV/bin/django-admin" makemessages --settings=letdown.settings -d "$domain" -l es -l de \
    --no-location --no-obsolete
done
"$VENV/bin/django-admin" compilemessages --settings=letdown.settings
