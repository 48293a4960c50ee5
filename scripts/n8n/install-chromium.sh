#!/usr/bin/env bash
# Makes Debian's `chromium` available for the editor screenshots (test/e2e/editor.e2e.ts), which
# drive it with playwright-core (no browser download from Playwright's CDN), plus a small CJK font
# (fonts-wqy-microhei) so Chinese text in the editor is not drawn as boxes, and an emoji font
# (fonts-noto-color-emoji) so the sandbox page's emoji (the /roll example answers with 🎲) are not
# boxes either. The fonts are best effort: a font that cannot be installed never fails the script.
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

has_font() { command -v fc-list >/dev/null 2>&1 && [ -n "$(fc-list "$1" 2>/dev/null | head -n 1)" ]; }
has_cjk_font() { has_font ':lang=zh'; }
has_emoji_font() { has_font ':charset=1f3b2'; } # U+1F3B2 GAME DIE, the /roll answer

PACKAGES=()
if ! find_chromium >/dev/null; then PACKAGES+=(chromium); fi
if ! has_cjk_font; then PACKAGES+=(fonts-wqy-microhei); fi
if ! has_emoji_font; then PACKAGES+=(fonts-noto-color-emoji); fi
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
		log "chromium is not installed and installing it needs root: run 'sudo apt-get install -y chromium fonts-wqy-microhei fonts-noto-color-emoji'"
		exit 3
	fi
fi

log "installing ${PACKAGES[*]} with apt-get (once; about a minute)"
export DEBIAN_FRONTEND=noninteractive
install_packages() { ${SUDO} apt-get install -y --no-install-recommends "$@" >&2; }
if ! install_packages "${PACKAGES[@]}"; then
	# the package lists may be missing or stale on a fresh machine
	${SUDO} apt-get update >&2 || true
	if ! install_packages "${PACKAGES[@]}"; then
		# one at a time, so that a font this mirror lacks does not keep chromium out
		for p in "${PACKAGES[@]}"; do install_packages "${p}" || log "apt-get could not install ${p}"; done
	fi
fi
if find_chromium; then exit 0; fi
log "chromium is not available after the install attempt"
exit 3
