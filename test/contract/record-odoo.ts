/**
 * `npm run record:odoo`: records the package's own calls to real Odoo 17, 18 and 19 (ODOO_VERSIONS
 * to choose; on 19 with an API key, so over JSON-2) as contract transcripts in test/contract/transcripts/package-odoo<N>/, which
 * `package-recordings.test.ts` replays against the sandbox of the same version.
 *
 * A recording proxy sits between the package and a real server restored from the real-Odoo
 * harness's set-up database (the integrator's restaurant company). Through it run every template
 * over two business days crossing a year end (Codeplus and Procountor sandboxes as the other
 * systems), then the calls whose answers the package depends on when something is wrong: errors
 * Odoo raises, what it ignores, and what differs by version. Every exchange is written as Odoo
 * answered it, in the format of the team's earlier recordings.
 */
import * as fs from 'node:fs';
import type http from 'node:http';
import * as path from 'node:path';
import { setClock } from '../../runner/clock';
import { Engine } from '../../runner/engine';
import { runTemplate } from '../../runner/flows';
import { startSandboxes } from '../../sandbox';
import type { ICredentialDataDecryptedObject, IWorkflowBase } from 'n8n-workflow';
import { preparedDump } from '../odoo-real/prepared';
import { ForwardingProxy } from '../odoo-real/proxy';
import { Rpc } from '../odoo-real/rpc';
import { OdooServer, copyFilestore, dropDb, freePort, makeApiKey, restore, tarballOf } from '../odoo-real/server';
import { TRANSCRIPTS_DIR, json2Target, jsonOrText, type RecordedCall, type RpcCall } from './replay';

/** Two business days, 2025-12-31 and 2026-01-01, closed and exported on 2026-01-02. */
const TODAY = '2026-01-02';
export const CONTRACT_DB = 'n8n_contract';
const FIXTURES = path.resolve(__dirname, '..', '..', 'sandbox', 'odoo', 'fixtures');
const TEMPLATES = [
	'pixelpoint-master-data',
	'pixelpoint-order-import',
	'pos-invoice-payment',
	'pos-session-auto-close',
	'procountor-master-data',
	'odoo-invoices-to-procountor',
	'procountor-payments-to-odoo',
	'odoo-invoices-canonical-sync',
	'sync-waiting-items',
];

interface Bucket {
	file: string;
	title: string;
	calls: RecordedCall[];
}

/**
 * Forwards every request to the real server and keeps the JSON-RPC and JSON-2 exchanges under the
 * current note. Of the key only whether it was the right one is kept.
 */
class RecordingProxy extends ForwardingProxy {
	bucket?: Bucket;
	note = '';
	apiKey = '';

	protected override onAnswer(req: http.IncomingMessage, body: Buffer, status: number, text: string): void {
		const url = req.url ?? '';
		if (!this.bucket) return;
		if (url === '/jsonrpc') {
			const request = JSON.parse(body.toString('utf8')) as RpcCall['request'];
			const p = request.params;
			this.bucket.calls.push({ note: this.noteFor(p.service === 'object' ? `${String(p.args[3])}.${String(p.args[4])}` : `${p.service}.${p.method}`), http_status: status, request, response: JSON.parse(text) as Record<string, unknown> });
		} else if (url.startsWith('/json/')) {
			const endpoint = `${req.method ?? 'GET'} ${url}`;
			const target = json2Target(endpoint);
			const auth = req.headers.authorization;
			this.bucket.calls.push({
				note: this.noteFor(target ? `${target.model}.${target.method}` : endpoint),
				http_status: status,
				endpoint,
				...(auth ? { auth: auth === `bearer ${this.apiKey}` ? ('key' as const) : ('wrong key' as const) } : {}),
				...(body.length ? { request: JSON.parse(body.toString('utf8')) as Record<string, unknown> } : {}),
				response: jsonOrText(text),
			});
		}
	}

	private noteFor(what: string): string {
		return this.note ? `${this.note}: ${what}` : what;
	}
}

type ProbeAnswer = { result?: unknown; error?: { data?: { name?: string; message?: string } } };

/** A JSON-RPC call of the recorder's own (the probes), through the proxy so it is recorded. */
async function rpc(url: string, service: string, method: string, args: unknown[]): Promise<ProbeAnswer> {
	const res = await fetch(`${url}/jsonrpc`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/json' },
		body: JSON.stringify({ jsonrpc: '2.0', method: 'call', params: { service, method, args }, id: 1 }),
	});
	return (await res.json()) as ProbeAnswer;
}

/** The probes' methods: whether they take records, and their positional parameters by name (JSON-2 takes names). */
const PROBE_PARAMS: Record<string, { onRecords: boolean; names: string[] }> = {
	read: { onRecords: true, names: ['fields'] },
	write: { onRecords: true, names: ['vals'] },
	button_draft: { onRecords: true, names: [] },
	action_post: { onRecords: true, names: [] },
	set_cashbox_pos: { onRecords: true, names: ['cashbox_value', 'notes'] },
	_compute_display_name: { onRecords: true, names: [] },
	search_read: { onRecords: false, names: ['domain'] },
	search_count: { onRecords: false, names: ['domain'] },
	create: { onRecords: false, names: ['vals_list'] },
};

/** A JSON-2 call of the recorder's own (Odoo 19's probes), answered as JSON-RPC would be for the probes' use. */
async function json2(url: string, db: string, key: string, model: string, method: string, args: unknown[], kwargs: Record<string, unknown>): Promise<ProbeAnswer> {
	const p = PROBE_PARAMS[method] ?? { onRecords: false, names: [] };
	const named: Record<string, unknown> = { ...kwargs };
	const rest = p.onRecords ? args.slice(1) : args;
	if (p.onRecords) named.ids = args[0];
	rest.forEach((v, i) => (named[p.names[i]] = v));
	const res = await fetch(`${url}/json/2/${model}/${method}`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/json', Authorization: `bearer ${key}`, 'X-Odoo-Database': db },
		body: JSON.stringify(named),
	});
	const body = jsonOrText(await res.text());
	return res.ok ? { result: body } : { error: { data: body as { name?: string; message?: string } } };
}

/**
 * The webhook samples of the counter-payment template, on real ids: unpaid invoices (the customer
 * and an invoice number the till was shown), a partial cash payment, the session summary; the till
 * token the template issues names the invoice's company (the restaurant's, whatever the database
 * calls it) and the store of the open session.
 */
async function counterRequests(direct: Rpc): Promise<(wf: IWorkflowBase) => void> {
	const [invoice] = await direct.searchRead<{ id: number; name: string; partner_id: [number, string]; company_id: [number, string]; amount_residual: number }>(
		'account.move',
		[['move_type', '=', 'out_invoice'], ['state', '=', 'posted'], ['payment_state', '=', 'not_paid']],
		['name', 'partner_id', 'company_id', 'amount_residual'],
		{ order: 'id', limit: 1 },
	);
	const [session] = await direct.searchRead<{ id: number; config_id: [number, string] }>('pos.session', [['state', '=', 'opened'], ['company_id', '=', invoice?.company_id[0] ?? 0]], ['config_id'], { order: 'id', limit: 1 });
	if (!invoice || !session) throw new Error('no unpaid invoice or open session for the counter payment');
	// The store is PixelPoint's store number, the suffix of its shop's external id (pixelpoint.store_<n>).
	const [xid] = await direct.searchRead<{ name: string }>('ir.model.data', [['module', '=', 'pixelpoint'], ['model', '=', 'pos.config'], ['res_id', '=', session.config_id[0]]], ['name'], { limit: 1 });
	const store = Number(xid?.name.replace(/^store_/, ''));
	if (!store) throw new Error(`the open session's shop ${session.config_id[1]} is no PixelPoint store`);
	const req = (body: Record<string, unknown>, query: Record<string, unknown> = {}, headers: Record<string, unknown> = {}) => ({ json: { headers, params: {}, query, body } });
	return (wf) => {
		for (const a of (wf.nodes.find((n) => n.name === 'Till')!.parameters.assignments as { assignments: Array<{ name: string; value: unknown }> }).assignments) {
			if (a.name === 'company') a.value = invoice.company_id[1];
			if (a.name === 'store') a.value = store;
		}
		wf.pinData = {
			'GET Unpaid Invoices': [req({}, { customer: String(invoice.partner_id[0]), ref: invoice.name })],
			'POST Payment': [req({ invoice: invoice.id, customer: invoice.partner_id[0], amount: 25, method: 'cash', session: session.id }, {}, { 'idempotency-key': `contract-${invoice.id}` })],
			'GET Session Summary': [req({}, { session: String(session.id) })],
		};
	};
}

/** Models whose next id the sandbox takes from the recorded database, so records made in the transcript get the same ids. */
const SEQUENCES = ['res.partner', 'product.product', 'product.template', 'pos.category', 'pos.config', 'pos.payment.method', 'pos.session', 'pos.order', 'pos.order.line', 'pos.payment', 'account.journal', 'account.move', 'account.move.line', 'account.payment', 'account.bank.statement.line', 'account.partial.reconcile', 'account.full.reconcile', 'ir.model.data', 'ir.config_parameter', 'product.pricelist', 'mail.message', 'discuss.channel', 'account.account'];

/**
 * What the integrator's database holds before the package's first call, read through the API:
 * the sandbox's `integrator` profile is seeded from it (the companies, the chart's sale taxes with
 * their tax-report tags, journals, accounts, the customers and their posted invoices, next ids).
 */
async function databaseFacts(direct: Rpc, major: number): Promise<Record<string, unknown>> {
	const [user] = await direct.searchRead<{ company_id: [number, string]; company_ids: number[] }>('res.users', [['login', '=', 'admin']], ['company_id', 'company_ids']);
	const companyId = user.company_id[0];
	const ctx = { context: { allowed_company_ids: [companyId], active_test: false } };
	const companies = await direct.searchRead('res.company', [], ['name', 'currency_id', 'partner_id', 'country_code', 'tax_calculation_rounding_method', 'account_sale_tax_id'], { order: 'id' });
	const currencies = await direct.searchRead('res.currency', [['name', 'in', ['EUR', 'USD']], ['active', 'in', [true, false]]], ['name', 'symbol', 'rounding', 'active'], { order: 'id' });
	const taxFields = ['name', 'amount', 'amount_type', 'type_tax_use', 'description', 'sequence', 'active', 'include_base_amount', 'is_base_affected', 'tax_exigibility', major >= 18 ? 'price_include_override' : 'price_include'];
	const taxes = await direct.searchRead('account.tax', [['company_id', '=', companyId], ['type_tax_use', '=', 'sale']], taxFields, { ...ctx, order: 'id' });
	const repartition = await direct.searchRead('account.tax.repartition.line', [['tax_id', 'in', taxes.map((t) => t.id)]], ['tax_id', 'document_type', 'repartition_type', 'factor_percent', 'account_id', 'tag_ids'], { ...ctx, order: 'id' });
	const journals = await direct.searchRead('account.journal', [['company_id', '=', companyId]], ['name', 'code', 'type', 'default_account_id', 'bank_account_id', 'sequence'], { ...ctx, order: 'id' });
	const accountIds = new Set<number>();
	const m2oId = (v: unknown) => (Array.isArray(v) ? (v[0] as number) : undefined);
	for (const j of journals) if (m2oId(j.default_account_id)) accountIds.add(m2oId(j.default_account_id)!);
	for (const r of repartition) if (m2oId(r.account_id)) accountIds.add(m2oId(r.account_id)!);
	const accounts = await direct.searchRead('account.account', [['id', 'in', [...accountIds]]], ['code', 'name', 'account_type', 'reconcile'], { ...ctx, order: 'id' });
	const customers = await direct.searchRead('res.partner', [['company_id', '=', companyId], ['is_company', '=', true]], ['name', 'vat', 'company_registry', 'email', 'country_code', 'lang'], { ...ctx, order: 'id' });
	const invoices = await direct.searchRead('account.move', [['company_id', '=', companyId], ['move_type', 'in', ['out_invoice', 'out_refund']]], ['move_type', 'partner_id', 'invoice_date', 'journal_id', 'state', 'name', 'invoice_line_ids'], { ...ctx, order: 'id' });
	const lines = await direct.searchRead('account.move.line', [['move_id', 'in', invoices.map((i) => i.id)], ['display_type', '=', 'product']], ['move_id', 'name', 'quantity', 'price_unit', 'tax_ids'], { ...ctx, order: 'id' });
	const warehouses = await direct.searchRead('stock.warehouse', [['company_id', '=', companyId]], ['name', 'code'], { ...ctx, order: 'id' });
	const banks = await direct.searchRead('res.bank', [], ['name', 'bic'], { order: 'id' });
	const bankAccounts = await direct.searchRead('res.partner.bank', [], ['acc_number', 'partner_id', 'bank_id'], { ...ctx, order: 'id' });
	const sequences: Record<string, number> = {};
	for (const model of SEQUENCES) {
		const [last] = await direct.searchRead<{ id: number }>(model, [], ['id'], { order: 'id desc', limit: 1, context: { active_test: false, allowed_company_ids: user.company_ids } });
		sequences[model] = (last?.id ?? 0) + 1;
	}
	return { companyId, companyIds: user.company_ids, companies, currencies, taxes, repartition, journals, accounts, customers, invoices, lines, warehouses, banks, bankAccounts, sequences };
}

async function recordVersion(version: string): Promise<void> {
	const major = Number(version.split('.')[0]);
	const out = path.join(TRANSCRIPTS_DIR, `package-odoo${major}`);
	const { src, dumpFile, dataDir, templateDb } = await preparedDump(version, async (label, fn) => {
		console.log(`  ${label}`);
		return await fn();
	});
	restore(dumpFile, CONTRACT_DB);
	copyFilestore(dataDir, templateDb, CONTRACT_DB);
	const server = new OdooServer(src, { version, db: CONTRACT_DB, port: await freePort(), dataDir });
	await server.start();
	const proxy = new RecordingProxy(server.url);
	await proxy.up();
	// From 19 the package's credential holds an API key: every call over JSON-2.
	const json2Api = major >= 19;
	if (json2Api) proxy.apiKey = makeApiKey(src, CONTRACT_DB, dataDir, 'admin');
	const sb = await startSandboxes({}, { codeplus: { today: TODAY, days: 2 } });
	const buckets: Bucket[] = [];
	let facts: Record<string, unknown> = {};
	const open = (file: string, title: string, note = '') => {
		const b = { file, title, calls: [] };
		buckets.push(b);
		proxy.bucket = b;
		proxy.note = note;
	};
	try {
		const odooErpApi: ICredentialDataDecryptedObject = json2Api
			? { url: proxy.url, database: CONTRACT_DB, username: 'admin', authentication: 'apiKey', apiKey: proxy.apiKey, timeoutSeconds: 120 }
			: { url: proxy.url, database: CONTRACT_DB, username: 'admin', authentication: 'password', password: 'admin', timeoutSeconds: 120 };
		const creds = { ...sb.credentials(), odooErpApi };
		const engine = new Engine(creds);
		const settings = { ...sb.settings(), startDate: '2025-12-01' };
		const state = new Map<string, Record<string, unknown>>();
		// The recorder's own look-ups go to the server directly: not part of the transcripts.
		const direct = new Rpc(server.url, CONTRACT_DB);
		facts = await databaseFacts(direct, major);

		const call = async (note: string, service: string, method: string, args: unknown[]) => {
			proxy.note = note;
			return await rpc(proxy.url, service, method, args);
		};
		// A model method, over JSON-2 on 19 (with the key, or `key` given), over JSON-RPC before.
		let uid = 0;
		const kw = async (note: string, model: string, method: string, args: unknown[], kwargs: Record<string, unknown> = {}, key = proxy.apiKey) => {
			if (!json2Api) return await call(note, 'object', 'execute_kw', [CONTRACT_DB, uid, 'admin', model, method, args, kwargs]);
			proxy.note = note;
			return await json2(proxy.url, CONTRACT_DB, key, model, method, args, kwargs);
		};
		if (json2Api) {
			open('01-transport.json', 'server version, and what Odoo answers a wrong API key, an unknown method and a private one over JSON-2');
			proxy.note = 'server version at /json/version; no authentication needed';
			await fetch(`${proxy.url}/json/version`);
			await kw('a wrong API key: 401 Invalid apikey', 'res.partner', 'search_count', [[]], {}, 'not-a-key');
			await kw('pos.session.set_cashbox_pos is gone since 18: the method does not exist', 'pos.session', 'set_cashbox_pos', [[1], 0, '']);
			await kw('a private method (leading underscore) is refused', 'res.partner', '_compute_display_name', [[1]]);
		} else {
			open('01-transport.json', 'server version, login, and what Odoo answers a wrong password, an unknown method and a private one');
			await call('server version; no authentication needed', 'common', 'version', []);
			uid = (await call('login with the password returns the uid', 'common', 'login', [CONTRACT_DB, 'admin', 'admin'])).result as number;
			await call('login with a wrong password returns false, not an error', 'common', 'login', [CONTRACT_DB, 'admin', 'wrong']);
			await call('execute_kw with a wrong password: AccessDenied', 'object', 'execute_kw', [CONTRACT_DB, uid, 'wrong', 'res.partner', 'search_count', [[]], {}]);
			await kw(major >= 18 ? 'pos.session.set_cashbox_pos is gone in 18: the method does not exist' : 'an unknown method', 'pos.session', major >= 18 ? 'set_cashbox_pos' : 'no_such_method', [[1], 0, '']);
			await kw('a private method (leading underscore) is refused', 'res.partner', '_compute_display_name', [[1]]);
		}

		let n = 2;
		for (const t of TEMPLATES) {
			if (t === 'procountor-payments-to-odoo') {
				// Procountor reports a partial and a full payment of two sent invoices.
				const sent = [...sb.procountor.invoices.values()].filter((i) => Number(i.totalAmount) > 0).slice(0, 2);
				sent.forEach((inv, k) => sb.procountor.recordPayment(Number(inv.id), k === 0 ? Math.round(Number(inv.totalAmount) * 50) / 100 : Number(inv.totalAmount), '2026-01-01'));
			}
			// The counter's requests, on the set-up's first unpaid invoice and an open session of the import.
			const edit = t === 'pos-invoice-payment' ? await counterRequests(direct) : undefined;
			open(`${String(n++).padStart(2, '0')}-${t}.json`, `the ${t} template's calls`, t);
			const st = state.get(t) ?? {};
			state.set(t, st);
			const r = await runTemplate(engine, t, st as never, settings, edit);
			console.log(`  ${t}: ${r.ok ? 'ok' : `FAILED ${String(r.error).slice(0, 300)}`} (${proxy.bucket!.calls.length} calls)`);
			if (!r.ok) throw new Error(`${t} failed on Odoo ${version}: ${String(r.error)}`);
		}
		open(`${String(n++).padStart(2, '0')}-order-import-again.json`, 'the order import run again on the same sales: reads only', 'pixelpoint-order-import again');
		await runTemplate(engine, 'pixelpoint-order-import', (state.get('pixelpoint-order-import') ?? {}) as never, settings);

		open(`${String(n++).padStart(2, '0')}-refused-and-ignored.json`, 'what real Odoo refuses or ignores where the package once relied on it');
		const [company] = (
			json2Api
				? (await kw('the user works in the restaurant company', 'res.users', 'search_read', [[['login', '=', 'admin']]], { fields: ['company_id'] })).result
				: (await kw('the user works in the restaurant company', 'res.users', 'read', [[uid], ['company_id']])).result
		) as Array<{ company_id: [number, string] }>;
		const ctx = { allowed_company_ids: [company.company_id[0]] };
		const sessions = (await kw('the imported sessions, newest first', 'pos.session', 'search_read', [[['state', '=', 'closed']]], { fields: ['move_id', 'config_id', 'start_at'], order: 'id desc', limit: 1, context: ctx })).result as Array<{ move_id: [number, string]; config_id: [number, string] }>;
		const moveId = sessions[0].move_id[0];
		const [entry] = (await kw("a session's entry as the close left it: posted, dated on the business day", 'account.move', 'read', [[moveId], ['name', 'date', 'state']], { context: ctx })).result as Array<{ date: string }>;
		await kw("another month's date on a posted entry is refused: it doesn't match the entry's number", 'account.move', 'write', [[moveId], { date: '2025-11-30' }], { context: ctx });
		await kw('its shop has no open session left', 'pos.config', 'read', [[sessions[0].config_id[0]], ['current_session_id']], { context: ctx });
		await kw('reset to draft', 'account.move', 'button_draft', [[moveId]], { context: ctx });
		await kw('button_draft on a draft entry is refused', 'account.move', 'button_draft', [[moveId]], { context: ctx });
		await kw('on the draft, another month\'s date with the old number is accepted', 'account.move', 'write', [[moveId], { date: '2025-11-30' }], { context: ctx });
		await kw('posting it is refused (the number belongs to another period)', 'account.move', 'action_post', [[moveId]], { context: ctx });
		await kw('the day of its session back, with the old number', 'account.move', 'write', [[moveId], { date: entry.date }], { context: ctx });
		await kw('posted again', 'account.move', 'action_post', [[moveId]], { context: ctx });
		await kw('posted again, and its number', 'account.move', 'read', [[moveId], ['name', 'date', 'state']], { context: ctx });
		await kw('a domain on a non-stored field is ignored (logged by Odoo): it matches every payment', 'account.payment', 'search_count', [[['reconciled_invoice_ids', '!=', false]]], { context: ctx });
		await kw('every payment, for comparison', 'account.payment', 'search_count', [[]], { context: ctx });
		await kw(
			`invoice payment states on Odoo ${major}`,
			'account.payment',
			'search_read',
			[[['partner_type', '=', 'customer'], ['pos_session_id', '=', false]]],
			{ fields: ['state', 'amount', 'is_reconciled'], order: 'id', context: ctx },
		);
		await kw('a VAT number that fails its check digit is refused', 'res.partner', 'create', [{ name: 'Väärä Oy', is_company: true, vat: 'FI23456789' }], { context: ctx });
	} finally {
		await sb.stop();
		await proxy.down();
		await server.stop();
		dropDb(CONTRACT_DB);
	}
	fs.rmSync(out, { recursive: true, force: true });
	fs.mkdirSync(out, { recursive: true });
	for (const b of buckets) {
		fs.writeFileSync(path.join(out, b.file), `${JSON.stringify({ title: b.title, server_version: version, database: CONTRACT_DB, calls: b.calls }, null, 1)}\n`);
	}
	// The sandbox reads its own folder only (it must not depend on the tests): the seed goes there.
	fs.writeFileSync(path.join(FIXTURES, `integrator-odoo${major}.json`), `${JSON.stringify(facts, null, 1)}\n`);
	console.log(`  ${buckets.reduce((s, b) => s + b.calls.length, 0)} calls written to ${path.relative(process.cwd(), out)}`);
}

async function main(): Promise<void> {
	setClock(`${TODAY}T08:00:00Z`);
	for (const v of (process.env.ODOO_VERSIONS ?? '17,18,19').split(',').map((x) => (x.includes('.') ? x.trim() : `${x.trim()}.0`))) {
		tarballOf(v); // says where the source was looked for when it is missing
		console.log(`== Odoo ${v}`);
		await recordVersion(v);
	}
}

main()
	.then(() => process.exit(0))
	.catch((e: Error) => {
		console.error(e.stack ?? e.message);
		process.exit(1);
	});
