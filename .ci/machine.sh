#!/usr/bin/env bash
# What the e2e test needs from the machine, installed and started when missing (idempotent):
# Debian's PostgreSQL, Redis, Chromium, and g++/make/python3 for the native modules n8n builds.
# Exports PGUSER/PGPASSWORD of a local role of our own, so it works whatever pg_hba.conf says.
# Source it: `. .ci/machine.sh`.
set -euo pipefail
sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive

missing=()
for pair in postgresql:pg_ctlcluster redis-server:redis-server redis-tools:redis-cli chromium:chromium g++:g++ make:make python3:python3 postgresql-client:psql; do
	pkg=${pair%%:*}; cmd=${pair#*:}
	command -v "$cmd" >/dev/null 2>&1 || [ -x "/usr/bin/$cmd" ] || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
	echo "installing ${missing[*]} (Debian packages)"
	$sudo apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null 2>&1 ||
		{ $sudo apt-get update -q >/dev/null && $sudo apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null; }
fi

# PostgreSQL: the newest installed cluster, created if the package left none, then started.
pgver=$(ls /usr/lib/postgresql | sort -V | tail -1)
[ -d "/etc/postgresql/$pgver/main" ] || $sudo pg_createcluster "$pgver" main >/dev/null
pg_isready -q -h 127.0.0.1 || $sudo pg_ctlcluster --skip-systemctl-redirect "$pgver" main start
for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 && break; sleep 1; done
# A role of our own with a password: password (md5/scram) and trust authentication on 127.0.0.1 both accept it.
export PGUSER=${PGUSER:-n8n_ci} PGPASSWORD=${PGPASSWORD:-n8n-ci-local-only}
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- env -u PGUSER -u PGPASSWORD "$@"; else sudo -u postgres env -u PGUSER -u PGPASSWORD "$@"; fi; }
(cd / && as_postgres psql -q -v ON_ERROR_STOP=1 -d postgres -c "DO \$\$ BEGIN
	IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$PGUSER') THEN CREATE ROLE \"$PGUSER\" LOGIN CREATEDB PASSWORD '$PGPASSWORD';
	ELSE ALTER ROLE \"$PGUSER\" LOGIN CREATEDB PASSWORD '$PGPASSWORD'; END IF; END \$\$;")

# Redis on loopback, nothing persisted.
if ! redis-cli -h 127.0.0.1 ping >/dev/null 2>&1; then
	$sudo mkdir -p /var/lib/redis /var/log/redis
	$sudo redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log
	for _ in $(seq 1 30); do redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 && break; sleep 1; done
fi
