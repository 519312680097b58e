/**
 * The only place that talks to Odoo. Detects the server version once, logs in once per
 * execution, speaks JSON-RPC (16-19) or JSON-2 (19 with an API key), retries transient
 * failures with exponential backoff and jitter, and turns Odoo errors into NodeApiError
 * carrying Odoo's exception name and message — never the password or API key.
 */
import type { ICredentialDataDecryptedObject, IDataObject, IHttpRequestOptions, INode, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError, sleep } from 'n8n-workflow';
import { type AnyContext, type FullResponse, type RetryPolicy, type ServerSilence, apiError, backoffMs, defaultRetryPolicy, executionMemo, exchange, secondsField, silenceFor } from '../../shared/http';
import { redactSecrets, redactUrlUserinfo, refuseUserinfo } from '../../shared/redact';
import { passOn } from '../../shared/items';
import { type OdooDialect, dialectFor } from './dialect';

export type { OdooDialect } from './dialect';

export type OdooContext = AnyContext;

export interface OdooCredentials {
	url: string;
	database: string;
	username: string;
	authentication: 'apiKey' | 'password';
	apiKey?: string;
	password?: string;
	/** Name or ID of the company to work in; empty: the login's current company. */
	company?: string;
	timeoutSeconds?: number;
	budgetSeconds?: number;
}

/** The company every call runs in (Odoo's allowed_company_ids context). */
export interface OdooCompany {
	id: number;
	name: string;
	currencyId: number;
	currency: string;
	roundGlobally: boolean;
}

export interface OdooErrorData {
	name: string;
	message: string;
	arguments?: unknown[];
	debug?: string;
}

export interface CallOptions {
	/** Record ids the method is called on (JSON-RPC: first positional argument). */
	ids?: number[];
	/** Further positional arguments. */
	args?: unknown[];
	kwargs?: IDataObject;
	/**
	 * Safe to send again when the first attempt's outcome is unknown (reset, timeout, 502):
	 * reads, and writes that are idempotent by design (load with external ids, create_from_ui).
	 */
	idempotent?: boolean;
	itemIndex?: number;
	/** Runs outside the credential's company (finding that company itself). */
	anyCompany?: boolean;
}

const READ_METHODS = new Set([
	'read',
	'search',
	'search_read',
	'search_count',
	'fields_get',
	'name_search',
	'default_get',
	'check_access_rights',
	'compute_all',
	'exists',
]);

/** JSON-2 takes named arguments: the positional parameters of the methods the connector uses. */
const JSON2_PARAMS: Record<string, string[]> = {
	create: ['vals_list'],
	read: ['fields', 'load'],
	write: ['vals'],
	unlink: [],
	search: ['domain', 'offset', 'limit', 'order'],
	search_read: ['domain', 'fields', 'offset', 'limit', 'order'],
	search_count: ['domain', 'limit'],
	fields_get: ['allfields', 'attributes'],
	name_search: ['name', 'domain', 'operator', 'limit'],
	load: ['fields', 'data'],
	compute_all: ['price_unit', 'currency', 'quantity', 'product', 'partner'],
	action_post: [],
	button_draft: [],
	message_post: ['body', 'message_type', 'subtype_xmlid'],
	sync_from_ui: ['orders'],
	close_session_from_ui: ['bank_payment_method_diff_pairs'],
	post_closing_cash_details: ['counted_cash'],
	set_cashbox_pos: ['cashbox_value', 'notes'],
	set_opening_control: ['cashbox_value', 'notes'],
	reconcile: [],
	action_create_payments: [],
	action_draft: [],
};

const TRANSIENT_ODOO_ERRORS = new Set([
	'psycopg2.errors.SerializationFailure',
	'psycopg2.errors.LockNotAvailable',
	'psycopg2.extensions.TransactionRollbackError',
]);

/**
 * Two transactions that post entries in one journal at once can take the same number: Odoo's
 * unique index on the entry's name refuses the later one, rolls its transaction back and answers
 * "The operation cannot be completed: Another entry with the same name already exists." (a
 * ValidationError, 17–19), which it does not retry itself. Seen on real Odoo with several
 * workers when two stores' sessions closed side by side.
 */
const CONCURRENT_ENTRY_NAME = /(^|: )Another entry with the same name already exists\.?$/;

/** Odoo rolled the transaction back because of another one running at the same time: the same call may pass. */
function isConcurrencyError(data: OdooErrorData): boolean {
	return TRANSIENT_ODOO_ERRORS.has(data.name) || (data.name === 'odoo.exceptions.ValidationError' && CONCURRENT_ENTRY_NAME.test(data.message.trim()));
}

/** Whether a company named by a person (its ID, or its name in any case) is this one. */
export function namesCompany(wanted: string, company: { id: number; name: string }): boolean {
	const w = wanted.trim().toLowerCase();
	return w === String(company.id) || w === company.name.trim().toLowerCase();
}

export class OdooApiError extends Error {
	constructor(
		readonly data: OdooErrorData,
		readonly httpCode: number,
	) {
		super(data.message);
	}
}

export class OdooClient {
	private versionPromise?: Promise<number>;
	private uidPromise?: Promise<number>;
	private companyPromise?: Promise<OdooCompany>;
	private readonly fieldsCache = new Map<string, Promise<Record<string, OdooField>>>();
	private rpcId = 0;
	/** Until Odoo first answers, a refused connection fails at once. */
	private readonly contact = { reached: false };
	/** Odoo's silence as seen by this execution's steps. */
	private readonly silence: ServerSilence;
	/** Whether Odoo refused this login earlier in the execution: later steps do not try again (Odoo counts failed logins and locks them out). */
	private readonly login: { refused?: boolean };
	readonly baseUrl: string;
	/** Calls made, by kind: lets operations and tests see how much they cost. */
	readonly stats = { requests: 0, retries: 0 };
	/** How far Odoo's clock is ahead of this worker's, from the Date header of its last answer. */
	private serverOffsetMs = 0;

	constructor(
		private readonly ctx: OdooContext,
		private readonly creds: OdooCredentials,
		readonly retry: RetryPolicy = defaultRetryPolicy,
	) {
		this.baseUrl = String(creds.url ?? '').trim().replace(/\/+$/, '');
		refuseUserinfo(ctx, this.baseUrl, 'Site URL of the Odoo ERP API credential', 'Odoo takes the login and the password or API key in their own fields of the credential.');
		if (!/^https?:\/\/[^/\s]+/i.test(this.baseUrl)) {
			throw new NodeOperationError(ctx.getNode(), `The Site URL of the Odoo ERP API credential, "${this.baseUrl}", is not an http(s) URL`, {
				description: 'Give the address of the Odoo server, e.g. https://mycompany.odoo.com',
			});
		}
		this.silence = silenceFor(ctx, 'Odoo', this.baseUrl);
		this.login = executionMemo(ctx, `odoo-login\u0000${this.baseUrl}\u0000${String(creds.database)}\u0000${String(creds.username)}`, () => ({}));
	}

	/** The node this client works for: errors are the node's. */
	get node(): INode {
		return this.ctx.getNode();
	}

	static async fromContext(ctx: OdooContext): Promise<OdooClient> {
		const raw = (await ctx.getCredentials('odooErpApi')) as ICredentialDataDecryptedObject;
		return new OdooClient(ctx, raw as unknown as OdooCredentials);
	}

	private get secret(): string {
		return String((this.creds.authentication === 'password' ? this.creds.password : this.creds.apiKey) ?? '');
	}

	/** Removes the secret from any text that may reach a user (URL userinfo and tokens: shared/http). */
	redact(text: string): string {
		return redactSecrets(text, [this.secret]);
	}

	/**
	 * Odoo answers a wrong password and an expired or revoked API key alike: the message says what
	 * is likely with an API key (it expires: at most three months on current Odoo) and how to renew it.
	 */
	private loginRefused(): NodeApiError {
		this.login.refused = true;
		const who = `"${this.creds.username}" on database "${this.creds.database}"`;
		if (this.creds.authentication === 'apiKey') {
			// Odoo 17 to 19 make every API key 40 hexadecimal characters: anything else was pasted wrong.
			const key = String(this.creds.apiKey ?? '');
			if (!/^[0-9a-f]{40}$/.test(key)) {
				const shape = /\s/.test(key) ? `${key.length} characters long with spaces or line breaks in it` : `${key.length} characters long${/^[0-9a-f]*$/.test(key) ? '' : ' with characters other than 0-9 and a-f'}`;
				return this.apiError(
					`Odoo refused the API key of ${who}: the key in the credential is ${shape}, and Odoo's API keys are 40 characters, 0-9 and a-f`,
					'Copy the key again from the dialog Odoo showed when it was made (it is shown once): paste only the key into the API Key of the Odoo ERP API credential. If it is lost, create a new one (your avatar → My Profile, or Preferences → Account Security → New API Key).',
					401,
				);
			}
			return this.apiError(
				`Odoo refused the API key of ${who}: it has expired or was revoked, or the login is wrong`,
				'Odoo API keys expire (at most three months on current Odoo). Create a new key in Odoo (your avatar → My Profile, or Preferences → Account Security → New API Key), paste it into the API Key of the Odoo ERP API credential and save: every workflow using the credential takes it from its next run. Check the login too.',
				401,
			);
		}
		// No one's password is a page long or spans lines: that is a paste gone wrong, said as such.
		const pw = String(this.creds.password ?? '');
		if (pw.length > 200 || /[\r\n]/.test(pw)) {
			return this.apiError(
				`Odoo refused the login of ${who}: the password in the credential is ${pw.length} characters long${/[\r\n]/.test(pw) ? ' with line breaks in it' : ''}, which looks pasted wrong`,
				'Paste only the password into the Password of the Odoo ERP API credential (or use an API key: Authentication → API Key).',
				401,
			);
		}
		return this.apiError(`Odoo refused the login of ${who}`, 'Check the login and the password in the Odoo ERP API credential.', 401);
	}

	private apiError(message: string, description: string, httpCode: number | undefined, itemIndex?: number, body: JsonObject = {}): NodeApiError {
		return apiError(this.ctx, { redact: (t) => this.redact(t), itemIndex }, message, description, httpCode, body);
	}

	private async send(options: IHttpRequestOptions, idempotent: boolean, what: string, itemIndex?: number): Promise<FullResponse> {
		try {
			return await this.exchange(options, idempotent, what, itemIndex);
		} catch (error) {
			if (error instanceof NodeApiError && error.httpCode === '404') throw this.notFound(String(options.url), itemIndex);
			throw passOn(this.node, error);
		}
	}

	/** A 404 from /jsonrpc is a URL with a path (copied from the browser: /odoo, /web) or not an Odoo server. */
	private notFound(url: string, itemIndex?: number): NodeApiError {
		const u = new URL(this.baseUrl);
		const path = u.pathname.replace(/\/+$/, '');
		return this.apiError(
			`Odoo answered 404 Not Found at ${redactUrlUserinfo(url)}`,
			path
				? `The Site URL of the Odoo ERP API credential should be the server's address without a path: drop "${path}" (use ${u.origin}).`
				: `Is ${u.origin} an Odoo server? The Site URL should be the address Odoo's login page is served from, without a path.`,
			404,
			itemIndex,
		);
	}

	/**
	 * Now on Odoo's clock (to the second, once Odoo has answered). Ages of what Odoo stamped
	 * (create_date of a lock or a claim) are measured on it, so a worker whose clock is off does
	 * not take over a live run's lock, nor wait for ever on a crashed one's.
	 */
	serverNow(): number {
		return Date.now() + this.serverOffsetMs;
	}

	/** How old a record's timestamp (Odoo's `YYYY-MM-DD HH:MM:SS`, UTC) is on Odoo's clock; NaN without one. */
	ageMs(odooTimestamp: string | false | undefined): number {
		return this.serverNow() - Date.parse(`${String(odooTimestamp || '').replace(' ', 'T')}Z`);
	}

	/** One request under the retry policy; `answered` is a status handed back instead of failing. */
	private async exchange(options: IHttpRequestOptions, idempotent: boolean, what: string, itemIndex?: number, answered?: number): Promise<FullResponse> {
		const res = await exchange(this.ctx, options, {
			service: 'Odoo',
			baseUrl: this.baseUrl,
			idempotent,
			what,
			itemIndex,
			timeoutMs: secondsField(this.creds.timeoutSeconds, 60),
			budgetMs: secondsField(this.creds.budgetSeconds, 120),
			silence: this.silence,
			policy: this.retry,
			redact: (t) => this.redact(t),
			isServiceError: (status, body) => status === answered || isOdooErrorBody(body),
			stats: this.stats,
			contact: this.contact,
		});
		const date = Date.parse(String(res.headers?.date ?? ''));
		if (!Number.isNaN(date)) this.serverOffsetMs = date - Date.now();
		return res;
	}

	/** The server's major version (16-19), asked once per client. */
	async version(): Promise<number> {
		this.versionPromise ??= (async () => {
			const info = ((this.creds.authentication === 'apiKey' ? await this.versionOverJson() : undefined) ??
				(await this.jsonRpc('common', 'version', [], true))) as { server_version_info?: unknown[]; server_version?: string };
			const major = Number(info?.server_version_info?.[0] ?? String(info?.server_version ?? '').split('.')[0]);
			if (!Number.isFinite(major)) throw this.apiError('Odoo did not report its version', JSON.stringify(info).slice(0, 200), undefined);
			return major;
		})();
		return await this.versionPromise;
	}

	/** What this server's version calls and sends differently (see dialect.ts). */
	async dialect(): Promise<OdooDialect> {
		return dialectFor(await this.version());
	}

	/**
	 * With an API key the version is asked at /json/version (Odoo 19+), so a key never needs
	 * /jsonrpc, which Odoo 19 deprecates and 20 removes; an older server answers 404 there.
	 */
	private async versionOverJson(): Promise<{ server_version_info: unknown[]; server_version: string } | undefined> {
		const res = await this.exchange({ method: 'GET', url: `${this.baseUrl}/json/version` }, true, 'GET /json/version', undefined, 404);
		const body = res.statusCode === 200 ? (res.body as { version_info?: unknown[]; version?: string } | undefined) : undefined;
		return Array.isArray(body?.version_info) ? { server_version_info: body.version_info, server_version: String(body.version ?? '') } : undefined;
	}

	private async json2Enabled(): Promise<boolean> {
		return this.creds.authentication === 'apiKey' && (await this.dialect()).json2;
	}

	private async uid(): Promise<number> {
		this.uidPromise ??= (async () => {
			if (this.login.refused) throw this.loginRefused();
			let uid: unknown;
			try {
				uid = await this.jsonRpc('common', 'authenticate', [this.creds.database, this.creds.username, this.secret, {}], true);
			} catch (error) {
				if (error instanceof OdooApiError && isUnknownDatabase(error.data, this.creds.database)) throw await this.unknownDatabase();
				if (error instanceof OdooApiError) throw this.toNodeError(error, 'common.authenticate');
				throw passOn(this.node, error);
			}
			if (typeof uid !== 'number' || !uid) throw this.loginRefused();
			return uid;
		})();
		return await this.uidPromise;
	}

	/** The database is not on this server: say so (not "PostgreSQL is down") and name the ones it has when it lists them. */
	private async unknownDatabase(): Promise<NodeApiError> {
		let listed: string[] | undefined;
		try {
			const dbs = await this.jsonRpc('db', 'list', [], true);
			if (Array.isArray(dbs)) listed = dbs.map(String);
		} catch {
			listed = undefined; // list_db is off on this server: it does not tell
		}
		const has = listed === undefined ? 'The server does not list its databases (list_db is off); the name is shown in Odoo\'s database selector or under Settings → About.' : listed.length ? `It has: ${listed.join(', ')}.` : 'It lists no database.';
		return this.apiError(
			`Odoo at ${redactUrlUserinfo(this.baseUrl)} has no database "${this.creds.database}"`,
			`${has} Check the Database field of the Odoo ERP API credential.`,
			undefined,
		);
	}

	private async jsonRpc(service: string, method: string, args: unknown[], idempotent: boolean, itemIndex?: number, what = `${service}.${method}`): Promise<unknown> {
		const res = await this.send(
			{
				method: 'POST',
				url: `${this.baseUrl}/jsonrpc`,
				body: { jsonrpc: '2.0', method: 'call', params: { service, method, args }, id: ++this.rpcId },
				headers: { 'Content-Type': 'application/json' },
			},
			idempotent,
			what,
			itemIndex,
		);
		const body = (res.body ?? {}) as { result?: unknown; error?: { message?: string; data?: OdooErrorData } };
		if (body.error) {
			const data: OdooErrorData = body.error.data ?? { name: 'odoo.Error', message: String(body.error.message ?? 'Odoo Server Error') };
			throw new OdooApiError({ name: data.name, message: data.message, arguments: data.arguments }, res.statusCode);
		}
		return body.result;
	}

	private async json2(model: string, method: string, opts: CallOptions, what: string): Promise<unknown> {
		if (this.login.refused) throw this.loginRefused();
		const named: IDataObject = { ...(opts.kwargs ?? {}) };
		if (opts.ids) named.ids = opts.ids;
		const names = JSON2_PARAMS[method] ?? [];
		(opts.args ?? []).forEach((v, i) => {
			named[names[i]] = v as IDataObject;
		});
		const res = await this.send(
			{
				method: 'POST',
				url: `${this.baseUrl}/json/2/${model}/${method}`,
				body: named,
				headers: {
					'Content-Type': 'application/json',
					Authorization: `bearer ${this.secret}`,
					'X-Odoo-Database': this.creds.database,
				},
			},
			opts.idempotent ?? READ_METHODS.has(method),
			what,
			opts.itemIndex,
		);
		// JSON-2 answers an expired, revoked or wrong key with 401 ("Invalid apikey").
		if (res.statusCode === 401) throw this.loginRefused();
		if (res.statusCode >= 400) {
			const data = res.body as OdooErrorData;
			throw new OdooApiError({ name: data.name, message: data.message, arguments: data.arguments }, res.statusCode);
		}
		// JSON-2 answers a recordset as its ids, so `create` of one record and `message_post` give
		// [id]; JSON-RPC gives the id itself (Odoo's @api.returns), and the nodes expect that.
		const oneRecord = method === 'message_post' || (method === 'create' && opts.args?.[0] && !Array.isArray(opts.args[0]));
		if (oneRecord && Array.isArray(res.body)) return (res.body as unknown[])[0];
		return res.body;
	}

	/**
	 * The company the nodes work in: the credential's Company (a name or ID among the login's
	 * companies), else the login's current company — never simply the first company by id.
	 */
	async company(): Promise<OdooCompany> {
		this.companyPromise ??= (async () => {
			const [user] = await this.call<Array<{ company_id: [number, string] | false; company_ids?: number[] }>>('res.users', 'search_read', {
				args: [[['login', '=', this.creds.username]]],
				kwargs: { fields: ['company_id', 'company_ids'], limit: 1 },
				anyCompany: true,
			});
			if (!user || !user.company_id) throw this.apiError(`Odoo shows no company for the login "${this.creds.username}"`, 'Check the login of the Odoo ERP API credential.', undefined);
			const allowed = user.company_ids?.length ? user.company_ids : [user.company_id[0]];
			const wanted = String(this.creds.company ?? '').trim();
			let id = user.company_id[0];
			if (wanted) {
				const companies = await this.call<Array<{ id: number; name: string }>>('res.company', 'read', { ids: allowed, kwargs: { fields: ['name'] }, anyCompany: true });
				const match = companies.find((c) => namesCompany(wanted, c));
				if (!match) {
					throw this.apiError(
						`The login "${this.creds.username}" may not work in the company "${wanted}"`,
						`Its companies: ${companies.map((c) => `${c.name} (${c.id})`).join(', ')}. Set Company in the Odoo ERP API credential to one of them, or allow the login in that company (Settings → Users → Allowed Companies).`,
						undefined,
					);
				}
				id = match.id;
			}
			const [row] = await this.call<Array<{ name: string; currency_id: [number, string]; tax_calculation_rounding_method?: string }>>('res.company', 'read', {
				ids: [id],
				kwargs: { fields: ['name', 'currency_id', 'tax_calculation_rounding_method'] },
				anyCompany: true,
			});
			return { id, name: row.name, currencyId: row.currency_id[0], currency: row.currency_id[1], roundGlobally: row.tax_calculation_rounding_method === 'round_globally' };
		})();
		this.companyPromise.catch(() => (this.companyPromise = undefined));
		return await this.companyPromise;
	}

	/** Calls `model.method` in the credential's company and returns its result; Odoo errors become NodeApiError. */
	async call<T = unknown>(model: string, method: string, opts: CallOptions = {}): Promise<T> {
		if (!opts.anyCompany) {
			// Every record is created in and read from the one company (Odoo's multi-company context).
			const company = await this.company();
			const context = { allowed_company_ids: [company.id], ...((opts.kwargs?.context as IDataObject | undefined) ?? {}) };
			opts = { ...opts, kwargs: { ...(opts.kwargs ?? {}), context } };
		}
		const what = `${model}.${method}`;
		const idempotent = opts.idempotent ?? READ_METHODS.has(method);
		for (let attempt = 0; ; attempt++) {
			try {
				const positionalOk = (opts.args ?? []).length <= (JSON2_PARAMS[method]?.length ?? 0);
				if ((await this.json2Enabled()) && positionalOk) return (await this.json2(model, method, { ...opts, idempotent }, what)) as T;
				const uid = await this.uid();
				const positional = opts.ids ? [opts.ids, ...(opts.args ?? [])] : (opts.args ?? []);
				return (await this.jsonRpc(
					'object',
					'execute_kw',
					[this.creds.database, uid, this.secret, model, method, positional, opts.kwargs ?? {}],
					idempotent,
					opts.itemIndex,
					what,
				)) as T;
			} catch (error) {
				if (!(error instanceof OdooApiError)) throw passOn(this.node, error);
				// Odoo rolled the transaction back; it retries most of these itself, and so may we.
				if (isConcurrencyError(error.data) && attempt < this.retry.retries) {
					this.stats.retries++;
					await sleep(backoffMs(attempt, this.retry));
					continue;
				}
				throw this.toNodeError(error, what, opts.itemIndex);
			}
		}
	}

	toNodeError(error: OdooApiError, what: string, itemIndex?: number): NodeApiError {
		const short = error.data.name.split('.').pop();
		return this.apiError(`Odoo: ${error.data.message.trim()}`, `${short} (${error.data.name}) in ${what}`, error.httpCode, itemIndex, {
			name: error.data.name,
			message: this.redact(error.data.message),
		});
	}

	/** fields_get of a model, once per client. */
	async fields(model: string): Promise<Record<string, OdooField>> {
		let p = this.fieldsCache.get(model);
		if (!p) {
			p = this.call<Record<string, OdooField>>(model, 'fields_get', { kwargs: { attributes: ['type', 'string', 'required', 'relation', 'readonly', 'selection'] } });
			this.fieldsCache.set(model, p);
			p.catch(() => this.fieldsCache.delete(model));
		}
		return await p;
	}
}

export interface OdooField {
	type: string;
	string: string;
	required?: boolean;
	readonly?: boolean;
	relation?: string;
	selection?: Array<[string, string]>;
}

/** Odoo reports an unknown database as PostgreSQL's connection failure (psycopg2.OperationalError). */
function isUnknownDatabase(data: OdooErrorData, database: string): boolean {
	return /OperationalError/.test(data.name) && (data.message.includes(`database "${database}" does not exist`) || /database .* does not exist/.test(data.message));
}

function isOdooErrorBody(body: unknown): boolean {
	if (!body || typeof body !== 'object') return false;
	const b = body as Record<string, unknown>;
	return (typeof b.name === 'string' && typeof b.message === 'string') || (typeof b.error === 'object' && b.error !== null && 'data' in (b.error as object));
}
