#!/usr/bin/env bash
# Everything before `n8n start`, shared by `npm run n8n` and the e2e suite:
#   1. installs n8n into the cache outside the repo if it is not there (install-n8n.sh),
#   2. builds and packs this package (pack.sh), unless N8N_PACKAGE_TARBALL names a tarball to use,
#   3. installs the tarball into <userFolder>/.n8n/nodes/node_modules/<name> like the Community
#      Nodes installer (install-package.sh),
#   4. creates/migrates n8n's SQLite database if needed and records the package in it as the
#      installer does (register-package.cjs), so Settings > Community nodes lists it.
# Prints the path of the n8n executable on stdout (progress goes to stderr).
#
#   prepare.sh <userFolder>
#   env: N8N_VERSION, N8N_CACHE_DIR, N8N_NODE_HOME (see install-n8n.sh), N8N_PACKAGE_TARBALL, N8N_SKIP_BUILD
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
USER_FOLDER="${1:?usage: prepare.sh <userFolder>}"
mkdir -p "${USER_FOLDER}"
USER_FOLDER="$(cd "${USER_FOLDER}" && pwd)"
log() { printf '[prepare] %s\n' "$*" >&2; }

N8N_DIR="$(bash "${HERE}/install-n8n.sh")"
N8N_BIN="${N8N_DIR}/node_modules/.bin/n8n"
if [ -n "${N8N_NODE_HOME:-}" ]; then export PATH="${N8N_NODE_HOME}/bin:${PATH}"; fi

if [ -n "${N8N_PACKAGE_TARBALL:-}" ]; then
	TARBALL="${N8N_PACKAGE_TARBALL}"
	CLEANUP=""
else
	PACK_DIR="$(mktemp -d -t onebot-heychat-pack.XXXXXX)"
	CLEANUP="${PACK_DIR}"
	TARBALL="$(bash "${HERE}/pack.sh" "${PACK_DIR}")"
fi
bash "${HERE}/install-package.sh" "${TARBALL}" "${USER_FOLDER}"
PACKAGE_NAME="$(tar -xzOf "${TARBALL}" package/package.json | node -e '
	let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => console.log(JSON.parse(s).name));
')"
if [ -n "${CLEANUP}" ]; then rm -rf "${CLEANUP}"; fi

# shellcheck source=env.sh
source "${HERE}/env.sh"
if [ ! -f "${USER_FOLDER}/.n8n/database.sqlite" ]; then
	log "creating n8n's database in ${USER_FOLDER}/.n8n"
	N8N_USER_FOLDER="${USER_FOLDER}" "${N8N_BIN}" list:workflow --onlyId >/dev/null 2>"${USER_FOLDER}/.n8n/prepare-migrate.log" || {
		cat "${USER_FOLDER}/.n8n/prepare-migrate.log" >&2
		exit 1
	}
fi
node "${HERE}/register-package.cjs" "${N8N_DIR}" "${USER_FOLDER}" "${PACKAGE_NAME}"

echo "${N8N_BIN}"
