#!/usr/bin/env bash
# npm test: the suite in the foreground; the type-check, Prettier and the linter (oxlint) beside it
# on the other core, niced so that the suite keeps its own. Their caches live in node_modules/.cache,
# so a second run is quicker; a fresh clone starts without them. Exits non-zero if any of them failed.
set -u
cache=node_modules/.cache
nice -n 10 tsc --noEmit -p . --incremental --tsBuildInfoFile "$cache/tsc/tsconfig.tsbuildinfo" &
types=$!
nice -n 10 prettier --check --log-level warn --cache --cache-strategy content "**/*.{ts,js,cjs,mjs}" &
format=$!
oxlint --deny-warnings --format=unix &
lint=$!
mocha
tests=$?
failed=()
wait $types || failed+=("type-check (npm run typecheck)")
wait $format || failed+=("formatting (npm run format fixes it)")
wait $lint || failed+=("lint (npm run lint)")
[ $tests -eq 0 ] || failed+=("tests")
if [ ${#failed[@]} -gt 0 ]; then
  printf 'npm test failed: %s\n' "$(IFS=,; echo "${failed[*]}" | sed 's/,/, /g')" >&2
  exit 1
fi
