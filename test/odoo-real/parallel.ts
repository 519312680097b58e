/**
 * The order import's speed on real Odoo (issue #31), `ODOO_REAL_PARTS=parallel-bench`, not in CI:
 * the same chain's history (PARALLEL_BENCH_STORES stores × PARALLEL_BENCH_DAYS business days,
 * 10 × 14 by default: about 5,000 receipts) imported into a fresh copy of the set-up database once
 * per configuration of PARALLEL_BENCH (`workers:parallel`, default `1:1,2:2,4:4`): Odoo started
 * with `--workers=N`, the import's Parallel Requests set to P. Each import runs in an n8n process
 * of its own (import-child.ts), one execution per PARALLEL_BENCH_CHUNK days (all in one by
 * default); with PARALLEL_BENCH_MODE=backfill, one execution of the history backfill template
 * instead, its chunks of PARALLEL_BENCH_CHUNK days (7 by default) each a sub-execution of the
 * import, as a chain's history is meant to be loaded. Printed side by side: wall time, receipts a second, Odoo calls,
 * how much of the time Odoo had a request in hand and how many at once, the CPU seconds of Odoo,
 * PostgreSQL and the n8n process, and the n8n process's peak memory; after each, the books are
 * checked from Odoo's records (checkBooks) and compared with the first configuration's.
 */
import { spawn } from 'node:child_process';
import type http from 'node:http';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Engine } from '../../runner/engine';
import { runTemplate } from '../../runner/flows';
import { startSandboxes } from '../../sandbox';
import { type Check, checkBooks, m2o, money } from './books';
import type { ImportFigures, ImportJob } from './import-child';
import type { Phase } from './prepared';
import { ForwardingProxy } from './proxy';
import { Rpc } from './rpc';
import type { OdooServer } from './server';

/** Counts the requests that pass and how long Odoo had at least one (and how many) in hand. */
class TimingProxy extends ForwardingProxy {
	calls = 0;
	private inFlight = 0;
	private since = 0;
	private busyMs = 0;
	private weightedMs = 0;
	peak = 0;
	/** Odoo's time by method (model.method), summed over the requests. */
	readonly byMethod = new Map<string, { calls: number; ms: number }>();

	reset(): void {
		this.byMethod.clear();
		this.calls = 0;
		this.busyMs = 0;
		this.weightedMs = 0;
		this.peak = 0;
		this.since = Date.now();
	}

	private tick(delta: number): void {
		const now = Date.now();
		if (this.inFlight > 0) {
			this.busyMs += now - this.since;
			this.weightedMs += (now - this.since) * this.inFlight;
		}
		this.since = now;
		this.inFlight += delta;
		this.peak = Math.max(this.peak, this.inFlight);
	}

	figures(): { calls: number; busyMs: number; meanInFlight: number; peak: number } {
		this.tick(0);
		return { calls: this.calls, busyMs: this.busyMs, meanInFlight: this.busyMs ? this.weightedMs / this.busyMs : 0, peak: this.peak };
	}

	protected override onRequest(): void {
		this.calls++;
		this.tick(1);
	}

	protected override onAnswer(_req: http.IncomingMessage, body: Buffer, _status: number, _text: string, _res: http.ServerResponse, ms: number): void {
		this.tick(-1);
		const key = methodOf(body);
		const m = this.byMethod.get(key) ?? { calls: 0, ms: 0 };
		m.calls++;
		m.ms += ms;
		this.byMethod.set(key, m);
	}
}

/** A JSON-RPC call's model.method (the package goes over /jsonrpc with a password). */
function methodOf(body: Buffer): string {
	try {
		const p = (JSON.parse(body.toString('utf8')) as { params: { service: string; method: string; args: unknown[] } }).params;
		return p.service === 'object' ? `${String(p.args[3])}.${String(p.args[4])}` : `${p.service}.${p.method}`;
	} catch {
		return '?';
	}
}

const TICK = 100; // Linux's clock ticks a second (USER_HZ)

/** CPU seconds of the processes `keep` chooses (/proc), the children they reaped included. */
function cpuSeconds(keep: (stat: string[], comm: string) => boolean): number {
	let ticks = 0;
	for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
		try {
			const raw = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
			const comm = raw.slice(raw.indexOf('(') + 1, raw.lastIndexOf(')'));
			const f = raw.slice(raw.lastIndexOf(')') + 2).split(' '); // f[0] is field 3 (state)
			if (!keep(f, comm)) continue;
			ticks += Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]); // utime stime cutime cstime
		} catch {
			/* gone meanwhile */
		}
	}
	return ticks / TICK;
}
const odooCpu = (server: OdooServer) => cpuSeconds((f) => Number(f[2]) === server.pid); // its process group
const postgresCpu = () => cpuSeconds((_f, comm) => comm === 'postgres');

/** The books in business terms only (no ids: parallel runs number records differently), hashed. */
async function booksDigest(rpc: Rpc, companyId: number): Promise<{ hash: string; what: string }> {
	const ctx = { context: { allowed_company_ids: [companyId] } };
	const xids = await rpc.searchRead<{ name: string; res_id: number }>('ir.model.data', [['module', '=', 'pixelpoint'], ['model', '=', 'pos.session']], ['name', 'res_id']);
	const sessionName = new Map(xids.map((x) => [x.res_id, x.name]));
	const orders = await rpc.searchRead('pos.order', [['pos_reference', 'like', 'PixelPoint %']], ['pos_reference', 'amount_total', 'amount_tax', 'amount_paid', 'state', 'session_id'], ctx);
	const sessions = await rpc.call<Array<Record<string, unknown>>>('pos.session', 'read', [xids.map((x) => x.res_id)], { fields: ['state', 'move_id'], ...ctx });
	const moveIds = sessions.map((s) => m2o(s.move_id)).filter((x): x is number => !!x);
	const moves = moveIds.length ? await rpc.call<Array<Record<string, unknown>>>('account.move', 'read', [moveIds], { fields: ['date', 'state'], ...ctx }) : [];
	const moveOf = new Map(moves.map((m) => [m.id as number, m]));
	// Every posted line of the period by account and date: the sessions' entries, their payments and reconciliation.
	const lines = await rpc.searchRead('account.move.line', [['parent_state', '=', 'posted'], ['date', '>=', '2025-01-01'], ['journal_id.type', 'in', ['sale', 'cash', 'bank', 'general']]], ['account_id', 'date', 'debit', 'credit', 'amount_residual', 'reconciled'], ctx);
	const byAccountDay = new Map<string, { debit: number; credit: number; residual: number; reconciled: number; n: number }>();
	for (const l of lines) {
		const k = `${m2o(l.account_id)}|${String(l.date)}`;
		const a = byAccountDay.get(k) ?? { debit: 0, credit: 0, residual: 0, reconciled: 0, n: 0 };
		a.debit += Number(l.debit);
		a.credit += Number(l.credit);
		a.residual += Number(l.amount_residual);
		a.reconciled += l.reconciled ? 1 : 0;
		a.n++;
		byAccountDay.set(k, a);
	}
	const rows = [
		...orders.map((o) => `order ${String(o.pos_reference)} ${money(Number(o.amount_total))} ${money(Number(o.amount_tax))} ${money(Number(o.amount_paid))} ${String(o.state)} ${sessionName.get(m2o(o.session_id) as number)}`),
		...sessions.map((s) => {
			const m = moveOf.get(m2o(s.move_id) as number);
			return `session ${sessionName.get(s.id as number)} ${String(s.state)} ${m ? `${String(m.date)} ${String(m.state)}` : 'no entry'}`;
		}),
		...[...byAccountDay.entries()].map(([k, a]) => `lines ${k} ${money(a.debit)} ${money(a.credit)} ${money(a.residual)} ${a.reconciled}/${a.n}`),
	].sort();
	const hash = createHash('sha256').update(rows.join('\n')).digest('hex').slice(0, 16);
	return { hash, what: `${orders.length} orders, ${sessions.length} sessions (${sessions.filter((s) => s.state === 'closed').length} closed), ${moves.length} session entries, ${lines.length} posted lines (${lines.filter((l) => l.reconciled).length} reconciled)` };
}

/** One n8n process running the import (import-child.ts); its figures. */
async function importInChild(job: ImportJob, log: string): Promise<ImportFigures> {
	const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', path.join(__dirname, 'import-child.ts')], {
		env: { ...process.env, BENCH_JOB: JSON.stringify(job) },
		stdio: ['ignore', 'pipe', fs.openSync(log, 'a')],
	});
	let out = '';
	child.stdout!.on('data', (c: Buffer) => (out += c.toString('utf8')));
	const code = await new Promise<number>((resolve) => child.on('exit', (c) => resolve(c ?? 1)));
	const line = out.split('\n').find((l) => l.startsWith('BENCH_RESULT '));
	if (code !== 0 || !line) throw new Error(`the n8n process of the benchmark failed (exit ${code}); its log: ${log}\n${out.slice(-800)}`);
	return JSON.parse(line.slice('BENCH_RESULT '.length)) as ImportFigures;
}

export interface BenchContext {
	version: string;
	today: string;
	phase: Phase;
	check: (c: Check) => void;
	/** A fresh database from the set-up dump and its server started with that many Odoo workers. */
	server: (kind: string, workers: number) => Promise<{ db: string; server: OdooServer; drop: () => Promise<void> }>;
	logDir: string;
}

interface Row {
	label: string;
	receipts: number;
	seconds: number;
	perSecond: number;
	calls: number;
	busy: number;
	inFlight: number;
	peakInFlight: number;
	odooCpu: number;
	pgCpu: number;
	n8nCpu: number;
	n8nPeakMb: number;
	books: string;
	booksOk: boolean;
}

export async function parallelBench(ctx: BenchContext): Promise<void> {
	const stores = Number(process.env.PARALLEL_BENCH_STORES ?? 10);
	const days = Number(process.env.PARALLEL_BENCH_DAYS ?? 14);
	const backfill = process.env.PARALLEL_BENCH_MODE === 'backfill';
	const chunk = Number(process.env.PARALLEL_BENCH_CHUNK ?? (backfill ? 7 : days));
	const configs = (process.env.PARALLEL_BENCH ?? '1:1,2:2,4:4').split(',').map((c) => c.split(':').map(Number) as [number, number]);
	const sb = await startSandboxes({}, { codeplus: { today: ctx.today, days, stores } });
	const rows: Row[] = [];
	let first: string | undefined;
	try {
		const invoices = sb.codeplus.allInvoices();
		const dates = [...new Set(invoices.map((i) => i.BusinessDate))].sort();
		const ranges: Array<[string, string]> = [];
		for (let k = 0; k < dates.length; k += chunk) {
			const last = k + chunk >= dates.length;
			// [from, to): the last range runs past the night shifts of the last day.
			ranges.push([dates[k], last ? nextDay(nextDay(dates[dates.length - 1])) : dates[k + chunk]]);
		}
		const sold = invoices.filter((i) => i.Status !== 'VOID').length;
		console.log(`  parallel benchmark: ${stores} stores × ${dates.length} days, ${invoices.length} receipts (${sold} sold), ${backfill ? `the backfill template, ${ranges.length} chunks` : `${ranges.length} execution(s)`} of ${chunk} days`);
		for (const [workers, parallel] of configs) {
			const label = `${backfill ? 'backfill, ' : ''}Odoo --workers=${workers}, Parallel Requests ${parallel}`;
			const { db, server, drop } = await ctx.server(`n8n_par${workers}x${parallel}`, workers);
			const proxy = new TimingProxy(server.url);
			await proxy.up();
			try {
				const rpc = new Rpc(server.url, db);
				const [company] = await rpc.searchRead<{ id: number }>('res.company', [['name', '=', 'Ravintola Testi Oy']], ['id']);
				const odoo = { url: proxy.url, database: db, username: 'admin', authentication: 'password', password: 'admin', timeoutSeconds: 900, budgetSeconds: 1800 };
				const creds = { ...sb.credentials(), odooErpApi: odoo };
				const settings = { ...sb.settings(), startDate: '2025-01-01' };
				const engine = new Engine(creds);
				const master = await ctx.phase(`Odoo ${ctx.version}: master data (${stores} stores)`, () => runTemplate(engine, 'pixelpoint-master-data', {}, settings));
				if (!master.ok) throw new Error(`master data failed: ${master.error}`);
				proxy.reset();
				const cpu0 = { odoo: odooCpu(server), pg: postgresCpu() };
				const t0 = Date.now();
				const fig = await ctx.phase(`Odoo ${ctx.version}: import, ${label}`, () =>
					importInChild({ creds, settings, ranges, parallel, now: new Date().toISOString(), template: backfill ? 'backfill' : 'import', chunkDays: chunk }, path.join(ctx.logDir, `parallel-bench-${workers}x${parallel}.log`)),
				);
				// The executions' time inside the n8n process (its start-up is not the import's).
				const seconds = fig.ms / 1000;
				const startUp = (Date.now() - t0 - fig.ms) / 1000;
				const p = proxy.figures();
				const top = [...proxy.byMethod.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, 6);
				console.log(`  ${label}: Odoo's time by method: ${top.map(([k, v]) => `${k} ${(v.ms / 1000).toFixed(0)} s (${v.calls} calls)`).join(', ')}`);
				const cpu = { odoo: odooCpu(server) - cpu0.odoo, pg: postgresCpu() - cpu0.pg };
				console.log(`  ${label}: ${seconds.toFixed(1)} s of executions (${startUp.toFixed(1)} s to start the n8n process)`);
				const created = fig.runs.reduce((s, r) => s + Number(r.summary.created ?? 0), 0);
				const failedRuns = fig.runs.filter((r) => !r.ok);
				ctx.check({ what: `parallel benchmark, ${label}: every execution succeeds and creates every sold receipt once`, ok: failedRuns.length === 0 && created === sold, detail: `${created} created of ${sold}; ${failedRuns.length} failed${failedRuns[0] ? `: ${failedRuns[0].error}` : ''}` });
				const close = await ctx.phase(`Odoo ${ctx.version}: auto-close, ${label}`, () => runTemplate(engine, 'pos-session-auto-close', {}, settings));
				ctx.check({ what: `parallel benchmark, ${label}: the auto-close succeeds`, ok: close.ok, detail: close.ok ? JSON.stringify(close.summary[0] ?? {}).slice(0, 200) : String(close.error).slice(0, 300) });
				const books = await ctx.phase(`Odoo ${ctx.version}: check the books, ${label}`, () => checkBooks(rpc, company.id, invoices, ctx.today));
				for (const b of books) ctx.check({ ...b, what: `parallel benchmark, ${label}: ${b.what}` });
				const digest = await booksDigest(rpc, company.id);
				first ??= digest.hash;
				ctx.check({ what: `parallel benchmark, ${label}: the books are those of the first configuration (orders, sessions, entries, reconciliation)`, ok: digest.hash === first, detail: `${digest.what}; digest ${digest.hash}${digest.hash === first ? '' : ` ≠ ${first}`}` });
				rows.push({
					label,
					receipts: invoices.length,
					seconds,
					perSecond: invoices.length / seconds,
					calls: p.calls,
					busy: p.busyMs / 1000 / seconds,
					inFlight: p.meanInFlight,
					peakInFlight: p.peak,
					odooCpu: cpu.odoo,
					pgCpu: cpu.pg,
					n8nCpu: fig.cpuSeconds,
					n8nPeakMb: fig.maxRssMb,
					books: digest.hash,
					booksOk: books.every((b) => b.ok) && digest.hash === first,
				});
			} finally {
				await proxy.down();
				await drop();
			}
		}
	} finally {
		await sb.stop();
	}
	const base = rows[0];
	console.log(`\n  Order import on real Odoo ${ctx.version}, ${base?.receipts ?? 0} receipts (wall time of the n8n process's executions; CPU in seconds):`);
	console.log(`  ${['configuration', 'wall', 'receipts/s', 'ratio', 'Odoo calls', 'Odoo busy', 'in hand', 'Odoo CPU', 'PostgreSQL CPU', 'n8n CPU', 'n8n peak', 'books'].join(' | ')}`);
	for (const r of rows) {
		console.log(
			`  ${[r.label, `${r.seconds.toFixed(0)} s`, r.perSecond.toFixed(1), `×${(r.perSecond / base.perSecond).toFixed(2)}`, String(r.calls), `${(r.busy * 100).toFixed(0)} %`, `${r.inFlight.toFixed(2)} (max ${r.peakInFlight})`, r.odooCpu.toFixed(0), r.pgCpu.toFixed(0), r.n8nCpu.toFixed(0), `${r.n8nPeakMb.toFixed(0)} MiB`, r.booksOk ? `same (${r.books})` : `DIFFER (${r.books})`].join(' | ')}`,
		);
	}
	// The best Parallel Requests on two Odoo workers against one request at a time.
	const two = rows.filter((r) => r.label.includes('Odoo --workers=2,') && !r.label.endsWith(' 1')).sort((a, b) => b.perSecond - a.perSecond)[0];
	if (base && two && base.label.endsWith('Parallel Requests 1')) {
		ctx.check({ what: 'parallel benchmark: on Odoo --workers=2 the parallel import takes at least 1.5× the sequential receipts a second, books the same', ok: two.perSecond >= 1.5 * base.perSecond && two.booksOk, detail: `${two.label}: ${two.perSecond.toFixed(1)} against ${base.perSecond.toFixed(1)} receipts/s, ×${(two.perSecond / base.perSecond).toFixed(2)}` });
	}
}

function nextDay(d: string): string {
	return new Date(Date.parse(`${d}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}
