#!/usr/bin/env bash
# The outside-plugin step: how a third-party developer meets the SDK, without this repository's
# layout. Packs @mpanel/sdk and @mpanel/core, scaffolds a plugin in a temporary folder outside the
# repository with `mpanel plugin:create`, installs the tarballs (plus the test and build tools
# from the npm registry), builds its UI, runs its own test with @mpanel/sdk/testing, then loads it
# into mPanel started from the repository (MPANEL_PLUGINS=<that folder>, PGlite) and checks it in
# Chromium (scripts/outside-plugin-check.ts). Any failure stops the step with its output.
# KEEP_OUTSIDE_PLUGIN=1 keeps the temporary folder for a look afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
ID=outside-notes
WORK=$(mktemp -d -t mpanel-outside-plugin.XXXXXX)
cleanup() { if [[ -z ${KEEP_OUTSIDE_PLUGIN:-} ]]; then rm -rf "$WORK"; else echo "kept $WORK"; fi; }
trap cleanup EXIT
step() { printf '\n--- outside plugin: %s (%ss)\n' "$1" "$SECONDS"; }
fail() { echo "outside plugin: $*" >&2; exit 1; }

case $WORK in "$REPO"/*) fail "$WORK is inside the repository";; esac

step "npm pack @mpanel/sdk and @mpanel/core"
PACKED=$(npm run -s pack:packages -- "$WORK/packages" | tail -n 1)
SDK_TGZ=$(node -e 'console.log(JSON.parse(process.argv[1]).sdk)' "$PACKED")
CORE_TGZ=$(node -e 'console.log(JSON.parse(process.argv[1]).core)' "$PACKED")
[[ -f $SDK_TGZ && -f $CORE_TGZ ]] || fail "npm pack did not write the tarballs ($PACKED)"

step "mpanel plugin:create $ID"
node bin/mpanel.js plugin:create "$ID" --dir "$WORK" --sdk "file:$SDK_TGZ" --core "file:$CORE_TGZ"
PLUGIN=$WORK/$ID

cd "$PLUGIN"
step "npm install (the packed tarballs, the tools from the registry)"
npm install --no-audit --no-fund --loglevel=error
# The packages came from the tarballs (JavaScript + .d.ts), not from this repository's sources.
for pkg in sdk core; do
  dir=node_modules/@mpanel/$pkg
  [[ -d $dir && ! -L $dir ]] || fail "$dir is missing or a link"
  case $(realpath "$dir") in "$REPO"/*) fail "$dir resolves into the repository";; esac
done
[[ -f node_modules/@mpanel/sdk/index.js && -f node_modules/@mpanel/sdk/index.d.ts ]] || fail "@mpanel/sdk was not installed as JavaScript + .d.ts"

step "npm run build (mpanel plugin:build)"
npm run -s build
[[ -f ui/dist/index.js ]] || fail "npm run build wrote no ui/dist/index.js"

step "typecheck the plugin against the packed .d.ts"
npx tsc -p tsconfig.json

step "npm test (its own test, @mpanel/sdk/testing on the packed core)"
env -u DATABASE_URL -u REDIS_URL -u TEST_DATABASE_URL -u TEST_REDIS_URL npm test

cd "$REPO"
step "mPanel with MPANEL_PLUGINS=$PLUGIN, checked in Chromium"
node --import tsx scripts/outside-plugin-check.ts "$PLUGIN" "$ID" "$WORK/data"
step "passed"
