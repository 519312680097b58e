/**
 * The Odoo sandbox: JSON-RPC (`/jsonrpc`, all versions) and JSON-2 (`/json/2/<model>/<method>`,
 * version 19) over one in-memory database, answering like Odoo 16-19 as configured.
 */
import { SandboxHttpServer, type JsonReply, type SandboxRequest } from '../common/http';
import { OdooError, accessDenied, accessError, attributeError, rpcErrorData, validationError } from './errors';
import { genericMethods } from './methods';
import { defineAccount } from './models/account';
import { defineBase } from './models/base';
import { definePos } from './models/pos';
import { Database, type Env, type Params } from './orm';
import { seed, type SeedOptions } from './seed';

export interface OdooSandboxOptions {
	version: 16 | 17 | 18 | 19;
	database: string;
	login: string;
	password: string;
	/** An API key of the admin user, usable wherever the password is, and as JSON-2 bearer. */
	apiKey: string;
	profile: SeedOptions['profile'];
	/** Odoo's `list_db`: when off, `db.list` answers AccessDenied, as a hardened production server does. */
	listDatabases: boolean;
	/**
	 * How long a session close's transaction lasts (0: instant). Real Odoo (17–19) numbers the
	 * close's entries in the company's POS journal inside that transaction: a second close in the
	 * same company meanwhile takes the same number, and Odoo's unique index refuses it (a
	 * ValidationError, its transaction rolled back), as seen with several workers.
	 */
	closeTransactionMs: number;
	/** Fault injection: this many of the next session closes are refused as if another close of the company held the entry number. */
	collideCloses: number;
}

export const odooDefaults: OdooSandboxOptions = {
	version: 17,
	database: 'odoo17',
	login: 'admin',
	password: 'admin',
	apiKey: 'sandbox-odoo-api-key-0123456789',
	profile: 'recorded',
	listDatabases: true,
	closeTransactionMs: 0,
	collideCloses: 0,
};

const ADMIN_UID = 2;

export function createDatabase(opts: Pick<OdooSandboxOptions, 'version' | 'profile'>): Database {
	const db = new Database();
	db.version = opts.version;
	db.generic = genericMethods;
	defineBase(db);
	defineAccount(db);
	definePos(db);
	// ir.model lists every model, as the model picker of the node reads it.
	const env: Env = { db, uid: 1, context: {} };
	db.transaction(() => {
		for (const m of db.models.values()) {
			if (m.versions && (db.version < m.versions[0] || db.version > m.versions[1])) continue;
			db.create(env, 'ir.model', { model: m.name, name: m.description, transient: m.name === 'account.payment.register' });
		}
	});
	seed(db, { profile: opts.profile });
	return db;
}

export class OdooSandbox {
	readonly options: OdooSandboxOptions;
	db: Database;
	readonly http: SandboxHttpServer;

	constructor(options: Partial<OdooSandboxOptions> = {}) {
		this.options = { ...odooDefaults, ...options };
		if (!options.database) this.options.database = `odoo${this.options.version}`;
		this.db = createDatabase(this.options);
		this.http = new SandboxHttpServer(
			'odoo',
			(req) => this.route(req),
			(req) => this.control(req),
			undefined,
			// Odoo's ValueError messages repeat the values they were given (JSON-RPC: HTTP 200 with an error body).
			(text, req) =>
				req.path === '/jsonrpc'
					? { status: 200, body: { jsonrpc: '2.0', id: null, error: { code: 200, message: 'Odoo Server Error', data: { name: 'builtins.ValueError', message: text, arguments: [text], context: {}, debug: '' } } } }
					: { status: 422, body: { name: 'builtins.ValueError', message: text, arguments: [text], context: {}, debug: '' } },
		);
	}

	async start(port = 0): Promise<string> {
		return this.http.listen(port);
	}

	async stop(): Promise<void> {
		await this.http.close();
	}

	get url(): string {
		return this.http.url;
	}

	/** Replaces the database by a freshly seeded one. */
	reset(): void {
		this.db = createDatabase(this.options);
	}

	env(context: Record<string, unknown> = {}, uid = ADMIN_UID): Env {
		return { db: this.db, uid, context };
	}

	private control(req: SandboxRequest): JsonReply | undefined {
		if (req.method === 'POST' && req.path === '/__sandbox/odoo/reset') {
			this.reset();
			return { status: 200, body: { ok: true } };
		}
		return undefined;
	}

	private async route(req: SandboxRequest): Promise<JsonReply> {
		const m = /^\/json\/2\/([^/]+)\/([^/]+)$/.exec(req.path);
		if ((req.method === 'POST' && req.path === '/jsonrpc') || (m && req.method === 'POST')) {
			const reply = m ? this.json2(req, m[1], m[2]) : this.jsonRpc(req.body);
			// A close's transaction lasts until its answer: its company's numbering is held till then.
			const held = this.holding.shift();
			if (held) {
				await new Promise((r) => setTimeout(r, this.options.closeTransactionMs));
				this.closing.delete(held);
			}
			return reply;
		}
		if (req.path === '/web/webclient/version_info') return { status: 200, body: { jsonrpc: '2.0', id: null, result: this.versionInfo() } };
		// Odoo 19's rpc module: the version without JSON-RPC.
		if ((req.path === '/json/version' || req.path === '/web/version') && this.options.version >= 19) {
			this.http.counter.add('json/version');
			const v = this.versionInfo();
			return { status: 200, body: { version_info: v.server_version_info, version: v.server_version } };
		}
		return { status: 404, body: { error: 'Not Found' } };
	}

	versionInfo() {
		const v = this.options.version;
		// As the real servers the package was recorded against: 18.0 is a nightly build (test/contract/transcripts).
		return { server_version: v === 18 ? '18.0-20250702' : `${v}.0`, server_version_info: [v, 0, 0, 'final', 0, ''], server_serie: `${v}.0`, protocol_version: 1 };
	}

	private checkDb(name: unknown): void {
		if (name !== this.options.database) {
			const msg = `connection to server at "127.0.0.1", port 5432 failed: FATAL:  database "${String(name)}" does not exist\n`;
			throw new OdooError('psycopg2.OperationalError', msg);
		}
	}

	private secretOk(secret: unknown): boolean {
		return secret === this.options.password || secret === this.options.apiKey;
	}

	private jsonRpc(body: unknown): JsonReply {
		const req = (body ?? {}) as { id?: unknown; params?: { service?: string; method?: string; args?: unknown[] } };
		const id = req.id ?? null;
		const service = req.params?.service ?? '';
		const method = req.params?.method ?? '';
		const args = req.params?.args ?? [];
		try {
			const result = this.dispatch(service, method, args);
			return { status: 200, body: result === undefined ? { jsonrpc: '2.0', id } : { jsonrpc: '2.0', id, result } };
		} catch (e) {
			if (e instanceof OdooError) {
				return { status: 200, body: { jsonrpc: '2.0', id, error: { code: 200, message: 'Odoo Server Error', data: rpcErrorData(e) } } };
			}
			throw e;
		}
	}

	private dispatch(service: string, method: string, args: unknown[]): unknown {
		if (service === 'common') {
			this.http.counter.add(`jsonrpc/common/${method}`);
			switch (method) {
				case 'version':
					return this.versionInfo();
				case 'login':
				case 'authenticate': {
					const [dbName, login, secret] = args;
					this.checkDb(dbName);
					return login === this.options.login && this.secretOk(secret) ? ADMIN_UID : false;
				}
				default:
					throw attributeError(`The method '${method}' does not exist on the service 'common'`);
			}
		}
		if (service === 'db' && method === 'list') {
			this.http.counter.add('jsonrpc/db/list');
			if (!this.options.listDatabases) throw new OdooError('odoo.exceptions.AccessDenied', 'Access Denied');
			return [this.options.database];
		}
		if (service !== 'object' || (method !== 'execute_kw' && method !== 'execute')) {
			this.http.counter.add(`jsonrpc/${service}/${method}`);
			throw attributeError(`The method '${method}' does not exist on the service '${service}'`);
		}
		const [dbName, uid, secret, model, name] = args as [string, number, string, string, string];
		const positional = method === 'execute_kw' ? ((args[5] as unknown[]) ?? []) : args.slice(5);
		const kwargs = method === 'execute_kw' ? ((args[6] as Record<string, unknown>) ?? {}) : {};
		this.http.counter.add(`jsonrpc/object/${model}/${name}`);
		this.checkDb(dbName);
		if (uid !== ADMIN_UID || !this.secretOk(secret)) throw accessDenied();
		return this.execute(model, name, positional, kwargs);
	}

	/** Runs one model method as one transaction, mapping positional args and kwargs to named params. */
	execute(model: string, name: string, positional: unknown[], kwargs: Record<string, unknown>): unknown {
		if (name.startsWith('_')) throw accessError(`Private methods (such as ${name}) cannot be called remotely.`);
		this.db.model(model);
		const def = this.db.method(model, name);
		if (!def) throw attributeError(`The method '${name}' does not exist on the model '${model}'`);
		const { context, ...rest } = kwargs;
		let ids: number[] = [];
		let args = positional;
		if (def.onRecords) {
			const first = positional[0] ?? rest.ids;
			ids = Array.isArray(first) ? (first as number[]) : typeof first === 'number' ? [first] : [];
			args = positional.slice(1);
			delete rest.ids;
		}
		const p: Params = {};
		def.params.forEach((pname, i) => {
			if (i < args.length) p[pname] = args[i];
		});
		Object.assign(p, rest);
		const env = this.env((context as Record<string, unknown>) ?? {});
		env.companies = this.activeCompanies(env);
		if (model === 'pos.session' && name === 'close_session_from_ui' && (this.options.closeTransactionMs > 0 || this.options.collideCloses > 0)) return this.closeInTransaction(env, () => def.fn(env, ids, p));
		return this.db.transaction(() => def.fn(env, ids, p));
	}

	/** Each company's close whose transaction is still open (closeTransactionMs), and that of the call just answered. */
	private readonly closing = new Set<number>();
	private readonly holding: number[] = [];
	/** Closes refused because another one of the company was in its transaction (or collideCloses). */
	closeCollisions = 0;

	private closeInTransaction(env: Env, close: () => unknown): unknown {
		const company = env.companies?.[0] ?? 1;
		if (this.closing.has(company) || this.options.collideCloses > 0) {
			if (this.options.collideCloses > 0) this.options.collideCloses--;
			this.closeCollisions++;
			throw validationError('The operation cannot be completed: Another entry with the same name already exists.');
		}
		const result = this.db.transaction(close);
		if (this.options.closeTransactionMs > 0) {
			this.closing.add(company);
			this.holding.push(company);
		}
		return result;
	}

	/**
	 * A call's active companies, as Odoo reads them: the context's allowed_company_ids, each one of
	 * the user's allowed companies (else "Access to unauthorized or invalid companies."), the first
	 * being where new records go; without them, the user's current company alone.
	 */
	private activeCompanies(env: Env): number[] {
		const user = this.db.browse('res.users', env.uid);
		const current = (user?.company_id as number) || 1;
		const asked = env.context.allowed_company_ids;
		if (!Array.isArray(asked) || !asked.length) return [current];
		const mine = new Set([current, ...(((user?.company_ids as number[] | undefined) ?? []))]);
		if (asked.some((c) => typeof c !== 'number' || !mine.has(c))) throw accessError('Access to unauthorized or invalid companies.');
		return asked as number[];
	}

	private json2(req: SandboxRequest, model: string, name: string): JsonReply {
		this.http.counter.add(`json2/${model}/${name}`);
		const fail = (status: number, e: OdooError): JsonReply => ({ status, body: rpcErrorData(e, status) });
		if (this.options.version < 19) return { status: 404, body: { error: 'Not Found' } };
		const auth = String(req.headers.authorization ?? '');
		const m = /^bearer\s+(.+)$/i.exec(auth);
		if (!m || m[1] !== this.options.apiKey) {
			return fail(401, new OdooError('werkzeug.exceptions.Unauthorized', 'Invalid apikey'));
		}
		const dbHeader = req.headers['x-odoo-database'];
		if (dbHeader && dbHeader !== this.options.database) {
			return fail(404, new OdooError('werkzeug.exceptions.NotFound', `Database ${String(dbHeader)} not found`));
		}
		const body = (req.body ?? {}) as Record<string, unknown>;
		// An unknown method is a 404 of the route (the model's public methods make the routes).
		if (!name.startsWith('_') && this.db.models.has(model) && !this.db.method(model, name)) {
			return fail(404, new OdooError('werkzeug.exceptions.NotFound', `The method '${model}.${name}' does not exist`));
		}
		try {
			const result = this.execute(model, name, [], body);
			// Odoo 19's JSON-2 answers a recordset as its ids: `create` gives a list, one record or many,
			// and so does `message_post` (one id over JSON-RPC, by its @api.returns).
			if ((name === 'create' || name === 'message_post') && typeof result === 'number') return { status: 200, body: [result] };
			return { status: 200, body: result === undefined ? null : result };
		} catch (e) {
			if (!(e instanceof OdooError)) throw e;
			const status =
				e.odooName === 'odoo.exceptions.AccessDenied'
					? 401
					: e.odooName === 'odoo.exceptions.AccessError'
						? 403
						: e.odooName === 'odoo.exceptions.MissingError'
							? 404
							: e.odooName.startsWith('odoo.exceptions.')
								? 422
								: 500;
			return fail(status, e);
		}
	}
}
