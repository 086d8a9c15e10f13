#!/usr/bin/env bash
# Refresh the gettext catalogues after changing user-facing text:
#   tools/locales.sh        extract messages into locales/losen.pot and update nb, nn, en
# Then translate the new entries in locales/*/LC_MESSAGES/losen.po. The build compiles them.
set -euo pipefail
cd "$(dirname "$0")/.."
pybabel extract -F babel.cfg --no-location --sort-output \
  --no-default-keywords -k gettext:2 -k _:2 -k ngettext:2,3 -k N_ --project=losen -o locales/losen.pot bot intents catalogue
for lang in nb nn en; do
  if [ -f "locales/$lang/LC_MESSAGES/losen.po" ]; then
    pybabel update --no-fuzzy-matching -i locales/losen.pot -d locales -D losen -l "$lang"
  else
    pybabel init -i locales/losen.pot -d locales -D losen -l "$lang"
  fi
done
