/**
 * Secrets stay out of what a user sees even when a server repeats the request in its error
 * (the sandboxes' `echo` fault): passwords, API keys, tokens and issued access tokens, in the
 * error message, its description and the run's data.
 */
import { Engine } from '../../runner/engine';
import { startSandboxes, type Sandboxes } from '../../sandbox';
import { chain, node, rl, startOdoo } from '../helpers';

const listPartners = () => node('Odoo', 'odooErp', { resource: 'record', operation: 'getMany', model: rl('res.partner'), domain: '[]', returnAll: true, fields: ['name'] });
const shown = (r: { error?: Error; run: { data: unknown } }) =>
	`${r.error?.message ?? ''} ${(r.error as { description?: string } | undefined)?.description ?? ''} ${JSON.stringify(r.run.data)}`;

describe('a server that echoes the request into its error', () => {
	test.each([
		['JSON-RPC with a password', 17, 'password'],
		['JSON-RPC with an API key', 17, 'apiKey'],
		['JSON-2 with an API key (bearer header)', 19, 'apiKey'],
	] as const)('Odoo, %s: the secret is not shown, and the echo is', async (_t, version, auth) => {
		const f = await startOdoo({ version }, auth);
		try {
			const secret = String(auth === 'password' ? f.creds.password : f.creds.apiKey);
			f.sandbox.http.setFaults({ rate: 1, kinds: ['echo'], only: 'search_read', limit: 1 });
			const r = await f.engine.run(chain([{}], listPartners()));
			expect(f.sandbox.http.injected.echo).toBe(1);
			expect(shown(r)).toMatch(/cannot process POST/); // the echo reached the user…
			expect(shown(r)).not.toContain(secret); // …without the secret
			expect(shown(r)).toContain('***');
		} finally {
			await f.sandbox.stop();
		}
	});

	describe('Codeplus and Procountor', () => {
		let sb: Sandboxes;
		beforeAll(async () => {
			sb = await startSandboxes({}, { codeplus: { days: 1 } });
		});
		afterAll(async () => {
			await sb.stop();
		});

		test('Codeplus: the token in the Authorization header is not shown', async () => {
			const engine = new Engine(sb.credentials());
			sb.codeplus.http.setFaults({ rate: 1, kinds: ['echo'], limit: 1 });
			const r = await engine.run(chain([{}], node('PP', 'pixelPoint', { resource: 'store', operation: 'getMany' })));
			expect(sb.codeplus.http.injected.echo).toBe(1);
			expect(shown(r)).toMatch(/cannot process GET/);
			expect(shown(r)).not.toContain(String(sb.codeplus.options.token));
			expect(shown(r)).toContain('Bearer ***');
		});

		test('Procountor: the access token issued during the run, the client secret and the API key are not shown', async () => {
			const engine = new Engine(sb.credentials());
			sb.procountor.http.setFaults({ rate: 1, kinds: ['echo'], only: 'GET /api/vats', limit: 1 });
			const r = await engine.run(chain([{}], node('PC', 'procountor', { resource: 'vat', operation: 'getDefault' })));
			expect(sb.procountor.http.injected.echo).toBe(1);
			const text = shown(r);
			expect(text).toMatch(/cannot process GET/);
			expect(text).not.toMatch(/pct-[a-z0-9]{12,}/);
			for (const s of [sb.procountor.options.clientSecret, sb.procountor.options.apiKey]) expect(text).not.toContain(String(s));
			expect(text).toContain('Bearer ***');
		});
	});
});
