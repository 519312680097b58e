/**
 * `npm run bench`: the package's throughput against the sandboxes, through n8n's engine, with
 * a fixed 5 ms delay on every request. Prints a table; asserts nothing (figures vary by machine).
 *
 *   npm run bench                  all benchmarks
 *   npm run bench -- upsert import  some of them (upsert, import, send, payments)
 *   npm run bench -- parallel       the order import with Parallel Requests 1 and 3 (sandbox answers taking 40 ms)
 *   npm run bench -- silent         the order import against an Odoo that never answers, with the
 *                                   credential's default timeout and budget (about two minutes; not in the default set)
 *
 * Runs on the fixed demo clock (BENCH_NOW to move it), so the sandboxes' data is the same on any day.
 */
import type { IDataObject, INode, IWorkflowBase } from 'n8n-workflow';
import { DEFAULT_NOW, setClock } from '../runner/clock';
import { Engine, PACKAGE_NAME } from '../runner/engine';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { flowsCli, runTemplate } from '../runner/flows';
import { startBadServers } from '../test/onboarding/bad-servers';
import { startSandboxes, type Sandboxes } from '../sandbox';

const DELAY_MS = 5;
const rows: Array<[string, string, string, string]> = [];
const say = (text: string) => process.stdout.write(`${text}\n`);

function gc(): void {
	(globalThis as { gc?: () => void }).gc?.();
}

function wf(items: unknown[], last: INode): IWorkflowBase {
	const nodes: INode[] = [
		{ id: '1', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
		{ id: '2', name: 'Items', type: 'n8n-nodes-base.code', typeVersion: 2, position: [200, 0], parameters: { jsCode: `return ${JSON.stringify(items)}.map((json) => ({ json }));` } },
		last,
	];
	return {
		id: 'bench',
		name: 'bench',
		nodes,
		connections: { Start: { main: [[{ node: 'Items', type: 'main', index: 0 }]] }, Items: { main: [[{ node: last.name, type: 'main', index: 0 }]] } },
		active: false,
		settings: {},
	} as unknown as IWorkflowBase;
}

const ours = (name: string, params: Record<string, unknown>): INode => ({
	id: '3',
	name,
	type: `${PACKAGE_NAME}.odooErp`,
	typeVersion: 1,
	position: [400, 0],
	parameters: params as INode['parameters'],
	credentials: { odooErpApi: { id: '1', name: 'Odoo' } },
});

async function sandboxes(days = 1): Promise<Sandboxes> {
	const sb = await startSandboxes({}, { codeplus: { days } });
	for (const h of [sb.odoo.http, sb.codeplus.http, sb.procountor.http]) h.setFaults({ delayMs: DELAY_MS });
	return sb;
}

/** How long a node ran, as n8n's engine recorded it. */
function nodeMs(r: { run: { data: { resultData: { runData: Record<string, Array<{ executionTime: number }>> } } } }, name: string): number {
	return r.run.data.resultData.runData[name]?.[0]?.executionTime ?? NaN;
}

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
	const t = Date.now();
	const r = await fn();
	return [r, Date.now() - t];
}

async function upsert(): Promise<void> {
	const n = 5000;
	const products = Array.from({ length: n }, (_, k) => ({ default_code: `B${10000 + k}`, name: `Bench product ${k}`, list_price: 1 + (k % 50) / 4 }));
	const sb = await sandboxes();
	try {
		const engine = new Engine(sb.credentials());
		const node = ours('Upsert', {
			resource: 'record',
			operation: 'upsertByExternalId',
			model: { __rl: true, mode: 'name', value: 'product.product' },
			namespace: 'bench',
			inputMode: 'auto',
			externalIdField: 'default_code',
			externalIdPrefix: 'product_',
		});
		// Warm up (module loading, first login) outside the measurement.
		await engine.run(wf([{ default_code: 'WARM', name: 'Warm up', list_price: 1 }], node));
		sb.odoo.http.counter.reset();
		const r1 = await engine.run(wf(products, node));
		if (r1.error) throw r1.error;
		const ms1 = nodeMs(r1, 'Upsert');
		const calls1 = sb.odoo.http.counter.total;
		sb.odoo.http.counter.reset();
		const ms2 = nodeMs(await engine.run(wf(products.map((p) => ({ ...p, list_price: p.list_price + 1 })), node)), 'Upsert');
		const calls2 = sb.odoo.http.counter.total;

		// n8n's built-in Odoo node: one login, then one create per item.
		const base = new Engine({ odooApi: { url: sb.odoo.url, username: sb.odoo.options.login, password: sb.odoo.options.password, db: sb.odoo.options.database } });
		const builtIn: INode = {
			id: '3',
			name: 'Odoo (built-in)',
			type: 'n8n-nodes-base.odoo',
			typeVersion: 1,
			position: [400, 0],
			credentials: { odooApi: { id: '9', name: 'Odoo' } },
			parameters: {
				resource: 'custom',
				customResource: 'product.product',
				operation: 'create',
				fieldsToCreateOrUpdate: { fields: [{ fieldName: 'name', fieldValue: '={{ $json.name }}' }, { fieldName: 'list_price', fieldValue: '={{ $json.list_price }}' }, { fieldName: 'default_code', fieldValue: '={{ $json.default_code }}' }] },
			},
		};
		await base.run(wf([{ default_code: 'XWARM', name: 'Warm up', list_price: 1 }], builtIn));
		sb.odoo.http.counter.reset();
		const rb = await base.run(wf(products.map((p) => ({ ...p, default_code: `X${p.default_code}` })), builtIn));
		if (rb.error) throw rb.error;
		const msb = nodeMs(rb, 'Odoo (built-in)');
		const callsb = sb.odoo.http.counter.total;
		rows.push(['Upsert 5,000 products: Odoo calls (create run / update run)', `${calls1} / ${calls2}`, `built-in node: ${callsb}`, `${Math.round(callsb / calls1)}× fewer (target ≥ 50×)`]);
		rows.push(['Upsert 5,000 products: node time (create run / update run)', `${(ms1 / 1000).toFixed(1)} s / ${(ms2 / 1000).toFixed(1)} s`, `built-in node: ${(msb / 1000).toFixed(1)} s`, `${(msb / ms1).toFixed(0)}× faster (target ≥ 20×)`]);
	} finally {
		await sb.stop();
	}
}

// Opening, closing and dating sessions (entries, cash lines, combined payments, their reconciliation).
const SESSION_MODELS = ['pos.session', 'pos.config', 'account.move', 'account.move.line', 'account.bank.statement.line', 'account.account', 'account.payment', 'pos.payment'];

async function importOnce(days: number, sample: (m: number) => void, parallelRequests = 1, delayMs?: number): Promise<{ invoices: number; calls: number; sessionCalls: number; ms: number; peak: number }> {
	const sb = await sandboxes(days);
	if (delayMs !== undefined) sb.odoo.http.setFaults({ delayMs });
	try {
		const engine = new Engine(sb.credentials());
		const md = await runTemplate(engine, 'pixelpoint-master-data');
		if (!md.ok) throw new Error(`master data failed: ${md.error}`);
		const invoices = sb.codeplus.allInvoices().filter((i) => i.Status !== 'VOID');
		sb.odoo.http.counter.reset();
		const node = ours('Import', { resource: 'posOrder', operation: 'importPixelPoint', namespace: 'pixelpoint', tolerance: 0.05, options: { parallelRequests } });
		const timer = setInterval(() => sample(process.memoryUsage().rss), 50);
		// The invoices go straight in as the node's input: no Code node holding them in its source.
		const only = { id: 'bench', name: 'bench', nodes: [node], connections: {}, active: false, settings: {} } as unknown as IWorkflowBase;
		const [r, ms] = await timed(() => engine.run(only, { startNode: 'Import', startItems: invoices.map((json) => ({ json: json as unknown as IDataObject })) }));
		clearInterval(timer);
		if (r.error) throw r.error;
		const failed = r.output('Import').filter((o) => o.error);
		if (failed.length) throw new Error(`${failed.length} invoices failed: ${failed[0].error}`);
		const counts = sb.odoo.http.counter.snapshot();
		let calls = 0;
		let sessionCalls = 0;
		for (const [k, v] of Object.entries(counts)) {
			if (k.startsWith('jsonrpc/common')) continue;
			if (SESSION_MODELS.some((m) => k.includes(`/${m}/`)) && !k.includes('pos.order')) sessionCalls += v;
			else calls += v;
		}
		return { invoices: invoices.length, calls, sessionCalls, ms, peak: sb.odoo.http.peakConcurrency };
	} finally {
		await sb.stop();
	}
}

/**
 * Parallel Requests against a sandbox whose every answer takes 40 ms (Odoo's own processing of a
 * batch, which the sandbox does not spend): the client's side of running stores side by side. What a
 * real Odoo with several workers gains is for the real-Odoo benchmark to say.
 */
async function parallelBench(): Promise<void> {
	const results: Array<{ p: number; r: Awaited<ReturnType<typeof importOnce>> }> = [];
	for (const p of [1, 3]) results.push({ p, r: await importOnce(14, () => undefined, p, 40) });
	const base = results[0].r;
	for (const { p, r } of results) {
		const perSecond = r.invoices / (r.ms / 1000);
		rows.push([`order import, Parallel Requests ${p} (40 ms per answer)`, `${Math.round(perSecond)} invoices/s`, `${(r.ms / 1000).toFixed(1)} s for ${r.invoices}, ×${(base.ms / r.ms).toFixed(2)}`, `${r.peak} requests at once at most`]);
	}
}

async function importBench(): Promise<void> {
	let peak = 0;
	const heaps: number[] = [];
	const sample = (rss: number) => (peak = Math.max(peak, rss));
	let first: Awaited<ReturnType<typeof importOnce>> | undefined;
	const runs = Number(process.env.BENCH_IMPORT_RUNS ?? 4);
	for (let run = 0; run < runs; run++) {
		const r = await importOnce(19, sample);
		first ??= r;
		gc();
		heaps.push(Math.round(process.memoryUsage().heapUsed / 1e6));
	}
	const f = first!;
	const lines = 'about ' + Math.round(f.invoices * 2.9).toLocaleString('en');
	rows.push([`Import ${f.invoices.toLocaleString('en')} PixelPoint invoices (${lines} lines): Odoo calls per 100 invoices`, (f.calls / (f.invoices / 100)).toFixed(2), `+ ${f.sessionCalls} for ${'sessions'} in all`, 'target ≤ 5 besides session handling']);
	rows.push(['Import: invoices per second', (f.invoices / (f.ms / 1000)).toFixed(0), `${(f.ms / 1000).toFixed(1)} s`, '']);
	rows.push([`Import: peak RSS / heap after each of ${runs} runs (MB)`, `${Math.round(peak / 1e6)}`, heaps.join(', '), 'heap must not grow with the runs']);
}

async function sendBench(): Promise<void> {
	const sb = await sandboxes();
	try {
		const engine = new Engine(sb.credentials());
		const db = sb.odoo.db;
		const env = sb.odoo.env();
		const tax = db.search(env, 'account.tax', [['name', '=', 'VAT 25.5%']])[0];
		db.transaction(() => {
			// An email to send to: a customer Procountor cannot reach is refused before any request.
			const partner = db.create(env, 'res.partner', { name: 'Bench Customer Oy', company_registry: '1234567-8', is_company: true, email: 'laskut@bench-customer.example' }).id;
			for (let k = 0; k < 500; k++) {
				const m = db.create(env, 'account.move', { move_type: 'out_invoice', partner_id: partner, invoice_date: '2026-11-10', currency_id: 126, invoice_line_ids: [[0, 0, { name: `Service ${k}`, quantity: 1 + (k % 3), price_unit: 10 + k, tax_ids: [[6, 0, [tax]]] }]] });
				db.call(env, 'account.move', 'action_post', [m.id], {});
			}
		});
		await runTemplate(engine, 'procountor-master-data');
		const before = sb.procountor.http.counter.total;
		const started = Date.now();
		// The Procountor node's own execution time, as n8n's engine records it: the time requests could flow.
		let sendingMs = 0;
		Engine.observers.push((r) => (sendingMs += nodeMs(r, 'Procountor: Send Invoice') || 0));
		let sent = 0;
		// The invoices are dated 2026-11-10; without a start date the flow would look from the clock's today only.
		for (let k = 0; k < 4 && sent < 509; k++) sent += Number((await runTemplate(engine, 'odoo-invoices-to-procountor', {}, { startDate: '2026-11-01' })).summary[0]?.sent ?? 0);
		const ms = Date.now() - started;
		const requests = sb.procountor.http.counter.total - before;
		Engine.observers.pop();
		rows.push([
			`Send ${sent} invoices to Procountor: requests per second`,
			`${(requests / (sendingMs / 1000)).toFixed(1)} sustained`,
			`${requests} requests, ${(ms / 1000).toFixed(0)} s in all (${(requests / (ms / 1000)).toFixed(1)}/s with the Odoo steps); busiest second: ${sb.procountor.maxPerSecond}`,
			'target ≥ 18/s sustained, ≤ 20 in any second',
		]);
	} finally {
		await sb.stop();
	}
}

async function paymentsBench(): Promise<void> {
	const sb = await sandboxes();
	try {
		const engine = new Engine(sb.credentials());
		const db = sb.odoo.db;
		const env = sb.odoo.env();
		// 1,000 invoices already sent: in Odoo, in Procountor, and linked by external ids.
		db.transaction(() => {
			const partner = db.create(env, 'res.partner', { name: 'Bench Payer Oy', is_company: true }).id;
			for (let k = 0; k < 1000; k++) {
				const m = db.create(env, 'account.move', { move_type: 'out_invoice', partner_id: partner, invoice_date: '2026-11-10', currency_id: 126, invoice_line_ids: [[0, 0, { name: 'Service', quantity: 1, price_unit: 100, tax_ids: [] }]] });
				db.call(env, 'account.move', 'action_post', [m.id], {});
				const pid = 50000 + k;
				sb.procountor.invoices.set(pid, { id: pid, status: 'SENT', totalAmount: 100, invoiceRows: [{}], paymentInfo: { currency: 'EUR' } });
				db.create(env, 'ir.model.data', { module: 'procountor', name: `invoice_${pid}`, model: 'account.move', res_id: m.id });
				if (k % 10 === 0) sb.procountor.recordPayment(pid, k % 20 === 0 ? 100 : 40, '2026-11-15');
			}
		});
		const before = sb.procountor.http.counter.total;
		const [r, ms] = await timed(() => runTemplate(engine, 'procountor-payments-to-odoo'));
		const calls = sb.procountor.http.counter.total - before;
		rows.push(['Payment fetch for 1,000 invoices: Procountor calls', String(calls), `${(r.summary[0] as IDataObject)?.paid} payments registered in ${(ms / 1000).toFixed(1)} s`, 'target ≤ 5 + 1,000 / 200 = 10']);
	} finally {
		await sb.stop();
	}
}

/** How long a scheduled run holds a worker when Odoo takes the connection and never answers: the default budget, measured. */
async function silentBench(): Promise<void> {
	const sb = await startSandboxes();
	const bad = await startBadServers();
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-silent-'));
	try {
		const all = sb.credentials();
		// The credential's defaults: no timeoutSeconds or budgetSeconds.
		const { timeoutSeconds: _t, ...odoo } = all.odooErpApi;
		const file = path.join(dir, 'creds.json');
		fs.writeFileSync(file, JSON.stringify({ odooErpApi: { ...odoo, url: bad.url('silent') }, codeplusApi: all.codeplusApi }));
		let printed = '';
		const [code, ms] = await timed(() => flowsCli(['pixelpoint-order-import', '--credentials', file, '--state', path.join(dir, 'state')], { env: {}, out: (t) => (printed += t), err: (t) => (printed += t) }));
		const progress = printed.split('\n').filter((l) => l.includes('still at')).length;
		rows.push(['order import, Odoo silent (default 60 s timeout, 120 s budget)', `${(ms / 1000).toFixed(1)} s wall, exit ${code}`, `${bad.seen.get('silent')!.length} requests reached Odoo`, `${progress} progress lines`]);
		say(printed.split('\n').find((l) => l.includes('error:'))?.trim() ?? '');
	} finally {
		await bad.stop();
		await sb.stop();
		fs.rmSync(dir, { recursive: true, force: true });
	}
}

async function main(): Promise<void> {
	setClock(process.env.BENCH_NOW || DEFAULT_NOW);
	const wanted = process.argv.slice(2);
	const all: Record<string, () => Promise<void>> = { upsert, import: importBench, send: sendBench, payments: paymentsBench, parallel: parallelBench, silent: silentBench };
	for (const [name, fn] of Object.entries(all)) {
		if (wanted.length ? !wanted.includes(name) : name === 'silent') continue;
		say(`running ${name}…`);
		await fn();
	}
	const widths = [0, 1, 2, 3].map((c) => Math.max(...rows.map((r) => r[c].length), 6));
	say('');
	say(`Benchmarks (n8n-core WorkflowExecute, sandboxes on loopback with ${DELAY_MS} ms per request, Node ${process.version})`);
	for (const r of rows) say(r.map((cell, c) => cell.padEnd(widths[c])).join(' | '));
}

main()
	.then(() => process.exit(0))
	.catch((e: Error) => {
		process.stderr.write(`${e.stack ?? e.message}\n`);
		process.exit(1);
	});
