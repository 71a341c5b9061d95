#!/usr/bin/env bash
# `npm run lint`: ESLint (Nx module boundaries included), Prettier's check of
# the formatting, and no line over 120 characters in a source file Prettier
# formats (it never splits a string or a comment; scripts/wrap-long-lines.ts does).
set -euo pipefail
cd "$(dirname "$0")/.."
NX_DAEMON=false npx nx show projects >/dev/null
npx eslint .
npx prettier --check --log-level warn .
long=$(git ls-files -co --exclude-standard -- '*.ts' '*.tsx' '*.js' '*.mjs' '*.css' |
  grep -v -E '(^|/)generated/|schema\.d\.ts$' | while read -r f; do [ -f "$f" ] && echo "$f"; done |
  xargs -r awk 'length > 120 { print FILENAME ":" FNR }')
if [ -n "$long" ]; then
  echo "lines over 120 characters:" >&2
  echo "$long" >&2
  exit 1
fi
