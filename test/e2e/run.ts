/**
 * `npm run test:e2e`: day one of an integrator, automated, in real n8n — one row per n8n line users
 * are on (.ci/versions.json: n8n 2.x on Node 24 in full, n8n 1.x on its Node for the CLI and the
 * editor; E2E_ROWS=2 or 1 chooses, E2E_PARTS=cli,queue,installer,editor the parts).
 *
 * 1. Installs the row's n8n (cached; see install-n8n.sh), packs this package and installs the
 *    tarball in n8n's community nodes folder, as `npm install` in ~/.n8n/nodes would.
 * 2. CLI: imports credentials pointing at fresh sandboxes and every template with n8n's own
 *    `import:credentials` / `import:workflow`, runs each scheduled template with `n8n execute --id`
 *    and checks the sandboxes: orders equal to the cent, sessions closed, invoices sent, payments
 *    registered, canonical invoices received. Then runs each again: nothing may change.
 * 3. Queue mode (2.x): PostgreSQL + Redis, one main and two workers (concurrency 1 each). The
 *    editor is opened in headless Chromium: the node panel is searched for each node of the
 *    package, a template is opened (screenshots in docs/screenshots/), every node is opened. Then
 *    the order import is started twice at once (a copy of the template whose schedule is a
 *    webhook), so each worker runs one: no duplicate order, no second session. The webhook
 *    template answers its three endpoints to tills with a token, and 20 tills pay at once. Last
 *    the history backfill, its worker killed in the middle of a chunk, run again to the end.
 * 4. The installer (2.x): the package published to a local registry and installed, updated,
 *    uninstalled and installed again through n8n's own community-package installer, and once by
 *    N8N_COMMUNITY_PACKAGES at start-up (registry.ts says how n8n reaches that registry).
 * 5. The editor (1.x): every node of the package opened.
 *
 * Exits non-zero when any check fails. Needs: PostgreSQL and Redis on 127.0.0.1 (trust auth),
 * Debian's chromium (CHROMIUM, default /usr/bin/chromium), openssl. The work folder (logs, n8n's
 * user folders) is kept when a check fails (or E2E_KEEP=1) and removed otherwise.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { IConnections, INode, IWorkflowBase } from 'n8n-workflow';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { installVerdaccio, LocalRegistry } from './registry';
import { applySettings, isWebhookOnly, listTemplates, loadTemplate } from '../../runner/flows';
import { DateTime } from 'luxon';
import { type SandboxOptions, startSandboxes, type Sandboxes } from '../../sandbox';
import { signHs256, totalWithTips } from '../helpers';

const ROOT = path.resolve(__dirname, '..', '..');
/** The committed screenshots (shown in the README) change only on purpose: E2E_UPDATE_SCREENSHOTS=1. */
const COMMITTED_SHOTS = path.resolve(__dirname, '../../docs/screenshots');
let SHOTS = COMMITTED_SHOTS;
const PKG = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
const money = (v: number) => Math.round(v * 100) / 100;

// ---------------------------------------------------------------- checks and processes

const failures: string[] = [];
/** The matrix row the checks belong to, and each row's tally. */
let rowLabel = '';
const results = new Map<string, { passed: number; failed: number }>();
function check(what: string, ok: boolean, detail = ''): void {
	console.log(`  ${ok ? 'ok  ' : 'FAIL'} ${what}${detail ? ` — ${detail}` : ''}`);
	const tally = results.get(rowLabel) ?? { passed: 0, failed: 0 };
	results.set(rowLabel, tally);
	if (ok) tally.passed++;
	else {
		tally.failed++;
		failures.push(`${rowLabel}: ${what}`);
	}
}
const step = (title: string) => console.log(`\n== ${title}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface N8nHost {
	/** The row's own settings (.ci/versions.json). */
	env?: Record<string, string>;
	dir: string;
	node: string;
	bin: string;
	version: string;
}

/**
 * Runs an n8n CLI command to completion; resolves with its output whatever its exit code. The output
 * goes through files, not pipes: n8n ends with process.exit, which drops what a pipe has not taken
 * yet (a 9 MB `execute --rawOutput` came back cut short on a busy machine); a file is written at once.
 */
function cli(host: N8nHost, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; out: string; err: string }> {
	return new Promise((resolve) => {
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-cli-'));
		const [outFile, errFile] = [path.join(dir, 'out'), path.join(dir, 'err')];
		const [o, e] = [fs.openSync(outFile, 'w'), fs.openSync(errFile, 'w')];
		const p = spawn(host.node, [host.bin, ...args], { env, stdio: ['ignore', o, e] });
		p.on('close', (code) => {
			fs.closeSync(o);
			fs.closeSync(e);
			const result = { code: code ?? 1, out: fs.readFileSync(outFile, 'utf8'), err: fs.readFileSync(errFile, 'utf8') };
			fs.rmSync(dir, { recursive: true, force: true });
			resolve(result);
		});
	});
}

const running: ChildProcess[] = [];
/** A long-running n8n process (main or worker); its output goes to a log file. */
function daemon(host: N8nHost, args: string[], env: NodeJS.ProcessEnv, log: string): ChildProcess {
	const fd = fs.openSync(log, 'w');
	const p = spawn(host.node, [host.bin, ...args], { env, stdio: ['ignore', fd, fd], detached: true });
	running.push(p);
	return p;
}
function stopAll(): void {
	for (const p of running) {
		try {
			if (p.pid) process.kill(-p.pid, 'SIGTERM');
		} catch {
			/* already gone */
		}
	}
}

async function waitFor(what: string, probe: () => Promise<boolean>, timeoutMs: number): Promise<void> {
	const until = Date.now() + timeoutMs;
	while (Date.now() < until) {
		try {
			if (await probe()) return;
		} catch {
			/* not up yet */
		}
		await sleep(500);
	}
	throw new Error(`${what}: not ready after ${timeoutMs / 1000} s`);
}

// ---------------------------------------------------------------- templates and credentials

/** Credential references of all templates: type -> { id, name } (the ids the imports must use). */
function credentialRefs(templates: IWorkflowBase[]): Map<string, { id: string; name: string }> {
	const refs = new Map<string, { id: string; name: string }>();
	for (const wf of templates) for (const n of wf.nodes) for (const [type, ref] of Object.entries(n.credentials ?? {})) if (ref.id) refs.set(type, { id: ref.id, name: ref.name });
	return refs;
}

function writeCredentials(file: string, templates: IWorkflowBase[], sb: Sandboxes): void {
	const data = sb.credentials();
	const list = [...credentialRefs(templates)].map(([type, ref]) => ({ id: ref.id, name: ref.name, type, data: data[type] }));
	fs.writeFileSync(file, JSON.stringify(list));
}

/** The template with its schedule replaced by a production webhook at /webhook/e2e/<name>, answering with the audit record. */
function webhookCopy(name: string): IWorkflowBase {
	const wf = loadTemplate(name);
	// Its schedule, or for a template run by hand (the backfill) its manual trigger, becomes the webhook.
	const schedule = wf.nodes.find((n) => n.type === 'n8n-nodes-base.scheduleTrigger') ?? wf.nodes.find((n) => n.type === 'n8n-nodes-base.manualTrigger')!;
	const hook: INode = {
		id: '00000000-0000-4000-8000-0000000000e2',
		name: 'E2E Webhook',
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2,
		position: schedule.position,
		webhookId: `e2e-${name}`,
		parameters: { httpMethod: 'POST', path: `e2e/${name}`, responseMode: 'lastNode', options: {} },
	};
	const connections: IConnections = { ...wf.connections, [hook.name]: wf.connections[schedule.name] };
	delete connections[schedule.name];
	return { ...wf, id: `e2e-${name}`, name: `${wf.name} (e2e webhook)`, nodes: [...wf.nodes.filter((n) => n !== schedule), hook], connections };
}

function writeWorkflow(file: string, wf: IWorkflowBase): void {
	fs.writeFileSync(file, JSON.stringify(wf));
}

/** The audit record a template writes last, from `n8n execute --rawOutput` (log lines come first). */
function auditOf(stdout: string): Record<string, unknown> | undefined {
	const at = stdout.search(/^\{/m);
	if (at < 0) return undefined;
	const run = JSON.parse(stdout.slice(at)) as { data: { resultData: { lastNodeExecuted: string; runData: Record<string, Array<{ data: { main: Array<Array<{ json: Record<string, unknown> }>> } }>> } } };
	const r = run.data.resultData;
	return r.runData[r.lastNodeExecuted]?.[0]?.data?.main?.[0]?.at(-1)?.json;
}
const figures = (a: Record<string, unknown> | undefined) =>
	a
		? Object.entries(a)
				.filter(([, v]) => typeof v === 'number')
				.map(([k, v]) => `${k} ${v}`)
				.join(', ')
		: '';

// ---------------------------------------------------------------- sandbox state

function odooRead(sb: Sandboxes, model: string, domain: unknown[], fields: string[]) {
	const env = sb.odoo.env();
	return sb.odoo.db.read(env, model, sb.odoo.db.search(env, model, domain), fields);
}
function soldInvoices(sb: Sandboxes) {
	return sb.codeplus.allInvoices().filter((i) => i.Status !== 'VOID');
}
/** Orders, sessions and their uniqueness, as the order import must leave them. */
function checkOrders(sb: Sandboxes, label: string, sessionsBefore: number): void {
	const sold = soldInvoices(sb);
	const orders = odooRead(sb, 'pos.order', [['pos_reference', 'like', 'PixelPoint ']], ['pos_reference', 'amount_total', 'session_id']);
	const refs = new Set(orders.map((o) => o.pos_reference));
	check(`${label}: one Odoo order per sold PixelPoint invoice`, orders.length === sold.length && refs.size === orders.length, `${orders.length} orders, ${refs.size} distinct references, ${sold.length} sold invoices`);
	const byRef = new Map(orders.map((o) => [o.pos_reference, o.amount_total as number]));
	// Tips on top: PixelPoint's FinalTotal leaves them out, the order has them on a line of their own.
	const off = sold.filter((i) => byRef.get(`PixelPoint ${i.StoreId}-${i.TransactNum}`) !== totalWithTips(i));
	check(`${label}: every order's total equals what the guest paid (FinalTotal and the tip), to the cent`, off.length === 0, `${off.length} differ`);
	const sessions = odooRead(sb, 'pos.session', [], ['config_id', 'name', 'state', 'start_at']);
	const xids = odooRead(sb, 'ir.model.data', [['module', '=', 'pixelpoint'], ['model', '=', 'pos.session']], ['name', 'res_id']);
	const days = new Set(sold.map((i) => `session_${i.StoreId}_${i.BusinessDate.replace(/-/g, '')}`));
	const sessionIds = new Set(orders.map((o) => (o.session_id as [number, string])[0]));
	check(
		`${label}: one session per (store, business day), no second one`,
		xids.length === days.size && new Set(xids.map((x) => x.name)).size === xids.length && sessionIds.size === days.size && sessions.length === sessionsBefore + days.size,
		`${sessions.length - sessionsBefore} new sessions, ${xids.length} session external ids, ${days.size} (store, day) pairs`,
	);
}

/** `n8n execute --id`: checks the run's audit record says success; returns it. */
async function execute(host: N8nHost, name: string, env: NodeJS.ProcessEnv, work: string, label: string): Promise<Record<string, unknown> | undefined> {
	const t = Date.now();
	const x = await cli(host, ['execute', `--id=${name}`, '--rawOutput'], env);
	fs.writeFileSync(path.join(work, `${name}${label.trim() ? `-${label.trim()}` : ''}.out`), x.out + x.err);
	const audit = x.code === 0 ? auditOf(x.out) : undefined;
	check(`n8n execute --id=${name}${label}`, x.code === 0 && audit?.status === 'success', `${audit ? `${audit.status}: ${figures(audit)}` : x.err.slice(-400)} (${((Date.now() - t) / 1000).toFixed(0)} s)`);
	return audit;
}

// ---------------------------------------------------------------- the matrix

/** One n8n line users are on (.ci/versions.json): "full" runs every part, "basic" the CLI and the editor's nodes. */
interface Row {
	line: string;
	n8n: string;
	node: string;
	overrides: Record<string, string>;
	/** What the row's n8n is run with beyond the defaults (e.g. a setting its line asks for). */
	env?: Record<string, string>;
	checks: 'full' | 'basic';
}
const VERSIONS = JSON.parse(fs.readFileSync(path.join(ROOT, '.ci', 'versions.json'), 'utf8')) as { node: string; verdaccio: string; e2e: Row[] };

/** Installs the row's n8n for its Node (cached, see install-n8n.sh). */
function installHost(row: Row): N8nHost {
	const overrides = Object.entries(row.overrides)
		.map(([k, v]) => `"${k}": "${v}"`)
		.join(', ');
	const dir = execFileSync('bash', [path.join(__dirname, 'install-n8n.sh')], {
		encoding: 'utf8',
		stdio: ['ignore', 'pipe', 'inherit'],
		env: { ...process.env, N8N_VERSION: row.n8n, E2E_NODE_VERSION: row.node, N8N_OVERRIDES: overrides },
	})
		.trim()
		.split('\n')
		.at(-1)!;
	const host: N8nHost = { env: row.env, dir, node: path.join(dir, 'node/bin/node'), bin: path.join(dir, 'node_modules/n8n/bin/n8n'), version: '' };
	host.version = execFileSync(host.node, [host.bin, '--version'], { encoding: 'utf8' }).trim();
	const nodeVersion = execFileSync(host.node, ['--version'], { encoding: 'utf8' }).trim();
	const settings = Object.entries(row.env ?? {}).map(([k, v]) => `${k}=${v}`);
	check(`n8n ${row.n8n} on Node ${row.node}`, host.version === row.n8n && nodeVersion === `v${row.node}`, `n8n ${host.version} on Node ${nodeVersion}${overrides ? `; overrides: ${overrides}` : ''}${settings.length ? `; run with ${settings.join(' ')}` : ''}`);
	return host;
}

/** The environment of an n8n process of the run, with its own user folder (its community nodes in <folder>/.n8n/nodes). */
function n8nEnv(host: N8nHost, userFolder: string): NodeJS.ProcessEnv {
	return {
		...host.env,
		PATH: `${path.dirname(host.node)}:${process.env.PATH}`,
		HOME: process.env.HOME,
		N8N_USER_FOLDER: userFolder,
		N8N_ENCRYPTION_KEY: 'e2e-encryption-key-not-a-secret',
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		N8N_SECURE_COOKIE: 'false',
		N8N_LOG_LEVEL: 'info',
		N8N_RUNNERS_BROKER_PORT: '5689',
		NODE_ENV: 'production',
		TZ: 'Europe/Helsinki',
	};
}

/** The packed tarball in a user folder's community nodes folder, as `npm install` there would put it. */
function installTarball(userFolder: string, tgz: string): void {
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	fs.mkdirSync(nodesDir, { recursive: true });
	fs.writeFileSync(path.join(nodesDir, 'package.json'), JSON.stringify({ name: 'installed-nodes', private: true, dependencies: {} }));
	// --omit=peer: n8n provides n8n-workflow; without it npm would fetch the newest one and build its native deps.
	execFileSync('npm', ['install', '--no-audit', '--no-fund', '--omit=peer', tgz], { cwd: nodesDir, stdio: ['ignore', 'ignore', 'inherit'] });
	check(`${PKG.name} ${PKG.version} installed from its tarball in the community nodes folder`, fs.existsSync(path.join(nodesDir, 'node_modules', PKG.name, 'package.json')), path.basename(tgz));
}

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
	const started = Date.now();
	const work = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-e2e-'));
	console.log(`e2e work folder: ${work}`);
	// Run outputs stay outside the tree; the README's screenshots are rewritten only when asked.
	if (process.env.E2E_UPDATE_SCREENSHOTS !== '1') SHOTS = path.join(work, 'screenshots');
	console.log(`screenshots: ${SHOTS}${SHOTS === COMMITTED_SHOTS ? ' (the committed ones, E2E_UPDATE_SCREENSHOTS=1)' : ''}`);

	// Fail fast, and say what is missing, before the long install.
	for (const [what, cmd, args] of [
		['PostgreSQL on 127.0.0.1:5432', 'psql', [...pgArgs('postgres'), '-Atc', 'SELECT 1']],
		['Redis on 127.0.0.1:6379', 'redis-cli', ['-h', '127.0.0.1', 'ping']],
		['Chromium', process.env.CHROMIUM ?? '/usr/bin/chromium', ['--version']],
		['openssl', 'openssl', ['version']],
	] as const) {
		try {
			execFileSync(cmd, [...args], { stdio: 'ignore' });
		} catch {
			throw new Error(`The e2e test needs ${what} (${cmd} ${args.join(' ')} failed); .ci/run starts or installs it.`);
		}
	}
	// `npm pack` builds first (prepack), so the tarball holds what the sources say; its name is the last line.
	const tgz = path.join(work, execFileSync('npm', ['pack', '--silent', '--pack-destination', work], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim().split('\n').at(-1)!);
	const templateNames = listTemplates();
	const templates = templateNames.map((n) => loadTemplate(n));

	// E2E_ROWS=2 (or 1, or 1,2) chooses rows by n8n's major version; all by default.
	const only = process.env.E2E_ROWS?.split(',').map((x) => x.trim());
	const rows = VERSIONS.e2e.filter((r) => !only || only.includes(r.n8n.split('.')[0]));
	// E2E_PARTS=cli,queue,installer,editor chooses the parts (a check while working on one); all by default.
	const parts = new Set((process.env.E2E_PARTS ?? 'cli,queue,installer,editor').split(',').map((x) => x.trim()));
	for (const row of rows) {
		rowLabel = `${row.line} (n8n ${row.n8n}, Node ${row.node})`;
		const rowWork = path.join(work, `n8n-${row.n8n}`);
		fs.mkdirSync(rowWork, { recursive: true });
		step(`${rowLabel}: install`);
		const host = installHost(row);
		const userFolder = path.join(rowWork, 'user');
		installTarball(userFolder, tgz);
		const baseEnv = n8nEnv(host, userFolder);
		if (parts.has('cli')) await cliPart(host, baseEnv, rowWork, templateNames, templates);
		if (row.checks === 'full') {
			if (parts.has('queue')) await queuePart(host, baseEnv, rowWork, templateNames, templates);
			if (parts.has('installer')) await installerPart(host, rowWork, tgz, templates);
		} else if (parts.has('editor')) await editorPart(host, baseEnv, rowWork, templates);
	}

	stopAll(); // anything a failed part left running
	console.log('\n== The matrix');
	for (const [label, r] of results) console.log(`  ${r.failed ? 'FAIL' : 'ok  '} ${label}: ${r.passed} checks passed, ${r.failed} failed`);
	// Logs stay for a failed run only.
	if (!failures.length && process.env.E2E_KEEP !== '1') fs.rmSync(work, { recursive: true, force: true });
	console.log(`\n${failures.length ? `FAILED: ${failures.length} check(s): ${failures.join('; ')}` : 'e2e: all checks passed'} (${((Date.now() - started) / 60000).toFixed(1)} min${failures.length ? `; logs in ${work}` : ''})`);
	process.exit(failures.length ? 1 : 0);
}

/** CLI on SQLite: credentials and every template imported with n8n's own commands, each scheduled template executed twice. */
async function cliPart(host: N8nHost, rowEnv: NodeJS.ProcessEnv, work: string, templateNames: string[], templates: IWorkflowBase[]): Promise<void> {
	paymentTargets.length = 0;
	// n8n 2 hands a sub-workflow's published version to Execute Workflow through its publication
	// service, which a running `n8n start` fills; here only CLI commands run, so n8n reads the
	// version publish:workflow set on the workflow itself (n8n 1 has no publication: unused there).
	const baseEnv: NodeJS.ProcessEnv = { ...rowEnv, N8N_USE_WORKFLOW_PUBLICATION_SERVICE: 'false' };
	step('CLI: import credentials and templates, execute each template (SQLite)');
	const sb = await startSandboxes({}, e2eSandboxes());
	const sessionsBefore = odooRead(sb, 'pos.session', [], ['id']).length; // the demo database has sessions of its own
	const importErrors: string[] = [];
	try {
		writeCredentials(path.join(work, 'credentials.json'), templates, sb);
		let r = await cli(host, ['import:credentials', `--input=${path.join(work, 'credentials.json')}`], baseEnv);
		check('n8n import:credentials', r.code === 0, r.code ? r.err.slice(-400) : `${credentialRefs(templates).size} credentials`);
		for (const [i, name] of templateNames.entries()) {
			const file = path.join(work, `${name}.json`);
			writeWorkflow(file, applySettings({ ...templates[i], id: name }, sb.settings()));
			r = await cli(host, ['import:workflow', `--input=${file}`], baseEnv);
			if (r.code) importErrors.push(`${name}: ${r.err.slice(-300)}`);
		}
		check('n8n import:workflow, every template', importErrors.length === 0, importErrors.length ? importErrors.join(' | ') : `${templateNames.length} templates`);
		// The backfill calls the order import with Execute Workflow: n8n 2 runs only a published sub-workflow (users publish it for its schedule).
		r = await cli(host, ['publish:workflow', '--id=pixelpoint-order-import'], baseEnv);
		if (r.code) r = await cli(host, ['update:workflow', '--id=pixelpoint-order-import', '--active=true'], baseEnv);
		check('the order import published (the backfill calls it)', r.code === 0, r.code ? r.err.slice(-300) : '');

		const scheduled = templateNames.filter((n, i) => templates[i].nodes.some((x) => x.type === 'n8n-nodes-base.manualTrigger') && !isWebhookOnly(templates[i])); // webhook templates: in queue mode below
		for (const name of scheduled) {
			if (name === 'procountor-payments-to-odoo') recordPayments(sb);
			await execute(host, name, baseEnv, work, '');
		}

		step('CLI: outcome in the sandboxes');
		const cp = sb.codeplus;
		const products = new Set(odooRead(sb, 'ir.model.data', [['module', '=', 'pixelpoint'], ['model', '=', 'product.product']], ['name']).map((x) => x.name));
		const catalogue = new Set([...cp.products.values()].flat().map((p) => `product_${p.ProdNum}`));
		check('master data: every PixelPoint product is an Odoo product', [...catalogue].every((x) => products.has(x)), `${catalogue.size} in PixelPoint, ${products.size} Odoo products with PixelPoint external ids`);
		checkOrders(sb, 'order import', sessionsBefore);
		const today = cp.options.today.replace(/-/g, '');
		const sessions = odooRead(sb, 'ir.model.data', [['module', '=', 'pixelpoint'], ['model', '=', 'pos.session']], ['name', 'res_id']);
		const open = sessions.filter((s) => String(s.name).split('_')[2] < today).filter((s) => odooRead(sb, 'pos.session', [['id', '=', s.res_id]], ['state'])[0].state !== 'closed');
		check('auto-close: every session of a past business day is closed', open.length === 0, `${sessions.length - open.length} of ${sessions.length} sessions closed, ${open.length} past ones open`);
		const customerInvoices = odooRead(sb, 'account.move', [['move_type', 'in', ['out_invoice', 'out_refund']], ['state', '=', 'posted']], ['name', 'move_type']);
		check(
			'invoice send: every posted customer invoice and credit note is in Procountor once',
			sb.procountor.invoices.size === customerInvoices.length,
			`${sb.procountor.invoices.size} in Procountor, ${customerInvoices.length} posted in Odoo (${customerInvoices.filter((m) => m.move_type === 'out_refund').length} credit notes)`,
		);
		check('invoice send: Procountor rate limit held', sb.procountor.maxPerSecond <= 20, `busiest second ${sb.procountor.maxPerSecond} requests`);
		const paid = odooRead(sb, 'account.move', [['id', 'in', paymentTargets.map((p) => p.odooId)]], ['payment_state', 'amount_residual']);
		check(
			'payment fetch: a partial and a full Procountor payment registered on their Odoo invoices',
			paymentTargets.length === 2 && paid.map((p) => p.payment_state).sort().join() === 'paid,partial',
			paid.map((p) => `${p.payment_state} (residual ${p.amount_residual})`).join(', '),
		);
		check('canonical export: every invoice received once', sb.receiver.received.length === customerInvoices.length, `${sb.receiver.received.length} received`);
		const mails = sb.mail.received;
		check(
			"daily close report: mailed once through n8n's Send Email, logged in to the mail server, the table in the body and the chart attached",
			mails.length === 1 && mails[0].user === sb.mail.user && /Content-Type: text\/html/.test(mails[0].data) && /image\/svg\+xml/.test(mails[0].data),
			mails.length ? `${mails.length} mail(s) to ${mails[0].to.join(', ')}, ${mails[0].data.length} bytes, ${/^Subject: .*$/m.exec(mails[0].data)?.[0] ?? 'no subject'}` : `no mail; ${sb.mail.refused} refused`,
		);

		step('CLI: every template again on the same data changes nothing');
		const state = () => ({
			orders: odooRead(sb, 'pos.order', [], ['id']).length,
			sessions: odooRead(sb, 'pos.session', [], ['id']).length,
			payments: odooRead(sb, 'account.payment', [], ['id']).length,
			procountor: sb.procountor.invoices.size,
			received: sb.receiver.received.length,
			mails: sb.mail.received.length,
		});
		const before = state();
		for (const name of scheduled) {
			const audit = await execute(host, name, baseEnv, work, ' again');
			const changed = Object.entries(audit ?? {}).filter(([k, v]) => ['created', 'updated', 'archived', 'sent', 'creditNotes', 'paid', 'closed'].includes(k) && v !== 0);
			check(`${name} again: nothing created, updated, sent, paid or closed`, audit !== undefined && changed.length === 0, changed.map(([k, v]) => `${k} ${v}`).join(', '));
		}
		const after = state();
		check('sandboxes unchanged by the second pass', JSON.stringify(after) === JSON.stringify(before), JSON.stringify(after));
	} finally {
		await sb.stop();
	}

}

/** Queue mode on PostgreSQL and Redis: one main, two workers, the editor, two imports at once, the counter webhooks. */
async function queuePart(host: N8nHost, baseEnv: NodeJS.ProcessEnv, work: string, templateNames: string[], templates: IWorkflowBase[]): Promise<void> {
	step('Queue mode: PostgreSQL, Redis, one main and two workers');
	const db = `n8n_e2e_${process.pid}`;
	psql(`DROP DATABASE IF EXISTS ${db}`);
	psql(`CREATE DATABASE ${db}`);
	const port = 5688;
	const queueEnv: NodeJS.ProcessEnv = {
		...baseEnv,
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: '127.0.0.1',
		DB_POSTGRESDB_PORT: '5432',
		DB_POSTGRESDB_DATABASE: db,
		DB_POSTGRESDB_USER: process.env.PGUSER ?? 'postgres',
		DB_POSTGRESDB_PASSWORD: process.env.PGPASSWORD ?? '',
		EXECUTIONS_MODE: 'queue',
		QUEUE_BULL_REDIS_HOST: '127.0.0.1',
		QUEUE_BULL_REDIS_PORT: '6379',
		QUEUE_BULL_PREFIX: `n8n-e2e-${process.pid}`,
		OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true',
		N8N_PORT: String(port),
		N8N_HOST: '127.0.0.1',
		WEBHOOK_URL: `http://127.0.0.1:${port}/`,
	};
	const sb = await startSandboxes({}, e2eSandboxes());
	const sessionsBefore = odooRead(sb, 'pos.session', [], ['id']).length;
	const base = `http://127.0.0.1:${port}`;
	try {
		writeCredentials(path.join(work, 'credentials-queue.json'), templates, sb);
		let r = await cli(host, ['import:credentials', `--input=${path.join(work, 'credentials-queue.json')}`], queueEnv);
		check('PostgreSQL: n8n import:credentials', r.code === 0, r.code ? r.err.slice(-400) : '');
		// The backfill calls the published copy of the order import, 2 days a chunk.
		const hooks = [...['pixelpoint-master-data', 'pixelpoint-order-import'].map(webhookCopy), applySettings(webhookCopy('pixelpoint-order-backfill'), { chunkDays: 2, importWorkflowId: 'e2e-pixelpoint-order-import' })];
		const queueWorkflows = [...templateNames.map((n, i) => applySettings({ ...templates[i], id: n }, sb.settings())), ...hooks];
		for (const wf of queueWorkflows) {
			const file = path.join(work, `queue-${wf.id}.json`);
			writeWorkflow(file, wf);
			r = await cli(host, ['import:workflow', `--input=${file}`], queueEnv);
			if (r.code) check(`PostgreSQL: n8n import:workflow ${wf.id}`, false, r.err.slice(-400));
		}
		for (const id of ['pos-invoice-payment', ...hooks.map((h) => h.id!)]) {
			r = await cli(host, ['publish:workflow', `--id=${id}`], queueEnv);
			if (r.code) r = await cli(host, ['update:workflow', `--id=${id}`, '--active=true'], queueEnv);
			if (r.code) check(`activate ${id}`, false, r.err.slice(-400));
		}

		const mainLog = path.join(work, 'main.log');
		daemon(host, ['start'], queueEnv, mainLog);
		const workerLogs = [1, 2].map((k) => path.join(work, `worker-${k}.log`));
		const workers = workerLogs.map((log, k) =>
			daemon(host, ['worker', '--concurrency=1'], { ...queueEnv, N8N_RUNNERS_BROKER_PORT: String(5690 + k), QUEUE_HEALTH_CHECK_ACTIVE: 'true', QUEUE_HEALTH_CHECK_PORT: String(5692 + k) }, log),
		);
		await waitFor('n8n main', async () => (await fetch(`${base}/healthz/readiness`)).ok, 180_000);
		for (const k of [0, 1]) await waitFor(`worker ${k + 1}`, async () => (await fetch(`http://127.0.0.1:${5692 + k}/healthz`)).ok, 180_000);
		check('main and two workers up', true, `main ${base}, workers' health on ports 5692, 5693`);
		// A webhook process, as production queue mode serves its webhooks (n8n webhook): the counter's requests go to it.
		const hookPort = 5694;
		const hookBase = `http://127.0.0.1:${hookPort}`;
		daemon(host, ['webhook'], { ...queueEnv, N8N_PORT: String(hookPort), N8N_RUNNERS_BROKER_PORT: '5695' }, path.join(work, 'webhook.log'));
		await waitFor('n8n webhook process', async () => (await fetch(`${hookBase}/healthz/readiness`)).ok, 180_000);
		check('a webhook process up (n8n webhook)', true, hookBase);

		await editor(base, templates, mainLog);

		step('Queue mode: order import started twice at once');
		const master = await fetch(`${base}/webhook/e2e/pixelpoint-master-data`, { method: 'POST' });
		const masterAudit = (await master.json()) as Record<string, unknown>;
		check('master data through a worker', master.ok && masterAudit.status === 'success', figures(masterAudit));
		const t = Date.now();
		const both = await Promise.all([0, 1].map(() => fetch(`${base}/webhook/e2e/pixelpoint-order-import`, { method: 'POST' }).then(async (x) => ({ ok: x.ok, audit: (await x.json()) as Record<string, unknown> }))));
		for (const [k, b] of both.entries()) check(`import ${k + 1} finished`, b.ok && b.audit.status === 'success', `${b.audit.status}: ${figures(b.audit)}`);
		console.log(`  both imports done in ${((Date.now() - t) / 1000).toFixed(1)} s`);
		// Which worker ran which import, and when (n8n's own execution table).
		const rows = psqlRows(db, `SELECT id, extract(epoch from "startedAt") * 1000, extract(epoch from "stoppedAt") * 1000 FROM execution_entity WHERE "workflowId" = 'e2e-pixelpoint-order-import' ORDER BY id`);
		const ranBy = (id: string) => workerLogs.findIndex((log) => new RegExp(`Worker started execution ${id} `).test(fs.readFileSync(log, 'utf8'))) + 1;
		const runs = rows.map(([id, from, to]) => ({ id, worker: ranBy(id), from: Number(from), to: Number(to) }));
		check(
			'the two imports ran on different workers at the same time',
			runs.length === 2 && runs[0].worker > 0 && runs[1].worker > 0 && runs[0].worker !== runs[1].worker && runs[0].from < runs[1].to && runs[1].from < runs[0].to,
			runs.map((x) => `execution ${x.id} on worker ${x.worker}, ${new Date(x.from).toISOString().slice(11, 23)}–${new Date(x.to).toISOString().slice(11, 23)}`).join('; '),
		);
		const created = both.reduce((s, b) => s + Number(b.audit.created ?? 0), 0);
		check('the two imports together created each order once', created === soldInvoices(sb).length, `${both.map((b) => b.audit.created).join(' + ')} = ${created}`);
		checkOrders(sb, 'queue mode', sessionsBefore);
		await executionsScreenshot(base, 'e2e-pixelpoint-order-import');

		step('Queue mode: the webhook template (counter payments) through the webhook process');
		await webhookTemplate(hookBase, sb);

		step('Queue mode: the history backfill, its worker killed in the middle of a chunk');
		await backfillKilled(base, db, sb, workers, workerLogs);
	} finally {
		stopAll();
		await sb.stop();
		await sleep(2000);
		try {
			psql(`DROP DATABASE IF EXISTS ${db}`);
		} catch {
			/* a process still holds it: left for the next run's DROP */
		}
		// The queue's keys in Redis (n8n's Bull queue under this run's prefix).
		const keys = execFileSync('redis-cli', ['-h', '127.0.0.1', '--scan', '--pattern', `${queueEnv.QUEUE_BULL_PREFIX}*`], { encoding: 'utf8' }).split('\n').filter(Boolean);
		for (let i = 0; i < keys.length; i += 500) execFileSync('redis-cli', ['-h', '127.0.0.1', 'del', ...keys.slice(i, i + 500)], { stdio: 'ignore' });
	}

}

/**
 * The history backfill (its webhook copy) into a fresh Odoo: chunks of 2 days, each an Execute
 * Workflow of the order import on the worker that runs the backfill. That worker is killed
 * (SIGKILL, as a crashed machine) once a third of the sales are in. Whatever n8n then does with the
 * execution, the backfill is run again after the killed run's import locks have gone stale (15
 * minutes, aged here): it takes up the chunks not done, and the end state is every sale once and
 * every day closed, read from Odoo.
 */
async function backfillKilled(base: string, db: string, sb: Sandboxes, workers: ChildProcess[], workerLogs: string[]): Promise<void> {
	sb.odoo.reset();
	// Each answer a little slower, so the backfill is still in a chunk when its worker dies.
	sb.odoo.http.setFaults({ delayMs: 25 });
	const master = await fetch(`${base}/webhook/e2e/pixelpoint-master-data`, { method: 'POST' });
	check('backfill: master data into a fresh Odoo', master.ok, `HTTP ${master.status}`);
	const sold = soldInvoices(sb);
	const orders = () => odooRead(sb, 'pos.order', [['pos_reference', 'like', 'PixelPoint ']], ['pos_reference']);
	const started = Date.now();
	const first = fetch(`${base}/webhook/e2e/pixelpoint-order-backfill`, { method: 'POST' }).then(async (r) => ({ status: r.status, body: await r.text() })).catch((e: Error) => ({ status: 0, body: e.message }));
	await waitFor('a third of the sales imported by the backfill', async () => orders().length > sold.length / 3, 300_000);
	const [running] = psqlRows(db, `SELECT id FROM execution_entity WHERE "workflowId" = 'e2e-pixelpoint-order-backfill' AND status = 'running' ORDER BY id DESC LIMIT 1`);
	const victim = workerLogs.findIndex((log) => running && new RegExp(`Worker started execution ${running[0]} `).test(fs.readFileSync(log, 'utf8')));
	const at = orders().length;
	if (victim >= 0 && workers[victim].pid) process.kill(-workers[victim].pid!, 'SIGKILL');
	check('backfill: its worker killed in the middle of a chunk', victim >= 0 && at < sold.length, `execution ${running?.[0]} on worker ${victim + 1}, killed after ${((Date.now() - started) / 1000).toFixed(1)} s with ${at} of ${sold.length} sales in Odoo`);
	// What n8n makes of it: its queue gives a stalled job to the other worker, or the execution stays crashed.
	const answer = await Promise.race([first, sleep(180_000).then(() => ({ status: -1, body: 'no answer in 180 s' }))]);
	await waitFor('the killed backfill execution to settle', async () => psqlRows(db, `SELECT count(*) FROM execution_entity WHERE "workflowId" = 'e2e-pixelpoint-order-backfill' AND status IN ('running', 'new')`)[0][0] === '0', 180_000).catch(() => undefined);
	const states = psqlRows(db, `SELECT id, status FROM execution_entity WHERE "workflowId" = 'e2e-pixelpoint-order-backfill' ORDER BY id`).map(([id, st]) => `${id} ${st}`);
	console.log(`  after the kill: the first request answered ${answer.status} (${answer.body.slice(0, 160)}); executions: ${states.join(', ')}; ${orders().length} orders`);
	// Fifteen minutes later the killed run's locks are stale (aged here): the backfill is run again.
	const env = sb.odoo.env();
	const locks = sb.odoo.db.search(env, 'ir.model.data', [['module', '=', 'pixelpoint'], ['name', '=like', 'import_lock_order_%']]);
	const stale = new Date(Date.now() - 16 * 60_000).toISOString().slice(0, 19).replace('T', ' ');
	sb.odoo.db.transaction(() => locks.forEach((id) => sb.odoo.db.updateRaw('ir.model.data', sb.odoo.db.browse('ir.model.data', id)!, { create_date: stale })));
	const again = await fetch(`${base}/webhook/e2e/pixelpoint-order-backfill`, { method: 'POST' });
	const audit = (await again.json()) as Record<string, unknown>;
	check('backfill: run again, it finishes the chunks not done', again.ok && audit.status === 'success' && audit.chunksLeft === 0, `${locks.length} locks left by the killed run; ${audit.status}: ${figures(audit)}; chunks ${String(audit.chunks)} taken, ${String(audit.chunksDone)} done${audit.error ? `; ${String(audit.error)}` : ''}`);
	// n8n runs an Execute Workflow's sub-execution in the caller's process: the chunks were never queue jobs of their own.
	const subs = psqlRows(db, `SELECT id FROM execution_entity WHERE "workflowId" = 'e2e-pixelpoint-order-import' AND mode = 'integrated'`).map(([id]) => id);
	const queued = subs.filter((id) => workerLogs.some((log) => new RegExp(`Worker started execution ${id} `).test(fs.readFileSync(log, 'utf8'))));
	check("backfill: each chunk a sub-execution of the order import, run in the backfill's own worker (not a queue job)", subs.length > 0 && queued.length === 0, `${subs.length} sub-executions, ${queued.length} taken from the queue`);
	const refs = orders().map((o) => String(o.pos_reference));
	check('backfill: every sale imported once (Odoo\'s orders)', refs.length === sold.length && new Set(refs).size === sold.length, `${refs.length} orders, ${new Set(refs).size} distinct, ${sold.length} sold`);
	const xids = odooRead(sb, 'ir.model.data', [['module', '=', 'pixelpoint'], ['model', '=', 'pos.session']], ['name', 'res_id']);
	const open = xids.filter((x) => odooRead(sb, 'pos.session', [['id', '=', x.res_id]], ['state'])[0]?.state !== 'closed');
	const days = new Set(sold.map((i) => `session_${i.StoreId}_${i.BusinessDate.replace(/-/g, '')}`));
	check('backfill: one session per store and day, every one closed', xids.length === days.size && open.length === 0, `${xids.length} sessions for ${days.size} (store, day) pairs, ${open.length} open`);
	sb.odoo.http.setFaults({ delayMs: 0 });
}

/**
 * n8n runs on the machine's real clock, so the PixelPoint data must lie wholly in its past and
 * within the import's first-run reach (14 days back): 13 business days ending the day before
 * yesterday (Helsinki), whose night shifts are over whatever the time of day.
 */
function e2eSandboxes(): SandboxOptions {
	const today = DateTime.now().setZone('Europe/Helsinki').minus({ days: 1 }).toISODate()!;
	return { codeplus: { today, days: 13 } };
}

/** psql's connection to the local server (trust auth). */
const pgArgs = (database: string): string[] => ['-h', '127.0.0.1', '-U', process.env.PGUSER ?? 'postgres', '-d', database];

/** Rows of a query, columns split (psql's unaligned output). */
function psqlRows(database: string, sql: string): string[][] {
	const out = execFileSync('psql', [...pgArgs(database), '-At', '-F', '\t', '-c', sql], { encoding: 'utf8' });
	return out.split('\n').filter(Boolean).map((l) => l.split('\t'));
}

function psql(sql: string): void {
	execFileSync('psql', [...pgArgs('postgres'), '-v', 'ON_ERROR_STOP=1', '-q', '-c', sql], {
		stdio: ['ignore', 'ignore', 'inherit'],
		env: { ...process.env, PGOPTIONS: '-c client_min_messages=warning' }, // no NOTICE for DROP ... IF EXISTS
	});
}

/** Two sent invoices get a Procountor payment before the payment fetch runs: half of one, all of the other. */
const paymentTargets: Array<{ odooId: number; procId: number }> = [];
function recordPayments(sb: Sandboxes): void {
	const sent = odooRead(sb, 'ir.model.data', [['module', '=', 'procountor'], ['model', '=', 'account.move'], ['name', '=like', 'invoice_%']], ['name', 'res_id']);
	const invoices = sent
		.map((x) => ({ odooId: x.res_id as number, procId: Number(String(x.name).split('_')[1]) }))
		.filter((x) => odooRead(sb, 'account.move', [['id', '=', x.odooId]], ['move_type'])[0].move_type === 'out_invoice');
	for (const [k, inv] of invoices.slice(0, 2).entries()) {
		const total = odooRead(sb, 'account.move', [['id', '=', inv.odooId]], ['amount_total'])[0].amount_total as number;
		sb.procountor.recordPayment(inv.procId, k === 0 ? money(total / 2) : total, sb.codeplus.options.today);
		paymentTargets.push(inv);
	}
}

// ---------------------------------------------------------------- editor

/** The package's nodes as n8n's node panel groups them: one app per system, with its trigger and its actions. */
const OWNER = { email: 'e2e@example.com', firstName: 'E2E', lastName: 'Integrator', password: 'E2e-Integrator-1' };

/** Debian's Chromium, headless; without the background-networking flags it keeps calling out of this closed network. */
const launch = () =>
	chromium.launch({
		executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
		args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
	});

const APPS = [
	{ name: 'Odoo ERP', action: 'odooErp', trigger: 'odooErpTrigger' },
	{ name: 'PixelPoint', action: 'pixelPoint', trigger: 'pixelPointTrigger' },
	{ name: 'Procountor', action: 'procountor', trigger: 'procountorTrigger' },
];

async function editor(base: string, templates: IWorkflowBase[], mainLog: string): Promise<void> {
	step('Editor in headless Chromium: node panel and a template');
	fs.mkdirSync(SHOTS, { recursive: true });
	const browser = await launch();
	try {
		const context = await browser.newContext({ baseURL: base, viewport: { width: 1440, height: 900 } });
		const page = await context.newPage();
		const setup = await context.request.post('/rest/owner/setup', { data: OWNER });
		check('owner account set up (the browser holds its session)', setup.ok(), `HTTP ${setup.status()}`);

		// Search the panel for each system; its details must list the trigger node and the action node, marked installed.
		const found = new Set<string>();
		for (const app of APPS) {
			await page.goto('/workflow/new');
			await page.locator('[data-test-id="canvas-plus-button"]').click({ timeout: 60_000 });
			await page.locator('input[data-test-id="node-creator-search-bar"]').fill(app.name);
			const hit = page.locator('[data-test-id="node-creator-item-name"]', { hasText: new RegExp(`^${app.name}$`) });
			const listed = await hit
				.first()
				.waitFor({ timeout: 15_000 })
				.then(() => true)
				.catch(() => false);
			let detail = 'not in the search results';
			if (listed) {
				await hit.first().click();
				const actions = page.locator('[data-test-id="node-creator-category-item"]', { hasText: /^Actions/ });
				await actions.waitFor({ timeout: 15_000 });
				await actions.click(); // expand: the trigger list is open, the actions list is folded
				await sleep(500);
				const types = await page.locator('[data-keyboard-nav-type="action"]').evaluateAll((els) => els.map((e) => (e.getAttribute('data-keyboard-nav-id') ?? '').replace(/-[0-9a-f-]{36}$/, '')));
				for (const t of types) found.add(t);
				const installed = await page.getByText('Installed', { exact: true }).count();
				const count = (type: string) => types.filter((t) => t === `${PKG.name}.${type}`).length;
				detail = `${count(app.trigger)} trigger event(s), ${count(app.action)} actions${installed ? ', marked Installed' : ''}`;
				check(`node panel: "${app.name}" with its trigger (${app.trigger}) and actions (${app.action})`, count(app.trigger) > 0 && count(app.action) > 0 && installed > 0, detail);
			} else check(`node panel: "${app.name}"`, false, detail);
			await page.screenshot({ path: path.join(SHOTS, `node-panel-${app.action.toLowerCase()}.png`) });
		}
		const ours = [...found].filter((t) => t.startsWith(`${PKG.name}.`)).map((t) => t.slice(PKG.name.length + 1));
		check('every node of the package is in the panel', APPS.every((a) => ours.includes(a.action) && ours.includes(a.trigger)), ours.sort().join(', '));

		// A template opened as an integrator would: every node drawn with its icon, none as the unknown-node "?".
		const names = listTemplates();
		const id = 'pixelpoint-order-import';
		const wf = templates[names.indexOf(id)];
		const shown = await openWorkflow(page, `/workflow/${id}`);
		await page.screenshot({ path: path.join(SHOTS, `template-${id}.png`) });
		check(`template "${wf.name}" opens with every node known`, shown.nodes === wf.nodes.length && shown.unknown === 0 && shown.brokenIcons === 0, `${shown.nodes} of ${wf.nodes.length} nodes drawn, ${shown.unknown} unknown, ${shown.brokenIcons} icons not loaded`);
		// The import node's parameters, as an integrator edits them.
		const shows = await nodeParameters(page, 'Odoo: Import Orders', 'node-odoo-import-orders.png', ['Odoo ERP', 'POS Order', 'Import PixelPoint Invoices'], 1000);
		check('the import node opens with its credential, resource and operation', shows !== undefined && shows.length === 3, shows ? `shows ${shows.join(', ')}` : 'no parameter panel');

		// Relations field by field (a partner's tags, an invoice's lines), as an integrator sets them up.
		const odooNode = wf.nodes.find((n) => n.type === `${PKG.name}.odooErp`)!;
		const relationNodes = [
			{ id: 'r1', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
			{
				id: 'r2',
				name: 'Odoo: Tag Customer',
				type: `${PKG.name}.odooErp`,
				typeVersion: 1,
				position: [260, 0],
				credentials: odooNode.credentials,
				parameters: {
					resource: 'record',
					operation: 'update',
					model: { __rl: true, mode: 'name', value: 'res.partner' },
					recordId: '={{ $json.partnerId }}',
					inputMode: 'fields',
					fieldValues: {
						values: [
							{ name: 'category_id', edit: 'add', value: 'crm_tags.vip, crm_tags.catering' },
							{ name: 'category_id', edit: 'remove', value: 'crm_tags.prospect' },
							{ name: 'parent_id', edit: 'set', value: 'pixelpoint.partner_chain' },
						],
					},
				},
			},
		];
		const relWf = await context.request.post('/rest/workflows', {
			data: { name: 'e2e: relations field by field', nodes: relationNodes, connections: { Start: { main: [[{ node: 'Odoo: Tag Customer', type: 'main', index: 0 }]] } }, settings: {} },
		});
		await openWorkflow(page, `/workflow/${((await relWf.json()) as { data: { id: string } }).data.id}`);
		const relShows = await nodeParameters(page, 'Odoo: Tag Customer', 'node-odoo-record-relations.png', ['Field by Field', 'Add Records', 'Remove Records', 'Set'], 1500);
		check('the Record update opens with its field rows and their operations (add, remove, set)', relShows !== undefined && relShows.length === 4, relShows ? `shows ${relShows.join(', ')}` : 'no parameter panel');

		// The action nodes as tools of an AI agent, as n8n offers them (its <node>Tool types): each drawn
		// as a known node on the agent, and the Odoo tool opened where its operation is chosen.
		const agentNodes = [
			{ id: 'a1', name: 'AI Agent', type: '@n8n/n8n-nodes-langchain.agent', typeVersion: 3, position: [200, 0], parameters: {} },
			...[
				// The customer is what the agent fills in ($fromAI), as n8n's "let the model define this" does.
				['Odoo ERP Tool', 'odooErpTool', 'odooErpApi', { resource: 'invoice', operation: 'getManyUnpaid', customerId: "={{ $fromAI('customer_id', 'Odoo ID of the customer whose open invoices to list', 'number') }}" }],
				['PixelPoint Tool', 'pixelPointTool', 'codeplusApi', { resource: 'store', operation: 'getMany' }],
				['Procountor Tool', 'procountorTool', 'procountorApi', { resource: 'vat', operation: 'getDefault' }],
			].map(([name, type, cred, params], k) => ({
				id: `a${k + 2}`,
				name: name as string,
				type: `${PKG.name}.${type as string}`,
				typeVersion: 1,
				position: [100 + 200 * k, 250],
				credentials: { [cred as string]: credentialRefs(templates).get(cred as string) },
				parameters: { ...(params as object), descriptionType: 'auto' },
			})),
		];
		const toAgent = Object.fromEntries(agentNodes.slice(1).map((n) => [n.name, { ai_tool: [[{ node: 'AI Agent', type: 'ai_tool', index: 0 }]] }]));
		const agentWf = await context.request.post('/rest/workflows', { data: { name: 'e2e: the nodes as AI-agent tools', nodes: agentNodes, connections: toAgent, settings: {} } });
		const agentShown = await openWorkflow(page, `/workflow/${((await agentWf.json()) as { data: { id: string } }).data.id}`);
		await page.screenshot({ path: path.join(SHOTS, 'ai-agent-tools.png') });
		check('the three action nodes are tools of an AI agent in the editor, each a known node with its icon', agentShown.nodes === 4 && agentShown.unknown === 0 && agentShown.brokenIcons === 0, `${agentShown.nodes} nodes drawn, ${agentShown.unknown} unknown, ${agentShown.brokenIcons} icons not loaded`);
		const toolShows = await nodeParameters(page, 'Odoo ERP Tool', 'node-odoo-as-ai-tool.png', ['Invoice', 'Get Many Unpaid'], 1500);
		check('the Odoo tool opens with the resource and operation an agent will call', toolShows !== undefined && toolShows.length === 2, toolShows ? `shows ${toolShows.join(', ')}` : 'no parameter panel');

		// The same check must see a node type n8n does not know (so a package that failed to load fails this test).
		const broken = { ...wf, name: 'e2e: unknown node control', nodes: wf.nodes.map((n, k) => (k === 3 ? { ...n, type: `${PKG.name}.notANode` } : n)), settings: {} };
		const made = await context.request.post('/rest/workflows', { data: { name: broken.name, nodes: broken.nodes, connections: broken.connections, settings: {} } });
		const control = await openWorkflow(page, `/workflow/${((await made.json()) as { data: { id: string } }).data.id}`);
		check('control: a workflow with an unknown node type is caught by the same check', control.unknown === 1, `${control.unknown} unknown`);

		await openEveryNode(page, context, templates, 'queue-mode', path.join(path.dirname(mainLog), 'screenshots'), '2');

		const log = fs.readFileSync(mainLog, 'utf8');
		const loadErrors = log.split('\n').filter((l) => /error.*(load|package)|failed to load|n8n-nodes-pos-odoo-procountor.*error/i.test(l));
		check('n8n logged no package load error', loadErrors.length === 0, loadErrors.slice(0, 3).join(' | '));
	} finally {
		await browser.close();
	}
}

/** The workflow's executions as n8n lists them (both imports of the queue-mode race). */
async function executionsScreenshot(base: string, workflowId: string): Promise<void> {
	const browser = await launch();
	try {
		const context = await browser.newContext({ baseURL: base, viewport: { width: 1440, height: 900 } });
		const login = await context.request.post('/rest/login', { data: { emailOrLdapLoginId: OWNER.email, password: OWNER.password } });
		const page = await context.newPage();
		await page.goto(`/workflow/${workflowId}/executions`);
		const cards = page.locator('.execution-card'); // n8n 2.40 marks the cards by class, not test id
		await cards
			.first()
			.waitFor({ timeout: 30_000 })
			.catch(() => undefined);
		await sleep(1500);
		await page.screenshot({ path: path.join(SHOTS, 'queue-mode-executions.png') });
		const shown = await cards.count();
		check('the executions list shows both queue-mode imports', login.ok() && shown === 2, `${shown} executions listed (${path.join(SHOTS, "queue-mode-executions.png")})`);
	} finally {
		await browser.close();
	}
}

/**
 * Opens a node of the workflow on the canvas, takes its screenshot and closes it again; answers
 * which of `expected` its inputs show (select boxes show their choice as an input's value, not as
 * text), or undefined when its parameter panel did not open.
 */
async function nodeParameters(page: Page, nodeName: string, shot: string, expected: string[], settleMs: number): Promise<string[] | undefined> {
	await page.locator(`[data-test-id="canvas-node"][data-node-name="${nodeName}"]`).dblclick();
	const ndv = page.locator('[data-test-id="ndv"]');
	const opened = await ndv
		.waitFor({ timeout: 15_000 })
		.then(() => true)
		.catch(() => false);
	await sleep(settleMs);
	await page.screenshot({ path: path.join(SHOTS, shot) });
	const values = opened ? await ndv.locator('input').evaluateAll((els) => els.map((e) => (e as unknown as { value: string }).value)) : [];
	await page.keyboard.press('Escape');
	return opened ? expected.filter((v) => values.includes(v)) : undefined;
}

/** Opens a workflow in the editor; counts its nodes, those drawn as unknown ("?") and icons that did not load. */
async function openWorkflow(page: Page, url: string): Promise<{ nodes: number; unknown: number; brokenIcons: number }> {
	await page.goto(url);
	await page.waitForSelector('[data-test-id="canvas-node"]', { timeout: 60_000 });
	await sleep(1500); // icons load after the canvas
	const nodes = page.locator('[data-test-id="canvas-node"]');
	return {
		nodes: await nodes.count(),
		unknown: await nodes.locator('[class*="nodeIconPlaceholder"]').count(),
		brokenIcons: await nodes.locator('img').evaluateAll((imgs) => imgs.map((i) => i as unknown as { complete: boolean; naturalWidth: number }).filter((i) => !i.complete || i.naturalWidth === 0).length),
	};
}

// ---------------------------------------------------------------- webhook template

async function webhookTemplate(base: string, sb: Sandboxes): Promise<void> {
	const wf = loadTemplate('pos-invoice-payment');
	const pin = (wf.pinData ?? {}) as Record<string, Array<{ json: { query: Record<string, string>; body: Record<string, unknown>; headers: Record<string, string> } }>>;
	const pay = pin['POST Payment'][0].json;
	const invoice = Number(pay.body.invoice);
	const [inv] = odooRead(sb, 'account.move', [['id', '=', invoice]], ['amount_residual', 'name']);
	const before = inv.amount_residual as number;
	// The tills' tokens, signed with the JWT credential n8n holds for the webhooks (as the template's own Sign step does).
	const secret = String(sb.credentials().jwtAuth.secret);
	const token = (k: number) => signHs256({ sub: `helsinki-till-${k}`, jti: `e2e-till-${k}`, company: 'Ravintola Demo Oy', store: 1 }, secret);
	const auth = (k = 1) => ({ authorization: `Bearer ${token(k)}` });
	const unpaidUrl = `${base}/webhook/pos/unpaid-invoices?${new URLSearchParams({ customer: String(pay.body.customer), ref: String(inv.name) })}`;

	const open = await fetch(unpaidUrl);
	const wrong = await fetch(unpaidUrl, { headers: { authorization: `Bearer ${signHs256({ sub: 'x', jti: 'y', company: 'Ravintola Demo Oy', store: 1 }, 'not-the-secret')}` } });
	const unauthPay = await fetch(`${base}/webhook/pos/payments`, { method: 'POST', headers: { 'content-type': 'application/json', ...pay.headers }, body: JSON.stringify(pay.body) });
	const afterRefused = odooRead(sb, 'account.move', [['id', '=', invoice]], ['amount_residual'])[0].amount_residual as number;
	check('without a till token the webhooks answer 401, with a wrong one 403, and nothing is paid', open.status === 401 && wrong.status === 403 && unauthPay.status === 401 && afterRefused === before, `HTTP ${open.status}, ${wrong.status}, ${unauthPay.status}; residual ${before} -> ${afterRefused}`);

	const list = await fetch(unpaidUrl, { headers: auth() });
	const listBody = (await list.json()) as { invoices?: unknown[] } | unknown[];
	check('GET /webhook/pos/unpaid-invoices answers a till with its token from Odoo', list.status === 200, `HTTP ${list.status}, ${JSON.stringify(listBody).slice(0, 120)}`);
	const post = () => fetch(`${base}/webhook/pos/payments`, { method: 'POST', headers: { 'content-type': 'application/json', ...pay.headers, ...auth() }, body: JSON.stringify(pay.body) });
	const first = await post();
	const firstBody = await first.text();
	const again = await post(); // the till retries with the same Idempotency-Key
	const againBody = await again.text();
	const after = odooRead(sb, 'account.move', [['id', '=', invoice]], ['amount_residual'])[0].amount_residual as number;
	check('POST /webhook/pos/payments registers the payment once, the retry answers the same', first.status === 200 && again.status === 200 && money(before - after) === Number(pay.body.amount), `HTTP ${first.status}/${again.status}, residual ${before} -> ${after}; ${firstBody.slice(0, 100)}`);
	const paymentId = (body: string) => (JSON.parse(body) as { paymentId?: number }).paymentId;
	check('the retried request got the first payment back, not a new one', paymentId(firstBody) !== undefined && paymentId(againBody) === paymentId(firstBody), `payment ${paymentId(firstBody)}, retry ${paymentId(againBody)}: ${againBody.slice(0, 80)}`);
	const memo = String(odooRead(sb, 'account.payment', [['id', '=', paymentId(firstBody) ?? 0]], ['ref'])[0]?.ref ?? '');
	check('the payment names the till that took it, in Odoo', memo.includes('till helsinki-till-1'), memo);
	const s = await fetch(`${base}/webhook/pos/session-summary`, { headers: auth() });
	check('GET /webhook/pos/session-summary answers the till its store session', s.status === 200, `HTTP ${s.status}, ${(await s.text()).slice(0, 120)}`);

	// 20 tills at once on one invoice through n8n's webhook process and its workers: each payment once, none above the balance.
	const target = odooRead(sb, 'account.move', [['move_type', '=', 'out_invoice'], ['state', '=', 'posted'], ['payment_state', '=', 'not_paid'], ['id', '!=', invoice]], ['amount_residual', 'partner_id', 'name'])[0];
	const residual = Number(target.amount_residual);
	const each = money(Math.max(0.01, Math.floor((residual / 14) * 100) / 100));
	const t0 = Date.now();
	const latencies: number[] = [];
	const answers = await Promise.all(
		Array.from({ length: 20 }, async (_, k) => {
			const t = Date.now();
			const r = await fetch(`${base}/webhook/pos/payments`, {
				method: 'POST',
				headers: { 'content-type': 'application/json', 'idempotency-key': `e2e-load-${k}-0001`, ...auth(k + 1) },
				body: JSON.stringify({ invoice: target.id, customer: (target.partner_id as [number, string])[0], amount: each, method: 'bank' }),
			});
			latencies.push(Date.now() - t);
			return { status: r.status, body: (await r.json().catch(() => ({}))) as { status?: string } };
		}),
	);
	const wall = (Date.now() - t0) / 1000;
	const payments = odooRead(sb, 'account.payment', [], ['amount', 'reconciled_invoice_ids']).filter((p) => (p.reconciled_invoice_ids as number[]).includes(Number(target.id)));
	const left = odooRead(sb, 'account.move', [['id', '=', target.id]], ['amount_residual'])[0].amount_residual as number;
	const registered = answers.filter((a) => a.status === 200 && a.body.status === 'registered').length;
	const errors = answers.filter((a) => a.status >= 500).length;
	latencies.sort((x, y) => x - y);
	const p95 = latencies[Math.ceil(latencies.length * 0.95) - 1];
	const expected = Math.min(20, Math.floor(Math.round(residual * 100) / Math.round(each * 100)));
	check(
		'20 tills paying one invoice at once through the webhook process: every payment once, none above the open balance',
		payments.length === registered && registered === expected && left >= 0 && errors === 0,
		`${registered} registered (${expected} fit in ${residual}), ${answers.filter((a) => a.status === 422).length} refused as above the balance, ${errors} errors; residual ${left}; p95 ${p95} ms, median ${latencies[9]} ms, ${wall.toFixed(1)} s in all`,
	);
	console.log(`  20-till load: p95 ${p95} ms, median ${latencies[9]} ms, max ${latencies[19]} ms, ${errors} errors, ${wall.toFixed(1)} s`);
}

// ---------------------------------------------------------------- n8n main processes

async function startMain(host: N8nHost, env: NodeJS.ProcessEnv, log: string, base: string): Promise<ChildProcess> {
	const p = daemon(host, ['start'], env, log);
	// n8n 1.x answers its health check before its REST routes are in place: wait for those too.
	await waitFor('n8n main', async () => (await fetch(`${base}/healthz/readiness`)).ok && /json/.test((await fetch(`${base}/rest/settings`)).headers.get('content-type') ?? ''), 180_000);
	return p;
}

/** Stops a process started by daemon() and waits until it is gone (its port free for the next one). */
async function stopProcess(p: ChildProcess): Promise<void> {
	if (p.exitCode !== null || p.signalCode !== null) return;
	const gone = new Promise<void>((r) => p.once('exit', () => r()));
	try {
		process.kill(-p.pid!, 'SIGTERM');
	} catch {
		return;
	}
	const killed = await Promise.race([gone.then(() => true), sleep(30_000).then(() => false)]);
	if (!killed) {
		try {
			process.kill(-p.pid!, 'SIGKILL');
		} catch {
			/* gone meanwhile */
		}
		await gone;
	}
}

/** A browser context signed in to n8n (the owner is set up on a fresh database, signed in otherwise). */
async function signedIn(base: string): Promise<{ browser: Browser; context: BrowserContext; page: Page }> {
	const browser = await launch();
	const context = await browser.newContext({ baseURL: base, viewport: { width: 1440, height: 900 } });
	const setup = await context.request.post('/rest/owner/setup', { data: OWNER });
	if (!setup.ok()) await context.request.post('/rest/login', { data: { emailOrLdapLoginId: OWNER.email, password: OWNER.password } });
	return { browser, context, page: await context.newPage() };
}

// ---------------------------------------------------------------- every node opened in the editor

const CREDENTIAL_OF: Record<string, string> = { odooErp: 'odooErpApi', odooErpTrigger: 'odooErpApi', pixelPoint: 'codeplusApi', pixelPointTrigger: 'codeplusApi', procountor: 'procountorApi', procountorTrigger: 'procountorApi' };

/** Each node of the package in one workflow, with its credential, as an integrator drops them on the canvas. */
function everyNodeWorkflow(templates: IWorkflowBase[]): { name: string; nodes: INode[]; connections: IConnections; settings: object } {
	const refs = credentialRefs(templates);
	const nodes: INode[] = APPS.flatMap((app, k) =>
		[app.trigger, app.action].map((type, j) => ({
			id: `00000000-0000-4000-8000-00000000e${k}${j}0`,
			name: `${app.name}${j === 0 ? ' Trigger' : ''}`,
			type: `${PKG.name}.${type}`,
			typeVersion: 1,
			position: [300 * k, 220 * j] as [number, number],
			credentials: { [CREDENTIAL_OF[type]]: refs.get(CREDENTIAL_OF[type])! },
			parameters: {},
		})),
	);
	return { name: 'e2e: every node of the package', nodes, connections: {}, settings: {} };
}

/** Opens the workflow and each of its nodes in turn: the node's panel must open and n8n must show no error. */
/** Its screenshots go to `dir` (the run's work folder: they are not the README's). */
async function openEveryNode(page: Page, context: BrowserContext, templates: IWorkflowBase[], shotPrefix: string, dir: string, n8nVersion: string): Promise<void> {
	fs.mkdirSync(dir, { recursive: true });
	const wf = everyNodeWorkflow(templates);
	// n8n 1.x's API needs `active` on a new workflow (its editor sends it); 2.x publishes instead.
	const made = await context.request.post('/rest/workflows', { data: n8nVersion.startsWith('1.') ? { ...wf, active: false } : wf });
	const id = made.ok() ? ((await made.json()) as { data: { id: string } }).data.id : undefined;
	if (!id) {
		check('a workflow with every node of the package saved through the editor\'s API', false, `HTTP ${made.status()}: ${(await made.text()).slice(0, 300)}`);
		return;
	}
	const shown = await openWorkflow(page, `/workflow/${id}`);
	await page.screenshot({ path: path.join(dir, `${shotPrefix}-every-node.png`) });
	check('every node of the package drawn as a known node with its icon', shown.nodes === wf.nodes.length && shown.unknown === 0 && shown.brokenIcons === 0, `${shown.nodes} of ${wf.nodes.length} drawn, ${shown.unknown} unknown, ${shown.brokenIcons} icons not loaded`);
	const problems: string[] = [];
	for (const n of wf.nodes) {
		await page.locator(`[data-test-id="canvas-node"][data-node-name="${n.name}"]`).dblclick();
		const ndv = page.locator('[data-test-id="ndv"]');
		const opened = await ndv
			.waitFor({ timeout: 15_000 })
			.then(() => true)
			.catch(() => false);
		await sleep(1200); // option lists load from the sandboxes after the panel opens
		const errors = await page.locator('.el-notification--error, [role="alert"].el-notification').allInnerTexts();
		await page.screenshot({ path: path.join(dir, `${shotPrefix}-node-${n.type.split('.')[1].toLowerCase()}.png`) });
		if (!opened || errors.length) problems.push(`${n.name}: ${opened ? errors.join(' / ').slice(0, 160) : 'its panel did not open'}`);
		await page.keyboard.press('Escape');
		await sleep(300);
	}
	check('the editor opens each node of the package without an error', problems.length === 0, problems.length ? problems.join(' | ') : `${wf.nodes.length} nodes opened`);
}

/** The editor of a "basic" row: n8n started on SQLite with the package, each node opened. */
async function editorPart(host: N8nHost, baseEnv: NodeJS.ProcessEnv, work: string, templates: IWorkflowBase[]): Promise<void> {
	step('Editor in headless Chromium: each node of the package');
	const port = 5688;
	const base = `http://127.0.0.1:${port}`;
	const sb = await startSandboxes({}, e2eSandboxes());
	const mainLog = path.join(work, 'editor-main.log');
	const main = await startMain(host, { ...baseEnv, N8N_PORT: String(port), N8N_HOST: '127.0.0.1' }, mainLog, base);
	const { browser, context, page } = await signedIn(base);
	try {
		await openEveryNode(page, context, templates, `n8n-${host.version}`, path.join(work, 'screenshots'), host.version);
		const loadErrors = fs.readFileSync(mainLog, 'utf8').split('\n').filter((l) => /error.*(load|package)|failed to load|n8n-nodes-pos-odoo-procountor.*error/i.test(l));
		check('n8n logged no package load error', loadErrors.length === 0, loadErrors.slice(0, 3).join(' | '));
	} finally {
		await browser.close();
		await stopProcess(main);
		await sb.stop();
	}
}

// ---------------------------------------------------------------- n8n's community-package installer

interface InstalledPackage {
	packageName: string;
	installedVersion: string;
	updateAvailable?: string;
	installedNodes: Array<{ type: string }>;
}

async function installedPackages(context: BrowserContext): Promise<InstalledPackage[]> {
	const r = await context.request.get('/rest/community-packages');
	return r.ok() ? ((await r.json()) as { data: InstalledPackage[] }).data : [];
}

/**
 * As users install it: the packed package published to a registry, installed through n8n's own
 * installer from the editor page (a screenshot), a template run with it, 0.1.1 published and the
 * installed package updated from the editor (its Update button), the template run again, the package uninstalled and installed again through the endpoint; then once
 * as deployment pipelines do it since n8n 2.21: N8N_COMMUNITY_PACKAGES with
 * N8N_COMMUNITY_PACKAGES_MANAGED_BY_ENV=true, n8n installing it at start-up.
 */
async function installerPart(host: N8nHost, work: string, tgz: string, templates: IWorkflowBase[]): Promise<void> {
	step("Installer: from a registry through n8n's community-package installer (SQLite)");
	fs.mkdirSync(SHOTS, { recursive: true });
	const registry = new LocalRegistry(path.join(work, 'registry'), installVerdaccio(VERSIONS.verdaccio, path.dirname(host.node)), host.node);
	await registry.start();
	const sb = await startSandboxes({}, e2eSandboxes());
	const port = 5688;
	const base = `http://127.0.0.1:${port}`;
	const template = 'pixelpoint-master-data';
	const templateWf = applySettings({ ...loadTemplate(template), id: template }, sb.settings());
	const next = PKG.version.replace(/\d+$/, (d) => String(Number(d) + 1));
	const pkgDir = (folder: string) => path.join(folder, '.n8n', 'nodes', 'node_modules', PKG.name);
	const installedVersion = (folder: string) => (fs.existsSync(path.join(pkgDir(folder), 'package.json')) ? (JSON.parse(fs.readFileSync(path.join(pkgDir(folder), 'package.json'), 'utf8')) as { version: string }).version : 'none');
	/** Credentials and the template imported into a user folder with n8n's CLI (n8n stopped). */
	const importInto = async (env: NodeJS.ProcessEnv, folder: string) => {
		writeCredentials(path.join(folder, 'credentials.json'), templates, sb);
		writeWorkflow(path.join(folder, 'workflow.json'), templateWf);
		const a = await cli(host, ['import:credentials', `--input=${path.join(folder, 'credentials.json')}`], env);
		const b = await cli(host, ['import:workflow', `--input=${path.join(folder, 'workflow.json')}`], env);
		return a.code === 0 && b.code === 0;
	};
	let main: ChildProcess | undefined;
	try {
		registry.publish(tgz);
		check(`${PKG.name}@${PKG.version} published to the local registry (verdaccio ${VERSIONS.verdaccio})`, true, path.basename(tgz));
		const folder = path.join(work, 'installer-user');
		fs.mkdirSync(folder, { recursive: true });
		const env = { ...n8nEnv(host, folder), ...registry.env(), N8N_PORT: String(port), N8N_HOST: '127.0.0.1' };

		// 1. Settings → Community nodes → Install, as an integrator does it.
		main = await startMain(host, env, path.join(work, 'installer-main-1.log'), base);
		let s = await signedIn(base);
		try {
			await s.page.goto('/settings/community-nodes');
			await s.page.getByRole('button', { name: /install/i }).first().click({ timeout: 60_000 });
			await s.page.locator('input[data-test-id="package-name-input"], [data-test-id="package-name-input"] input').first().fill(PKG.name);
			await s.page.locator('[data-test-id="user-agreement-checkbox"]').click();
			await s.page.screenshot({ path: path.join(SHOTS, 'community-nodes-install.png') });
			await s.page.locator('[data-test-id="install-community-package-button"]').click();
			const card = s.page.locator('[data-test-id="community-package-card"]', { hasText: PKG.name });
			const listed = await card
				.waitFor({ timeout: 180_000 })
				.then(() => true)
				.catch(() => false);
			await sleep(1000);
			await s.page.screenshot({ path: path.join(work, 'community-nodes-installed.png') }); // the run's own: the README shows the install and the update
			const pkg = (await installedPackages(s.context)).find((p) => p.packageName === PKG.name);
			check(
				'installed from the editor (Settings → Community nodes → Install) from the registry',
				listed && pkg?.installedVersion === PKG.version && pkg.installedNodes.length >= 6 && registry.served.some((x) => x.endsWith(`${PKG.name}-${PKG.version}.tgz`)),
				`${pkg ? `${pkg.packageName} ${pkg.installedVersion}, ${pkg.installedNodes.length} nodes` : 'not installed'}; the registry served ${registry.served.length} requests; hosts refused: ${[...registry.refused].join(', ') || 'none'}`,
			);
		} finally {
			await s.browser.close();
			await stopProcess(main);
		}

		// 2. A template runs with the installed package.
		check('credentials and the template imported with the CLI', await importInto(env, folder));
		await execute(host, template, env, work, ' (installed from the registry)');

		// 3. A new release: the installer offers it and updates to it.
		registry.publish(registry.repack(tgz, next));
		main = await startMain(host, env, path.join(work, 'installer-main-2.log'), base);
		s = await signedIn(base);
		try {
			const before = (await installedPackages(s.context)).find((p) => p.packageName === PKG.name);
			check(`the installer sees ${next} as an update`, before?.updateAvailable === next, `installed ${before?.installedVersion}, update available: ${before?.updateAvailable ?? 'none'}`);
			// The card's Update button, then the confirmation, as an integrator does it.
			await s.page.goto('/settings/community-nodes');
			const card = s.page.locator('[data-test-id="community-package-card"]', { hasText: PKG.name });
			const clicked = await card
				.getByRole('button', { name: 'Update' })
				.click({ timeout: 30_000 })
				.then(() => s.page.getByRole('button', { name: 'Confirm update' }).click({ timeout: 15_000 }))
				.then(() => card.getByText(`v${next}`).waitFor({ timeout: 180_000 }))
				.then(() => true)
				.catch((e: Error) => (console.log(`  (the editor's update: ${e.message.split('\n')[0]})`), false));
			await sleep(1000);
			await s.page.screenshot({ path: path.join(SHOTS, 'community-nodes-updated.png') });
			const after = (await installedPackages(s.context)).find((p) => p.packageName === PKG.name);
			check(`updated to ${next} from the editor (the package's Update button, then Confirm update)`, clicked && after?.installedVersion === next && installedVersion(folder) === next, `now ${after?.installedVersion}, on disk ${installedVersion(folder)}`);
		} finally {
			await s.browser.close();
			await stopProcess(main);
		}
		await execute(host, template, env, work, ` (after the update to ${next}: credentials and workflow as they were)`);

		// 4. Uninstalled, then installed again through the endpoint.
		main = await startMain(host, env, path.join(work, 'installer-main-3.log'), base);
		s = await signedIn(base);
		try {
			const del = await s.context.request.delete(`/rest/community-packages?name=${encodeURIComponent(PKG.name)}`);
			const left = await installedPackages(s.context);
			check('uninstalled through the installer: gone from n8n and from disk', del.ok() && !left.some((p) => p.packageName === PKG.name) && installedVersion(folder) === 'none', `HTTP ${del.status()}, ${left.length} packages left, on disk: ${installedVersion(folder)}`);
			const add = await s.context.request.post('/rest/community-packages', { data: { name: PKG.name } });
			const again = (await installedPackages(s.context)).find((p) => p.packageName === PKG.name);
			check(`installed again through the endpoint the editor calls (POST /rest/community-packages): the newest, ${next}`, add.ok() && again?.installedVersion === next, `HTTP ${add.status()}, ${again?.installedVersion ?? 'not installed'}`);
		} finally {
			await s.browser.close();
			await stopProcess(main);
		}

		// 5. Managed by the environment: n8n installs the package itself at start-up, the editor may not change it.
		const envFolder = path.join(work, 'installer-env-user');
		fs.mkdirSync(envFolder, { recursive: true });
		const managed = {
			...n8nEnv(host, envFolder),
			...registry.env(),
			N8N_PORT: String(port),
			N8N_HOST: '127.0.0.1',
			N8N_COMMUNITY_PACKAGES: JSON.stringify([{ name: PKG.name, version: next }]),
			N8N_COMMUNITY_PACKAGES_MANAGED_BY_ENV: 'true',
		};
		const imported = await importInto(managed, envFolder);
		main = await startMain(host, managed, path.join(work, 'installer-main-env.log'), base);
		s = await signedIn(base);
		try {
			const pkg = (await installedPackages(s.context)).find((p) => p.packageName === PKG.name);
			const refused = await s.context.request.post('/rest/community-packages', { data: { name: 'n8n-nodes-another' } });
			const why = await refused.text();
			check(
				'N8N_COMMUNITY_PACKAGES with N8N_COMMUNITY_PACKAGES_MANAGED_BY_ENV=true: installed at start-up, the editor may not install',
				imported && pkg?.installedVersion === next && installedVersion(envFolder) === next && refused.status() === 400 && /managed via environment/i.test(why),
				`${pkg ? `${pkg.packageName} ${pkg.installedVersion}` : 'not installed'}; an install from the editor: HTTP ${refused.status()} ${why.match(/"message":"([^"]*)"/)?.[1] ?? why.slice(0, 120)}`,
			);
		} finally {
			await s.browser.close();
			await stopProcess(main);
		}
		await execute(host, template, managed, work, ' (package installed from the environment)');
	} finally {
		if (main) await stopProcess(main);
		await registry.stop();
		await sb.stop();
	}
}

/** `run.ts --install-only`: each row's n8n installed into the cache (.ci/run starts it early, in the background). */
function installOnly(): void {
	for (const row of VERSIONS.e2e) {
		rowLabel = `${row.line} (n8n ${row.n8n}, Node ${row.node})`;
		installHost(row);
	}
	process.exit(failures.length ? 1 : 0);
}

if (process.argv.includes('--install-only')) installOnly();
else main().catch((e: Error) => {
	console.error(e.stack ?? e.message);
	stopAll();
	process.exit(1);
});
