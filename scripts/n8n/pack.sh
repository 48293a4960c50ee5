#!/usr/bin/env bash
# Builds the package and packs it with `npm pack` into a folder; prints the tarball's path on stdout.
#
#   pack.sh [destDir]      destDir defaults to a new temporary folder
#   N8N_SKIP_BUILD=1       pack what dist/ holds now, without `npm run build`
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DEST="${1:-$(mktemp -d -t onebot-heychat-pack.XXXXXX)}"
log() { printf '[pack] %s\n' "$*" >&2; }

mkdir -p "${DEST}"
DEST="$(cd "${DEST}" && pwd)"
cd "${ROOT}"
if [ "${N8N_SKIP_BUILD:-}" != "1" ]; then
	# A fresh clone has no dependencies yet, and a changed package-lock.json wants others: npm ci first.
	node scripts/dependencies.mjs >&2
	log "npm run build"
	npm run build >&2
fi
name="$(npm pack --pack-destination "${DEST}" --json 2>/dev/null | node -e '
	let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => console.log(JSON.parse(s)[0].filename));
')"
log "packed ${DEST}/${name}"
echo "${DEST}/${name}"
