#!/usr/bin/env bash
# Redis and PostgreSQL for the queue-mode suite (npm run test:e2e:queue): throwaway servers on
# 127.0.0.1, free ports, Redis's files under the caller's folder and PostgreSQL's cluster in a temporary
# folder of its own; nothing of the system's own servers or clusters is used or touched.
#
#   services.sh start <dir>   installs the Debian packages when missing (root + apt-get: redis-server,
#                             postgresql; service start-up at install is suppressed), starts redis-server
#                             and a fresh PostgreSQL cluster (initdb, trust auth, user n8n, database n8n),
#                             writes <dir>/services.env (REDIS_PORT, PG_PORT, ...) and prints its path
#   services.sh stop <dir>    stops what `start` started there and removes the PostgreSQL folder
#                             (idempotent; also after a partial start)
#
# PostgreSQL refuses to run as root: as root, initdb/pg_ctl run as the `postgres` user (created by
# the package) on a data folder owned by it. Progress goes to stderr.
set -euo pipefail

CMD="${1:?usage: services.sh start|stop <dir>}"
DIR="${2:?usage: services.sh start|stop <dir>}"
log() { printf '[queue-services] %s\n' "$*" >&2; }

pg_bin_dir() {
	local d
	for d in /usr/lib/postgresql/*/bin; do
		[ -x "${d}/initdb" ] && [ -x "${d}/pg_ctl" ] && { echo "${d}"; return 0; }
	done
	return 1
}

as_pg() {
	if [ "$(id -u)" = "0" ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() {
	node -e '
		const s = require("node:net").createServer();
		s.listen(0, "127.0.0.1", () => { const p = s.address().port; s.close(() => console.log(p)); });
	'
}

install_missing() {
	local pkgs=()
	command -v redis-server >/dev/null 2>&1 || pkgs+=(redis-server)
	pg_bin_dir >/dev/null || pkgs+=(postgresql)
	[ "${#pkgs[@]}" -eq 0 ] && return 0
	if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
		log "missing ${pkgs[*]}: install them (Debian: apt-get install -y redis-server postgresql), or run as root with apt-get"
		exit 1
	fi
	log "installing ${pkgs[*]} from Debian packages"
	# No service may start at install time (Debian's policy-rc.d protocol), and no default cluster is
	# created: this suite starts its own servers.
	local policy_created=""
	if [ ! -e /usr/sbin/policy-rc.d ]; then
		printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
		chmod 755 /usr/sbin/policy-rc.d
		policy_created=1
	fi
	mkdir -p /etc/postgresql-common/createcluster.d
	printf 'create_main_cluster = false\n' >/etc/postgresql-common/createcluster.d/n8n-queue-suite.conf
	local rc=0
	{ DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${pkgs[@]}" >&2 ||
		{ apt-get update >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${pkgs[@]}" >&2; }; } || rc=$?
	[ -n "${policy_created}" ] && rm -f /usr/sbin/policy-rc.d
	[ "${rc}" -eq 0 ] || { log "apt-get install ${pkgs[*]} failed"; exit 1; }
}

start() {
	mkdir -p "${DIR}"
	DIR="$(cd "${DIR}" && pwd)"
	install_missing
	local pgbin redis_port pg_port
	pgbin="$(pg_bin_dir)"

	# Redis: no persistence, daemonized with a pid file in the folder
	redis_port="$(free_port)"
	mkdir -p "${DIR}/redis"
	redis-server --port "${redis_port}" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
		--dir "${DIR}/redis" --pidfile "${DIR}/redis/redis.pid" --logfile "${DIR}/redis/redis.log" >&2
	printf 'REDIS_PORT=%s\n' "${redis_port}" >"${DIR}/services.env"
	local i
	for i in $(seq 1 100); do
		redis-cli -h 127.0.0.1 -p "${redis_port}" ping 2>/dev/null | grep -q PONG && break
		[ "${i}" = 100 ] && { log "redis did not answer"; cat "${DIR}/redis/redis.log" >&2; exit 1; }
		sleep 0.1
	done
	log "redis $(redis-server --version | sed -n 's/.*v=\([0-9.]*\).*/\1/p') on 127.0.0.1:${redis_port}"

	# PostgreSQL: a new cluster in a folder of its own (owned by the user that runs it, which must reach
	# it: the caller's folder may be private), socket in that folder
	pg_port="$(free_port)"
	local pgdir
	pgdir="$(mktemp -d "${TMPDIR:-/tmp}/n8n-queue-pg.XXXXXX")"
	printf 'PG_DIR=%s\nPG_DATA=%s\nPG_BIN=%s\n' "${pgdir}" "${pgdir}/data" "${pgbin}" >>"${DIR}/services.env"
	if [ "$(id -u)" = "0" ]; then
		chmod 755 "${pgdir}"
		chown postgres: "${pgdir}"
	fi
	as_pg "${pgbin}/initdb" -D "${pgdir}/data" -A trust -U n8n -E UTF8 --no-locale >"${DIR}/pg-initdb.log" 2>&1 || {
		cat "${DIR}/pg-initdb.log" >&2
		exit 1
	}
	# throwaway data: no fsync
	as_pg "${pgbin}/pg_ctl" -D "${pgdir}/data" -l "${pgdir}/postgres.log" -w -t 60 \
		-o "-p ${pg_port} -k ${pgdir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
		start >&2 || { cat "${pgdir}/postgres.log" >&2; exit 1; }
	"${pgbin}/createdb" -h 127.0.0.1 -p "${pg_port}" -U n8n n8n
	printf 'PG_PORT=%s\nPG_USER=n8n\nPG_DATABASE=n8n\n' "${pg_port}" >>"${DIR}/services.env"
	log "postgres $("${pgbin}/postgres" --version | awk '{print $3}') on 127.0.0.1:${pg_port} (data ${pgdir}/data)"
	echo "${DIR}/services.env"
}

stop() {
	[ -d "${DIR}" ] || return 0
	if [ -f "${DIR}/redis/redis.pid" ]; then
		local pid
		pid="$(cat "${DIR}/redis/redis.pid")"
		kill "${pid}" 2>/dev/null || true
		for _ in $(seq 1 50); do kill -0 "${pid}" 2>/dev/null || break; sleep 0.1; done
		kill -9 "${pid}" 2>/dev/null || true
		rm -f "${DIR}/redis/redis.pid"
		log "redis stopped"
	fi
	local pgdir=""
	[ -f "${DIR}/services.env" ] && pgdir="$(sed -n 's/^PG_DIR=//p' "${DIR}/services.env")"
	if [ -n "${pgdir}" ] && [ -f "${pgdir}/data/postmaster.pid" ]; then
		local pgbin
		pgbin="$(pg_bin_dir)"
		as_pg "${pgbin}/pg_ctl" -D "${pgdir}/data" -m immediate -w -t 30 stop >&2 || {
			local pid
			pid="$(head -n 1 "${pgdir}/data/postmaster.pid" 2>/dev/null || true)"
			[ -n "${pid}" ] && kill -9 "${pid}" 2>/dev/null || true
		}
		log "postgres stopped"
	fi
	if [ -n "${pgdir}" ] && [ -d "${pgdir}" ]; then rm -rf "${pgdir}"; fi
}

case "${CMD}" in
	start) start ;;
	stop) stop ;;
	*) log "unknown command ${CMD}"; exit 2 ;;
esac
