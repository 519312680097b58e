/**
 * `npm run flows -- [--credentials FILE] [--state DIR] [--set NAME=VALUE ...] [--json] [template ...]`
 *
 * Executes the shipped workflow templates through n8n's WorkflowExecute, unchanged, against
 * the systems a credentials file names — or, without one, against the embedded sandboxes it
 * starts itself (on the fixed demo clock, FLOWS_NOW to move it) — and prints what each flow
 * did in plain words (`--json` adds the audit records). Exits non-zero if a flow fails.
 * `--set endpoint=URL` fills a value of a template's Settings step (the canonical sync's endpoint).
 *
 * Credentials file: {"odooErpApi": {...}, "codeplusApi": {...}, "procountorApi": {...}} with the
 * fields of each credential type. Environment variables override it: ODOO_URL, ODOO_DATABASE,
 * ODOO_LOGIN, ODOO_API_KEY, ODOO_PASSWORD, CODEPLUS_URL, CODEPLUS_TOKEN, PROCOUNTOR_ENVIRONMENT,
 * PROCOUNTOR_URL, PROCOUNTOR_CLIENT_ID, PROCOUNTOR_CLIENT_SECRET, PROCOUNTOR_API_KEY. FLOWS_CREDENTIALS may name the file instead of --credentials.
 */
import type { ICredentialDataDecryptedObject, IDataObject, IRun, IWorkflowBase } from 'n8n-workflow';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startSandboxes, type Sandboxes } from '../sandbox';
import { DEFAULT_NOW, parseInstant, setClock } from './clock';
import { Engine } from './engine';
import { redactUrlUserinfo } from '../nodes/shared/redact';
import { NOT_CALLED, describeOutcome } from './report';
import { CodeplusApi } from '../credentials/CodeplusApi.credentials';
import { OdooErpApi } from '../credentials/OdooErpApi.credentials';
import { ProcountorApi } from '../credentials/ProcountorApi.credentials';

export const WORKFLOWS_DIR = path.resolve(__dirname, '..', 'workflows');

/** Templates that feed others run first; the rest follow alphabetically. */
const RUN_ORDER = [
	'pixelpoint-master-data',
	'procountor-master-data',
	'pixelpoint-order-import',
	// A till pays at the counter while the store's day is open, before the nightly close.
	'pos-invoice-payment',
	'pos-session-auto-close',
	// The history backfill over the same days: the chunks the import brought in already, imported once.
	'pixelpoint-order-backfill',
	'odoo-invoices-to-procountor',
	'procountor-payments-to-odoo',
	'odoo-invoices-canonical-sync',
	// The morning's report reads what the night left: the closed sessions and the invoices sent.
	'pos-daily-close-report',
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

/** A template's file: a name from workflows/ or a path to a workflow JSON file. */
export function templateFile(name: string): string {
	const file = name.endsWith('.json') ? path.resolve(name) : path.join(WORKFLOWS_DIR, `${name}.json`);
	if (!fs.existsSync(file)) {
		const known = listTemplates();
		// A template holding the whole name first; else those sharing a word with it.
		const whole = known.filter((k) => k.includes(name) || name.includes(k));
		const near = whole.length ? whole : known.filter((k) => k.split('-').some((w) => w.length > 3 && name.includes(w)));
		throw new Error(
			`Unknown template "${name}"${near.length ? `: did you mean ${near.join(' or ')}?` : '.'} ` +
				`\`npm run flows -- --list\` lists the templates of ${WORKFLOWS_DIR}; a workflow file elsewhere is given by its path ending in .json.`,
		);
	}
	return file;
}

export function loadTemplate(name: string): IWorkflowBase {
	const file = templateFile(name);
	try {
		return JSON.parse(fs.readFileSync(file, 'utf8')) as IWorkflowBase;
	} catch (e) {
		throw new Error(`The workflow file ${file} is not valid JSON: ${(e as Error).message}`);
	}
}

/** Values for a template's "Settings" step (a Set node): each given name replaces that assignment's value. */
export type TemplateSettings = Record<string, string | number | boolean | undefined>;

export function applySettings(wf: IWorkflowBase, settings: TemplateSettings = {}): IWorkflowBase {
	const node = wf.nodes.find((n) => n.name === 'Settings' && n.type === 'n8n-nodes-base.set');
	if (!node) return wf;
	const params = node.parameters as { assignments?: { assignments?: Array<{ name: string; value: unknown; type?: string }> } };
	const list = params.assignments?.assignments ?? [];
	const changed = list.map((a) => {
		const v = settings[a.name];
		if (v === undefined) return a;
		const value = a.type === 'number' ? Number(v) : a.type === 'boolean' ? v === true || v === 'true' : String(v);
		return { ...a, value };
	});
	return { ...wf, nodes: wf.nodes.map((n) => (n === node ? { ...n, parameters: { ...n.parameters, assignments: { ...params.assignments, assignments: changed } } } : n)) } as IWorkflowBase;
}

/** A template's settings (its Settings step's fields) with their types. */
export function settingsOf(wf: IWorkflowBase): Array<{ name: string; type: string }> {
	const node = wf.nodes.find((n) => n.name === 'Settings' && n.type === 'n8n-nodes-base.set');
	const list = (node?.parameters as { assignments?: { assignments?: Array<{ name: string; type?: string }> } } | undefined)?.assignments?.assignments ?? [];
	return list.map((a) => ({ name: a.name, type: a.type ?? 'string' }));
}

/** Each --set names a setting of a template that runs, with a value of its type; else one message naming the right ones. */
export function checkSettings(templates: string[], settings: TemplateSettings): void {
	const all = templates.map((t) => ({ t, list: settingsOf(loadTemplate(t)) }));
	for (const [name, value] of Object.entries(settings)) {
		const having = all.filter((x) => x.list.some((a) => a.name === name));
		if (!having.length) {
			const known = [...new Set(all.flatMap((x) => x.list.map((a) => a.name)))];
			const near = nearestField(name, known);
			const which = templates.length === 1 ? templates[0] : 'None of the templates run';
			if (!known.length) throw new Error(`${templates.length === 1 ? templates[0] : 'The templates run'} ${templates.length === 1 ? 'has' : 'have'} no settings: --set ${name} changes nothing`);
			throw new Error(`${which} ${templates.length === 1 ? 'has' : 'have'} no setting "${name}"${near ? `: did you mean "${near}"?` : ''} ${templates.length === 1 ? 'Its settings are' : 'The settings are'} ${known.join(', ')}`);
		}
		for (const { t, list } of having) {
			const type = list.find((a) => a.name === name)!.type;
			const v = String(value);
			if (type === 'number' && (v.trim() === '' || !Number.isFinite(Number(v)))) throw new Error(`The setting "${name}" of ${t} is a number, not "${v}"`);
			if (type === 'boolean' && !['true', 'false'].includes(v)) throw new Error(`The setting "${name}" of ${t} is true or false, not "${v}"`);
		}
	}
}

/** The first step that failed in a run, in execution order: its own error, or its first error item (steps continue on error). */
export function firstFailure(run: IRun): { node: string; message: string } | undefined {
	const tasks = Object.entries(run.data.resultData.runData).flatMap(([node, list]) => list.map((t) => ({ node, t })));
	tasks.sort((a, b) => (a.t.startTime ?? 0) - (b.t.startTime ?? 0) || (a.t.executionIndex ?? 0) - (b.t.executionIndex ?? 0));
	for (const { node, t } of tasks) {
		if (t.error) return { node, message: `${t.error.message}${(t.error as { description?: string }).description ? ` (${(t.error as { description?: string }).description})` : ''}` };
		for (const output of t.data?.main ?? []) {
			const bad = (output ?? []).find((i) => i.json?.error !== undefined && i.json?.error !== null && i.json?.error !== '' && !('operation' in i.json && 'status' in i.json));
			if (bad) {
				const e = bad.json.error;
				const text = typeof e === 'string' ? e : typeof e === 'object' && e && 'message' in e ? String((e as { message: unknown }).message) : JSON.stringify(e);
				const description = typeof bad.json.description === 'string' && bad.json.description ? ` (${bad.json.description})` : '';
				return { node, message: `${text}${description}` };
			}
		}
	}
	return undefined;
}

/** The node a scheduled run starts from: the Schedule Trigger, else the Manual Trigger. */
export function startNodeOf(wf: IWorkflowBase): { name: string; mode: 'trigger' | 'manual' } {
	const schedule = wf.nodes.find((n) => n.type === 'n8n-nodes-base.scheduleTrigger' && !n.disabled);
	if (schedule) return { name: schedule.name, mode: 'trigger' };
	const manual = wf.nodes.find((n) => n.type === 'n8n-nodes-base.manualTrigger' && !n.disabled);
	if (manual) return { name: manual.name, mode: 'manual' };
	throw new Error(`Workflow "${wf.name}" has neither a Schedule nor a Manual Trigger to start from`);
}

/**
 * A till token from the template's own "Sign Till Token" step (n8n's JWT node with the webhooks'
 * credential), as an integrator issues one: run from the manual trigger that leads to it.
 */
async function tillToken(engine: Engine, wf: IWorkflowBase): Promise<string | undefined> {
	const sign = wf.nodes.find((n) => n.type === 'n8n-nodes-base.jwt' && !n.disabled);
	const manual = wf.nodes.find((n) => n.type === 'n8n-nodes-base.manualTrigger' && !n.disabled);
	if (!sign || !manual) return undefined;
	const r = await engine.run({ ...wf, pinData: {} }, { startNode: manual.name, mode: 'manual' });
	const token = r.output(sign.name)[0]?.token;
	return typeof token === 'string' ? token : undefined;
}

/**
 * Webhook templates: each Webhook node gets its pinned sample request over n8n's own webhook
 * handling (its authentication included); a webhook that takes a till's JWT gets the token the
 * template itself issues.
 */
async function runWebhooks(engine: Engine, name: string, wf: IWorkflowBase, staticData: IDataObject, started: number): Promise<FlowOutcome> {
	const summary: IDataObject[] = [];
	const pin = (wf.pinData ?? {}) as Record<string, IDataObject[]>;
	const hooks = wf.nodes.filter((n) => n.type === 'n8n-nodes-base.webhook' && !n.disabled);
	let token: string | undefined;
	if (hooks.some((h) => h.parameters.authentication === 'jwtAuth')) {
		try {
			token = await tillToken(engine, wf);
		} catch (e) {
			return { template: name, ok: false, summary, error: `Issuing a till token: ${(e as Error).message}`, ms: Date.now() - started };
		}
		if (!token) return { template: name, ok: false, summary, error: 'The template issues no till token (no JWT Sign step after a manual trigger)', ms: Date.now() - started };
	}
	for (const hook of hooks) {
		const samples = pin[hook.name] ?? [];
		for (const sample of samples) {
			const item = (sample.json ?? sample) as IDataObject;
			const method = String(hook.parameters.httpMethod ?? 'GET') === 'POST' ? 'POST' : 'GET';
			const headers = { ...((item.headers ?? {}) as Record<string, string>), ...(token ? { authorization: `Bearer ${token}` } : {}) };
			let res;
			try {
				res = await engine.request({ ...wf, pinData: {} }, hook.name, { method, headers, query: (item.query ?? {}) as IDataObject, body: item.body ?? {} }, { staticData });
			} catch (e) {
				return { template: name, ok: false, summary, error: `${hook.name}: ${(e as Error).message}`, ms: Date.now() - started };
			}
			if (res.result?.error) return { template: name, ok: false, summary, error: `${hook.name}: ${res.result.error.message}`, ms: Date.now() - started };
			// A 5xx answer is a failure a client would retry (with the same Idempotency-Key); a 401/403 means the template refused its own till.
			if (res.statusCode >= 500 || res.statusCode === 401 || res.statusCode === 403) {
				return { template: name, ok: false, summary, error: `${hook.name} answered ${res.statusCode}: ${JSON.stringify(res.body).slice(0, 300)}`, ms: Date.now() - started };
			}
			summary.push({
				request: `${method} /webhook/${hook.parameters.path} ${JSON.stringify(item.query ?? {})} ${JSON.stringify(item.body ?? {})}`,
				status: res.statusCode,
				response: (res.body ?? null) as IDataObject,
			});
		}
	}
	return { template: name, ok: true, summary, ms: Date.now() - started };
}

/**
 * A template served by webhooks (no schedule; a manual trigger there only issues tokens): it answers
 * a point of sale, so its samples go only to the sandboxes.
 */
export function isWebhookOnly(wf: IWorkflowBase): boolean {
	const scheduled = wf.nodes.some((n) => n.type === 'n8n-nodes-base.scheduleTrigger' && !n.disabled);
	return !scheduled && wf.nodes.some((n) => n.type === 'n8n-nodes-base.webhook' && !n.disabled);
}

export async function runTemplate(
	engine: Engine,
	name: string,
	staticData: IDataObject = {},
	settings: TemplateSettings = {},
	edit?: (wf: IWorkflowBase) => void,
	onStep?: (nodeName: string) => void,
): Promise<FlowOutcome> {
	const started = Date.now();
	const wf = applySettings(loadTemplate(name), settings);
	edit?.(wf); // a test's change to a step's parameters
	if (isWebhookOnly(wf)) return await runWebhooks(engine, name, wf, staticData, started);
	try {
		const start = startNodeOf(wf);
		const r = await engine.run(wf, { startNode: start.name, mode: start.mode, staticData, onStep });
		const lastNode = r.run.data.resultData.lastNodeExecuted;
		const summary = lastNode ? r.output(lastNode) : [];
		// The step that failed first is named, not the audit step that reported it last.
		const first = firstFailure(r.run);
		if (r.error) {
			const e = r.error as Error & { description?: string; node?: { name?: string } };
			const own = `${e.node?.name ? `${e.node.name}: ` : ''}${e.message}${e.description ? ` (${e.description})` : ''}`;
			// One cause, one message: a later step failing the same way (the audit record, when Odoo is down) is named, not repeated.
			const same =
				!!first &&
				(e.message === first.message || e.message.includes(first.message) || first.message.includes(e.message) || NOT_CALLED.test(e.message));
			const error = first && first.node !== e.node?.name ? (same ? `${first.node}: ${first.message} (${e.node?.name ?? 'a later step'} failed the same way)` : `${first.node}: ${first.message}; then ${own}`) : own;
			return { template: name, ok: false, lastNode, summary, error, ms: Date.now() - started };
		}
		// Templates continue on error so the audit record is always written: it says whether the run failed.
		const failed = summary.find((s) => s.status === 'failed');
		if (failed) return { template: name, ok: false, lastNode, summary, error: first ? `${first.node}: ${first.message}` : String(failed.error ?? 'the run reported status failed'), ms: Date.now() - started };
		return { template: name, ok: true, lastNode, summary, ms: Date.now() - started };
	} catch (e) {
		return { template: name, ok: false, summary: [], error: (e as Error).message, ms: Date.now() - started };
	}
}

const CREDENTIAL_TYPES = ['odooErpApi', 'codeplusApi', 'procountorApi'];

/** Each credential's fields and the required ones, from the package's own credential classes. */
function credentialFields(): Record<string, { fields: string[]; required: string[]; numbers: string[] }> {
	const out: Record<string, { fields: string[]; required: string[]; numbers: string[] }> = {};
	for (const Cls of [OdooErpApi, CodeplusApi, ProcountorApi]) {
		const c = new Cls();
		out[c.name] = {
			fields: c.properties.map((p) => p.name),
			required: c.properties.filter((p) => p.required).map((p) => p.name),
			numbers: c.properties.filter((p) => p.type === 'number').map((p) => p.name),
		};
	}
	return out;
}

/** Edit distance, for "did you mean" (fields are short). */
function distance(a: string, b: string): number {
	const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
	for (let j = 1; j <= b.length; j++) d[0][j] = j;
	for (let i = 1; i <= a.length; i++) for (let j = 1; j <= b.length; j++) d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1));
	return d[a.length][b.length];
}

/** The nearest known name: a synonym people type (login → username), else the closest by edit distance. */
function nearestField(name: string, known: string[]): string | undefined {
	const synonyms: Record<string, string> = { login: 'username', user: 'username', db: 'database', dbname: 'database', key: 'apiKey', api_key: 'apiKey', secret: 'clientSecret', client_id: 'clientId', client_secret: 'clientSecret', host: 'url', baseurl: 'baseUrl', base_url: 'baseUrl', timeout: 'timeoutSeconds' };
	const syn = synonyms[name.toLowerCase()];
	if (syn && known.includes(syn)) return syn;
	const ranked = known.map((k) => ({ k, d: distance(name, k) })).sort((x, y) => x.d - y.d);
	return ranked[0] && ranked[0].d <= Math.max(2, Math.floor(name.length / 3)) ? ranked[0].k : undefined;
}

/**
 * Where a JSON text first goes wrong (an offset), found by a small scanner of JSON's grammar:
 * Node's own message quotes the text around the mistake, secrets included, and only some
 * versions name a position.
 */
export function jsonErrorOffset(text: string): number | undefined {
	let i = 0;
	const ws = () => {
		while (i < text.length && ' \t\n\r'.includes(text[i])) i++;
	};
	const fail = (): never => {
		throw i;
	};
	const str = () => {
		if (text[i] !== '"') fail();
		i++;
		while (i < text.length && text[i] !== '"') {
			if (text[i] === '\\') i++;
			else if (text.charCodeAt(i) < 0x20) fail();
			i++;
		}
		if (i >= text.length) fail();
		i++;
	};
	const value = (): void => {
		ws();
		const c = text[i];
		if (c === '{') {
			i++;
			ws();
			if (text[i] === '}') return void i++;
			for (;;) {
				ws();
				str();
				ws();
				if (text[i] !== ':') fail();
				i++;
				value();
				ws();
				if (text[i] === ',') i++;
				else if (text[i] === '}') return void i++;
				else fail();
			}
		}
		if (c === '[') {
			i++;
			ws();
			if (text[i] === ']') return void i++;
			for (;;) {
				value();
				ws();
				if (text[i] === ',') i++;
				else if (text[i] === ']') return void i++;
				else fail();
			}
		}
		if (c === '"') return str();
		const lit = /^(true|false|null|-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?)/.exec(text.slice(i, i + 400));
		if (!lit) fail();
		i += lit![0].length;
	};
	try {
		value();
		ws();
		return i < text.length ? i : undefined;
	} catch (at) {
		return typeof at === 'number' ? at : undefined;
	}
}

/** Where JSON.parse stopped, as line and column (never the text there, which may be a secret). */
function jsonErrorPlace(text: string): string {
	const at = jsonErrorOffset(text);
	if (at === undefined) return '';
	if (at >= text.length) return ' (it ends too early)';
	const before = text.slice(0, at);
	return ` at line ${before.split('\n').length}, column ${at - before.lastIndexOf('\n')}`;
}

/** The credentials file, or an error that names it and says what is wrong. */
export function readCredentialsFile(file: string): Record<string, ICredentialDataDecryptedObject> {
	let text: string;
	try {
		text = fs.readFileSync(file, 'utf8');
	} catch (e) {
		const code = (e as NodeJS.ErrnoException).code;
		const why = code === 'ENOENT' ? 'there is no such file' : code === 'EISDIR' ? 'it is a folder, not a file' : code === 'EACCES' ? 'this user may not read it' : `${code ?? 'error'}`;
		throw new Error(`Cannot read the credentials file ${path.resolve(file)}: ${why}`);
	}
	if (!text.trim()) throw new Error(`The credentials file ${path.resolve(file)} is empty: it should hold {"odooErpApi": {…}, "codeplusApi": {…}, "procountorApi": {…}} (the README shows one)`);
	let parsed: unknown;
	try {
		parsed = JSON.parse(text);
	} catch {
		// Never Node's own message: it quotes the text around the mistake, passwords included.
		throw new Error(`The credentials file ${path.resolve(file)} is not valid JSON${jsonErrorPlace(text)}: check the quotes and commas there (names and text in double quotes, no comma after the last field)`);
	}
	if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
		throw new Error(`The credentials file ${path.resolve(file)} ${Array.isArray(parsed) ? 'holds a list' : 'holds no object'}: it should be one object, {"odooErpApi": {…}, …}, with the keys ${CREDENTIAL_TYPES.join(', ')}`);
	}
	for (const [key, value] of Object.entries(parsed)) {
		if (!CREDENTIAL_TYPES.includes(key)) throw new Error(`The credentials file ${path.resolve(file)} has "${key}": the keys are ${CREDENTIAL_TYPES.join(', ')}`);
		if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Error(`The credentials file ${path.resolve(file)}: ${key} should be an object of fields ({"url": …, …}), not ${Array.isArray(value) ? 'a list' : typeof value === 'string' ? 'a text' : String(value)}`);
		const { fields, numbers } = credentialFields()[key];
		for (const [f, v] of Object.entries(value as object)) {
			if (numbers.includes(f) && (typeof v === 'string' ? v.trim() === '' || !Number.isFinite(Number(v)) : typeof v !== 'number') && v !== undefined && v !== null)
				throw new Error(`The credentials file ${path.resolve(file)}: ${key} field "${f}" is a number${/seconds/i.test(f) ? ' (seconds)' : ''}, not ${typeof v === 'string' && v.length <= 12 ? JSON.stringify(v) : `a ${typeof v}`}`);
			if (fields.includes(f)) continue;
			const near = nearestField(f, fields);
			throw new Error(`The credentials file ${path.resolve(file)}: ${key} has no field "${f}"${near ? `: did you mean "${near}"?` : ''} Its fields are ${fields.join(', ')}`);
		}
	}
	return parsed as Record<string, ICredentialDataDecryptedObject>;
}

export function credentialsFromFileAndEnv(file?: string, env: NodeJS.ProcessEnv = process.env): Record<string, ICredentialDataDecryptedObject> {
	const out = file ? readCredentialsFile(file) : {};
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
	checkRequired(out, file);
	return out;
}

/** The environment variable that sets each field, for the message about a missing one. */
const FIELD_VARIABLES: Record<string, Record<string, string>> = {
	odooErpApi: { url: 'ODOO_URL', database: 'ODOO_DATABASE', username: 'ODOO_LOGIN', apiKey: 'ODOO_API_KEY', password: 'ODOO_PASSWORD' },
	codeplusApi: { baseUrl: 'CODEPLUS_URL', token: 'CODEPLUS_TOKEN' },
	procountorApi: { clientId: 'PROCOUNTOR_CLIENT_ID', clientSecret: 'PROCOUNTOR_CLIENT_SECRET', apiKey: 'PROCOUNTOR_API_KEY' },
};

/** Each credential given (in the file or the environment) has its required fields: a missing one is named, with where to set it. */
function checkRequired(creds: Record<string, ICredentialDataDecryptedObject>, file: string | undefined): void {
	const all = credentialFields();
	for (const [type, value] of Object.entries(creds)) {
		const required = [...all[type].required];
		// Odoo: the secret its Authentication names.
		if (type === 'odooErpApi') required.push(value.authentication === 'password' ? 'password' : 'apiKey');
		const missing = required.filter((f) => value[f] === undefined || value[f] === null || value[f] === '');
		if (!missing.length) continue;
		const where = missing.map((f) => `"${f}"${FIELD_VARIABLES[type]?.[f] ? ` (or ${FIELD_VARIABLES[type][f]})` : ''}`).join(', ');
		throw new Error(`The ${type} credential${file ? ` of ${path.resolve(file)}` : ''} is missing ${where}`);
	}
}


/** After this long on one step a line says what the run waits for, and again at each interval. */
const PROGRESS_FIRST_MS = 5_000;
const PROGRESS_EVERY_MS = 30_000;

/** Runs a flow, printing a line while one step takes long (a slow or silent server) so a run never looks stuck. */
export async function withProgress<T>(
	template: string,
	run: (onStep: (nodeName: string) => void) => Promise<T>,
	write: (line: string) => void = (line) => process.stdout.write(line),
	timing: { firstMs: number; everyMs: number } = { firstMs: PROGRESS_FIRST_MS, everyMs: PROGRESS_EVERY_MS },
): Promise<T> {
	let step = '';
	let since = performance.now();
	let next = timing.firstMs;
	const timer = setInterval(() => {
		const waited = performance.now() - since;
		if (!step || waited < next) return;
		write(`  … ${template}: still at "${step}" after ${Math.round(waited / 1000)} s\n`);
		next = waited + timing.everyMs;
	}, Math.min(1000, timing.firstMs / 4));
	timer.unref();
	try {
		return await run((nodeName) => {
			step = nodeName;
			since = performance.now();
			next = timing.firstMs;
		});
	} finally {
		clearInterval(timer);
	}
}

/** Where the command line writes, and the environment it reads: the process's, or a test's. */
export interface FlowsIo {
	env: NodeJS.ProcessEnv;
	out: (text: string) => void;
	err: (text: string) => void;
}

const processIo: FlowsIo = { env: process.env, out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) };

/** `npm run flows`: returns the exit code; a mistake in the arguments, files or environment is one line on err. */
export async function flowsCli(args: string[], io: FlowsIo = processIo): Promise<number> {
	try {
		return await flows(args, io);
	} catch (e) {
		io.err(`${redactUrlUserinfo((e as Error).message)}\n`);
		return 1;
	}
}

async function flows(args: string[], io: FlowsIo): Promise<number> {
	const env = io.env;
	let credFile = env.FLOWS_CREDENTIALS;
	let stateDir: string | undefined;
	let json = false;
	const settings: TemplateSettings = {};
	const names: string[] = [];
	for (let k = 0; k < args.length; k++) {
		const a = args[k];
		if (a === '--credentials') credFile = args[++k];
		else if (a === '--state') stateDir = args[++k];
		else if (a === '--json') json = true;
		else if (a === '--set') {
			const m = /^([A-Za-z_][\w]*)=(.*)$/s.exec(args[++k] ?? '');
			if (!m) throw new Error(`--set takes NAME=VALUE (e.g. --set endpoint=https://example.com/invoices), not "${args[k] ?? ''}"`);
			settings[m[1]] = m[2];
		} else if (a === '--list') {
			io.out(`${listTemplates().join('\n')}\n`);
			return 0;
		} else if (a.startsWith('--')) {
			throw new Error(`Unknown option ${a}: the options are --credentials FILE, --state DIR, --set NAME=VALUE, --json, --list`);
		} else names.push(a);
	}
	if (credFile === '' || (args.includes('--credentials') && !credFile)) throw new Error('--credentials needs the path of a credentials file');
	const templates = names.length ? names : listTemplates();
	if (!templates.length) throw new Error(`No templates in ${WORKFLOWS_DIR}`);
	templates.forEach(templateFile); // an unknown name fails before anything runs
	checkSettings(templates, settings);

	let sandboxes: Sandboxes | undefined;
	let credentials = credentialsFromFileAndEnv(credFile, env);
	const real = Boolean(credFile || env.ODOO_URL || env.CODEPLUS_URL || env.PROCOUNTOR_CLIENT_ID);
	let run = templates;
	if (!real) {
		// The demo data is relative to "today": one fixed clock gives the same run on any day.
		setClock(parseInstant(env.FLOWS_NOW || DEFAULT_NOW, 'FLOWS_NOW'));
		sandboxes = await startSandboxes();
		credentials = sandboxes.credentials();
		Object.assign(settings, { ...sandboxes.settings(), ...settings });
		io.out(
			`Embedded sandboxes on loopback: Odoo ${sandboxes.odoo.options.version} ${sandboxes.odoo.url}, Codeplus ${sandboxes.codeplus.url}, Procountor ${sandboxes.procountor.url}, ` +
				`canonical receiver ${sandboxes.receiver.url}\nClock: ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC (FLOWS_NOW moves it); PixelPoint has ` +
				`${sandboxes.codeplus.allInvoices().length} invoices of the ${sandboxes.codeplus.options.days} business days before ${sandboxes.codeplus.options.today}\n\n`,
		);
	} else {
		// Against real systems, cursors survive between invocations like n8n's static data.
		stateDir ??= path.resolve('.flows-state');
		// A webhook template's samples are made up (sandbox ids and amounts): never sent to a real system unless named.
		const skipped = names.length ? [] : templates.filter((t) => isWebhookOnly(loadTemplate(t)));
		run = templates.filter((t) => !skipped.includes(t));
		for (const t of skipped) io.out(`SKIP ${t}: a webhook template; its sample requests go only to the embedded sandboxes (name it to run it anyway)\n`);
	}
	const engine = new Engine(credentials);
	let failed = 0;
	try {
		for (const name of run) {
			const stateFile = stateDir ? path.join(stateDir, `${path.basename(name, '.json')}.json`) : undefined;
			const staticData: IDataObject = stateFile && fs.existsSync(stateFile) ? JSON.parse(fs.readFileSync(stateFile, 'utf8')) : {};
			const outcome = await withProgress(name, (onStep) => runTemplate(engine, name, staticData, settings, undefined, onStep), io.out);
			if (stateFile) {
				fs.mkdirSync(path.dirname(stateFile), { recursive: true });
				fs.writeFileSync(stateFile, JSON.stringify(staticData, null, 2));
			}
			if (!outcome.ok) failed++;
			io.out(`${describeOutcome(outcome, { json })}\n\n`);
		}
	} finally {
		await sandboxes?.stop();
	}
	io.out(`${run.length - failed} flows succeeded, ${failed} failed\n`);
	return failed ? 1 : 0;
}

if (require.main === module) {
	void flowsCli(process.argv.slice(2)).then((code) => process.exit(code));
}
