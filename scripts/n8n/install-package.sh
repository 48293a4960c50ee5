#!/usr/bin/env bash
# Installs a packed node package into an n8n user folder the way n8n's Community Nodes installer
# does (n8n 2.x CommunityPackagesService.downloadPackage):
#   <userFolder>/.n8n/nodes/package.json           {"name":"installed-nodes","private":true,"dependencies":{...}}
#   <userFolder>/.n8n/nodes/node_modules/<name>/   the tarball unpacked with --strip-components=1,
#       its package.json stripped of devDependencies, peerDependencies and optionalDependencies,
#       then `npm install` there with the installer's flags (runtime deps only, no scripts, no lockfile).
# n8n then registers the nodes as <name>.<nodeName>, as after an install from the UI.
#
#   install-package.sh <tarball> <userFolder>
set -euo pipefail

TARBALL="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
USER_FOLDER="$2"
log() { printf '[install-package] %s\n' "$*" >&2; }

[ -f "${TARBALL}" ] || { log "no tarball at ${TARBALL}"; exit 1; }
NODES_DIR="${USER_FOLDER}/.n8n/nodes"
mkdir -p "${NODES_DIR}/node_modules"

meta="$(tar -xzOf "${TARBALL}" package/package.json | node -e '
	let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
		const p = JSON.parse(s);
		console.log(p.name + " " + p.version);
	});
')"
NAME="${meta% *}"
VERSION="${meta#* }"
PKG_DIR="${NODES_DIR}/node_modules/${NAME}"

if [ ! -f "${NODES_DIR}/package.json" ]; then
	printf '{\n  "name": "installed-nodes",\n  "private": true,\n  "dependencies": {}\n}\n' >"${NODES_DIR}/package.json"
fi

rm -rf "${PKG_DIR}"
mkdir -p "${PKG_DIR}"
tar -xzf "${TARBALL}" -C "${PKG_DIR}" --strip-components=1

node -e '
	const fs = require("node:fs");
	const file = process.argv[1];
	const { devDependencies, peerDependencies, optionalDependencies, ...rest } = JSON.parse(fs.readFileSync(file, "utf8"));
	fs.writeFileSync(file, JSON.stringify(rest, null, 2));
' "${PKG_DIR}/package.json"

log "npm install (runtime dependencies) in ${PKG_DIR}"
(cd "${PKG_DIR}" && npm install --audit=false --fund=false --bin-links=false --install-strategy=shallow \
	--ignore-scripts=true --package-lock=false --no-update-notifier >&2)

node -e '
	const fs = require("node:fs");
	const [file, name, version] = process.argv.slice(1);
	const p = JSON.parse(fs.readFileSync(file, "utf8"));
	p.dependencies = { ...(p.dependencies || {}), [name]: version };
	fs.writeFileSync(file, JSON.stringify(p, null, 2));
' "${NODES_DIR}/package.json" "${NAME}" "${VERSION}"

log "installed ${NAME}@${VERSION} into ${PKG_DIR}"
