/**
 * Replays the calls recorded from a real Odoo 17 server (transcripts/odoo17/*.json, copied from
 * the team's recordings in shared/odoo17) against the
 * sandbox and compares the answers' shape: keys, types, error names, enumerated states and
 * money values. Ids may differ: the replay learns a recorded→sandbox id map from answers and
 * translates later requests through it, using the sandbox's own schema to know which
 * values are ids of which model.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { OdooSandbox } from '../../sandbox/odoo/server';

/** A JSON-RPC exchange: the body POSTed to `/jsonrpc` and Odoo's answer. */
export interface RpcCall {
	note: string;
	http_status: number;
	request: { jsonrpc: string; method: string; params: { service: string; method: string; args: unknown[] }; id: number };
	response: Record<string, unknown>;
}

/**
 * An exchange over Odoo 19's own API: `POST /json/2/<model>/<method>` with named arguments, or
 * `GET /json/version`. The key itself is never recorded, only whether the right one was sent.
 */
export interface Json2Call {
	note: string;
	http_status: number;
	/** "POST /json/2/res.partner/read", "GET /json/version". */
	endpoint: string;
	auth?: 'key' | 'wrong key';
	request?: Record<string, unknown>;
	/** The answer's body: the result itself, or Odoo's error ({name, message, arguments, context, debug}). */
	response: unknown;
}

export type RecordedCall = RpcCall | Json2Call;

export const isJson2 = (call: RecordedCall): call is Json2Call => 'endpoint' in call;

/** `model.method` of a JSON-2 path, if it is one. */
export function json2Target(endpoint: string): { model: string; method: string } | undefined {
	const m = /^POST \/json\/2\/([^/]+)\/([^/]+)$/.exec(endpoint);
	return m ? { model: m[1], method: m[2] } : undefined;
}

/** An HTTP answer's body: its JSON, or the text itself when Odoo answered something else (HTML, plain text). */
export function jsonOrText(text: string): unknown {
	try {
		return JSON.parse(text) as unknown;
	} catch {
		return text;
	}
}

/** A search ordered by write date first. */
function byWriteTime(call: RecordedCall): boolean {
	const kw = (isJson2(call) ? call.request : call.request.params.args[6]) as { order?: string } | undefined;
	return typeof kw?.order === 'string' && kw.order.trim().startsWith('write_date');
}

interface FieldAttrs {
	type?: string;
	relation?: string;
}

export interface Recording {
	file: string;
	title: string;
	server_version: string;
	calls: RecordedCall[];
}

/** The transcripts the project carries: recorded from real Odoo servers, one folder per version. */
export const TRANSCRIPTS_DIR = path.resolve(__dirname, 'transcripts');

export function loadRecordings(folder = 'odoo17'): Recording[] {
	const dir = path.join(TRANSCRIPTS_DIR, folder);
	return fs
		.readdirSync(dir)
		.filter((f) => f.endsWith('.json'))
		.sort()
		.map((file) => ({ file, ...(JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as Omit<Recording, 'file'>) }));
}

/** Values compared exactly: states, types and other enumerations. */
const ENUM_KEYS = new Set([
	'state',
	'payment_state',
	'move_type',
	'type',
	'amount_type',
	'type_tax_use',
	'payment_type',
	'partner_type',
	'payment_difference_handling',
	'iface_tax_included',
	'tax_exigibility',
	'res_model',
	'view_mode',
	'module',
	'model',
	'field',
	'title',
	'server_version',
	'server_serie',
	'tax_calculation_rounding_method',
]);

const ID_KEY = /(^|_)ids?$|^res_id$|^uid$/;

export class Replayer {
	private readonly idMap = new Map<string, Map<number, number>>();
	readonly failures: string[] = [];

	constructor(private readonly sandbox: OdooSandbox) {}

	private map(model: string, id: unknown): unknown {
		if (typeof id !== 'number') return id;
		return this.idMap.get(model)?.get(id) ?? id;
	}

	private learn(model: string | undefined, recorded: unknown, actual: unknown): void {
		if (!model || typeof recorded !== 'number' || typeof actual !== 'number') return;
		let m = this.idMap.get(model);
		if (!m) this.idMap.set(model, (m = new Map()));
		m.set(recorded, actual);
	}

	private relation(model: string, field: string): string | undefined {
		try {
			return this.sandbox.db.fieldDef(model, field)?.def.relation;
		} catch {
			return undefined;
		}
	}

	private fieldType(model: string, field: string): string | undefined {
		try {
			return this.sandbox.db.fieldDef(model, field)?.def.type;
		} catch {
			return undefined;
		}
	}

	// ---- request translation ------------------------------------------------------------

	private mapIds(model: string, v: unknown): unknown {
		if (Array.isArray(v)) return v.map((x) => this.map(model, x));
		return this.map(model, v);
	}

	private vals(model: string, vals: unknown): unknown {
		if (!vals || typeof vals !== 'object' || Array.isArray(vals)) return vals;
		const out: Record<string, unknown> = {};
		for (const [k, v] of Object.entries(vals as Record<string, unknown>)) {
			const rel = this.relation(model, k);
			const type = this.fieldType(model, k);
			if (k === 'res_id' && model === 'ir.model.data') out[k] = this.map(String((vals as Record<string, unknown>).model), v);
			else if (!rel) out[k] = v;
			else if (type === 'many2one') out[k] = this.map(rel, v);
			else out[k] = this.commands(rel, v);
		}
		return out;
	}

	private commands(rel: string, v: unknown): unknown {
		if (!Array.isArray(v)) return v;
		return v.map((c) => {
			if (typeof c === 'number') return this.map(rel, c);
			if (!Array.isArray(c)) return c;
			const [op, id, arg] = c as [number, unknown, unknown];
			if (op === 6) return [6, 0, this.mapIds(rel, arg)];
			if (op === 0) return [0, 0, this.vals(rel, arg)];
			if (op === 1) return [1, this.map(rel, id), this.vals(rel, arg)];
			return [op, this.map(rel, id), arg];
		});
	}

	private domain(model: string, domain: unknown): unknown {
		if (!Array.isArray(domain)) return domain;
		return domain.map((leaf) => {
			if (!Array.isArray(leaf) || leaf.length !== 3) return leaf;
			const [p, op, value] = leaf as [string, string, unknown];
			let m: string | undefined = model;
			const segs = p.split('.');
			let target: string | undefined;
			for (let i = 0; i < segs.length && m; i++) {
				const seg = segs[i];
				const rel: string | undefined = seg === "id" ? m : this.relation(m, seg);
				if (i === segs.length - 1) target = rel;
				m = rel;
			}
			return target ? [p, op, this.mapIds(target, value)] : leaf;
		});
	}

	translate(model: string, method: string, args: unknown[], kwargs: Record<string, unknown>): [unknown[], Record<string, unknown>] {
		const a = [...args];
		const def = (() => {
			try {
				return this.sandbox.db.method(model, method);
			} catch {
				return undefined;
			}
		})();
		if (def?.onRecords && a.length) a[0] = this.mapIds(model, a[0]);
		if (method === 'create') a[0] = Array.isArray(a[0]) ? (a[0] as unknown[]).map((v) => this.vals(model, v)) : this.vals(model, a[0]);
		if (method === 'write') a[1] = this.vals(model, a[1]);
		if (['search', 'search_read', 'search_count'].includes(method)) a[0] = this.domain(model, a[0]);
		// load(fields, rows): a column "field/.id" holds database ids of the field's relation.
		if (method === 'load' && Array.isArray(a[0]) && Array.isArray(a[1])) {
			const cols = a[0] as string[];
			a[1] = (a[1] as unknown[][]).map((row) =>
				row.map((v, k) => {
					const m = /^(.+)\/\.id$/.exec(cols[k]);
					const rel = m && m[1] !== 'id' ? this.relation(model, m[1]) : m ? model : undefined;
					return rel && v !== '' && v !== false ? String(this.map(rel, Number(v))) : v;
				}),
			);
		}
		if (model === 'pos.order' && method === 'create_from_ui') {
			a[0] = (a[0] as Array<Record<string, unknown>>).map((o) => {
				const d = o.data as Record<string, unknown>;
				return {
					...o,
					data: {
						...d,
						pos_session_id: this.map('pos.session', d.pos_session_id),
						user_id: this.map('res.users', d.user_id),
						partner_id: this.map('res.partner', d.partner_id),
						lines: this.commands('pos.order.line', d.lines),
						statement_ids: this.commands('pos.payment', d.statement_ids),
					},
				};
			});
		}
		const kw = { ...kwargs };
		const ctx = kw.context as Record<string, unknown> | undefined;
		if (ctx?.active_ids && ctx.active_model) kw.context = { ...ctx, active_ids: this.mapIds(String(ctx.active_model), ctx.active_ids) };
		return [a, kw];
	}

	/**
	 * JSON-2's named arguments through the same translation: `ids` and the method's parameters (as
	 * the sandbox names them, which are Odoo's names) become positional, the rest stays by name.
	 */
	translateNamed(model: string, method: string, body: Record<string, unknown>): Record<string, unknown> {
		const def = (() => {
			try {
				return this.sandbox.db.method(model, method);
			} catch {
				return undefined;
			}
		})();
		const { ids, ...rest } = body;
		const args: unknown[] = def?.onRecords ? [ids] : [];
		const named: string[] = [];
		for (const p of def?.params ?? []) {
			if (!(p in rest)) break;
			args.push(rest[p]);
			named.push(p);
			delete rest[p];
		}
		const [a, kw] = this.translate(model, method, args, rest);
		const out: Record<string, unknown> = { ...kw };
		const first = def?.onRecords ? 1 : 0;
		if (def?.onRecords && ids !== undefined) out.ids = a[0];
		else if (ids !== undefined) out.ids = ids;
		named.forEach((p, i) => (out[p] = a[first + i]));
		return out;
	}

	// ---- learning ids from answers --------------------------------------------------------

	private learnRecords(model: string, rec: unknown, act: unknown): void {
		if (!rec || !act || typeof rec !== 'object' || typeof act !== 'object' || Array.isArray(rec)) return;
		const r = rec as Record<string, unknown>;
		const a = act as Record<string, unknown>;
		this.learn(model, r.id, a.id);
		for (const [k, v] of Object.entries(r)) {
			const rel = this.relation(model, k);
			if (!rel) continue;
			if (Array.isArray(v) && v.length === 2 && typeof v[1] === 'string' && Array.isArray(a[k])) this.learn(rel, v[0], (a[k] as unknown[])[0]);
			else if (Array.isArray(v) && Array.isArray(a[k]) && v.length === (a[k] as unknown[]).length) v.forEach((x, i) => this.learn(rel, x, (a[k] as unknown[])[i]));
			else this.learn(rel, v, a[k]);
		}
		if (model === 'ir.model.data' && typeof r.model === 'string') this.learn(r.model, r.res_id, a.res_id);
	}

	learnFrom(model: string, method: string, recorded: unknown, actual: unknown): void {
		if (recorded === undefined || actual === undefined) return;
		if (method === 'create') {
			if (Array.isArray(recorded) && Array.isArray(actual)) recorded.forEach((x, i) => this.learn(model, x, actual[i]));
			else this.learn(model, recorded, actual);
		} else if (method === 'load') {
			const r = (recorded as { ids: unknown }).ids;
			const a = (actual as { ids: unknown }).ids;
			if (Array.isArray(r) && Array.isArray(a)) r.forEach((x, i) => this.learn(model, x, a[i]));
		} else if (method === 'search' && Array.isArray(recorded) && Array.isArray(actual)) {
			recorded.forEach((x, i) => this.learn(model, x, actual[i]));
		} else if (Array.isArray(recorded) && Array.isArray(actual)) {
			recorded.forEach((x, i) => this.learnRecords(model === 'pos.order' && method === 'create_from_ui' ? 'pos.order' : model, x, actual[i]));
		} else if (recorded && typeof recorded === 'object' && 'res_model' in (recorded as object)) {
			const r = recorded as Record<string, unknown>;
			this.learn(String(r.res_model), r.res_id, (actual as Record<string, unknown>).res_id);
		}
	}

	// ---- comparison -----------------------------------------------------------------------

	/**
	 * `someFields`: the records may carry fewer fields than Odoo's (never other ones): for answers
	 * that are the POS front end's full record loads, most of whose fields no model here has.
	 */
	compare(recorded: unknown, actual: unknown, where: string, key = '', idLike = false, someFields = false): void {
		const t = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);
		if (t(recorded) !== t(actual)) {
			this.failures.push(`${where}: type ${t(recorded)} expected, got ${t(actual)} (${JSON.stringify(actual)?.slice(0, 120)})`);
			return;
		}
		if (Array.isArray(recorded)) {
			const a = actual as unknown[];
			if (recorded.length !== a.length) {
				this.failures.push(`${where}: ${recorded.length} elements expected, got ${a.length}: ${JSON.stringify(a).slice(0, 300)}`);
				return;
			}
			// A many2one pair [id, display_name] compares its id loosely and its name by type.
			const pair = recorded.length === 2 && typeof recorded[0] === 'number' && typeof recorded[1] === 'string';
			recorded.forEach((x, i) => this.compare(x, a[i], `${where}[${i}]`, key, idLike || ID_KEY.test(key) || (pair && i === 0), someFields));
			return;
		}
		if (recorded && typeof recorded === 'object') {
			const r = recorded as Record<string, unknown>;
			const a = actual as Record<string, unknown>;
			if (someFields && 'id' in r) {
				const other = Object.keys(a).filter((k) => !(k in r));
				if (other.length) this.failures.push(`${where}: fields {${other.join(',')}} that Odoo does not answer`);
				for (const k of Object.keys(a)) if (k in r) this.compare(r[k], a[k], `${where}.${k}`, k, false, someFields);
				return;
			}
			const rk = Object.keys(r).sort().join(',');
			const ak = Object.keys(a).sort().join(',');
			if (rk !== ak) {
				this.failures.push(`${where}: keys {${rk}} expected, got {${ak}}`);
				return;
			}
			for (const k of Object.keys(r)) this.compare(r[k], a[k], `${where}.${k}`, k, false, someFields);
			return;
		}
		if (typeof recorded === 'boolean' && recorded !== actual) this.failures.push(`${where}: ${recorded} expected, got ${actual}`);
		if (typeof recorded === 'number' && !idLike && !ID_KEY.test(key) && Math.abs(recorded - (actual as number)) > 1e-6) {
			this.failures.push(`${where}: ${recorded} expected, got ${actual}`);
		}
		if (typeof recorded === 'string' && ENUM_KEYS.has(key) && recorded !== actual) this.failures.push(`${where}: '${recorded}' expected, got '${actual}'`);
	}

	/**
	 * fields_get: the sandbox knows fewer fields than Odoo (only those its models need), never
	 * other ones, and a field it knows has Odoo's type and relation.
	 */
	compareFields(recorded: Record<string, FieldAttrs>, actual: Record<string, FieldAttrs>, where: string): void {
		for (const [name, a] of Object.entries(actual ?? {})) {
			const r = recorded[name];
			if (!r) this.failures.push(`${where}: the sandbox has a field ${name} that Odoo does not`);
			else if (r.type !== a.type || (r.relation ?? '') !== (a.relation ?? '')) {
				this.failures.push(`${where}.${name}: ${r.type}${r.relation ? ` of ${r.relation}` : ''} expected, got ${a.type}${a.relation ? ` of ${a.relation}` : ''}`);
			}
		}
	}

	/** An answer's result, compared as the method's kind of answer asks. */
	private compareResult(where: string, call: RecordedCall, model: string, method: string, recorded: unknown, actual: unknown): void {
		const topIdLike = ['create', 'search', 'login', 'authenticate', 'message_post'].includes(method) || (model === 'ir.model.data' && method === 'create');
		if (method === 'fields_get') this.compareFields(recorded as Record<string, FieldAttrs>, actual as Record<string, FieldAttrs>, `${where} result`);
		else if (byWriteTime(call) && Array.isArray(recorded) && Array.isArray(actual)) {
			// Ordered by when records were last written: the recorded server's timing, not its behaviour.
			const byId = (rows: unknown[]) => [...rows].sort((x, y) => Number((x as { id?: number }).id) - Number((y as { id?: number }).id));
			this.compare(byId(recorded), byId(actual), `${where} result`, '', topIdLike);
		} else this.compare(recorded, actual, `${where} result`, '', topIdLike, method === 'sync_from_ui');
	}

	/** Replays one recorded call; returns the sandbox's response. */
	async replay(file: string, index: number, call: RecordedCall): Promise<unknown> {
		return isJson2(call) ? await this.replayJson2(file, index, call) : await this.replayRpc(file, index, call);
	}

	private async replayRpc(file: string, index: number, call: RpcCall): Promise<Record<string, unknown>> {
		const params = call.request.params;
		let args = params.args;
		let model = '';
		let method = params.method;
		if (params.service === 'object') {
			model = args[3] as string;
			method = args[4] as string;
			const [a, kw] = this.translate(model, method, (args[5] as unknown[]) ?? [], (args[6] as Record<string, unknown>) ?? {});
			args = [...args.slice(0, 5), a, kw];
		}
		const res = await fetch(`${this.sandbox.url}/jsonrpc`, {
			method: 'POST',
			headers: { 'Content-Type': 'application/json' },
			body: JSON.stringify({ ...call.request, params: { ...params, args } }),
		});
		const where = `${file}#${index + 1} "${call.note}"`;
		if (res.status !== call.http_status) this.failures.push(`${where}: HTTP ${call.http_status} expected, got ${res.status}`);
		const body = (await res.json()) as Record<string, unknown>;
		const rec = call.response;
		if ('error' in rec) {
			this.compareError(where, rec.error, body.error);
		} else {
			const rk = Object.keys(rec).sort().join(',');
			const ak = Object.keys(body).sort().join(',');
			if (rk !== ak) this.failures.push(`${where}: envelope keys {${rk}} expected, got {${ak}} ${JSON.stringify(body).slice(0, 300)}`);
			else if ('result' in rec) this.compareResult(where, call, model, method, rec.result, body.result);
		}
		if (model) this.learnFrom(model, method, rec.result, body.result);
		return body;
	}

	/** Odoo's error: the same shape and the same exception class. */
	private compareError(where: string, recorded: unknown, actual: unknown): void {
		this.compare(recorded, actual, `${where} error`);
		const name = (e: unknown) => {
			const o = e as { name?: unknown; data?: { name?: unknown } } | undefined;
			return o?.data?.name ?? o?.name;
		};
		if (name(recorded) !== name(actual)) this.failures.push(`${where}: error ${String(name(recorded))} expected, got ${String(name(actual))} (${String(JSON.stringify(actual)).slice(0, 300)})`);
	}

	/** A JSON-2 exchange (Odoo 19): the same path, the arguments translated by name, the sandbox's key for the right one. */
	private async replayJson2(file: string, index: number, call: Json2Call): Promise<unknown> {
		const [verb, urlPath] = call.endpoint.split(' ');
		const target = json2Target(call.endpoint);
		const body = target && call.request ? this.translateNamed(target.model, target.method, call.request) : call.request;
		const headers: Record<string, string> = { 'Content-Type': 'application/json', 'X-Odoo-Database': this.sandbox.options.database };
		if (call.auth) headers.Authorization = `bearer ${call.auth === 'key' ? this.sandbox.options.apiKey : 'not-the-key'}`;
		const res = await fetch(`${this.sandbox.url}${urlPath}`, { method: verb, headers, body: body === undefined ? undefined : JSON.stringify(body) });
		const where = `${file}#${index + 1} "${call.note}"`;
		if (res.status !== call.http_status) this.failures.push(`${where}: HTTP ${call.http_status} expected, got ${res.status}`);
		const actual = jsonOrText(await res.text());
		if (call.http_status >= 400) this.compareError(where, call.response, actual);
		else this.compareResult(where, call, target?.model ?? '', target?.method ?? '', call.response, actual);
		if (target) this.learnFrom(target.model, target.method, call.response, actual);
		return actual;
	}
}
