import { Engine } from '../runner/engine';
import { OdooSandbox } from '../sandbox/odoo/server';

async function main() {
	const sb = new OdooSandbox({ version: 17 });
	const url = await sb.start();
	const engine = new Engine({ odooErpApi: { url, database: 'odoo17', username: 'admin', authentication: 'password', password: 'admin' } });
	const wf = {
		name: 'smoke',
		nodes: [
			{ id: '1', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
			{ id: '2', name: 'Code', type: 'n8n-nodes-base.code', typeVersion: 2, position: [200, 0], parameters: { jsCode: 'return Array.from({length: 3}, (_, i) => ({json: {code: "P" + i, name: "Prod " + i, price: i + 0.5}}));' } },
			{ id: '3', name: 'Upsert', type: 'n8n-nodes-pos-odoo-procountor.odooErp', typeVersion: 1, position: [400, 0], credentials: { odooErpApi: { id: '1', name: 'Odoo' } },
				parameters: { resource: 'record', operation: 'upsert', model: { __rl: true, mode: 'name', value: 'product.product' }, namespace: 'smoke', externalId: '=p_{{ $json.code }}', inputMode: 'json', valuesJson: '={{ JSON.stringify({name: $json.name, list_price: $json.price, default_code: $json.code, available_in_pos: true}) }}' } },
		],
		connections: { Start: { main: [[{ node: 'Code', type: 'main', index: 0 }]] }, Code: { main: [[{ node: 'Upsert', type: 'main', index: 0 }]] } },
		active: false, settings: {},
	};
	const r = await engine.run(wf as never);
	console.log('error', r.error?.message, (r.error as any)?.description);
	console.log(JSON.stringify(r.output('Upsert')));
	const r2 = await engine.run(wf as never);
	console.log(JSON.stringify(r2.output('Upsert')), sb.http.counter.snapshot());
	await sb.stop();
}
void main();
