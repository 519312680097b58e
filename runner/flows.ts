/**
 * `npm run flows -- [--credentials FILE] [--state DIR] [template ...]`
 *
 * Executes the shipped workflow templates through n8n's WorkflowExecute, unchanged, against
 * the systems a credentials file names — or, without one, against the embedded sandboxes it
 * starts itself — and prints what each flow did. Exits non-zero if a flow fails.
 *
 * Credentials file: {"odooErpApi": {...}, "codeplusApi": {...}, "procountorApi": {...}} with the
 * fields of each credential type. Environment variables override it: ODOO_URL, ODOO_DATABASE,
 * ODOO_LOGIN, ODOO_API_KEY, ODOO_PASSWORD, CODEPLUS_URL, CODEPLUS_TOKEN, PROCOUNTOR_ENVIRONMENT,
 * PROCOUNTOR_URL, PROCOUNTOR_CLIENT_ID, PROCOUNTOR_CLIENT_SECRET, PROCOUNTOR_API_KEY. FLOWS_CREDENTIALS may name the file instead of --credentials.
 */
import type { ICredentialDataDecryptedObject, IDataObject, IWorkflowBase } from 'n8n-workflow';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startSandboxes, type Sandboxes } from '../sandbox';
import { RECEIVER_PORT } from '../sandbox/receiver';
import { Engine } from './engine';

export const WORKFLOWS_DIR = path.resolve(__dirname, '..', 'workflows');

/** Templates that feed others run first; the rest follow alphabetically. */
const RUN_ORDER = [
	'pixelpoint-master-data',
	'procountor-master-data',
	'pixelpoint-order-import',
	'pos-session-auto-close',
	'odoo-invoices-to-procountor',
	'procountor-payments-to-odoo',
	'pos-invoice-payment',
	'odoo-invoices-canonical-sync',
];

export interface FlowOutcome {
	template: string;
	ok: boolean;
	lastNode?: string;
	summary: IDataObject[];
	error?: string;
	ms: number;
}

export function listTemplates(): string[] {
	if (!fs.existsSync(WORKFLOWS_DIR)) return [];
	const names = fs
		.readdirSync(WORKFLOWS_DIR)
		.filter((f) => f.endsWith('.json'))
		.map((f) => f.replace(/\.json$/, ''));
	const rank = (n: string) => (RUN_ORDER.includes(n) ? RUN_ORDER.indexOf(n) : RUN_ORDER.length);
	return names.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

export function loadTemplate(name: string): IWorkflowBase {
	const file = name.endsWith('.json') ? path.resolve(name) : path.join(WORKFLOWS_DIR, `${name}.json`);
	return JSON.parse(fs.readFileSync(file, 'utf8')) as IWorkflowBase;
}

/** The node a scheduled run starts from: the Schedule Trigger, else the Manual Trigger. */
export function startNodeOf(wf: IWorkflowBase): { name: string; mode: 'trigger' | 'manual' } {
	const schedule = wf.nodes.find((n) => n.type === 'n8n-nodes-base.scheduleTrigger' && !n.disabled);
	if (schedule) return { name: schedule.name, mode: 'trigger' };
	const manual = wf.nodes.find((n) => n.type === 'n8n-nodes-base.manualTrigger' && !n.disabled);
	if (manual) return { name: manual.name, mode: 'manual' };
	throw new Error(`Workflow "${wf.name}" has neither a Schedule nor a Manual Trigger to start from`);
}

/** Webhook templates: each Webhook node is called once with the sample request pinned on it. */
async function runWebhooks(engine: Engine, name: string, wf: IWorkflowBase, staticData: IDataObject, started: number): Promise<FlowOutcome> {
	const summary: IDataObject[] = [];
	const pin = (wf.pinData ?? {}) as Record<string, IDataObject[]>;
	for (const hook of wf.nodes.filter((n) => n.type === 'n8n-nodes-base.webhook' && !n.disabled)) {
		const samples = pin[hook.name] ?? [];
		for (const sample of samples) {
			const item = (sample.json ?? sample) as IDataObject;
			let r;
			try {
				r = await engine.run({ ...wf, pinData: {} }, { startNode: hook.name, mode: 'webhook', staticData, startItems: [{ json: item }] });
			} catch (e) {
				return { template: name, ok: false, summary, error: `${hook.name}: ${(e as Error).message}`, ms: Date.now() - started };
			}
			if (r.error) return { template: name, ok: false, summary, error: `${hook.name}: ${r.error.message}`, ms: Date.now() - started };
			const res = r.responses[0] as { body?: unknown; statusCode?: number } | undefined;
			// A 5xx answer is a failure a client would retry (with the same Idempotency-Key).
			if ((res?.statusCode ?? 200) >= 500) {
				return { template: name, ok: false, summary, error: `${hook.name} answered ${res?.statusCode}: ${JSON.stringify(res?.body).slice(0, 300)}`, ms: Date.now() - started };
			}
			summary.push({
				request: `${hook.parameters.httpMethod ?? 'GET'} /webhook/${hook.parameters.path} ${JSON.stringify(item.query ?? {})} ${JSON.stringify(item.body ?? {})}`,
				status: res?.statusCode ?? 200,
				response: (res?.body ?? null) as IDataObject,
			});
		}
	}
	return { template: name, ok: true, summary, ms: Date.now() - started };
}

export async function runTemplate(engine: Engine, name: string, staticData: IDataObject = {}): Promise<FlowOutcome> {
	const started = Date.now();
	const wf = loadTemplate(name);
	const startable = wf.nodes.some((n) => ['n8n-nodes-base.scheduleTrigger', 'n8n-nodes-base.manualTrigger'].includes(n.type) && !n.disabled);
	if (!startable && wf.nodes.some((n) => n.type === 'n8n-nodes-base.webhook')) return await runWebhooks(engine, name, wf, staticData, started);
	try {
		const start = startNodeOf(wf);
		const r = await engine.run(wf, { startNode: start.name, mode: start.mode, staticData });
		const lastNode = r.run.data.resultData.lastNodeExecuted;
		const summary = lastNode ? r.output(lastNode) : [];
		if (r.error) {
			const e = r.error as Error & { description?: string; node?: { name?: string } };
			return { template: name, ok: false, lastNode, summary, error: `${e.node?.name ? `${e.node.name}: ` : ''}${e.message}${e.description ? ` (${e.description})` : ''}`, ms: Date.now() - started };
		}
		// Templates continue on error so the audit record is always written: it says whether the run failed.
		const failed = summary.find((s) => s.status === 'failed');
		if (failed) return { template: name, ok: false, lastNode, summary, error: String(failed.error ?? 'the run reported status failed'), ms: Date.now() - started };
		return { template: name, ok: true, lastNode, summary, ms: Date.now() - started };
	} catch (e) {
		return { template: name, ok: false, summary: [], error: (e as Error).message, ms: Date.now() - started };
	}
}

export function credentialsFromFileAndEnv(file?: string): Record<string, ICredentialDataDecryptedObject> {
	const out: Record<string, ICredentialDataDecryptedObject> = file ? JSON.parse(fs.readFileSync(file, 'utf8')) : {};
	const env = process.env;
	if (env.PROCOUNTOR_CLIENT_ID) {
		out.procountorApi = {
			...(out.procountorApi ?? {}),
			environment: env.PROCOUNTOR_URL ? 'custom' : (env.PROCOUNTOR_ENVIRONMENT ?? 'production'),
			...(env.PROCOUNTOR_URL ? { customUrl: env.PROCOUNTOR_URL } : {}),
			clientId: env.PROCOUNTOR_CLIENT_ID,
			...(env.PROCOUNTOR_CLIENT_SECRET ? { clientSecret: env.PROCOUNTOR_CLIENT_SECRET } : {}),
			...(env.PROCOUNTOR_API_KEY ? { apiKey: env.PROCOUNTOR_API_KEY } : {}),
			accessToken: '',
		};
	}
	if (env.CODEPLUS_URL) out.codeplusApi = { ...(out.codeplusApi ?? {}), baseUrl: env.CODEPLUS_URL, ...(env.CODEPLUS_TOKEN ? { token: env.CODEPLUS_TOKEN } : {}) };
	if (env.ODOO_URL) {
		out.odooErpApi = {
			...(out.odooErpApi ?? {}),
			url: env.ODOO_URL,
			...(env.ODOO_DATABASE ? { database: env.ODOO_DATABASE } : {}),
			...(env.ODOO_LOGIN ? { username: env.ODOO_LOGIN } : {}),
			...(env.ODOO_API_KEY ? { authentication: 'apiKey', apiKey: env.ODOO_API_KEY } : {}),
			...(env.ODOO_PASSWORD ? { authentication: 'password', password: env.ODOO_PASSWORD } : {}),
		};
	}
	return out;
}

function describe(o: FlowOutcome): string {
	const lines = [`${o.ok ? 'OK  ' : 'FAIL'} ${o.template} (${(o.ms / 1000).toFixed(1)} s)`];
	if (o.error) lines.push(`     error: ${o.error}`);
	for (const item of o.summary.slice(0, 12)) lines.push(`     ${JSON.stringify(item).slice(0, 400)}`);
	if (o.summary.length > 12) lines.push(`     … ${o.summary.length - 12} more items`);
	return lines.join('\n');
}

async function main(): Promise<void> {
	const args = process.argv.slice(2);
	let credFile = process.env.FLOWS_CREDENTIALS;
	let stateDir: string | undefined;
	const names: string[] = [];
	for (let k = 0; k < args.length; k++) {
		if (args[k] === '--credentials') credFile = args[++k];
		else if (args[k] === '--state') stateDir = args[++k];
		else if (args[k] === '--list') {
			process.stdout.write(`${listTemplates().join('\n')}\n`);
			return;
		} else names.push(args[k]);
	}
	const templates = names.length ? names : listTemplates();
	if (!templates.length) throw new Error(`No templates in ${WORKFLOWS_DIR}`);

	let sandboxes: Sandboxes | undefined;
	let credentials = credentialsFromFileAndEnv(credFile);
	if (!credFile && !process.env.ODOO_URL && !process.env.CODEPLUS_URL && !process.env.PROCOUNTOR_CLIENT_ID) {
		sandboxes = await startSandboxes({ receiver: RECEIVER_PORT });
		credentials = sandboxes.credentials();
		process.stdout.write(`Embedded sandboxes: Odoo ${sandboxes.odoo.url}, Codeplus ${sandboxes.codeplus.url}, Procountor ${sandboxes.procountor.url}\n\n`);
	} else {
		// Against real systems, cursors survive between invocations like n8n's static data.
		stateDir ??= path.resolve('.flows-state');
	}
	const engine = new Engine(credentials);
	let failed = 0;
	try {
		for (const name of templates) {
			const stateFile = stateDir ? path.join(stateDir, `${path.basename(name, '.json')}.json`) : undefined;
			const staticData: IDataObject = stateFile && fs.existsSync(stateFile) ? JSON.parse(fs.readFileSync(stateFile, 'utf8')) : {};
			const outcome = await runTemplate(engine, name, staticData);
			if (stateFile) {
				fs.mkdirSync(path.dirname(stateFile), { recursive: true });
				fs.writeFileSync(stateFile, JSON.stringify(staticData, null, 2));
			}
			if (!outcome.ok) failed++;
			process.stdout.write(`${describe(outcome)}\n`);
		}
	} finally {
		await sandboxes?.stop();
	}
	process.stdout.write(`\n${templates.length - failed} flows succeeded, ${failed} failed\n`);
	process.exitCode = failed ? 1 : 0;
}

if (require.main === module) {
	main()
		.then(() => process.exit(process.exitCode ?? 0))
		.catch((e: Error) => {
			process.stderr.write(`${e.message}\n`);
			process.exit(1);
		});
}
