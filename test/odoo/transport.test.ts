/** The transport: versions and protocols, retries under faults, login errors, secrets kept out of errors. */
import { chain, node, rl, startOdoo } from '../helpers';

const listPartners = () => node('Odoo', 'odooErp', { resource: 'record', operation: 'getMany', model: rl('res.partner'), domain: '[]', returnAll: true, fields: ['name'] });

describe('Odoo transport', () => {
	test('Odoo 19 with an API key speaks JSON-2; with a password JSON-RPC', async () => {
		const f = await startOdoo({ version: 19 }, 'apiKey');
		try {
			const r = await f.engine.run(chain([{}], listPartners()));
			expect(r.error).toBeUndefined();
			expect(r.output('Odoo').length).toBeGreaterThan(3);
			expect(f.sandbox.http.counter.get('json2/res.partner/search_read')).toBe(1);
			expect(f.sandbox.http.counter.get('jsonrpc/object')).toBe(0);

			const upsert = node('Up', 'odooErp', { resource: 'record', operation: 'upsertByExternalId', model: rl('product.product'), namespace: 'j2', externalId: 'p1', inputMode: 'json', valuesJson: '{"name": "JSON-2 product", "list_price": 3}' });
			const u = await f.engine.run(chain([{}], upsert));
			expect(u.output('Up')[0]).toMatchObject({ action: 'created', externalId: 'j2.p1' });
			expect(f.sandbox.http.counter.get('json2/product.product/load')).toBe(1);

			// JSON-2 answers `create` with a list of ids (a recordset), also for one record: the payment
			// wizard made with one must still be called with its id.
			const env = f.sandbox.env();
			const [invoice] = f.sandbox.db.search(env, 'account.move', [['move_type', '=', 'out_invoice'], ['state', '=', 'posted'], ['payment_state', '=', 'not_paid']]);
			const pay = await f.engine.run(chain([{}], node('Pay', 'odooErp', { resource: 'payment', operation: 'register', invoiceId: String(invoice), amount: '1', journalMode: 'bank' })));
			expect(pay.error).toBeUndefined();
			expect(pay.output('Pay')[0]).toMatchObject({ invoiceId: invoice });
			expect(f.sandbox.http.counter.get('json2/account.payment.register/action_create_payments')).toBe(1);

			// message_post likewise answers [id] over JSON-2 (one id over JSON-RPC): the audit gives the message's id.
			const audit = await f.engine.run(chain([{}], node('Audit', 'odooErp', { resource: 'audit', operation: 'post', channel: 'n8n runs', record: '{"flow": "test"}' })));
			expect(audit.error).toBeUndefined();
			expect(typeof audit.output('Audit')[0].auditMessageId).toBe('number');

			const bad = await f.engine.run(chain([{}], node('Odoo', 'odooErp', { resource: 'record', operation: 'create', model: rl('product.product'), inputMode: 'json', valuesJson: '{"list_price": 3}' })));
			expect(bad.error?.message).toMatch(/mandatory field is not set/);
			expect((bad.error as { description?: string }).description).toMatch(/ValidationError/);
			// Not even the version over JSON-RPC (Odoo 20 removes /jsonrpc): /json/version.
			expect(f.sandbox.http.counter.get('jsonrpc')).toBe(0);
			expect(f.sandbox.http.counter.get('json/version')).toBeGreaterThan(0);
		} finally {
			await f.sandbox.stop();
		}
		const p = await startOdoo({ version: 19 }, 'password');
		try {
			await p.engine.run(chain([{}], listPartners()));
			expect(p.sandbox.http.counter.get('jsonrpc/object/res.partner/search_read')).toBe(1);
			expect(p.sandbox.http.counter.get('json2')).toBe(0);
		} finally {
			await p.sandbox.stop();
		}
	});

	test.each([16, 17, 18] as const)('Odoo %i answers through JSON-RPC', async (version) => {
		const f = await startOdoo({ version }, 'apiKey');
		try {
			const r = await f.engine.run(chain([{}], listPartners()));
			expect(r.error).toBeUndefined();
			expect(f.sandbox.http.counter.get('jsonrpc/common/version')).toBe(1);
		} finally {
			await f.sandbox.stop();
		}
	});

	test('a wrong password fails clearly and never shows the secret', async () => {
		const f = await startOdoo();
		try {
			f.engine.credentials.set('odooErpApi', { ...f.creds, password: 'S3cret-wrong-pw' });
			const r = await f.engine.run(chain([{}], listPartners()));
			expect(r.error?.message).toMatch(/Odoo refused the login of "admin" on database "odoo17"/);
			expect(JSON.stringify(r.run.data)).not.toContain('S3cret-wrong-pw');
		} finally {
			await f.sandbox.stop();
		}
	});

	test('an unreachable server fails with a clear message', async () => {
		const f = await startOdoo();
		await f.sandbox.stop();
		const r = await f.engine.run(chain([{}], listPartners()));
		expect(r.error?.message).toMatch(/Odoo could not be reached at http:\/\/127\.0\.0\.1:\d+: connection refused/);
		expect(JSON.stringify(r.run.data)).not.toContain(String(f.creds.password));
	});

	test('a storm of 502, 429, resets and hangs is retried transparently for safe calls', async () => {
		const f = await startOdoo();
		try {
			f.engine.credentials.set('odooErpApi', { ...f.creds, timeoutSeconds: 1 });
			f.sandbox.http.setFaults({ rate: 0.3, kinds: ['502', '429', 'reset', 'hang'], retryAfterSeconds: 0, hangMs: 3000, seed: 7 });
			const items = Array.from({ length: 40 }, (_, k) => ({ k }));
			const upsert = node('Up', 'odooErp', {
				resource: 'record',
				operation: 'upsertByExternalId',
				model: rl('product.product'),
				namespace: 'storm',
				externalId: '=p_{{ $json.k }}',
				inputMode: 'json',
				valuesJson: '={{ JSON.stringify({ name: "Storm " + $json.k, list_price: $json.k }) }}',
				options: { batchSize: 10 },
			});
			for (let run = 0; run < 2; run++) {
				const r = await f.engine.run(chain(items, upsert));
				expect(r.error).toBeUndefined();
				expect(r.output('Up')).toHaveLength(40);
			}
			const injected = f.sandbox.http.injected;
			expect(injected['502'] + injected['429'] + injected.reset + injected.hang).toBeGreaterThan(3);
			f.sandbox.http.clearFaults();
			const env = f.sandbox.env();
			expect(f.sandbox.db.search(env, 'ir.model.data', [['module', '=', 'storm'], ['model', '=', 'product.product']])).toHaveLength(40);
			expect(f.sandbox.db.search(env, 'product.product', [['name', 'like', 'Storm ']])).toHaveLength(40);
		} finally {
			await f.sandbox.stop();
		}
	});

	// The request runs and its work is kept; only the answer is lost on the way back.
	test.each(['lost-502', 'lost-504', 'lost-reset'] as const)('a plain create whose answer is lost (%s) is not sent again: one record, and an error saying the outcome is unknown', async (kind) => {
		const f = await startOdoo();
		try {
			f.sandbox.http.setFaults({ rate: 1, kinds: [kind], only: '"res\\.partner","create"', seed: 1 });
			const create = node('Odoo', 'odooErp', { resource: 'record', operation: 'create', model: rl('res.partner'), inputMode: 'json', valuesJson: '={{ JSON.stringify($json) }}' });
			const r = await f.engine.run(chain([{ name: 'Once Only Partner' }], create));
			expect(f.sandbox.http.injected[kind]).toBe(1);
			expect(r.error?.message).toMatch(/HTTP 50[24]|could not be reached/);
			expect(String((r.error as { description?: string }).description)).toMatch(/may or may not have been processed, so it was not sent again/);
			expect(f.sandbox.http.counter.get('jsonrpc/object/res.partner/create')).toBe(1);
			f.sandbox.http.clearFaults();
			expect(f.sandbox.db.search(f.sandbox.env(), 'res.partner', [['name', '=', 'Once Only Partner']])).toHaveLength(1);
		} finally {
			await f.sandbox.stop();
		}
	});

	test.each(['lost-502', 'lost-504', 'lost-reset'] as const)('an upsert by external id whose answer is lost (%s) is sent again and creates nothing twice', async (kind) => {
		const f = await startOdoo();
		try {
			f.engine.credentials.set('odooErpApi', { ...f.creds, timeoutSeconds: 2 });
			f.sandbox.http.setFaults({ rate: 1, kinds: [kind], only: '"product\\.product","load"', limit: 2, seed: 1 });
			const upsert = node('Up', 'odooErp', {
				resource: 'record',
				operation: 'upsertByExternalId',
				model: rl('product.product'),
				namespace: 'lost',
				externalId: '=p_{{ $json.k }}',
				inputMode: 'json',
				valuesJson: '={{ JSON.stringify({ name: "Lost answer " + $json.k, list_price: $json.k }) }}',
			});
			const r = await f.engine.run(chain([{ k: 1 }, { k: 2 }, { k: 3 }], upsert));
			expect(r.error).toBeUndefined();
			expect(f.sandbox.http.injected[kind]).toBe(2);
			expect(f.sandbox.http.counter.get('jsonrpc/object/product.product/load')).toBe(3); // two lost answers, then one answered
			const env = f.sandbox.env();
			expect(f.sandbox.db.search(env, 'product.product', [['name', 'like', 'Lost answer ']])).toHaveLength(3);
			expect(f.sandbox.db.search(env, 'ir.model.data', [['module', '=', 'lost'], ['model', '=', 'product.product']])).toHaveLength(3);
		} finally {
			await f.sandbox.stop();
		}
	});
});
