#!/usr/bin/env bash
# Makes Debian's `chromium` available for the editor screenshots (test/e2e/editor.e2e.ts), which
# drive it with playwright-core (no browser download from Playwright's CDN), plus a small CJK font
# (fonts-wqy-microhei) so Chinese text in the editor is not drawn as boxes.
#
#   install-chromium.sh     prints the chromium executable on stdout; installs the Debian packages
#                           with apt-get when they are missing (as root, or with passwordless sudo)
#   exit 0: found or installed;  exit 3: not available here (no apt-get, no root, or the install
#   failed) with the reason on stderr; the e2e suite then skips the screenshot test.
#   env: CHROMIUM_PATH   use this executable instead of looking for one
set -euo pipefail
log() { printf '[chromium] %s\n' "$*" >&2; }

find_chromium() {
	local c
	if [ -n "${CHROMIUM_PATH:-}" ] && [ -x "${CHROMIUM_PATH}" ]; then
		echo "${CHROMIUM_PATH}"
		return 0
	fi
	for c in chromium chromium-browser; do
		if command -v "${c}" >/dev/null 2>&1; then
			command -v "${c}"
			return 0
		fi
	done
	return 1
}

has_cjk_font() { command -v fc-list >/dev/null 2>&1 && [ -n "$(fc-list :lang=zh 2>/dev/null | head -n 1)" ]; }

PACKAGES=()
if ! find_chromium >/dev/null; then PACKAGES+=(chromium); fi
if ! has_cjk_font; then PACKAGES+=(fonts-wqy-microhei); fi
if [ "${#PACKAGES[@]}" -eq 0 ]; then
	find_chromium
	exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
	if find_chromium; then exit 0; fi # only the font is missing: screenshots still work
	log "chromium is not installed and apt-get is not available: install Chromium and set CHROMIUM_PATH"
	exit 3
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then
	if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
		SUDO="sudo -n"
	else
		if find_chromium; then exit 0; fi
		log "chromium is not installed and installing it needs root: run 'sudo apt-get install -y chromium fonts-wqy-microhei'"
		exit 3
	fi
fi

log "installing ${PACKAGES[*]} with apt-get (once; about a minute)"
export DEBIAN_FRONTEND=noninteractive
if ! ${SUDO} apt-get install -y --no-install-recommends "${PACKAGES[@]}" >&2; then
	# the package lists may be missing or stale on a fresh machine
	${SUDO} apt-get update >&2 || true
	${SUDO} apt-get install -y --no-install-recommends "${PACKAGES[@]}" >&2 || log "apt-get could not install ${PACKAGES[*]}"
fi
if find_chromium; then exit 0; fi
log "chromium is not available after the install attempt"
exit 3
