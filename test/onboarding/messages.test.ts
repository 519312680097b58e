/**
 * A newcomer's first hour: each mistake a user makes while setting up gets a message that says
 * what is wrong and what to change, at once, and never shows a secret.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { IDataObject } from 'n8n-workflow';
import { Engine } from '../../runner/engine';
import { applySettings, credentialsFromFileAndEnv, loadTemplate, readCredentialsFile, runTemplate, templateFile } from '../../runner/flows';
import { describeOutcome } from '../../runner/report';
import { startSandboxes } from '../../sandbox';
import { chain, node, rl, startCodeplus, startOdoo } from '../helpers';

const listPartners = () => node('Odoo', 'odooErp', { resource: 'record', operation: 'getMany', model: rl('res.partner'), domain: '[]', returnAll: true, fields: ['name'] });
const describeOf = (e: unknown) => String((e as { description?: string } | undefined)?.description ?? '');

describe('Odoo credential mistakes', () => {
	test('a wrong database name says the database is not on that server and lists the ones it has', async () => {
		const f = await startOdoo();
		try {
			f.engine.credentials.set('odooErpApi', { ...f.creds, database: 'prod' });
			const r = await f.engine.run(chain([{}], listPartners()));
			expect(r.error?.message).toBe(`Odoo at ${f.creds.url} has no database "prod"`);
			expect(describeOf(r.error)).toMatch(/It has: odoo17\. Check the Database field of the Odoo ERP API credential/);
			expect(r.error?.message).not.toMatch(/5432|PostgreSQL|connection to server/);
		} finally {
			await f.sandbox.stop();
		}
	});

	test('a server that does not list its databases is named as such', async () => {
		const f = await startOdoo({ listDatabases: false });
		try {
			f.engine.credentials.set('odooErpApi', { ...f.creds, database: 'prod' });
			const r = await f.engine.run(chain([{}], listPartners()));
			expect(r.error?.message).toMatch(/has no database "prod"/);
			expect(describeOf(r.error)).toMatch(/does not list its databases/);
		} finally {
			await f.sandbox.stop();
		}
	});

	test('a URL copied from the browser (ending /odoo) says to drop the path', async () => {
		const f = await startOdoo();
		try {
			f.engine.credentials.set('odooErpApi', { ...f.creds, url: `${f.creds.url}/odoo` });
			const r = await f.engine.run(chain([{}], listPartners()));
			expect(r.error?.message).toMatch(/Odoo answered 404 Not Found at http:\/\/127\.0\.0\.1:\d+\/odoo\/jsonrpc/);
			expect(describeOf(r.error)).toBe(`The Site URL of the Odoo ERP API credential should be the server's address without a path: drop "/odoo" (use ${f.creds.url}).`);
		} finally {
			await f.sandbox.stop();
		}
	});

	test('a user name and password inside the URL are refused before anything is sent, and never shown', async () => {
		const f = await startOdoo();
		try {
			const url = String(f.creds.url).replace('http://', 'http://admin:url-secret-pw-42@');
			f.engine.credentials.set('odooErpApi', { ...f.creds, url });
			const before = f.sandbox.http.counter.total;
			const r = await f.engine.run(chain([{}], listPartners()));
			expect(r.error?.message).toMatch(/^The Site URL of the Odoo ERP API credential holds a user name or password \(http:\/\/\*\*\*@127\.0\.0\.1:\d+\): remove them from the URL$/);
			expect(f.sandbox.http.counter.total).toBe(before);
			expect(JSON.stringify(r.run.data)).not.toContain('url-secret-pw-42');
		} finally {
			await f.sandbox.stop();
		}
	});

	test('a refused connection on first contact fails at once, saying to check the URL', async () => {
		const f = await startOdoo();
		await f.sandbox.stop();
		const r = await f.engine.run(chain([{}], listPartners()));
		expect(r.error?.message).toMatch(/Odoo could not be reached at http:\/\/127\.0\.0\.1:\d+: connection refused/);
		expect(describeOf(r.error)).toMatch(/check the URL in the credential and that the server is running/);
		expect(describeOf(r.error)).not.toMatch(/gave up after/);
	});
});

describe('Codeplus and Procountor credential URLs', () => {
	test('a token or password in the Codeplus URL is refused and never shown', async () => {
		const f = await startCodeplus();
		try {
			const baseUrl = String(f.creds.baseUrl).replace('http://', 'http://user:cp-url-secret-77@');
			const engine = new Engine({ codeplusApi: { ...f.creds, baseUrl } });
			const r = await engine.run(chain([{}], node('PP', 'pixelPoint', { resource: 'store', operation: 'getMany' })));
			expect(r.error?.message).toMatch(/^The Base URL of the Codeplus credential holds a user name or password \(http:\/\/\*\*\*@/);
			expect(JSON.stringify(r.run.data)).not.toContain('cp-url-secret-77');
		} finally {
			await f.sandbox.stop();
		}
	});
});

describe('a template run with a credential URL holding a password', () => {
	test('the error is named by the step that failed, and neither the run nor the audit record shows the password', async () => {
		const sb = await startSandboxes();
		try {
			const creds = sb.credentials();
			const engine = new Engine({ ...creds, codeplusApi: { ...creds.codeplusApi, baseUrl: String(creds.codeplusApi.baseUrl).replace('http://', 'http://pos:pp-url-secret-99@') } });
			const r = await runTemplate(engine, 'pixelpoint-order-import', {});
			expect(r.ok).toBe(false);
			expect(r.error).toMatch(/^PixelPoint: Stores: The Base URL of the Codeplus credential holds a user name or password \(http:\/\/\*\*\*@127\.0\.0\.1:\d+\/api\/v1\)/);
			expect(JSON.stringify(r.summary)).not.toContain('pp-url-secret-99');
			const env = sb.odoo.env();
			const bodies = sb.odoo.db.read(env, 'mail.message', sb.odoo.db.search(env, 'mail.message', []), ['body']).map((m) => String(m.body));
			expect(bodies.some((b) => b.includes('order import'))).toBe(true);
			expect(bodies.join('\n')).not.toContain('pp-url-secret-99');
		} finally {
			await sb.stop();
		}
	});

	test('an Odoo error is labelled with the step that failed, not with the audit step', async () => {
		const sb = await startSandboxes();
		try {
			const creds = sb.credentials();
			const engine = new Engine({ ...creds, odooErpApi: { ...creds.odooErpApi, database: 'nope' } });
			const r = await runTemplate(engine, 'pixelpoint-master-data', {});
			expect(r.ok).toBe(false);
			expect(r.error).toMatch(/^Odoo: [^:]+: Odoo at http:\/\/127\.0\.0\.1:\d+ has no database "nope"/);
			expect(r.error).not.toMatch(/^Odoo: Post Audit Record/);
			// Said once: the audit step that failed the same way is named, its message not repeated.
			expect(String(r.error).match(/has no database "nope"/g)).toHaveLength(1);
		} finally {
			await sb.stop();
		}
	});
});

describe('what Odoo must have before the master data', () => {
	test('a company without a warehouse is named, with where to create one, and no shop is written', async () => {
		const sb = await startSandboxes();
		try {
			const db = sb.odoo.db;
			for (const id of db.search(sb.odoo.env(), 'stock.warehouse', [])) db.deleteRaw('stock.warehouse', id);
			const r = await runTemplate(new Engine(sb.credentials()), 'pixelpoint-master-data', {});
			expect(r.ok).toBe(false);
			expect(r.error).toMatch(/^Odoo: Upsert Stores: The Odoo company Ravintola Demo Oy has no warehouse: POS shops need one \(Create it in Odoo under Inventory → Configuration → Warehouses/);
			expect(db.search(sb.odoo.env(), 'pos.config', [['name', 'in', sb.codeplus.stores.map((x) => x.StoreName)]])).toEqual([]);
		} finally {
			await sb.stop();
		}
	});
});

describe('npm run flows: files, names, ports and what it prints', () => {
	const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'flows-msg-'));
	afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

	test('a malformed credentials file is named, with what is wrong', () => {
		const bad = path.join(tmp, 'creds.json');
		fs.writeFileSync(bad, '{"odooErpApi": {"url": "x",}}');
		expect(() => readCredentialsFile(bad)).toThrow(new RegExp(`^The credentials file ${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not valid JSON at line 1, column \\d+: check the quotes and commas there`));
		// A mistake next to a secret: the message names the place, never the text around it.
		fs.writeFileSync(bad, '{"odooErpApi": {"url": "https://erp.example.fi", "password": hunter2-Secret }}');
		let said = '';
		try {
			readCredentialsFile(bad);
		} catch (e) {
			said = (e as Error).message;
		}
		expect(said).toMatch(/is not valid JSON at line 1, column \d+/);
		expect(said).not.toMatch(/hunter|Secret|h'/);
		fs.writeFileSync(bad, '{"odooErpApi": {"url": "https://erp.example.fi",\n "password": "hunter2-Secret"');
		expect(() => readCredentialsFile(bad)).toThrow(/is not valid JSON \(it ends too early\)|is not valid JSON at line 2/);
		// A field the credential does not have is refused with the nearest right name.
		fs.writeFileSync(bad, JSON.stringify({ odooErpApi: { url: 'https://erp.example.fi', database: 'prod', login: 'n8n' } }));
		expect(() => readCredentialsFile(bad)).toThrow(/odooErpApi has no field "login": did you mean "username"\? Its fields are url, database, username/);
		fs.writeFileSync(bad, JSON.stringify({ procountorApi: { clientID: 'x' } }));
		expect(() => readCredentialsFile(bad)).toThrow(/procountorApi has no field "clientID": did you mean "clientId"\?/);
		fs.writeFileSync(bad, '{"odoo": {}}');
		expect(() => readCredentialsFile(bad)).toThrow(/has "odoo": the keys are odooErpApi, codeplusApi, procountorApi/);
		expect(() => readCredentialsFile(path.join(tmp, 'missing.json'))).toThrow(/^Cannot read the credentials file .*missing\.json: there is no such file$/);
	});

	test('a credential without a required field names it and the variable that sets it', () => {
		const file = path.join(tmp, 'partial.json');
		fs.writeFileSync(file, JSON.stringify({ odooErpApi: { url: 'https://erp.example.fi', database: 'prod', apiKey: 'k' } }));
		expect(() => credentialsFromFileAndEnv(file)).toThrow(/The odooErpApi credential of .*partial\.json is missing "username" \(or ODOO_LOGIN\)/);
		fs.writeFileSync(file, JSON.stringify({ odooErpApi: { url: 'https://erp.example.fi', database: 'prod', username: 'n8n', authentication: 'password' } }));
		expect(() => credentialsFromFileAndEnv(file)).toThrow(/is missing "password" \(or ODOO_PASSWORD\)/);
		fs.writeFileSync(file, JSON.stringify({ odooErpApi: { url: 'https://erp.example.fi', database: 'prod', username: 'n8n', apiKey: 'k' } }));
		expect(Object.keys(credentialsFromFileAndEnv(file))).toEqual(['odooErpApi']);
	});

	test('an unknown template name suggests --list and the nearest names, not ENOENT', () => {
		expect(() => templateFile('order-import')).toThrow(/^Unknown template "order-import": did you mean pixelpoint-order-import\? `npm run flows -- --list` lists the templates/);
		expect(() => templateFile('zzz')).not.toThrow(/ENOENT/);
	});

	test('a taken port is reported at once with the variable that changes it', async () => {
		const blocker = net.createServer();
		await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve()));
		const port = (blocker.address() as net.AddressInfo).port;
		try {
			await expect(startSandboxes({ receiver: port })).rejects.toThrow(`The receiver sandbox cannot listen on 127.0.0.1:${port}: the port is taken by another program. Set RECEIVER_PORT to another port (0 picks a free one).`);
			await expect(startSandboxes({ odoo: port })).rejects.toThrow(/Set ODOO_PORT to another port/);
		} finally {
			blocker.close();
		}
	});

	test('the canonical endpoint is a Settings value of the template, empty until set', () => {
		const wf = loadTemplate('odoo-invoices-canonical-sync');
		expect(JSON.stringify(wf)).not.toMatch(/127\.0\.0\.1|localhost|8072/);
		const settings = (wf: typeof loadTemplate extends (n: string) => infer W ? W : never) =>
			(wf.nodes.find((n) => n.name === 'Settings')!.parameters.assignments as { assignments: Array<{ name: string; value: unknown }> }).assignments;
		expect(settings(wf).find((a) => a.name === 'endpoint')?.value).toBe('');
		const set = applySettings(wf, { endpoint: 'https://erp.example.fi/in', batchSize: '50' });
		expect(settings(set).find((a) => a.name === 'endpoint')?.value).toBe('https://erp.example.fi/in');
		expect(settings(set).find((a) => a.name === 'batchSize')?.value).toBe(50);
	});

	test('a canonical sync without an endpoint sends nothing, keeps its cursor and says what to set', async () => {
		const sb = await startSandboxes();
		try {
			const r = await runTemplate(new Engine(sb.credentials()), 'odoo-invoices-canonical-sync', {});
			expect(r.ok).toBe(false);
			expect(r.summary[0]).toMatchObject({ status: 'failed', sent: 0 });
			expect(String(r.error)).toMatch(/Settings → endpoint is empty: set the URL that receives the canonical invoices/);
			expect(sb.receiver.requests).toBe(0);
		} finally {
			await sb.stop();
		}
	});

	test('a flow is reported in plain words; the audit record only with --json', () => {
		const record: IDataObject = {
			operation: 'PixelPoint order import',
			status: 'failed',
			created: 1488,
			skipped: 50,
			voids: 44,
			failed: 2,
			storesAdvanced: [1, 3],
			error: 'Store 2: invoice 200017: Odoo: the tax "VAT 14%" does not exist, and a long error that must not be cut anywhere in the middle of its text',
			errors: ['Store 2: invoice 200017: Odoo: the tax "VAT 14%" does not exist, and a long error that must not be cut anywhere in the middle of its text'],
		};
		const text = describeOutcome({ template: 'pixelpoint-order-import', ok: false, summary: [record], ms: 2400 });
		expect(text).toBe(
			[
				'FAIL pixelpoint-order-import (2.4 s) — PixelPoint order import',
				'     orders: 1,488 imported into POS sessions, 44 voided invoices skipped, 6 already in Odoo, 2 failed',
				'     stores whose cursor moved on: 1, 3',
				`     error: ${String(record.error)}`,
			].join('\n'),
		);
		expect(describeOutcome({ template: 'x', ok: true, summary: [record], ms: 1 }, { json: true })).toContain(JSON.stringify(record));
	});

	test('a wrong Procountor client secret: one message, said once; no Odoo errors that follow from it; the run says it failed', async () => {
		const sb = await startSandboxes();
		try {
			const creds = sb.credentials();
			const engine = new Engine({ ...creds, procountorApi: { ...creds.procountorApi, clientSecret: 'a-wrong-client-secret' } });
			const r = await runTemplate(engine, 'procountor-master-data', {}, sb.settings());
			expect(r.ok).toBe(false);
			expect(r.summary[0]).toMatchObject({ status: 'failed', errors: [expect.stringMatching(/^vat: Procountor refused the client credentials \(HTTP 401\)/)] });
			const text = describeOutcome(r);
			expect(text.match(/refused the client credentials/g)).toHaveLength(1);
			expect(text).not.toMatch(/Odoo refused|mandatory field|require a name/);
			expect(text).toContain('nothing was done: the error below stopped the run before its first change');
			expect(text).not.toMatch(/business partners: \d+ failed/);
			expect(text).not.toContain('a-wrong-client-secret');
		} finally {
			await sb.stop();
		}
	});
});

describe('an Odoo API key that expired or was revoked', () => {
	for (const version of [17, 19] as const) {
		test(`Odoo ${version}: the error says the key expired or was revoked and how to renew it without editing workflows`, async () => {
			const f = await startOdoo({ version }, 'apiKey');
			try {
				const expired = '0123456789abcdef0123456789abcdef0badc0de';
				const engine = new Engine({ odooErpApi: { ...f.creds, apiKey: expired } });
				const r = await engine.run(chain([{}], node('Get', 'odooErp', { resource: 'record', operation: 'getMany', model: rl('res.partner'), domain: '[]', limit: 1 })));
				expect(r.error?.message).toMatch(/Odoo refused the API key of "admin" on database "[^"]+": it has expired or was revoked, or the login is wrong/);
				expect((r.error as { description?: string }).description).toMatch(/Odoo API keys expire .*New API Key.*every workflow using the credential takes it from its next run/);
				expect(JSON.stringify(r.run.data)).not.toContain(expired);
				// A key that cannot be one of Odoo's (a whole file pasted): said as such, not "expired".
				const pasted = `${'x'.repeat(2990)}-0123456789`;
				const r2 = await new Engine({ odooErpApi: { ...f.creds, apiKey: pasted } }).run(chain([{}], node('Get', 'odooErp', { resource: 'record', operation: 'getMany', model: rl('res.partner'), domain: '[]', limit: 1 })));
				expect(r2.error?.message).toMatch(/the key in the credential is 3001 characters long with characters other than 0-9 and a-f, and Odoo's API keys are 40 characters/);
				expect(JSON.stringify(r2.run.data)).not.toContain('xxxxxxxxxx');
			} finally {
				await f.sandbox.stop();
			}
		});
	}
});
